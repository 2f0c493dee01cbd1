// Strided gather: the fallback for plans with no dim near stride 1 in the source (a slice with a
// step, an expanded dim in the innermost position). Writes run along the destination's fastest dim;
// reads jump by a fixed stride, so each element costs a cache line in the worst case.
// A broadcast or a slice with a small step (2-4) into contiguous rows takes the SIMD gather of the
// transpose kernels' instruction set (transpose/interleave.h); past the cache, slices stream their
// output from registers (transpose/streamed_step.h).
// Bytes moved: 2 * numel * element_size, but up to a cache line read per element.
#include <algorithm>

#include "../plan/element_types.h"
#include "kernels.h"
#include "outer_walker.h"
#include "parallel_chunks.h"
#include "parallel_grain.h"
#include "stream_store.h"
#include "transpose/tile_kernels.h"

namespace reshapeops::cpu {

void copy_strided(const CopyPlan& plan, const char* src, char* dst) {
  const int last = plan.rank - 1;
  const int64_t row_len = plan.sizes[last];
  const OuterWalker outer(plan, last);
  const int64_t src_step = plan.src_strides[last], dst_step = plan.dst_strides[last];
  const int64_t es = plan.element_size;
  // A broadcast or a small-step slice into contiguous rows: the SIMD gather of the widest ISA, its
  // output streamed where it is past the cache (and the ISA has a streamed gather).
  const TransposeTileKernel& kernel = transpose_tile_kernel();
  const int step = src_step >= 0 && src_step <= 4 ? static_cast<int>(src_step) : -1;  // -1: no gather
  const bool stream = use_streaming_stores(plan.numel * es) &&
                      kernel.gather_step_streamed(step, plan.element_size, src, 0, dst);
  const GatherStepFn gather_step = stream ? kernel.gather_step_streamed : kernel.gather_step;
  // Rows are cut into chunks of about kBytesPerTask written, so one long row still uses every core.
  const int64_t chunk = std::max<int64_t>(1, kBytesPerTask / es);
  const int64_t grain = std::max<int64_t>(1, chunk / row_len);
  if (dst_step == 1 && es <= 8 && gather_step(step, plan.element_size, src, 0, dst)) {
    for_each_chunk(outer, row_len, chunk, grain, [&](int64_t so, int64_t do_, int64_t start, int64_t n) {
      gather_step(step, plan.element_size, src + (so + start * src_step) * es, n, dst + (do_ + start) * es);
    });
    return;
  }
  with_element_type(plan.element_size, [&](auto tag) {
    using T = decltype(tag);
    const T* s = reinterpret_cast<const T*>(src);
    T* d = reinterpret_cast<T*>(dst);
    for_each_chunk(outer, row_len, chunk, grain, [&](int64_t so, int64_t do_, int64_t start, int64_t n) {
      const T* from = s + so + start * src_step;
      T* to = d + do_ + start * dst_step;
      for (int64_t i = 0; i < n; ++i) to[i * dst_step] = from[i * src_step];
    });
  });
}

}  // namespace reshapeops::cpu
