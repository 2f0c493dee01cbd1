"""Builds reshapeops._C: the C++ ops, and the CUDA kernels when torch and a CUDA toolkit allow it."""
import glob
import os

from setuptools import find_packages, setup
from torch.utils import cpp_extension

ROOT = os.path.dirname(os.path.abspath(__file__))


def sources(pattern):
    return sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, pattern), recursive=True))


def cuda_wanted():
    """CUDA kernels need a CUDA build of torch (its headers) and nvcc; a visible GPU is not required."""
    if os.environ.get("FORCE_CUDA") == "1":
        return True
    return cpp_extension.CUDA_HOME is not None and __import__("torch").version.cuda is not None


cpu_sources = [p for p in sources("csrc/**/*.cpp") if not p.startswith(os.path.join("csrc", "cuda"))]
# torch's CPU build runs at::parallel_for through OpenMP pragmas inlined from its headers: without
# -fopenmp they compile to a serial loop. The loader reuses the libgomp torch has already loaded.
cxx_flags = ["-O3", "-std=c++17", "-Wno-psabi", "-fopenmp"]
link_flags = ["-fopenmp"]

if cuda_wanted():
    # torch's BuildExtension compiles for TORCH_CUDA_ARCH_LIST; unset, it would pick the visible GPU
    # (or every arch torch knows). Default to the GPUs the kernels are written for: A100 and H100/H200.
    os.environ.setdefault("TORCH_CUDA_ARCH_LIST", "8.0;9.0")
    extension = cpp_extension.CUDAExtension(
        "reshapeops._C",
        cpu_sources + sources("csrc/cuda/*.cpp") + sources("csrc/cuda/*.cu"),
        extra_compile_args={"cxx": cxx_flags + ["-DRESHAPEOPS_WITH_CUDA"], "nvcc": ["-O3", "-std=c++17"]},
        extra_link_args=link_flags,
    )
else:
    extension = cpp_extension.CppExtension(
        "reshapeops._C", cpu_sources, extra_compile_args=cxx_flags, extra_link_args=link_flags
    )

setup(
    packages=find_packages(include=["reshapeops", "reshapeops.*"]),
    ext_modules=[extension],
    cmdclass={"build_ext": cpp_extension.BuildExtension},
)
