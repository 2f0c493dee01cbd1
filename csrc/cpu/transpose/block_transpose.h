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
//
// No include guard on purpose: each tile_<isa>.cpp includes it once, inside its own namespace
// RESHAPEOPS_ISA, so the per-ISA copies of these templates never merge at link time.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#ifndef RESHAPEOPS_ISA
#error "block_transpose.h is included by tile_<isa>.cpp files, which define RESHAPEOPS_ISA"
#endif

namespace reshapeops::cpu::RESHAPEOPS_ISA {

template <typename T, int Lanes>
struct LaneVector {
  typedef T type __attribute__((vector_size(Lanes * sizeof(T))));
};

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

// dst[i * dst_ld + j] = src[j * src_ld + i] for an L x L block.
template <typename T, int L>
inline void transpose_block(const T* src, int64_t src_ld, T* dst, int64_t dst_ld) {
  using V = typename LaneVector<T, L>::type;
  constexpr auto lanes = std::make_index_sequence<L>{};
  V rows[L];
#pragma GCC unroll 16
  for (int i = 0; i < L; ++i) std::memcpy(&rows[i], src + i * src_ld, sizeof(V));
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
#pragma GCC unroll 16
  for (int i = 0; i < L; ++i) std::memcpy(dst + i * dst_ld, &rows[i], sizeof(V));
}

// dst[a * dst_ld + b] = src[b * src_ld + a] for a < rows_a, b < cols_b: whole blocks in registers,
// the ragged right and bottom edges element by element.
template <typename T, int L>
inline void transpose_tile_of(const T* src, int64_t src_ld, T* dst, int64_t dst_ld, int64_t rows_a,
                              int64_t cols_b) {
  const int64_t full_a = rows_a - rows_a % L, full_b = cols_b - cols_b % L;
  for (int64_t b = 0; b < full_b; b += L) {
    for (int64_t a = 0; a < full_a; a += L) {
      transpose_block<T, L>(src + b * src_ld + a, src_ld, dst + a * dst_ld + b, dst_ld);
    }
    for (int64_t a = full_a; a < rows_a; ++a) {
      for (int64_t j = b; j < b + L; ++j) dst[a * dst_ld + j] = src[j * src_ld + a];
    }
  }
  for (int64_t a = 0; a < rows_a; ++a) {
    for (int64_t j = full_b; j < cols_b; ++j) dst[a * dst_ld + j] = src[j * src_ld + a];
  }
}

// The entry point each tile_<isa>.cpp exports (see tile_kernels.h).
template <int VectorBytes>
inline void transpose_tile_by_size(int element_size, const char* src, int64_t src_ld, char* dst,
                                   int64_t dst_ld, int64_t rows_a, int64_t cols_b) {
  switch (element_size) {
    case 1:
      transpose_tile_of<uint8_t, std::min(16, VectorBytes)>(
          reinterpret_cast<const uint8_t*>(src), src_ld, reinterpret_cast<uint8_t*>(dst), dst_ld, rows_a, cols_b);
      return;
    case 2:
      transpose_tile_of<uint16_t, std::min(16, VectorBytes / 2)>(
          reinterpret_cast<const uint16_t*>(src), src_ld, reinterpret_cast<uint16_t*>(dst), dst_ld, rows_a, cols_b);
      return;
    case 4:
      transpose_tile_of<uint32_t, std::min(16, VectorBytes / 4)>(
          reinterpret_cast<const uint32_t*>(src), src_ld, reinterpret_cast<uint32_t*>(dst), dst_ld, rows_a, cols_b);
      return;
    case 8:
      transpose_tile_of<uint64_t, std::min(16, VectorBytes / 8)>(
          reinterpret_cast<const uint64_t*>(src), src_ld, reinterpret_cast<uint64_t*>(dst), dst_ld, rows_a, cols_b);
      return;
    default:  // 16-byte elements: each is already a full vector move; pairs of uint64 keep them whole
      for (int64_t a = 0; a < rows_a; ++a) {
        for (int64_t b = 0; b < cols_b; ++b) {
          std::memcpy(dst + (a * dst_ld + b) * 16, src + (b * src_ld + a) * 16, 16);
        }
      }
  }
}

}  // namespace reshapeops::cpu::RESHAPEOPS_ISA
