"""How much of an allocating call is page faults, and what advising huge pages saves.

A fresh output's pages are mapped on first write. reshapeops advises 2 MB pages on large fresh outputs
(csrc/ops/allocate.cpp); RESHAPEOPS_HUGE_PAGES=0 turns that off. The setting is read once per process,
so each variant runs in its own child process; all of them time the same 64 MB float32 transpose.
"""
import json
import os
import subprocess
import sys

_PROBE = """
import json, torch, reshapeops
from benchmarks.timing import Clock, measure
x = torch.randn(4096, 4096)
out = torch.empty(4096, 4096)
t = measure({"out": lambda: reshapeops.permute(x, (1, 0), out=out),
             "alloc": lambda: reshapeops.permute(x, (1, 0)),
             "torch alloc": lambda: x.t().contiguous()}, Clock("cpu"), rounds=9, min_seconds=0)
print(json.dumps(t))
"""


def _probe(huge_pages):
    env = dict(os.environ, RESHAPEOPS_HUGE_PAGES="1" if huge_pages else "0")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run([sys.executable, "-c", _PROBE], env=env, cwd=root, capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run():
    with_huge, without = _probe(True), _probe(False)
    result = {
        "case": "permute 4096x4096 float32 (64 MB), (1, 0)",
        "out_ms": with_huge["out"] * 1e3,
        "alloc_huge_pages_ms": with_huge["alloc"] * 1e3,
        "alloc_small_pages_ms": without["alloc"] * 1e3,
        "torch_alloc_ms": with_huge["torch alloc"] * 1e3,
    }
    print("\nfirst touch: " + result["case"])
    print(f"  into out=                      {result['out_ms']:7.2f} ms")
    print(f"  allocating, 2 MB pages advised {result['alloc_huge_pages_ms']:7.2f} ms")
    print(f"  allocating, 4 KB pages         {result['alloc_small_pages_ms']:7.2f} ms")
    print(f"  torch x.t().contiguous()       {result['torch_alloc_ms']:7.2f} ms")
    return result
