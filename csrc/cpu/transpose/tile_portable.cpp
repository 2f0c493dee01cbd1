// The transpose tiles, zips, gathers and row moves compiled for portable (16-byte vectors); see
// block_transpose.h and interleave.h for the ideas.
// Standard headers come before the target switch, so their inline functions keep the default target.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include "tile_kernels.h"

#define RESHAPEOPS_ISA portable
#define RESHAPEOPS_VECTOR_BYTES 16
#include "block_transpose.h"
#include "interleave.h"
#include "entry_points.inc"
