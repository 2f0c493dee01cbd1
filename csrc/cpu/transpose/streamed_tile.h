// A 2-D tile transposed in registers and streamed straight to the destination, with no buffer in
// between (AVX-512 only).
//
// What it computes: the same tile as transpose_tile (dst[a * dst_ld + b] = src[b * src_ld + a]), or
// as the gather (each source row in its own buffer), for outputs past the cache, written by streaming
// stores; destination rows evenly spaced or found in a table (tiles spanning several dims).
// The idea: a gathered block of 1- or 2-byte elements and a square block of 4- or 8-byte ones
// (block_transpose.h) both leave each vector holding 64 bytes of one destination row, a whole line
// when the rows start on lines, which a streaming store can take straight from the register. The
// buffered tile instead stores every vector to an L1 buffer and then, in a second phase, loads it back
// and streams it out; its shuffles and its stores to memory take turns, while here the core shuffles
// the next block while the last one's lines drain. A group of G destination rows gets its lines a
// block at a time, so each row's run of a tile is written within a few dozen stores: measured on the
// development machine, as fast for memory as writing each row's run in one burst (45 GB/s on one
// thread either way), where rows given one line at a time over a whole tile drop to 14 GB/s (which is
// why square blocks streamed in the plain tile order, a block's column after column, lost 10-15% to
// the buffer on 64 MB transposes of 4- and 8-byte elements).
// Bytes moved: each element read once and written once.
// Destination rows of 16 bytes of 1- or 2-byte elements, back to back (C = 16 channels last), are
// not lines, but four or two of them are: a permute of each source vector before the rounds makes
// every vector a line of them (stream_tile_16_wide).
// Where it stops being the right choice: destination rows that do not start on a line (3000 bytes
// apart: every line would need two vectors merged, and that merging cost what the buffer cost), and
// source rows that crowd the cache's sets (StreamedBlock::crowded): those keep the buffered tile, but
// for byte tiles whose rows crowd L1 and fill L2's sets no more than its ways hold, which are staged
// (stream_tile_staged), as are tiles of every element size on cores whose L1 has 8 ways.
// The next tile's lines are requested a share before every block, as the write-out requests them
// between 1 KB pieces: requested once per group of rows (four times as many at once), most of them
// were dropped, and bytes ran 0.8-0.9x as fast as with the buffered tile.
// Measured from truly cold caches in alternating runs against the buffered tile, two threads:
// - gathered blocks: NHWC -> NCHW with C = 64 1.11x (uint8, 89 -> 99% of copy) and 1.14x (2 bytes),
//   video NTHWC -> NCTHW 1.09-1.11x, 4096 x 4160 bytes 1.19x, 4096 x 2080 2-byte elements 1.15x; on
//   one thread 1.2-1.4x;
// - square blocks: NHWC -> NCHW with C = 64 1.18-1.21x, video NTHWC -> NCTHW 1.11-1.18x, 512 x 512
//   batches 1.05-1.08x, float64 reversals 1.03-1.09x, last-dim stacks of 10,000 float32 inputs
//   1.05x; on one thread 1.05-1.35x (float64 6-D reversal 1.22x). Within noise elsewhere (float64
//   4096 x 4096: 0.95-1.0x).
// Included by the AVX-512 tile_<isa>.cpp files only, after block_transpose.h (no include guard, as there).
#if RESHAPEOPS_VECTOR_BYTES != 64
#error "streamed_tile.h needs 64-byte vectors: one vector, one destination line"
#endif
#include <immintrin.h>

#include "../cache_geometry.h"

