// Row copy: the innermost dim has stride 1 in source and destination (a permute that keeps the last
// dim, a slice, a reshape of a narrowed tensor). Each row is one memcpy (whole-vector moves of the
// widest instruction set for rows up to a kilobyte); the outer dims are walked
// with an odometer, so addressing costs a few adds per row, not per element.
// Past the cache, rows of at least kStreamRowBytes are written with streaming stores (no read for
// ownership): measured on attention-head splits and merges of 16-128 MB, 1.3-1.8x faster than
// ordinary stores for rows of 128-512 bytes. Rows of one line stream only when each is a whole line:
// a row that straddles two would leave two partial lines, each written as a read and a merge.
// Bytes moved: 2 * numel * element_size. Stops being right when rows get very short (a few elements):
// then per-row overhead dominates and the planner would rather see the dims folded or transposed.
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "kernels.h"
#include "outer_walker.h"
#include "parallel_chunks.h"
#include "parallel_grain.h"
#include "stream_store.h"
#include "transpose/tile_kernels.h"

namespace reshapeops::cpu {

namespace {

// Short rows are visited in the source's order rather than the destination's: a scattered read waits
// for memory while a scattered write does not, so sequential reads win (measured: 0.9x -> 1.0x torch
// on 512-byte rows of an attention-head split).
CopyPlan in_source_order(const CopyPlan& plan) {
  CopyPlan ordered = plan;
  for (int i = 1; i < ordered.rank - 1; ++i) {
    for (int j = i; j > 0 && ordered.src_strides[j - 1] < ordered.src_strides[j]; --j) {
      std::swap(ordered.sizes[j - 1], ordered.sizes[j]);
      std::swap(ordered.src_strides[j - 1], ordered.src_strides[j]);
      std::swap(ordered.dst_strides[j - 1], ordered.dst_strides[j]);
    }
  }
  return ordered;
}

// Rows up to this long are copied by the SIMD row loop of the widest instruction set; longer ones by
// memcpy, whose call overhead is then small next to the row.
constexpr int64_t kInlineRowBytes = 1024;
constexpr int64_t kStreamRowBytes = 128;

// Whether every destination row of 64 bytes is one whole line. Streamed, the head split of uint8
// (16 MB, rows of 64 bytes, cold caches, two threads, 13-15 alternating rounds) ran 1.34-1.52x as
// fast (77-81% -> 105-117% of copy); the head merge 0.89-1.10x, within the noise.
bool rows_are_whole_lines(const CopyPlan& plan, int64_t row_bytes, const char* dst) {
  if (row_bytes != 64 || reinterpret_cast<uintptr_t>(dst) % 64 != 0) return false;
  for (int i = 0; i < plan.rank - 1; ++i) {
    if (plan.dst_strides[i] * plan.element_size % 64 != 0) return false;
  }
  return true;
}

}  // namespace

void copy_rows(const CopyPlan& plan, const char* src, char* dst) {
  const int last = plan.rank - 1;
  const int64_t row_len = plan.sizes[last];
  const int64_t row_bytes = row_len * plan.element_size;
  const OuterWalker outer(row_bytes <= kInlineRowBytes ? in_source_order(plan) : plan, last);
  if (row_bytes > 4 * kBytesPerTask) {  // few long rows: split each, so every core gets a share
    const int64_t es = plan.element_size;
    const int64_t chunk = kBytesPerTask / es;
    const bool stream = use_streaming_stores(plan.numel * es);
    for_each_chunk(outer, row_len, chunk, 1, [&](int64_t so, int64_t do_, int64_t start, int64_t n) {
      write_run(stream, dst + (do_ + start) * es, src + (so + start) * es, n * es);
      if (stream) stream_fence();
    });
    return;
  }
  at::parallel_for(0, outer.count(), grain_for(row_bytes), [&](int64_t begin, int64_t end) {
    OuterWalker walker = outer;
    walker.seek(begin);
    // Runs of rows along the innermost outer dim have fixed strides: a tight loop, no odometer.
    const int64_t es = plan.element_size;
    const int64_t src_step = outer.rank ? outer.src_strides[outer.rank - 1] * es : 0;
    const int64_t dst_step = outer.rank ? outer.dst_strides[outer.rank - 1] * es : 0;
    const bool inline_rows = row_bytes <= kInlineRowBytes;
    const bool stream = (row_bytes >= kStreamRowBytes || rows_are_whole_lines(plan, row_bytes, dst)) &&
                        use_streaming_stores(plan.numel * es);
    const RowRunFn copy_rows_run = transpose_tile_kernel().copy_rows;
    for (int64_t r = begin; r < end;) {
      const int64_t n = std::min(walker.run_left(), end - r);
      const char* s = src + walker.src_offset * es;
      char* d = dst + walker.dst_offset * es;
      if (stream) {
        for (int64_t i = 0; i < n; ++i) stream_copy(d + i * dst_step, s + i * src_step, row_bytes);
      } else if (inline_rows) {
        copy_rows_run(s, src_step, d, dst_step, n, row_bytes);
      } else {
        for (int64_t i = 0; i < n; ++i) std::memcpy(d + i * dst_step, s + i * src_step, row_bytes);
      }
      walker.skip(n);
      r += n;
    }
    if (stream) stream_fence();
  });
}

}  // namespace reshapeops::cpu
