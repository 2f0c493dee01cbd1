// The same kernels as tile_avx512.cpp, compiled with AVX-512 VBMI as well (Ice Lake and Zen 4 on):
// its byte permutes (vpermb, vpermt2b) let the compiler pack a vector of padded 1-byte rows, or merge
// two zips of 1-byte rows, in one instruction each, where AVX-512BW needs several shuffles. Those are
// the steps that bound 1-byte zips of 9-15 rows (interleave.h: drop_padding, interleave_split):
// stacks of 10 and 12 uint8 inputs on the last dim ran 1.15x as fast on one thread with the inputs
// in L3 (measured before the split zip), and 1.13x from cold caches on two threads in a spell when the
// memory outran them. Transposes and wider elements compile to the same speed as without VBMI.
// Standard headers come before the target switch, so their inline functions keep the default target.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include "tile_kernels.h"

#if defined(RESHAPEOPS_X86_TILES)
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512vbmi")
#define RESHAPEOPS_ISA avx512vbmi
#define RESHAPEOPS_VECTOR_BYTES 64
#include "block_transpose.h"
#include "interleave.h"
#include "streamed_tile.h"
#include "streamed_step.h"
#include "entry_points.inc"
#endif