namespace reshapeops::cpu::RESHAPEOPS_ISA {

// More than 8 source rows starting in the same line of a 64 KB period (1,024 sets): the period of
// L2's sets on the development machine's core (1 MB, 16 ways), and a multiple of it on others. Square
// blocks of such rows (reversals of power-of-two dims in float32) ran 0.9x as fast streamed on one
// thread, as their lines and the next tile's evict each other from L2 before they are read; up to 8
// (float64, 4096 x 4096 float32) gained.
template <typename Rows>
inline bool crowd_l2_sets(const Rows& src, int64_t rows) { return crowd_sets<1024, 8>(src, rows); }

// The block a streamed tile is made of: G destination rows x 64 bytes, from B source rows, left in
// registers. 1- and 2-byte elements take gathered blocks (G = 16 / size, B = 64 / size), whose rows'
// lines are each read by four blocks in turn; 4- and 8-byte elements square blocks (G = B = 64 / size),
// which read each source line they touch whole when the rows start on lines.
template <typename T>
struct StreamedBlock {
  static constexpr int N = 64 / sizeof(T);
  static constexpr bool gathered = sizeof(T) <= 2;
  static constexpr int G = gathered ? 16 / sizeof(T) : N, B = N;
  using V = typename LaneVector<T, N>::type;
  // Source rows whose lines would evict each other before a tile is done with them. A gathered
  // block reads each of its 64 rows' lines four times, 16 bytes each time, so all of them must stay
  // in L1; a square block reads a line whole (or, for rows off lines, in two halves a group of rows
  // apart, from L2 at worst), so only L2 crowding matters.
  template <typename Rows>
  static bool crowded(const Rows& src) {
    return gathered ? crowd_l1_sets(src, B) : crowd_l2_sets(src, B);
  }
  template <typename Rows>
  static void load(const Rows& src, int64_t b, int64_t a, V (&rows)[G]) {
    if constexpr (gathered) {
      gathered_block<T, N>(src, b, a, rows);
    } else {
      square_block<T, N>(src, b, a, rows);
    }
  }
};

// Destination row a: evenly spaced, or found in a table of offsets (DestinationRows).
template <typename T>
struct StridedDst {
  T* base;
  int64_t ld;
  T* row(int64_t a) const { return base + a * ld; }
};
template <typename T>
struct TableDst {
  T* base;
  const int64_t* offsets;
  T* row(int64_t a) const { return base + offsets[a]; }
};

template <typename Dst>
inline bool rows_start_on_lines(const Dst& dst, int64_t rows) {
  for (int64_t a = 0; a < rows; ++a) {
    if (reinterpret_cast<uintptr_t>(dst.row(a)) % 64 != 0) return false;
  }
  return true;
}

// The tile in blocks, for a caller that has checked it is covered (stream_tile).
template <typename T, typename Rows, typename Dst>
inline void stream_blocks(const Rows& src, const Dst& dst, int64_t rows_a, int64_t cols_b, const LineRequests& next) {
  using Block = StreamedBlock<T>;
  constexpr int G = Block::G, B = Block::B;
  const int64_t blocks = rows_a / G * (cols_b / B);
  const int64_t lines_per_block = next.share(blocks);
  for (int64_t a = 0; a < rows_a; a += G) {
    T* out[G];
#pragma GCC unroll 16
    for (int j = 0; j < G; ++j) out[j] = dst.row(a + j);
    for (int64_t b = 0; b < cols_b; b += B) {
      next.request(next.self, lines_per_block);
      typename Block::V rows[G];
      Block::load(src, b, a, rows);
#pragma GCC unroll 16
      for (int j = 0; j < G; ++j) {
        __m512i line;
        std::memcpy(&line, &rows[j], sizeof(line));
        _mm512_stream_si512(reinterpret_cast<__m512i*>(out[j] + b), line);
      }
    }
  }
}

// False, writing nothing, for a tile it does not cover: rows_a not a multiple of G, cols_b not a
// multiple of B, destination rows not on lines, or source rows that crowd the cache's sets.
template <typename T, typename Rows, typename Dst>
inline bool stream_tile(const Rows& src, const Dst& dst, int64_t rows_a, int64_t cols_b, const LineRequests& next) {
  using Block = StreamedBlock<T>;
  if (rows_a % Block::G != 0 || cols_b % Block::B != 0 || !rows_start_on_lines(dst, rows_a) || Block::crowded(src)) {
    return false;
  }
  stream_blocks<T>(src, dst, rows_a, cols_b, next);
  return true;
}

// The same rows from row a0 on.
template <typename T>
StridedDst<T> rows_from(const StridedDst<T>& d, int64_t a0) { return {d.row(a0), d.ld}; }
template <typename T>
TableDst<T> rows_from(const TableDst<T>& d, int64_t a0) { return {d.base, d.offsets + a0}; }

// Byte tiles whose source rows crowd L1 (rows a multiple of 1 KB apart: 4096 x 4096 bytes, batches
// of 512 x 512) cannot be gathered from where they lie, as each row's line is read by four blocks in
// turn. Here each 64-byte column of the tile's rows is first copied whole into an L1 slab (one load
// and one store per line, rows 64 bytes apart there: no crowding), and the slab streamed from
// registers as above.
// The buffered tile they took instead stores every 16-byte piece to its buffer and loads it back.
// Measured in alternating runs from truly cold caches: 4096 x 4096 bytes 1.05-1.11x on two threads
// in slow spells (copy 39-43 GB/s), 1.19-1.21x in a fast one (67-74 GB/s), 1.10-1.16x on one thread;
// 512 x 512 byte batches 0.96-1.09x.
// Staging reads each line once, so a block's rows may fill L2's sets up to its 16 ways, where
// stream_tile's square blocks stop at 8: uint8 NCHW -> NHWC with C = 64 (rows 16 KB apart, 16 in
// each of the sets they use) ran 1.17-1.27x as fast staged as buffered, on one thread or two, in fast
// and slow spells. More rows per set (reversals of power-of-two dims, rows 64 KB apart) keep the
// buffer: their lines are evicted before they are staged.
// Wider elements depend on L1's ways. With 12 (Zen 5) the buffered tile keeps them: staged, 2-byte
// 512 x 512 batches ran 0.84-0.97x and 4096 x 4096 0.91-0.95x on two threads, and C = 64 channels
// first gained nothing. With 8 (Zen 4) the buffered tile's reads from rows that share L1's sets are
// evicted before it is done with their lines, and every element size is staged; so is a tile of at
// most 64 source rows whatever L2's sets they start in, as on 4 KB pages the rows' physical pages
// spread them over L2's sets (NCHW -> NHWC with C = 64: rows 32 or 64 KB apart). Measured on Zen 4
// in alternating runs, truly cold, two threads, against the buffer: C = 64 channels first float16
// 1.45-1.67x (42-68 -> 71-102% of copy), float32 1.1-1.36x; 4096 x 4096 float16 1.1-1.35x; 512 x 512
// float16 batches 1.0-1.15x; reversals, video layouts and many-input stacks within noise; reversals
// with their tiles of 128-256 rows staged whatever L2's sets: 0.65-1.0x.
constexpr int64_t kStagingBytes = 16 * 1024;  // 256 source rows: a tile's cols_b past the cache
constexpr int64_t kFewStagedRows = 64;

// More than 16 source rows starting in the same line of L2's 64 KB period: more than its ways hold.
template <typename Rows>
inline bool overfill_l2_sets(const Rows& src, int64_t rows) { return crowd_sets<1024, 16>(src, rows); }

template <typename T, typename Rows, typename Dst>
inline bool stream_tile_staged(const Rows& src, const Dst& dst, int64_t rows_a, int64_t cols_b,
                               const LineRequests& next) {
  constexpr int N = 64 / sizeof(T);  // elements in a 64-byte column
  const bool few_rows = cols_b <= kFewStagedRows && l1_has_few_ways();
  if (rows_a % N != 0 || cols_b % StreamedBlock<T>::B != 0 || cols_b * 64 > kStagingBytes ||
      !rows_start_on_lines(dst, rows_a) || (!few_rows && overfill_l2_sets(src, cols_b))) {
    return false;
  }
  alignas(64) static thread_local T staging_buffer[kStagingBytes / sizeof(T)];
  T* const staging = staging_buffer;  // once: stores may alias what a thread-local's address is read from
  LineRequests per_slab = next;
  per_slab.lines = next.share(rows_a / N);
  for (int64_t a = 0; a < rows_a; a += N) {
    for (int64_t b = 0; b < cols_b; ++b) std::memcpy(staging + b * N, src.row(b) + a, 64);
    stream_blocks<T>(StridedRows<T>{reinterpret_cast<const char*>(staging), N}, rows_from(dst, a), N, cols_b,
                     per_slab);
  }
  return true;
}

// 16 rows of bytes to destination rows of exactly 16 bytes, back to back (channels first to channels
// last with C = 16: video NCTHW -> NTHWC). The strip's in-lane rounds leave group g of vector j
// holding the 16 bytes of destination row 16 g + j, so four consecutive rows, one line, lie in four
// vectors, and the buffered tile stored them as 16-byte pieces. Here each loaded vector is first
// permuted (one vpermb) so that its group g holds the row's columns g, 4 + g, 8 + g, ...: the same
// rounds then leave vector j holding destination rows 4 j to 4 j + 3, a whole line, streamed from
// the register. 2-byte elements (rows of 32 bytes) go the same way in two halves of 8 rows, and each
// line is two groups of one half's vector and two of the other's (one vpermt2q).
// Measured on video NCTHW -> NTHWC (16 MB, C = 16) against the buffered tile, in alternating runs:
// from truly cold caches, two threads, uint8 88 -> 105% of copy (1.2x) and float16 83 -> 102%
// (1.17-1.23x); one thread 1.27-1.28x for both; warm, one thread, uint8 49 -> 85 GB/s.
// Lane i of group g (G lanes a group) takes the row's column 4 i + g.
template <int G>
constexpr int spread_by_group(int lane) { return 4 * (lane % G) + lane / G; }
// Vector j of either half holds its 8 columns of destination rows 4 j to 4 j + 3, one per group; line
// K (0 or 1) of the two is groups 2K of the first half, 2K of the second, 2K + 1, 2K + 1 (in qwords,
// the second half's numbered from 8).
template <int K>
constexpr int half_line_qword(int q) { return (q % 4 < 2 ? 0 : 8) + 4 * K + (q / 4) * 2 + q % 2; }

template <int K, typename W, size_t... Q>
inline W line_of_halves(W a, W b, std::index_sequence<Q...>) {
  return __builtin_shufflevector(a, b, half_line_qword<K>(int(Q))...);
}

template <typename T, typename Rows>
inline bool stream_tile_16_wide(const Rows& src, const StridedDst<T>& dst, int64_t rows_a, int64_t cols_b,
                                const LineRequests& next) {
  constexpr int N = 64 / sizeof(T), G = 16 / sizeof(T), Halves = 16 / G;
  using V = typename LaneVector<T, N>::type;
  using W = typename LaneVector<uint64_t, 8>::type;
  if (cols_b != 16 || dst.ld != 16 || rows_a % N != 0 || reinterpret_cast<uintptr_t>(dst.base) % 64 != 0) {
    return false;
  }
  const int64_t lines_per_block = next.share(rows_a / N);
  for (int64_t a = 0; a < rows_a; a += N) {
    next.request(next.self, lines_per_block);
    V rows[Halves][G];
#pragma GCC unroll 16
    for (int m = 0; m < 16; ++m) {
      std::memcpy(&rows[m / G][m % G], src.row(m) + a, sizeof(V));
      rows[m / G][m % G] = permute_lanes<V, spread_by_group<G>>(rows[m / G][m % G], std::make_index_sequence<N>{});
    }
#pragma GCC unroll 2
    for (int h = 0; h < Halves; ++h) transpose_in_lanes<V, N, G>(rows[h]);
    char* out = reinterpret_cast<char*>(dst.row(a));
#pragma GCC unroll 16
    for (int j = 0; j < G; ++j) {
      W lines[Halves];
      if constexpr (Halves == 1) {
        std::memcpy(&lines[0], &rows[0][j], sizeof(W));
      } else {
        W a0, b0;
        std::memcpy(&a0, &rows[0][j], sizeof(W));
        std::memcpy(&b0, &rows[1][j], sizeof(W));
        lines[0] = line_of_halves<0>(a0, b0, std::make_index_sequence<8>{});
        lines[1] = line_of_halves<1>(a0, b0, std::make_index_sequence<8>{});
      }
#pragma GCC unroll 2
      for (int k = 0; k < Halves; ++k) {
        __m512i line;
        std::memcpy(&line, &lines[k], sizeof(line));
        _mm512_stream_si512(reinterpret_cast<__m512i*>(out + 64 * (Halves * j + k)), line);
      }
    }
  }
  return true;
}

// The first streamed kernel that covers the tile: 16-byte rows, blocks, or a staged tile.
template <typename T, typename Rows, typename Dst>
inline bool stream_tile_any(const Rows& src, const Dst& dst, int64_t rows_a, int64_t cols_b,
                            const LineRequests& next) {
  if constexpr (sizeof(T) <= 2 && std::is_same_v<Dst, StridedDst<T>>) {
    if (stream_tile_16_wide<T>(src, dst, rows_a, cols_b, next)) return true;
  }
  if (stream_tile<T>(src, dst, rows_a, cols_b, next)) return true;
  if (sizeof(T) == 1 || l1_has_few_ways()) return stream_tile_staged<T>(src, dst, rows_a, cols_b, next);
  return false;
}

template <typename T, typename Rows>
inline bool stream_tile_to(const Rows& src, const DestinationRows& dst, int64_t rows_a, int64_t cols_b,
                           const LineRequests& next) {
  T* base = reinterpret_cast<T*>(dst.base);
  if (dst.offsets != nullptr) return stream_tile_any<T>(src, TableDst<T>{base, dst.offsets}, rows_a, cols_b, next);
  return stream_tile_any<T>(src, StridedDst<T>{base, dst.ld}, rows_a, cols_b, next);
}

template <template <typename> class Rows, typename... RowArgs>
inline bool stream_tile_by_size(int element_size, const DestinationRows& dst, int64_t rows_a, int64_t cols_b,
                                const LineRequests& next, RowArgs... row_args) {
  switch (element_size) {
    case 1: return stream_tile_to<uint8_t>(Rows<uint8_t>{row_args...}, dst, rows_a, cols_b, next);
    case 2: return stream_tile_to<uint16_t>(Rows<uint16_t>{row_args...}, dst, rows_a, cols_b, next);
    case 4: return stream_tile_to<uint32_t>(Rows<uint32_t>{row_args...}, dst, rows_a, cols_b, next);
    case 8: return stream_tile_to<uint64_t>(Rows<uint64_t>{row_args...}, dst, rows_a, cols_b, next);
  }
  return false;
}

}  // namespace reshapeops::cpu::RESHAPEOPS_ISA
