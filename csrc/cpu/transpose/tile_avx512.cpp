// The transpose tiles, zips, gathers and row moves compiled for avx512 (64-byte vectors); see
// block_transpose.h and interleave.h for the ideas.
// Standard headers come before the target switch, so their inline functions keep the default target.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include "tile_kernels.h"

#if defined(RESHAPEOPS_X86_TILES)
#pragma GCC target("avx512f,avx512bw,avx512vl")
#define RESHAPEOPS_ISA avx512
#define RESHAPEOPS_VECTOR_BYTES 64
#include "block_transpose.h"
#include "interleave.h"
#include "streamed_tile.h"
#include "streamed_step.h"
#include "entry_points.inc"
#endif
