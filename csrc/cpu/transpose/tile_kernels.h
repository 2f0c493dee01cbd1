// One 2-D transpose tile (and the short-side zips), in several instruction sets, and the choice among them made once at run time,
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
using BlockRowBytesFn = int (*)(int element_size);
// The same tile with each source row in its own buffer: dst[a * dst_ld + b] = rows[b][offset + a]
// (element sizes 1 to 8). Stacking many inputs on the last dim is this transpose.
using TransposeGatherFn = void (*)(int element_size, const char* const* rows, int64_t offset, char* dst,
                                   int64_t dst_ld, int64_t rows_a, int64_t cols_b);

// Short-side transposes (interleave.h), for 2 <= count <= kMaxZipCount and element sizes 1 to 8:
//   interleave:   dst[i * count + c] = rows[c][i]   for i < n, c < count
//   deinterleave: rows[c][i] = src[i * count + c]
// Each returns false for a count or element size it does not cover.
// Up to 15: from 16 rows on, a SIMD tile covers whole blocks and beat the zips (measured on stacks of
// 16 inputs); below, the tile would copy most of its columns one element at a time.
constexpr int kMaxZipCount = 15;
using InterleaveFn = bool (*)(int count, int element_size, const char* const* rows, int64_t n, char* dst);
using DeinterleaveFn = bool (*)(int count, int element_size, const char* src, int64_t n, char* const* rows);
// A strided row into a contiguous one: dst[i] = src[i * step] for step 0, 2, 3 or 4 (false otherwise).
// The streamed one writes whole lines with streaming stores (streamed_step.h; AVX-512 only, false
// elsewhere) and fences before it returns.
using GatherStepFn = bool (*)(int step, int element_size, const char* src, int64_t n, char* dst);
// `rows` rows of `bytes` each, rows s_step / d_step bytes apart, with whole-vector moves.
using RowRunFn = void (*)(const char* s, int64_t s_step, char* d, int64_t d_step, int64_t rows, int64_t bytes);
// A tile past the cache streamed from registers to destination rows that start on lines
// (streamed_tile.h; AVX-512 only). It spreads the caller's requests for the next tile's `lines` over
// its blocks, calling request(self, share) before each. Returns false, having written nothing, for a
// tile it does not cover, which the caller then builds in a buffer.
struct LineRequests {
  void (*request)(void* self, int64_t lines);
  void* self;
  int64_t lines;
  // Lines per request for `parts` requests to cover them all.
  int64_t share(int64_t parts) const { return parts > 0 ? (lines + parts - 1) / parts : 0; }
};
// Where a streamed tile's destination rows are: row a at base + a * ld elements, or, where `offsets`
// is given, at base + offsets[a] elements (the rows of a tile spanning several dims).
struct DestinationRows {
  char* base;
  int64_t ld;
  const int64_t* offsets;
};
using TransposeStreamedFn = bool (*)(int element_size, const char* src, int64_t src_ld, const DestinationRows& dst,
                                     int64_t rows_a, int64_t cols_b, const LineRequests& next);
// The same with each source row in its own buffer, as TransposeGatherFn.
using GatherStreamedFn = bool (*)(int element_size, const char* const* rows, int64_t offset,
                                  const DestinationRows& dst, int64_t rows_a, int64_t cols_b,
                                  const LineRequests& next);

struct TransposeTileKernel {
  const char* isa;  // "avx512vbmi", "avx512", "avx2" or "portable"
  TransposeTileFn run;
  BlockRowBytesFn block_row_bytes;
  TransposeGatherFn gather;
  InterleaveFn interleave;
  DeinterleaveFn deinterleave;
  GatherStepFn gather_step;
  GatherStepFn gather_step_streamed;
  RowRunFn copy_rows;
  TransposeStreamedFn run_streamed;
  GatherStreamedFn gather_streamed;
};

// The widest kernel this CPU supports.
const TransposeTileKernel& transpose_tile_kernel();

// Each instruction set's entry points (entry_points.inc), in a namespace of its own.
#define RESHAPEOPS_DECLARE_ISA_KERNELS(isa)                                                      \
  namespace isa {                                                                                \
  void transpose_tile(int, const char*, int64_t, char*, int64_t, int64_t, int64_t);              \
  void transpose_tile_gather(int, const char* const*, int64_t, char*, int64_t, int64_t, int64_t); \
  int block_row_bytes(int element_size);                                                         \
  bool interleave(int, int, const char* const*, int64_t, char*);                                 \
  bool deinterleave(int, int, const char*, int64_t, char* const*);                               \
  bool gather_step(int, int, const char*, int64_t, char*);                                       \
  bool gather_step_streamed(int, int, const char*, int64_t, char*);                              \
  void copy_rows(const char*, int64_t, char*, int64_t, int64_t, int64_t);                        \
  bool transpose_streamed(int, const char*, int64_t, const DestinationRows&, int64_t, int64_t, const LineRequests&); \
  bool gather_streamed(int, const char* const*, int64_t, const DestinationRows&, int64_t, int64_t,            \
                       const LineRequests&);                                                                   \
  }

RESHAPEOPS_DECLARE_ISA_KERNELS(portable)
#if defined(RESHAPEOPS_X86_TILES)
RESHAPEOPS_DECLARE_ISA_KERNELS(avx2)
RESHAPEOPS_DECLARE_ISA_KERNELS(avx512)
RESHAPEOPS_DECLARE_ISA_KERNELS(avx512vbmi)
#endif

}  // namespace reshapeops::cpu
