// Row copy: the innermost dim has stride 1 in source and destination (a permute that keeps the last
// dim, a slice, a reshape of a narrowed tensor). Each row is one memcpy (whole-vector moves of the
// widest instruction set for rows up to a kilobyte); the outer dims are walked
// with an odometer, so addressing costs a few adds per row, not per element.
// Past the cache, rows of at least kStreamRowBytes are written with streaming stores (no read for
// ownership): measured on attention-head splits and merges of 16-128 MB, 1.3-1.8x faster than
// ordinary stores for rows of 128-512 bytes. Rows of one line stream only when each is a whole line:
// a row that straddles two would leave two partial lines, each written as a read and a merge. Those
// that stream are taken in turns from two sources whose rows are neighbours in the destination, as
// the memory takes lines written alone slowly (in_turns_of_neighbours).
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
// fast (77-81% -> 105-117% of copy); the head merge 0.89-1.10x, within the noise, until its rows were
// taken in turns (in_turns_of_neighbours).
bool rows_are_whole_lines(const CopyPlan& plan, int64_t row_bytes, const char* dst) {
  if (row_bytes != 64 || reinterpret_cast<uintptr_t>(dst) % 64 != 0) return false;
  for (int i = 0; i < plan.rank - 1; ++i) {
    if (plan.dst_strides[i] * plan.element_size % 64 != 0) return false;
  }
  return true;
}

// Rows of one line, streamed in the source's order, land one at a time in the destination; where the
// rows before and after each (in the destination) come from elsewhere in the source, as in a head
// merge (b, h, s, d) -> (b, s, h, d) with d of 64 bytes, each line is written alone, 16 heads' rows
// (1 KB) from the last one. The memory takes such lines slowly when they are a multiple of 512 bytes
// apart: a test program streaming 64-byte rows from one sequential source to rows 512 B to 4 KB apart
// ran 23-28 GB/s on one thread, against 45-47 GB/s for rows 768 or 1,280 B apart and 48-55 for a
// streamed copy. Taken in turns from two sources whose rows are neighbours in the destination (16 rows
// from head h, the same 16 from head h + 1, and so on), every line is soon followed by its neighbour,
// and the same program ran 43-51 GB/s at every spacing; turns of 8 or 16 rows did as well, a single
// row per turn less so, and four heads' rows at once (four sources) 24-31 GB/s.
constexpr int64_t kTurnRows = 16;

// `ordered` (rows in the source's order) walked in turns: the dim whose rows are neighbours in the
// destination is split in pairs, the walk's innermost dim in turns of up to kTurnRows rows, and both
// inner parts go innermost, so the walk copies a turn of rows from one of the pair, then the same turn
// from the other. Unchanged where there is no such pair of dims, or the turns would be under 4 rows.
CopyPlan in_turns_of_neighbours(const CopyPlan& ordered) {
  const int last = ordered.rank - 1, inner = last - 1;
  if (inner < 1 || ordered.rank + 2 > kMaxPlanRank) return ordered;
  const int64_t row = ordered.sizes[last];
  int near = -1;
  for (int d = 0; d < inner; ++d) {
    if (ordered.dst_strides[d] == row && ordered.sizes[d] % 2 == 0) near = d;
  }
  int64_t turn = kTurnRows;
  while (turn > 1 && ordered.sizes[inner] % turn != 0) turn /= 2;
  if (near < 0 || turn < 4) return ordered;
  CopyPlan turns = ordered;
  const int64_t sizes[3] = {2, turn, row};
  const int64_t src_strides[3] = {ordered.src_strides[near], ordered.src_strides[inner], ordered.src_strides[last]};
  const int64_t dst_strides[3] = {ordered.dst_strides[near], ordered.dst_strides[inner], ordered.dst_strides[last]};
  for (const auto& [d, factor] : {std::pair{near, int64_t{2}}, std::pair{inner, turn}}) {
    turns.sizes[d] /= factor;
    turns.src_strides[d] *= factor;
    turns.dst_strides[d] *= factor;
  }
  for (int i = 0; i < 3; ++i) {
    turns.sizes[last + i] = sizes[i];
    turns.src_strides[last + i] = src_strides[i];
    turns.dst_strides[last + i] = dst_strides[i];
  }
  turns.rank += 2;
  return turns;
}

}  // namespace

void copy_rows(const CopyPlan& plan, const char* src, char* dst) {
  const int64_t row_len = plan.sizes[plan.rank - 1];
  const int64_t row_bytes = row_len * plan.element_size;
  const bool line_rows = rows_are_whole_lines(plan, row_bytes, dst);
  const bool stream = (row_bytes >= kStreamRowBytes || line_rows) && use_streaming_stores(plan.numel * plan.element_size);
  CopyPlan walked = row_bytes <= kInlineRowBytes ? in_source_order(plan) : plan;
  if (stream && line_rows) walked = in_turns_of_neighbours(walked);
  const OuterWalker outer(walked, walked.rank - 1);
  if (row_bytes > 4 * kBytesPerTask) {  // few long rows: split each, so every core gets a share
    const int64_t es = plan.element_size;
    const int64_t chunk = kBytesPerTask / es;
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
