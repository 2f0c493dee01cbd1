// Row copy: the innermost dim has stride 1 in source and destination (a permute that keeps the last
// dim, a slice, a reshape of a narrowed tensor). Each row is one memcpy (inlined vector moves for
// rows up to 128 bytes); the outer dims are walked
// with an odometer, so addressing costs a few adds per row, not per element.
// Rows are written with ordinary stores: measured on the development machine, streaming stores made
// row copies slower (rows are whole runs already, and memcpy's own wide stores win).
// Bytes moved: 2 * numel * element_size. Stops being right when rows get very short (a few elements):
// then per-row overhead dominates and the planner would rather see the dims folded or transposed.
#include <ATen/Parallel.h>

#include <cstring>

#include "kernels.h"
#include "outer_walker.h"
#include "parallel_chunks.h"
#include "parallel_grain.h"

namespace reshapeops::cpu {

namespace {

// Rows of up to 128 bytes: a memcpy call per row costs about as much as moving the row. Fixed-size
// moves inline into plain vector loads and stores; the last one overlaps the one before it, so any
// length takes one pass with no byte loop (source and destination never overlap).
inline void copy_row_inline(char* d, const char* s, int64_t n) {
  if (n >= 32) {
    for (int64_t i = 0; i + 32 <= n; i += 32) std::memcpy(d + i, s + i, 32);
    std::memcpy(d + n - 32, s + n - 32, 32);
  } else if (n >= 16) {
    std::memcpy(d, s, 16);
    std::memcpy(d + n - 16, s + n - 16, 16);
  } else if (n >= 8) {
    std::memcpy(d, s, 8);
    std::memcpy(d + n - 8, s + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(d, s, 4);
    std::memcpy(d + n - 4, s + n - 4, 4);
  } else {
    for (int64_t i = 0; i < n; ++i) d[i] = s[i];
  }
}

constexpr int64_t kInlineRowBytes = 128;

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
    const int64_t es = plan.element_size;
    if (row_bytes <= kInlineRowBytes) {
      for (int64_t r = begin; r < end; ++r) {
        copy_row_inline(dst + walker.dst_offset * es, src + walker.src_offset * es, row_bytes);
        walker.next();
      }
      return;
    }
    for (int64_t r = begin; r < end; ++r) {
      std::memcpy(dst + walker.dst_offset * es, src + walker.src_offset * es, row_bytes);
      walker.next();
    }
  });
}

}  // namespace reshapeops::cpu
