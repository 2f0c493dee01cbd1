// Dispatch of a plan to its kernel, and the simplest kernel of all.
// Contiguous: source and destination are one flat run each, so the copy is a device-to-device
// cudaMemcpyAsync on the stream: the driver's copy engine path runs at full bandwidth, is captured
// into CUDA graphs as a memcpy node, and needs no launch configuration.
// Bytes moved: 2 * numel * element_size.
#include "common.cuh"
#include "kernels.cuh"

namespace reshapeops::gpu {

cudaError_t copy_contiguous(const CopyPlan& plan, const void* src, void* dst, cudaStream_t stream) {
  const size_t bytes = static_cast<size_t>(plan.numel) * static_cast<size_t>(plan.element_size);
  return cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, stream);
}

cudaError_t run_copy_plan(const CopyPlan& plan, const void* src, void* dst, cudaStream_t stream) {
  switch (plan.kernel) {
    case CopyKernel::Empty: return cudaSuccess;
    case CopyKernel::Contiguous: return copy_contiguous(plan, src, dst, stream);
    case CopyKernel::Rows: return copy_rows(plan, src, dst, stream);
    case CopyKernel::Transpose: return copy_transpose(plan, src, dst, stream);
    case CopyKernel::Strided: return copy_strided(plan, src, dst, stream);
  }
  return cudaErrorInvalidValue;
}

}  // namespace reshapeops::gpu
