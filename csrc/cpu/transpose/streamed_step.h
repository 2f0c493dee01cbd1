// A slice with a small step (x[:, ::2], ::3, ::4) gathered into a contiguous row in registers and
// streamed to memory, past the cache (AVX-512 only).
//
// What it computes: dst[i] = src[i * Step], as gather_step_of in interleave.h.
// The idea: one output vector is Step source vectors with every Step-th lane kept, which one or two
// two-source permutes (vpermt2b/w/d/q) pick out; the vector is a whole destination line, so a
// streaming store takes it from the register and the output is written without being read first.
// Such a slice reads Step times the lines it writes, and the plain gather (ordinary stores) and torch
// also read every output line before writing it.
// Bytes moved: the output's bytes written, Step times as many read.
// Measured from truly cold caches in alternating runs against the plain gather, 16 MB outputs:
// x[:, ::2] of 1-8 byte elements 1.27-1.38x on two threads in a fast spell and on one thread, 1.2-1.26x
// in a slow spell; steps 3 and 4 of 2-8 byte elements 1.05-1.16x. Streaming the output through a 2 KB
// buffer instead had run 0.72x: the buffer's stores and loads cost more than the reads they saved.
// Where it stops being the right choice: outputs that stay in cache (streamed lines would have to be
// read back from memory); steps 3 and 4 of bytes (0.92-1.0x: the permutes then cost what the
// reads saved) and broadcasts (step 0, no reads to save: 0.75-0.95x), which keep the plain gather; and
// steps past 4, whose reads use a small part of every source line whatever is done with the output.
// Included by the AVX-512 tile_<isa>.cpp files only, after block_transpose.h (no include guard, as there).
#if RESHAPEOPS_VECTOR_BYTES != 64
#error "streamed_step.h needs 64-byte vectors: one vector, one destination line"
#endif
#include <immintrin.h>

namespace reshapeops::cpu::RESHAPEOPS_ISA {

// Lane m of the result: lane Step * m of the 2 L lanes of (x, y), where that is below 2 L.
template <int Step, int L>
constexpr int step_lane(int m) { return Step * m < 2 * L ? Step * m : 0; }
// Where lane m comes from when the first part (below `first` lanes) is x's and the rest is y's,
// from lane `from` of y on.
template <int L>
constexpr int join_lane(int m, int first, int step, int from) {
  return m < first ? m : L + from + step * (m - first);
}

template <int Step, typename V, int L, size_t... M>
inline V every_step(V x, V y, std::index_sequence<M...>) {
  return __builtin_shufflevector(x, y, step_lane<Step, L>(int(M))...);
}
template <typename V, int L, int First, int Step, int From, size_t... M>
inline V join(V x, V y, std::index_sequence<M...>) {
  return __builtin_shufflevector(x, y, join_lane<L>(int(M), First, Step, From)...);
}

// One output vector: lanes i to i + L of the slice.
template <int Step, typename T>
inline typename LaneVector<T, 64 / sizeof(T)>::type slice_vector(const T* src, int64_t i) {
  constexpr int L = 64 / sizeof(T);
  using V = typename LaneVector<T, L>::type;
  constexpr auto lanes = std::make_index_sequence<L>{};
  V s[Step];
#pragma GCC unroll 4
  for (int k = 0; k < Step; ++k) std::memcpy(&s[k], src + Step * i + k * L, sizeof(V));
  const V first_two = every_step<Step, V, L>(s[0], s[1], lanes);
  if constexpr (Step == 2) {
    return first_two;
  } else if constexpr (Step == 3) {
    // Lanes from ceil(2 L / 3) on lie in the third vector, from lane 3 m - 2 L.
    constexpr int kFirst = (2 * L + 2) / 3;
    return join<V, L, kFirst, 3, 3 * kFirst - 2 * L>(first_two, s[2], lanes);
  } else {
    // The first L / 2 lanes from the first two vectors, the rest from the last two.
    const V last_two = every_step<4, V, L>(s[2], s[3], lanes);
    return join<V, L, L / 2, 1, 0>(first_two, last_two, lanes);
  }
}

template <int Step, typename T>
void stream_slice_of(const char* src_bytes, int64_t n, char* dst_bytes) {
  constexpr int L = 64 / sizeof(T);
  const T* src = reinterpret_cast<const T*>(src_bytes);
  T* dst = reinterpret_cast<T*>(dst_bytes);
  // The partial lines at either end take ordinary stores. A vector's loads reach Step - 1 elements
  // past its last lane's, which for the slice's last element may lie past the tensor: that element
  // is always left to the scalar end.
  int64_t i = 0;
  for (; i < n && reinterpret_cast<uintptr_t>(dst + i) % 64 != 0; ++i) dst[i] = src[i * Step];
  for (; i + L < n; i += L) {
    const auto v = slice_vector<Step, T>(src, i);
    __m512i line;
    std::memcpy(&line, &v, sizeof(line));
    _mm512_stream_si512(reinterpret_cast<__m512i*>(dst + i), line);
  }
  for (; i < n; ++i) dst[i] = src[i * Step];
  _mm_sfence();
}

template <int Step>
bool stream_slice_for(int element_size, const char* src, int64_t n, char* dst) {
  return with_word_type(element_size, [&](auto word) { stream_slice_of<Step, decltype(word)>(src, n, dst); });
}

// False, writing nothing, for the steps and sizes that keep the plain gather (see above).
inline bool stream_slice(int step, int element_size, const char* src, int64_t n, char* dst) {
  switch (step) {
    case 2: return stream_slice_for<2>(element_size, src, n, dst);
    case 3: return element_size > 1 && stream_slice_for<3>(element_size, src, n, dst);
    case 4: return element_size > 1 && stream_slice_for<4>(element_size, src, n, dst);
    default: return false;
  }
}

}  // namespace reshapeops::cpu::RESHAPEOPS_ISA
