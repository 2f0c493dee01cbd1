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


def _cpu_identity():
    """Family, model and stepping, which name the microarchitecture where the model name does not (a VM
    may report only "AMD EPYC", and the development VMs have been both Zen 4 and Zen 5)."""
    fields = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key in ("cpu family", "model", "stepping") and key not in fields:
                    fields[key] = value.strip()
                if not line.strip():
                    break
    except OSError:
        return ""
    return ", ".join(f"{k} {v}" for k, v in fields.items())


def _cpu_caches():
    """Each cache level's size as the kernel reports it for CPU 0, e.g. {"L1d": "32K", "L2": "1024K"}."""
    def read(index, name):
        with open(os.path.join(root, index, name)) as f:
            return f.read().strip()

    caches = {}
    root = "/sys/devices/system/cpu/cpu0/cache"
    try:
        for index in sorted(d for d in os.listdir(root) if d.startswith("index")):
            kind = read(index, "type")
            if kind != "Instruction":
                caches[f"L{read(index, 'level')}" + ("d" if kind == "Data" else "")] = read(index, "size")
    except OSError:
        pass
    return caches


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
        info["cpu_identity"] = _cpu_identity()
        info["cpu_caches"] = _cpu_caches()
        info["simd"] = plan.get("isa", "")
        info["transparent_huge_pages"] = _transparent_huge_pages()
    if device == "cuda":
        info["gpu"] = torch.cuda.get_device_name()
        info["cuda"] = torch.version.cuda
    return info


def where(info):
    """One line naming the machine: the GPU, or the CPU with its identity and caches."""
    if info.get("gpu"):
        return info["gpu"]
    details = [info["cpu_identity"]] if info.get("cpu_identity") else []
    if info.get("cpu_caches"):
        details.append(", ".join(f"{level} {size}" for level, size in info["cpu_caches"].items()))
    return f"{info['cpu']} ({'; '.join(details)})" if details else info["cpu"]
