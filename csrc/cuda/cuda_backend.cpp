// The CUDA glue, and the only CUDA file that sees torch: it makes the tensors' device current, takes
// torch's current stream on it, calls the torch-free launchers of kernels.cuh, checks the launch, and
// registers (1) the kernels as the CUDA entry of the backend table and (2) the device-independent ops
// of ops.h as the CUDA implementations of the reshapeops schemas.
// Everything is enqueued on the current stream without host synchronisation, so the ops follow
// `with torch.cuda.stream(s)` and can be captured into CUDA graphs.
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/library.h>

#include <atomic>

#include "../ops/backend.h"
#include "../ops/impl_all.h"
#include "kernels.cuh"

namespace reshapeops {

namespace {

// Benchmarks switch to the naive kernels with torch.ops.reshapeops._cuda_naive(True).
std::atomic<bool> naive_kernels{false};

bool set_naive_kernels(bool enable) { return naive_kernels.exchange(enable); }

void run_copy_plan_cuda(const CopyPlan& plan, const void* src, void* dst, c10::Device device) {
  const c10::cuda::CUDAGuard guard(device);
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream(device.index()).stream();
  C10_CUDA_CHECK(naive_kernels.load(std::memory_order_relaxed)
                     ? gpu::copy_naive(plan, src, dst, stream)
                     : gpu::run_copy_plan(plan, src, dst, stream));
}

void cat_contiguous_cuda(const CatInputs& inputs, int64_t outer, int64_t out_row_bytes,
                         int element_size, char* out, c10::Device device) {
  const c10::cuda::CUDAGuard guard(device);
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream(device.index()).stream();
  C10_CUDA_CHECK(naive_kernels.load(std::memory_order_relaxed)
                     ? gpu::cat_naive(inputs, outer, out_row_bytes, element_size, out, stream)
                     : gpu::cat_contiguous(inputs, outer, out_row_bytes, element_size, out, stream));
}

const bool registered =
    register_backend(c10::DeviceType::CUDA, Backend{run_copy_plan_cuda, cat_contiguous_cuda});

}  // namespace

}  // namespace reshapeops

TORCH_LIBRARY_FRAGMENT(reshapeops, m) {
  m.def("_cuda_naive(bool enable) -> bool", &reshapeops::set_naive_kernels);
}

TORCH_LIBRARY_IMPL(reshapeops, CUDA, m) { reshapeops::impl_all_ops(m); }
