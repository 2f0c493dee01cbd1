// Software requests for lines a kernel will read soon: the next tile's source rows while this tile is
// written out (tile_buffer.h), the slices a many-input stack copies next (cat.cpp). Rows of a few lines
// each are too short for the hardware prefetcher to catch on, so without them a thread's reads wait.
//
// Which cache they should fill depends on the core. On cores whose L1 has 12 ways (Zen 5, 48 KB),
// requests into L1 and L2 (prefetcht0) won: into L2 only, 2-D transposes ran 0.8-0.9x on two threads.
// On cores whose L1 has 8 ways (Zen 4, 32 KB), where the next tile's lines would crowd out of L1 the
// tile being gathered and the buffer being written out, requests into L2 only (prefetcht1) won nearly
// everywhere. Measured there in alternating runs from truly cold caches, two threads:
// - many-input stacks on the last dim: 100 x [160000] 1.2-1.25x, 1,000 x [128, 128] 1.2-1.5x,
//   10,000 x [1600] 1.3-2x (float32 38 -> 68% of copy); on the first dim 10,000 x [1600] 1.3-1.4x;
// - permutes: 4096 x 4096 1.1-1.35x, 3000 x 5592 1.1-1.3x, 512 x 512 batches 1.03-1.22x, NCHW ->
//   NHWC with C = 64 1.05-1.4x, video NCTHW -> NTHWC 1.25-1.6x, 4-D and 6-D reversals 1.1-1.75x;
//   NHWC -> NCHW with C = 64 0.95-1.27x.
// On one thread the stacks of 100 and 1,000 inputs on the last dim ran 1.35-1.6x as fast. The 2-byte
// stacks' tiles, timed inside the call, spent a fifth less time gathering and a third less writing.
#pragma once

#include "cache_geometry.h"

namespace reshapeops::cpu {

// Read once per call by the kernels that request lines (the figure behind it is read once per process).
inline bool requests_into_l2() { return l1_has_few_ways(); }

inline void request_line(const void* line, bool into_l2) {
  if (into_l2) {
    __builtin_prefetch(line, 0, 2);
  } else {
    __builtin_prefetch(line, 0, 3);
  }
}

}  // namespace reshapeops::cpu
