// Strided gather: the fallback for plans with no dim near stride 1 in the source (a slice with a
// step, an expanded dim in the innermost position, a destination that is itself strided).
// One thread per element, in destination order so writes are as coalesced as the destination allows;
// each element's source and destination offsets come from a div/mod walk over the plan's dims.
// Why it is (reasonably) fast: 32-bit index arithmetic whenever numel and every offset fit, which
// makes the per-element div/mod several times cheaper than 64-bit; each thread handles 4 elements
// with their loads issued before their stores.
// Bytes moved: 2 * numel * element_size, but a read may cost a whole 32-byte sector per element.
// Where it stops being right: whenever a dim has source stride 1 the rows or transpose kernels win.
#include "common.cuh"
#include "kernels.cuh"

namespace reshapeops::gpu {

namespace {

constexpr int kThreads = 256;
constexpr int kPerThread = 4;

template <typename T, typename Index>
__global__ void __launch_bounds__(kThreads)
strided_kernel(const T* __restrict__ src, T* __restrict__ dst, const __grid_constant__ Dims dims, Index numel) {
  const Index per_block = Index(kThreads) * kPerThread;
  for (Index base = Index(blockIdx.x) * per_block; base < numel; base += Index(gridDim.x) * per_block) {
    T v[kPerThread];
    Index d_off[kPerThread];
#pragma unroll
    for (int u = 0; u < kPerThread; ++u) {
      const Index i = base + Index(u) * kThreads + threadIdx.x;
      if (i < numel) {
        Index s_off;
        dims.offsets<Index>(i, s_off, d_off[u]);
        v[u] = src[s_off];
      }
    }
#pragma unroll
    for (int u = 0; u < kPerThread; ++u) {
      const Index i = base + Index(u) * kThreads + threadIdx.x;
      if (i < numel) dst[d_off[u]] = v[u];
    }
  }
}

}  // namespace

cudaError_t copy_strided(const CopyPlan& plan, const void* src, void* dst, cudaStream_t stream) {
  const Dims dims = plan_dims(plan, plan.rank);
  const bool small = fits_int32(plan);
  const int64_t blocks = (plan.numel + kThreads * kPerThread - 1) / (kThreads * kPerThread);
  const unsigned int grid = grid_for(blocks);
  with_element_type(plan.element_size, [&](auto tag) {
    using T = decltype(tag);
    if (small) {
      strided_kernel<T, int32_t><<<grid, kThreads, 0, stream>>>(
          static_cast<const T*>(src), static_cast<T*>(dst), dims, static_cast<int32_t>(plan.numel));
    } else {
      strided_kernel<T, int64_t><<<grid, kThreads, 0, stream>>>(
          static_cast<const T*>(src), static_cast<T*>(dst), dims, plan.numel);
    }
  });
  return cudaGetLastError();
}

}  // namespace reshapeops::gpu
