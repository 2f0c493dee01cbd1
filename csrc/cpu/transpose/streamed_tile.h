// A 2-D tile of 1- or 2-byte elements transposed in registers and streamed straight to the
// destination, with no buffer in between (AVX-512 only).
//
// What it computes: the same tile as transpose_tile (dst[a * dst_ld + b] = src[b * src_ld + a]), for
// outputs past the cache, written by streaming stores.
// The idea: a gathered block (block_transpose.h) leaves each vector holding 64 bytes of one
// destination row, a whole line when the rows start on lines, which a streaming store can take
// straight from the register. The buffered tile instead stores every vector to an L1 buffer and then,
// in a second phase, loads it back and streams it out; its shuffles and its stores to memory take
// turns, while here the core shuffles the next block while the last one's lines drain. A group of G
// destination rows gets its lines a block (64 source rows of bytes) at a time, so each row's run of a
// tile is written within a few dozen stores: measured on the development machine, as fast for memory
// as writing each row's run in one burst (45 GB/s on one thread either way), where rows given one
// line at a time over a whole tile drop to 14 GB/s.
// Bytes moved: each element read once and written once.
// Where it stops being the right choice: destination rows that do not start on a line (3000 bytes
// apart: every line would need two vectors merged, and that merging cost what the buffer cost), and
// source rows that crowd a few L1 sets (the gathered block needs its 64 rows' lines at once; copying
// them to an L1 block first lost for bytes, 0.83-0.9x on one thread): those keep the buffered tile.
// The next tile's lines are requested a share before every block, as the write-out requests them
// between 1 KB pieces: requested once per group of rows (four times as many at once), most of them
// were dropped, and bytes ran 0.8-0.9x as fast as with the buffered tile.
// Measured from truly cold caches in alternating runs against the buffered tile, two threads:
// NHWC -> NCHW with C = 64 1.11x (uint8, 89 -> 99% of copy) and 1.14x (2 bytes), video NTHWC -> NCTHW
// 1.09-1.11x, 4096 x 4160 bytes 1.19x, 4096 x 2080 2-byte elements 1.15x; on one thread 1.2-1.4x.
// Included by the AVX-512 tile_<isa>.cpp files only, after block_transpose.h (no include guard, as there).
#if RESHAPEOPS_VECTOR_BYTES != 64
#error "streamed_tile.h needs 64-byte vectors: one vector, one destination line"
#endif
#include <immintrin.h>

namespace reshapeops::cpu::RESHAPEOPS_ISA {

// False, writing nothing, for a tile it does not cover: rows_a not a multiple of G, cols_b not a
// multiple of the block's 64 bytes, destination rows not on lines, or crowded source rows.
template <typename T>
inline bool transpose_streamed_typed(const StridedRows<T>& src, T* dst, int64_t dst_ld, int64_t rows_a,
                                     int64_t cols_b, const LineRequests& next) {
  constexpr int N = 64 / sizeof(T), G = 16 / sizeof(T), B = N;
  using V = typename LaneVector<T, N>::type;
  if (rows_a % G != 0 || cols_b % B != 0 || reinterpret_cast<uintptr_t>(dst) % 64 != 0 ||
      dst_ld * int64_t(sizeof(T)) % 64 != 0 || crowd_l1_sets(src, B)) {
    return false;
  }
  const int64_t blocks = rows_a / G * (cols_b / B);
  const int64_t lines_per_block = blocks > 0 ? (next.lines + blocks - 1) / blocks : 0;
  for (int64_t a = 0; a < rows_a; a += G) {
    for (int64_t b = 0; b < cols_b; b += B) {
      next.request(next.self, lines_per_block);
      V rows[G];
      gathered_block<T, N>(src, b, a, rows);
#pragma GCC unroll 16
      for (int j = 0; j < G; ++j) {
        __m512i line;
        std::memcpy(&line, &rows[j], sizeof(line));
        _mm512_stream_si512(reinterpret_cast<__m512i*>(dst + (a + j) * dst_ld + b), line);
      }
    }
  }
  return true;
}

}  // namespace reshapeops::cpu::RESHAPEOPS_ISA
