// The in-register transpose at the heart of every "innermost dim moves" copy, written once with GCC/Clang
// vector extensions and compiled several times, once per instruction set (see tile_*.cpp, which include
// this file inside their own namespace after selecting a target).
//
// An L x L block of elements is loaded as L vectors (one per source row), transposed in log2(L) rounds
// of "interleave low halves / interleave high halves" of vector pairs (j, j + L/2), and stored as L vectors
// (one per destination row). Each round moves the top bit of the column index into the row index, so
// after log2(L) rounds rows and columns have swapped. Every element is loaded once and stored once, with
// full-width vector loads and stores; the shuffles never touch memory.
// L = min(16, vector bytes / element size): a 16 x 16 block of 4-byte elements fills 16 AVX-512 registers.
// 1- and 2-byte elements take strips and gathered blocks instead (below), which run the same rounds
// inside each 16-byte group of lanes.
//
// No include guard on purpose: each tile_<isa>.cpp includes it once, inside its own namespace
// RESHAPEOPS_ISA, so the per-ISA copies of these templates never merge at link time.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#ifndef RESHAPEOPS_ISA
#error "block_transpose.h is included by tile_<isa>.cpp files, which define RESHAPEOPS_ISA"
#endif

namespace reshapeops::cpu::RESHAPEOPS_ISA {

template <typename T, int Lanes>
struct LaneVector {
  typedef T type __attribute__((vector_size(Lanes * sizeof(T))));
};

// Calls f(T{}) with the unsigned type of 1, 2, 4 or 8 bytes; false, calling nothing, for other widths.
template <typename F>
inline bool with_word_type(int element_size, F&& f) {
  switch (element_size) {
    case 1: f(uint8_t{}); return true;
    case 2: f(uint16_t{}); return true;
    case 4: f(uint32_t{}); return true;
    case 8: f(uint64_t{}); return true;
    default: return false;
  }
}

// Lane m of interleave_low(x, y) is x[m/2] for even m and y[m/2] for odd m; the high variant takes the
// upper halves. Lanes of y are numbered from N in __builtin_shufflevector.
template <int N>
constexpr int low_lane(int m) { return (m & 1) ? N + m / 2 : m / 2; }
template <int N>
constexpr int high_lane(int m) { return (m & 1) ? N + N / 2 + m / 2 : N / 2 + m / 2; }

template <typename V, int N, size_t... M>
inline V interleave_low(V x, V y, std::index_sequence<M...>) {
  return __builtin_shufflevector(x, y, low_lane<N>(M)...);
}
template <typename V, int N, size_t... M>
inline V interleave_high(V x, V y, std::index_sequence<M...>) {
  return __builtin_shufflevector(x, y, high_lane<N>(M)...);
}

// Where the source rows are: evenly spaced in one tensor (a permute), or each in its own tensor
// (stacking many inputs on the last dim). row(b) is the start of source row b.
template <typename T>
struct StridedRows {
  const char* base;
  int64_t ld;  // elements
  const T* row(int64_t b) const { return reinterpret_cast<const T*>(base) + b * ld; }
};
template <typename T>
struct TableRows {
  const char* const* rows;
  int64_t offset;  // elements into every row
  const T* row(int64_t b) const { return reinterpret_cast<const T*>(rows[b]) + offset; }
};

// An L x L block transposed in registers: vector i holds src.row(b + j)[a + i] for j < L, left for
// the caller to store (transpose_block) or stream (streamed_tile.h).
template <typename T, int L, typename Rows>
inline void square_block(const Rows& src, int64_t b, int64_t a, typename LaneVector<T, L>::type (&rows)[L]) {
  using V = typename LaneVector<T, L>::type;
  constexpr auto lanes = std::make_index_sequence<L>{};
#pragma GCC unroll 16
  for (int i = 0; i < L; ++i) std::memcpy(&rows[i], src.row(b + i) + a, sizeof(V));
#pragma GCC unroll 4
  for (int round = 1; round < L; round *= 2) {
    V next[L];
#pragma GCC unroll 16
    for (int j = 0; j < L / 2; ++j) {
      next[2 * j] = interleave_low<V, L>(rows[j], rows[j + L / 2], lanes);
      next[2 * j + 1] = interleave_high<V, L>(rows[j], rows[j + L / 2], lanes);
    }
#pragma GCC unroll 16
    for (int j = 0; j < L; ++j) rows[j] = next[j];
  }
}

// dst[i * dst_ld + j] = src.row(b + j)[a + i] for an L x L block.
template <typename T, int L, typename Rows>
inline void transpose_block(const Rows& src, int64_t b, int64_t a, T* dst, int64_t dst_ld) {
  using V = typename LaneVector<T, L>::type;
  V rows[L];
  square_block<T, L>(src, b, a, rows);
#pragma GCC unroll 16
  for (int i = 0; i < L; ++i) std::memcpy(dst + i * dst_ld, &rows[i], sizeof(V));
}

// For 1- and 2-byte elements a square block would need more registers than exist (64 x 64 bytes), so
// these use a strip: G = 16 / sizeof(T) source rows, each one full vector wide, transposed as
// independent G x G blocks inside each 16-byte group of lanes (in-lane interleaves are the cheapest
// shuffles there are). Group g of result vector j is 16 bytes of destination row g * G + j.
template <int N, int G>
constexpr int group_low_lane(int m) {
  const int base = (m / G) * G, i = m % G;
  return (i & 1) ? N + base + i / 2 : base + i / 2;
}
template <int N, int G>
constexpr int group_high_lane(int m) {
  const int base = (m / G) * G + G / 2, i = m % G;
  return (i & 1) ? N + base + i / 2 : base + i / 2;
}
template <typename V, int N, int G, size_t... M>
inline V group_interleave_low(V x, V y, std::index_sequence<M...>) {
  return __builtin_shufflevector(x, y, group_low_lane<N, G>(M)...);
}
template <typename V, int N, int G, size_t... M>
inline V group_interleave_high(V x, V y, std::index_sequence<M...>) {
  return __builtin_shufflevector(x, y, group_high_lane<N, G>(M)...);
}

// G vectors seen as G x G blocks, one per 16-byte group of lanes, each transposed in place: afterwards
// group g of vector j holds what was lane j of group g in each of the G vectors.
template <typename V, int N, int G>
inline void transpose_in_lanes(V (&rows)[G]) {
  constexpr auto lanes = std::make_index_sequence<N>{};
#pragma GCC unroll 4
  for (int round = 1; round < G; round *= 2) {
    V next[G];
#pragma GCC unroll 16
    for (int j = 0; j < G / 2; ++j) {
      next[2 * j] = group_interleave_low<V, N, G>(rows[j], rows[j + G / 2], lanes);
      next[2 * j + 1] = group_interleave_high<V, N, G>(rows[j], rows[j + G / 2], lanes);
    }
#pragma GCC unroll 16
    for (int j = 0; j < G; ++j) rows[j] = next[j];
  }
}

// dst[i * dst_ld + j] = src.row(b + j)[a + i] for i < N (one vector of lanes), j < G.
template <typename T, int N, typename Rows>
inline void transpose_strip(const Rows& src, int64_t b, int64_t a, T* dst, int64_t dst_ld) {
  constexpr int G = 16 / sizeof(T);
  using V = typename LaneVector<T, N>::type;
  V rows[G];
#pragma GCC unroll 16
  for (int i = 0; i < G; ++i) std::memcpy(&rows[i], src.row(b + i) + a, sizeof(V));
  transpose_in_lanes<V, N, G>(rows);
#pragma GCC unroll 4
  for (int g = 0; g < N / G; ++g) {
#pragma GCC unroll 16
    for (int j = 0; j < G; ++j) {
      std::memcpy(dst + (g * G + j) * dst_ld, reinterpret_cast<const char*>(&rows[j]) + 16 * g, 16);
    }
  }
}

// The strip's mirror image, for the same 1- and 2-byte elements: a block of G source columns x G P
// source rows (P = vector bytes / 16 lanes). Each of the G vectors is loaded as P 16-byte pieces, lane q
// of vector m from source row G q + m, so the same in-lane rounds leave vector j holding G P elements
// of destination row j: one full vector, stored whole. The strip stores each vector as P 16-byte
// pieces to P rows; this block stores a quarter as often (with AVX-512) and extracts nothing, and
// lets the loads, which have ports to spare, gather the pieces instead.
// Measured on Zen 5: in L1, one core, 1.02-1.09x the strip's speed; from truly cold caches on two
// threads, where a store waits on memory, 3000 x 5592 transposes ran 1.1x as fast in bytes and
// 1.05-1.1x in 2-byte elements, NHWC -> NCHW with C = 64 1.06-1.1x. With AVX2 (two pieces per vector)
// the joins cost more than the extracts saved: 0.8x in L1.
// GCC with VBMI joins each vector's four pieces with two 256-bit permutes and a byte permute
// (vpermt2b); inserting the pieces straight from memory (vinserti32x4), or joining them as 64-bit
// lanes (vshufi64x2), measured the same on 4096 x 4096 and 3000 x 5592 byte transposes, one thread
// or two: past the cache the joins are not what these blocks wait on.
// Its G P rows (64 of bytes, 32 of 2-byte elements) are read 16 bytes at a time, each row's line by
// four blocks in turn, so it needs all of those lines in L1 at once: rows a multiple of 1 KB apart
// (4096 x 4096 bytes) share a few of L1's sets and evict each other (0.7-0.8x of the strip), and take
// the strip (see crowd_l1_sets).
template <typename W, typename H, size_t... M>
inline W join_halves(H low, H high, std::index_sequence<M...>) {
  return __builtin_shufflevector(low, high, M...);
}

// P 16-byte pieces, in order, as one vector of P * 16 bytes.
template <typename T, int P>
inline typename LaneVector<T, P * 16 / sizeof(T)>::type join_pieces(const T* const* pieces) {
  using W = typename LaneVector<T, P * 16 / sizeof(T)>::type;
  if constexpr (P == 1) {
    W w;
    std::memcpy(&w, pieces[0], sizeof(W));
    return w;
  } else {
    return join_halves<W>(join_pieces<T, P / 2>(pieces), join_pieces<T, P / 2>(pieces + P / 2),
                          std::make_index_sequence<P * 16 / sizeof(T)>{});
  }
}

// The block's G vectors, vector j holding G P elements of destination row j, left in registers for the
// caller to store (transpose_lane_gathered) or stream (streamed_tile.h).
template <typename T, int N, typename Rows>
inline void gathered_block(const Rows& src, int64_t b, int64_t a,
                           typename LaneVector<T, N>::type (&rows)[16 / sizeof(T)]) {
  constexpr int G = 16 / sizeof(T), P = N * sizeof(T) / 16;
  using V = typename LaneVector<T, N>::type;
#pragma GCC unroll 16
  for (int m = 0; m < G; ++m) {
    const T* pieces[P];
#pragma GCC unroll 4
    for (int q = 0; q < P; ++q) pieces[q] = src.row(b + G * q + m) + a;
    rows[m] = join_pieces<T, P>(pieces);
  }
  transpose_in_lanes<V, N, G>(rows);
}

// dst[i * dst_ld + j] = src.row(b + j)[a + i] for i < G, j < G P.
template <typename T, int N, typename Rows>
inline void transpose_lane_gathered(const Rows& src, int64_t b, int64_t a, T* dst, int64_t dst_ld) {
  constexpr int G = 16 / sizeof(T);
  using V = typename LaneVector<T, N>::type;
  V rows[G];
  gathered_block<T, N>(src, b, a, rows);
#pragma GCC unroll 16
  for (int j = 0; j < G; ++j) std::memcpy(dst + j * dst_ld, &rows[j], sizeof(V));
}

// 1-byte elements whose source rows are exactly 16 bytes, back to back (channels last with C = 16,
// read back as channels first). A square 16 x 16 block of bytes fills only 16-byte vectors, so its 64
// interleaves move 256 bytes. Here each vector load brings in P = VectorBytes / 16 whole rows: the
// 16 loaded vectors hold 16 P rows, the same 64 interleaves (the in-lane rounds of transpose_strip)
// move 16 P x 16 bytes, and they leave vector j holding byte j of every row, row P i + g at byte
// 16 g + i. Two permutes put the rows in order: elements of 16 / P bytes across lanes (lane L takes
// element L of every lane), then bytes within each lane. Vector j then is 16 P bytes of destination
// row j, stored whole: for AVX-512 a full line, where the square block stores 16 bytes.
template <int P>
constexpr int across_lanes(int m) { return (m % P) * P + m / P; }
template <int P>
constexpr int within_lane(int m) { return (m / 16) * 16 + (m % P) * (16 / P) + (m % 16) / P; }

template <typename V, int (*Index)(int), size_t... M>
inline V permute_lanes(V x, std::index_sequence<M...>) {
  return __builtin_shufflevector(x, x, Index(M)...);
}

// dst[a * dst_ld + j] = src[j * 16 + a] for a < 16, j < 16 P: 16 P rows starting at `src`.
template <int VectorBytes>
inline void transpose_packed_rows(const uint8_t* src, uint8_t* dst, int64_t dst_ld) {
  constexpr int P = VectorBytes / 16, N = VectorBytes;
  static_assert(P == 2 || P == 4, "AVX2 or AVX-512 vectors");
  using V = typename LaneVector<uint8_t, N>::type;
  using Piece = std::conditional_t<P == 4, uint32_t, uint64_t>;  // 16 / P bytes: one row's share of a lane
  using W = typename LaneVector<Piece, P * P>::type;
  constexpr auto lanes = std::make_index_sequence<N>{};
  V rows[16];
#pragma GCC unroll 16
  for (int i = 0; i < 16; ++i) std::memcpy(&rows[i], src + i * N, N);
  transpose_in_lanes<V, N, 16>(rows);
#pragma GCC unroll 16
  for (int j = 0; j < 16; ++j) {
    W pieces;
    std::memcpy(&pieces, &rows[j], N);
    pieces = permute_lanes<W, across_lanes<P>>(pieces, std::make_index_sequence<P * P>{});
    V bytes;
    std::memcpy(&bytes, &pieces, N);
    bytes = permute_lanes<V, within_lane<P>>(bytes, lanes);
    std::memcpy(dst + j * dst_ld, &bytes, N);
  }
}

// The register kernels behind one interface: a block covers A source columns x B source rows.
template <typename T, int L>
struct SquareBlock {
  static constexpr int A = L, B = L;
  template <typename Rows>
  static void run(const Rows& src, int64_t b, int64_t a, T* dst, int64_t dst_ld) {
    transpose_block<T, L>(src, b, a, dst, dst_ld);
  }
};
template <int VectorBytes>
struct PackedRows {
  static constexpr int A = 16, B = VectorBytes;  // 16 vectors of P rows
  static void run(const StridedRows<uint8_t>& src, int64_t b, int64_t a, uint8_t* dst, int64_t dst_ld) {
    transpose_packed_rows<VectorBytes>(src.row(b) + a, dst, dst_ld);
  }
};
template <typename T, int N>
struct Strip {
  static constexpr int A = N, B = 16 / sizeof(T);
  template <typename Rows>
  static void run(const Rows& src, int64_t b, int64_t a, T* dst, int64_t dst_ld) {
    transpose_strip<T, N>(src, b, a, dst, dst_ld);
  }
};

// Whether the first `rows` source rows, read in the same column, put more than Limit lines in one of
// a cache's Sets sets (lines of 64 bytes, sets indexed by the address's next bits).
template <int Sets, int Limit, typename Rows>
inline bool crowd_sets(const Rows& src, int64_t rows) {
  uint8_t per_set[Sets] = {};
  for (int64_t b = 0; b < rows; ++b) {
    if (++per_set[(reinterpret_cast<uintptr_t>(src.row(b)) >> 6) % Sets] > Limit) return true;
  }
  return false;
}

// More than 4 lines in one of L1's 64 sets (as on every x86 core since Sandy Bridge: 8 to 12 ways,
// which the tile's other lines share).
template <typename Rows>
inline bool crowd_l1_sets(const Rows& src, int64_t rows) { return crowd_sets<64, 4>(src, rows); }

template <typename T, int N>
struct LaneGathered {
  static constexpr int A = 16 / sizeof(T), B = N;  // N lanes of T are G P elements: B = G P
  template <typename Rows>
  static void run(const Rows& src, int64_t b, int64_t a, T* dst, int64_t dst_ld) {
    transpose_lane_gathered<T, N>(src, b, a, dst, dst_ld);
  }
};

// dst[a * dst_ld + b] = src.row(b)[a] for a < rows_a, b < cols_b, in whole blocks. A ragged right or
// bottom edge takes one more block, shifted back to end at the tile's edge: it overlaps the last full
// block, whose elements it writes again with the same values. Against finishing the edges element by
// element (and a gathered tile's ragged columns by strips first): stacks of 100 inputs on the last dim
// (each tile 64 + 36 inputs wide) ran 1.06-1.10x as fast in a fast spell and 1.06-1.13x on one
// thread, the same in a slow spell (cold caches, alternating runs). A tile narrower or shorter than a
// block goes element by element.
template <typename T, typename Block, typename Rows>
inline void transpose_tile_of(const Rows& src, T* dst, int64_t dst_ld, int64_t rows_a, int64_t cols_b) {
  if (rows_a < Block::A || cols_b < Block::B) {
    for (int64_t a = 0; a < rows_a; ++a) {
      for (int64_t b = 0; b < cols_b; ++b) dst[a * dst_ld + b] = src.row(b)[a];
    }
    return;
  }
  for (int64_t b0 = 0; b0 < cols_b; b0 += Block::B) {
    const int64_t b = std::min(b0, cols_b - Block::B);
    for (int64_t a0 = 0; a0 < rows_a; a0 += Block::A) {
      const int64_t a = std::min(a0, rows_a - Block::A);
      Block::run(src, b, a, dst + a * dst_ld + b, dst_ld);
    }
  }
}

// Lanes per block for an element size: 16 x 16 blocks where the vector allows.
template <int VectorBytes, typename T>
constexpr int block_lanes() { return std::min<int>(16, VectorBytes / sizeof(T)); }

template <int VectorBytes, typename T, typename Rows>
inline void transpose_tile_typed(const Rows& src, char* dst, int64_t dst_ld, int64_t rows_a, int64_t cols_b) {
  constexpr int L = block_lanes<VectorBytes, T>();
  T* d = reinterpret_cast<T*>(dst);
  if constexpr (sizeof(T) == 1 && VectorBytes > 16 && std::is_same_v<Rows, StridedRows<T>>) {
    // Rows of 16 bytes back to back (C = 16 channels last, read back): several per vector load. A
    // tile of fewer rows than one such block takes square blocks (below).
    if (rows_a == 16 && src.ld == 16 && cols_b >= PackedRows<VectorBytes>::B) {
      transpose_tile_of<T, PackedRows<VectorBytes>>(src, d, dst_ld, rows_a, cols_b);
      return;
    }
  }
  if constexpr (sizeof(T) <= 2 && VectorBytes > 16) {
    // Gathered blocks for AVX-512, where L1 holds a block's 64 source rows at once (see
    // transpose_lane_gathered).
    using Gathered = LaneGathered<T, VectorBytes / sizeof(T)>;
    if (VectorBytes == 64 && rows_a >= Gathered::A && cols_b >= Gathered::B && !crowd_l1_sets(src, Gathered::B)) {
      transpose_tile_of<T, Gathered>(src, d, dst_ld, rows_a, cols_b);
      return;
    }
    // A strip is a whole vector wide along a; a narrower tile (16 channels of 2 bytes, or of 1 byte
    // whose rows are not back to back) takes square blocks.
    if (rows_a >= Strip<T, VectorBytes / sizeof(T)>::A) {
      transpose_tile_of<T, Strip<T, VectorBytes / sizeof(T)>>(src, d, dst_ld, rows_a, cols_b);
    } else {
      transpose_tile_of<T, SquareBlock<T, L>>(src, d, dst_ld, rows_a, cols_b);
    }
  } else {
    transpose_tile_of<T, SquareBlock<T, L>>(src, d, dst_ld, rows_a, cols_b);
  }
}

// The entry points each tile_<isa>.cpp exports (see tile_kernels.h). Element sizes 1 to 8.
template <int VectorBytes, template <typename> class Rows, typename... RowArgs>
inline void transpose_tile_by_size(int element_size, char* dst, int64_t dst_ld, int64_t rows_a,
                                   int64_t cols_b, RowArgs... row_args) {
  switch (element_size) {
    case 1: return transpose_tile_typed<VectorBytes, uint8_t>(Rows<uint8_t>{row_args...}, dst, dst_ld, rows_a, cols_b);
    case 2: return transpose_tile_typed<VectorBytes, uint16_t>(Rows<uint16_t>{row_args...}, dst, dst_ld, rows_a, cols_b);
    case 4: return transpose_tile_typed<VectorBytes, uint32_t>(Rows<uint32_t>{row_args...}, dst, dst_ld, rows_a, cols_b);
    case 8: return transpose_tile_typed<VectorBytes, uint64_t>(Rows<uint64_t>{row_args...}, dst, dst_ld, rows_a, cols_b);
  }
}

// 16-byte elements: each is already a full vector move; pairs of uint64 keep them whole.
inline void transpose_16_byte_elements(const char* src, int64_t src_ld, char* dst, int64_t dst_ld,
                                       int64_t rows_a, int64_t cols_b) {
  for (int64_t a = 0; a < rows_a; ++a) {
    for (int64_t b = 0; b < cols_b; ++b) {
      std::memcpy(dst + (a * dst_ld + b) * 16, src + (b * src_ld + a) * 16, 16);
    }
  }
}

// Bytes of one block row (one vector) for an element size: what one store writes to a destination row.
template <int VectorBytes>
constexpr int row_bytes_of_block(int element_size) {
  switch (element_size) {
    case 1:
    case 2: return 16;  // square blocks of 16 lanes, or strips stored 16 bytes at a time
    case 4: return block_lanes<VectorBytes, uint32_t>() * 4;
    case 8: return block_lanes<VectorBytes, uint64_t>() * 8;
    default: return 16;
  }
}

}  // namespace reshapeops::cpu::RESHAPEOPS_ISA
