#!/usr/bin/env bash
# On a GPU machine: build the extension with its CUDA kernels, run the CUDA tests, then print GB/s of
# reshapeops permute/stack/cat against torch, the naive CUDA kernels and a plain device copy, for a few
# cases of >= 64 MB (CUDA events, warm-up, median of repeats). Writes JSON to $OUT/gpu_check.json when
# OUT is set. Usage: tools/gpu_check.sh [--no-build] [--no-tests]
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python}"
build=1 tests=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --no-tests) tests=0 ;;
  esac
done
"$PY" -c "import torch; assert torch.cuda.is_available(), 'no GPU'; print(torch.__version__, torch.version.cuda, torch.cuda.get_device_name())"
if [ "$build" = 1 ]; then
  tools/compile_cuda.sh
  MAX_JOBS="${MAX_JOBS:-8}" "$PY" setup.py build_ext --inplace
fi
if [ "$tests" = 1 ]; then
  "$PY" -m pytest -q -rs tests/test_cuda.py
fi
"$PY" - <<'PYEOF'
import json, os, statistics, sys
import torch
sys.path.insert(0, os.getcwd())
import reshapeops

def time_ms(fn, warmup=3, reps=20):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record(); fn(); b.record()
        b.synchronize()
        times.append(a.elapsed_time(b))
    return statistics.median(times)

def naive(fn):
    def run():
        was = torch.ops.reshapeops._cuda_naive(True)
        try:
            return fn()
        finally:
            torch.ops.reshapeops._cuda_naive(was)
    return run

def rand(shape, dtype):
    n = 1
    for s in shape:
        n *= s
    return torch.randint(0, 256, (n * dtype.itemsize,), dtype=torch.uint8, device="cuda").view(dtype).view(shape)

cases = []
def permute_case(name, shape, dims, dtype):
    x = rand(shape, dtype)
    cases.append((name, 2 * x.nbytes, {
        "reshapeops": lambda: reshapeops.permute(x, dims),
        "torch": lambda: x.permute(dims).contiguous(),
        "naive": naive(lambda: reshapeops.permute(x, dims)),
        "device_copy": lambda: x.clone(),
    }))

def stack_case(name, shape, count, dim, dtype):
    xs = [rand(shape, dtype) for _ in range(count)]
    nbytes = 2 * sum(t.nbytes for t in xs)
    flat = torch.cat([t.reshape(-1) for t in xs])
    cases.append((name, nbytes, {
        "reshapeops": lambda: reshapeops.stack(xs, dim),
        "torch": lambda: torch.stack(xs, dim),
        "naive": naive(lambda: reshapeops.stack(xs, dim)),
        "device_copy": lambda: flat.clone(),
    }))

permute_case("nchw->nhwc f32 64x3x512x512 (thin C=3)", (64, 3, 512, 512), (0, 2, 3, 1), torch.float32)
permute_case("nchw->nhwc bf16 32x256x64x64", (32, 256, 64, 64), (0, 2, 3, 1), torch.bfloat16)
permute_case("nhwc->nchw u8 64x512x512x3 (thin)", (64, 512, 512, 3), (0, 3, 1, 2), torch.uint8)
permute_case("transpose u8 8192x8192 (packed)", (8192, 8192), (1, 0), torch.uint8)
permute_case("transpose f32 8192x4096", (8192, 4096), (1, 0), torch.float32)
permute_case("transpose c128 2048x4096", (2048, 4096), (1, 0), torch.complex128)
permute_case("swap middle dims f16 (rows) 16x512x64x128", (16, 512, 64, 128), (0, 2, 1, 3), torch.float16)
stack_case("stack 8 x f32 [4096,1024] dim 0", (4096, 1024), 8, 0, torch.float32)
stack_case("stack 8 x f32 [4096,1024] dim -1", (4096, 1024), 8, -1, torch.float32)
stack_case("stack 256 x bf16 [256,1024] dim 1", (256, 1024), 256, 1, torch.bfloat16)

results = []
print(f"{'case':48s} " + " ".join(f"{k:>12s}" for k in ("reshapeops", "torch", "naive", "device_copy")) + "   (GB/s, bytes read + written)")
for name, nbytes, fns in cases:
    row = {"case": name, "bytes": nbytes}
    for k, fn in fns.items():
        ms = time_ms(fn)
        row[k + "_ms"] = ms
        row[k + "_GBps"] = nbytes / ms / 1e6
    results.append(row)
    print(f"{name:48s} " + " ".join(f"{row[k + '_GBps']:12.1f}" for k in fns))
    del fns
    torch.cuda.empty_cache()

out = os.environ.get("OUT")
if out:
    path = os.path.join(out, "gpu_check.json")
    with open(path, "w") as f:
        json.dump({"device": torch.cuda.get_device_name(), "torch": torch.__version__, "cases": results}, f, indent=1)
    print("wrote", path)
PYEOF
