// The naive kernels, kept as the yardstick the fast ones are measured against (and a readable spec):
// one thread per element, 64-bit div/mod over every plan dim for every element, one element-sized
// load and store per thread, no tiling, no vectors. cat is one such launch per input, the way a loop
// of copy_() calls would do it.
// Bytes moved: 2 * numel * element_size; uncoalesced on whichever side is not walked in order.
// Where it stops being right: never used by the ops; reached only through _cuda_naive(True).
#include "common.cuh"
#include "kernels.cuh"

namespace reshapeops::gpu {

namespace {

constexpr int kThreads = 256;

template <typename T>
__global__ void naive_kernel(const T* src, T* dst, const __grid_constant__ Dims dims, int64_t numel) {
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < numel;
       i += int64_t(gridDim.x) * blockDim.x) {
    int64_t s, d;
    dims.offsets<int64_t>(i, s, d);
    dst[d] = src[s];
  }
}

}  // namespace

cudaError_t copy_naive(const CopyPlan& plan, const void* src, void* dst, cudaStream_t stream) {
  if (plan.kernel == CopyKernel::Empty) return cudaSuccess;
  const Dims dims = plan_dims(plan, plan.rank);
  const unsigned int grid = grid_for((plan.numel + kThreads - 1) / kThreads);
  with_element_type(plan.element_size, [&](auto tag) {
    using T = decltype(tag);
    naive_kernel<T><<<grid, kThreads, 0, stream>>>(static_cast<const T*>(src), static_cast<T*>(dst),
                                                   dims, plan.numel);
  });
  return cudaGetLastError();
}

cudaError_t cat_naive(const CatInputs& inputs, int64_t outer, int64_t out_row_bytes, int element_size,
                      char* out, cudaStream_t stream) {
  int64_t offset = 0;
  for (int64_t j = 0; j < inputs.count; ++j) {
    const int64_t len = inputs.row_bytes[j] / element_size;
    if (len > 0 && outer > 0) {
      CopyPlan plan;
      plan.kernel = CopyKernel::Strided;
      plan.element_size = element_size;
      plan.rank = 2;
      plan.numel = outer * len;
      plan.sizes[0] = outer;
      plan.sizes[1] = len;
      plan.src_strides[0] = len;
      plan.src_strides[1] = 1;
      plan.dst_strides[0] = out_row_bytes / element_size;
      plan.dst_strides[1] = 1;
      const cudaError_t err = copy_naive(plan, inputs.data[j], out + offset, stream);
      if (err != cudaSuccess) return err;
    }
    offset += inputs.row_bytes[j];
  }
  return cudaSuccess;
}

}  // namespace reshapeops::gpu
