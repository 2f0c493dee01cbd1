"""A description of where the numbers were taken, stored with them."""
import datetime
import os
import platform

import numpy as np
import torch


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _transparent_huge_pages():
    """The kernel's mode ("always", "madvise" or "never"), and whether torch's allocator asks for them."""
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            mode = f.read().split("[")[1].split("]")[0]
    except (OSError, IndexError):
        mode = "unknown"
    return {"mode": mode, "THP_MEM_ALLOC_ENABLE": os.environ.get("THP_MEM_ALLOC_ENABLE", "")}


def describe(device):
    info = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "device": device,
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
    if device == "cpu":
        from reshapeops import _C

        plan = _C.describe_plan([64, 64], [1, 64], [64, 1], 4)
        info["simd"] = plan.get("isa", "")
        info["transparent_huge_pages"] = _transparent_huge_pages()
    if device == "cuda":
        info["gpu"] = torch.cuda.get_device_name()
        info["cuda"] = torch.version.cuda
    return info
