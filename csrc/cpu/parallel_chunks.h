// Work split for kernels that walk rows: every row of the outer dims is cut into chunks, and the
// (row, chunk) pairs are shared among threads. A plan with one long row (a flat strided gather) or a few
// (a batch of two) keeps all cores busy, while short rows still cost one odometer step each.
#pragma once

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdint>

#include "outer_walker.h"

namespace reshapeops::cpu {

// Runs run(src_offset, dst_offset, start, length) for chunks [start, start + length) of `extent`
// elements in every row of `rows`, chunks of at most `chunk` elements, at least `grain` per task.
template <typename F>
void for_each_chunk(const OuterWalker& rows, int64_t extent, int64_t chunk, int64_t grain, F&& run) {
  const int64_t chunks = (extent + chunk - 1) / chunk;
  at::parallel_for(0, rows.count() * chunks, grain, [&](int64_t begin, int64_t end) {
    OuterWalker walker = rows;
    int64_t current_row = begin / chunks;
    walker.seek(current_row);
    for (int64_t item = begin; item < end; ++item) {
      if (item / chunks != current_row) {
        walker.next();
        current_row = item / chunks;
      }
      const int64_t start = (item % chunks) * chunk;
      run(walker.src_offset, walker.dst_offset, start, std::min(chunk, extent - start));
    }
  });
}

}  // namespace reshapeops::cpu
