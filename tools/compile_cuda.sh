#!/usr/bin/env bash
# Compiles every csrc/cuda/*.cu with nvcc for sm_80 and sm_90, without torch and without a GPU: the .cu
# files include only the CUDA runtime and the project's torch-free headers, so this catches every
# device-code error on any machine with a CUDA toolkit. Objects go to a temporary directory.
# Usage: tools/compile_cuda.sh [extra nvcc flags...]   (NVCC=/path/to/nvcc to choose the compiler)
set -euo pipefail
cd "$(dirname "$0")/.."
NVCC="${NVCC:-nvcc}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
shopt -s nullglob
files=(csrc/cuda/*.cu)
if [ ${#files[@]} -eq 0 ]; then
  echo "compile_cuda: no .cu files" >&2
  exit 1
fi
for f in "${files[@]}"; do
  echo "nvcc $f"
  "$NVCC" -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90 -std=c++17 -O3 \
    -Xcompiler -Wall -Werror all-warnings "$@" -c "$f" -o "$out/$(basename "$f").o"
done
echo "compile_cuda: ${#files[@]} files compiled for sm_80 and sm_90"
