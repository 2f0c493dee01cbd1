// Row copy: the innermost dim has stride 1 in source and destination (a permute that keeps the last
// dim, a slice, a reshape of a narrowed tensor, a cat of strided inputs). The plan is seen as `rows`
// rows of `row_bytes` bytes, each at its own source and destination offset.
// Why it is fast: rows are moved with the widest vector (16, 8, 4, 2 bytes) that every row start and
// the row length allow, each thread keeping 4 loads in flight; the outer dims are resolved by one
// div/mod pass per row (per work item), never per element. Long rows are cut into chunks so a few
// huge rows still spread over all SMs; short rows share a block (a group of lanes per row).
// Bytes moved: 2 * numel * element_size.
// Where it stops being right: rows of a few bytes (e.g. 1-2 elements) whose offsets are misaligned
// spend more on per-row index math than on data; the planner folds such dims away when it can, and a
// transpose plan handles the rest.
#include "common.cuh"
#include "kernels.cuh"

namespace reshapeops::gpu {

namespace {

constexpr int kThreads = 256;
constexpr int kUnroll = 4;

// One work item = `lanes` threads copying vectors [chunk * chunk_len, ...) of one row.
template <typename V>
__global__ void __launch_bounds__(kThreads)
rows_kernel(const char* __restrict__ src, char* __restrict__ dst, const __grid_constant__ Dims outer, int64_t row_vectors,
            int64_t chunks_per_row, int64_t chunk_len, int64_t items, int lanes, int64_t element_size) {
  const int group = threadIdx.x / lanes;
  const int lane = threadIdx.x - group * lanes;
  const int groups = kThreads / lanes;
  for (int64_t item = int64_t(blockIdx.x) * groups + group; item < items;
       item += int64_t(gridDim.x) * groups) {
    const int64_t row = item / chunks_per_row;
    const int64_t chunk = item - row * chunks_per_row;
    int64_t src_off, dst_off;
    outer.offsets<int64_t>(row, src_off, dst_off);
    const V* s = reinterpret_cast<const V*>(src + src_off * element_size);
    V* d = reinterpret_cast<V*>(dst + dst_off * element_size);
    const int64_t begin = chunk * chunk_len;
    const int64_t end = begin + chunk_len < row_vectors ? begin + chunk_len : row_vectors;
    int64_t i = begin + lane;
    for (; i + (kUnroll - 1) * lanes < end; i += kUnroll * lanes) {
      V v[kUnroll];
#pragma unroll
      for (int u = 0; u < kUnroll; ++u) v[u] = s[i + u * lanes];
#pragma unroll
      for (int u = 0; u < kUnroll; ++u) d[i + u * lanes] = v[u];
    }
    for (; i < end; i += lanes) d[i] = s[i];
  }
}

}  // namespace

cudaError_t copy_rows(const CopyPlan& plan, const void* src, void* dst, cudaStream_t stream) {
  const int last = plan.rank - 1;
  const int64_t es = plan.element_size;
  const int64_t row_bytes = plan.sizes[last] * es;
  const Dims outer = plan_dims(plan, last);
  const int64_t rows = outer.count();
  const uint64_t align = reinterpret_cast<uintptr_t>(src) | reinterpret_cast<uintptr_t>(dst) |
                         static_cast<uint64_t>(row_bytes) | stride_bits(outer, plan.element_size);
  with_vector_type(align, [&](auto tag) {
    using V = decltype(tag);
    const int64_t row_vectors = row_bytes / int64_t(sizeof(V));
    // Lanes per row: a power of two up to a whole block, no more than the row needs.
    int lanes = 1;
    while (lanes < kThreads && lanes < row_vectors) lanes *= 2;
    // Chunks of at most 4 vectors per lane; rows longer than that are split across work items.
    const int64_t chunk_len = int64_t(lanes) * kUnroll * 4;
    const int64_t chunks_per_row = (row_vectors + chunk_len - 1) / chunk_len;
    const int64_t items = rows * chunks_per_row;
    const int64_t groups = kThreads / lanes;
    const unsigned int grid = grid_for((items + groups - 1) / groups);
    rows_kernel<V><<<grid, kThreads, 0, stream>>>(static_cast<const char*>(src), static_cast<char*>(dst),
                                                  outer, row_vectors, chunks_per_row, chunk_len, items,
                                                  lanes, es);
  });
  return cudaGetLastError();
}

}  // namespace reshapeops::gpu
