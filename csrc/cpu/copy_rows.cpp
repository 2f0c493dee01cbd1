// Row copy: the innermost dim has stride 1 in source and destination (a permute that keeps the last
// dim, a slice, a reshape of a narrowed tensor). Each row is one memcpy; the outer dims are walked
// with an odometer, so addressing costs a few adds per row, not per element.
// Rows are written with ordinary stores: measured on the development machine, streaming stores made
// row copies slower (rows are whole runs already, and memcpy's own wide stores win).
// Bytes moved: 2 * numel * element_size. Stops being right when rows get very short (a few elements):
// then per-row overhead dominates and the planner would rather see the dims folded or transposed.
#include <ATen/Parallel.h>

#include <cstring>

#include "element.h"
#include "kernels.h"
#include "outer_walker.h"
#include "parallel_chunks.h"
#include "parallel_grain.h"

namespace reshapeops::cpu {

namespace {

// Short rows: a typed loop the compiler unrolls beats a memcpy call per row.
template <typename T>
void copy_short_rows(OuterWalker& walker, int64_t rows, int64_t row_len, const T* src, T* dst) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* s = src + walker.src_offset;
    T* d = dst + walker.dst_offset;
    for (int64_t i = 0; i < row_len; ++i) d[i] = s[i];
    walker.next();
  }
}

constexpr int64_t kShortRowBytes = 64;

}  // namespace

void copy_rows(const CopyPlan& plan, const char* src, char* dst) {
  const int last = plan.rank - 1;
  const int64_t row_len = plan.sizes[last];
  const int64_t row_bytes = row_len * plan.element_size;
  const OuterWalker outer(plan, last);
  if (row_bytes > 4 * kBytesPerTask) {  // few long rows: split each, so every core gets a share
    const int64_t es = plan.element_size;
    const int64_t chunk = kBytesPerTask / es;
    for_each_chunk(outer, row_len, chunk, 1, [&](int64_t so, int64_t do_, int64_t start, int64_t n) {
      std::memcpy(dst + (do_ + start) * es, src + (so + start) * es, n * es);
    });
    return;
  }
  at::parallel_for(0, outer.count(), grain_for(row_bytes), [&](int64_t begin, int64_t end) {
    OuterWalker walker = outer;
    walker.seek(begin);
    if (row_bytes <= kShortRowBytes) {
      with_element_type(plan.element_size, [&](auto tag) {
        using T = decltype(tag);
        copy_short_rows(walker, end - begin, row_len, reinterpret_cast<const T*>(src),
                        reinterpret_cast<T*>(dst));
      });
      return;
    }
    const int64_t es = plan.element_size;
    for (int64_t r = begin; r < end; ++r) {
      std::memcpy(dst + walker.dst_offset * es, src + walker.src_offset * es, row_bytes);
      walker.next();
    }
  });
}

}  // namespace reshapeops::cpu
