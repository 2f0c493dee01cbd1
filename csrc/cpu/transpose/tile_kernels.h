// One 2-D transpose tile, in several instruction sets, and the choice among them made once at run time,
// so one build runs on any x86-64 (and builds elsewhere with the portable version only).
//
// A tile: dst[a * dst_ld + b] = src[b * src_ld + a] for a < rows_a, b < cols_b, lds in elements.
#pragma once

#include <cstdint>

// Per-ISA tiles need GCC's target pragmas and x86 CPU detection; elsewhere only the portable one is built.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define RESHAPEOPS_X86_TILES 1
#endif

namespace reshapeops::cpu {

using TransposeTileFn = void (*)(int element_size, const char* src, int64_t src_ld, char* dst,
                                 int64_t dst_ld, int64_t rows_a, int64_t cols_b);

struct TransposeTileKernel {
  const char* isa;  // "avx512", "avx2" or "portable"
  TransposeTileFn run;
  int block;        // L of the 4-byte block, for explain()
};

// The widest kernel this CPU supports.
const TransposeTileKernel& transpose_tile_kernel();

namespace portable {
void transpose_tile(int, const char*, int64_t, char*, int64_t, int64_t, int64_t);
}
#if defined(RESHAPEOPS_X86_TILES)
namespace avx2 {
void transpose_tile(int, const char*, int64_t, char*, int64_t, int64_t, int64_t);
}
namespace avx512 {
void transpose_tile(int, const char*, int64_t, char*, int64_t, int64_t, int64_t);
}
#endif

}  // namespace reshapeops::cpu
