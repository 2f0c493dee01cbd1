// Transposes where one side is short (2 to 15 elements): NCHW -> NHWC with C = 3, or stacking a few
// tensors on their last dim. A square tile would be mostly ragged edge; instead C rows are zipped
// into one (interleave) or one row is split into C (deinterleave). With C known at compile time the
// compiler turns the loop into a few shuffles per vector on each instruction set, at close to copy speed;
// counts it leaves scalar are padded, or split in two and merged (below). Bytes moved: each element
// read once and written once. From 16 rows the transpose tiles take over, where every row's load
// fills whole vectors and no lane is padding.
//
// Included inside namespace RESHAPEOPS_ISA by tile_<isa>.cpp, like block_transpose.h.
#ifndef RESHAPEOPS_ISA
#error "interleave.h is included by tile_<isa>.cpp files, which define RESHAPEOPS_ISA"
#endif

namespace reshapeops::cpu::RESHAPEOPS_ISA {

// dst[i * C + c] = rows[c][i]
template <int C, typename T>
void interleave_of(const char* const* rows, int64_t n, char* dst_bytes) {
  const T* src[C];
  for (int c = 0; c < C; ++c) src[c] = reinterpret_cast<const T*>(rows[c]);
  T* __restrict dst = reinterpret_cast<T*>(dst_bytes);
  for (int64_t i = 0; i < n; ++i) {
#pragma GCC unroll 16
    for (int c = 0; c < C; ++c) dst[i * C + c] = src[c][i];
  }
}

// Lane m of the result is lane (m / C) * Cp + m % C of x: the first C of every Cp lanes, packed,
// for the sizeof...(M) / Cp whole padded rows one vector holds.
template <int C, int Cp, typename V, size_t... M>
inline V pack_rows(V x, std::index_sequence<M...>) {
  constexpr int kRows = int(sizeof...(M)) / Cp;
  return __builtin_shufflevector(x, x, (int(M) < kRows * C ? int(M) / C * Cp + int(M) % C : 0)...);
}

// Rows of Cp elements, the first C of them wanted, to rows of C. Where a vector holds two or more
// padded rows, one shuffle packs them and one store writes them (its tail overwritten by the next
// store); that beat a move per row 1.5-3x for 1- and 2-byte elements. For 1-byte rows the pack is a
// single instruction only with VBMI's byte permute (see tile_avx512vbmi.cpp). The rest: one fixed-size
// move per row, of the power of two at or above its length (under twice the row, inside the padded
// row), which the next row's move overwrites past the row's end; the last row is moved exactly.
template <int C, int Cp, typename T>
void drop_padding(const T* padded, int64_t m, char* out) {
  constexpr int64_t kRow = C * sizeof(T);
  int64_t r = 0;
  constexpr int kLanes = RESHAPEOPS_VECTOR_BYTES / sizeof(T);
  constexpr int kRowsPerVector = kLanes / Cp;
  if constexpr (kRowsPerVector >= 2) {
    using V = typename LaneVector<T, kLanes>::type;
    for (; r + kRowsPerVector <= m && r * kRow + int64_t(sizeof(V)) <= m * kRow; r += kRowsPerVector) {
      V rows;
      std::memcpy(&rows, padded + r * Cp, sizeof(V));
      const V packed = pack_rows<C, Cp>(rows, std::make_index_sequence<kLanes>{});
      std::memcpy(out + r * kRow, &packed, sizeof(V));
    }
  }
  constexpr size_t kMove = kRow <= 8 ? 8 : kRow <= 16 ? 16 : kRow <= 32 ? 32 : 64;
  static_assert(kMove <= Cp * sizeof(T), "a move must stay inside its padded row");
  for (; r + 1 < m; ++r) std::memcpy(out + r * kRow, padded + r * Cp, kMove);
  if (m > 0) std::memcpy(out + (m - 1) * kRow, padded + (m - 1) * Cp, kRow);
}

// Zips of 5-7 or 9-15 rows, which the compiler leaves scalar (1-byte elements: 10-16 GB/s in L1,
// against 70-80 GB/s for 4 or 8 rows): the rows are padded, by repeating the last, to 8 or 16, zipped
// by a kernel that vectorizes (8 rows: the compiler's own zip; 16: the SIMD transpose tile, reading
// the 16 rows as its source rows), and the padding dropped as the rows are moved out.
// The tile replaced zipping pairs of rows into elements twice as wide, then 8 of those: one thread,
// stacks of 10-15 inputs of 1 or 2 bytes, 1.5-2x as fast with the inputs in L3 (uint8, 12 inputs:
// 16 -> 30 GB/s), 1.1-1.2x from cold caches; AVX2 alike.
template <int C, typename T>
void interleave_padded(const char* const* rows, int64_t n, char* dst) {
  constexpr int Cp = C <= 8 ? 8 : 16;
  constexpr int64_t kChunk = 256;  // rows per round: the buffers stay in L1
  alignas(64) T padded[kChunk * Cp];
  for (int64_t i0 = 0; i0 < n; i0 += kChunk) {
    const int64_t m = std::min(kChunk, n - i0);
    const char* in[Cp];
    for (int c = 0; c < Cp; ++c) in[c] = rows[std::min(c, C - 1)] + i0 * int64_t(sizeof(T));
    if constexpr (Cp == 8) {
      interleave_of<8, T>(in, m, reinterpret_cast<char*>(padded));
    } else {
      transpose_tile_typed<RESHAPEOPS_VECTOR_BYTES, T>(TableRows<T>{in, 0}, reinterpret_cast<char*>(padded), Cp, m,
                                                       Cp);
    }
    drop_padding<C, Cp, T>(padded, m, dst + i0 * C * int64_t(sizeof(T)));
  }
}

// Zips of 9-15 rows as two zips the compiler vectorizes well, merged. The first eight rows are zipped
// into one buffer and the rest (padded to Rp rows, a power of two, by repeating the last) into
// another. For every L positions (one vector per row) the output is C vectors. Vector k takes a run
// of consecutive elements from each buffer, since each zip keeps the output's order. It is one
// two-source permute of a vector-wide window of each (vpermt2b/w/d), so merging costs a permute per
// output vector. For 10 rows of bytes that is about a third of the shuffles of transposing 16 padded
// rows and dropping the padding (interleave_padded). The indices are computed at compile time for each C and L.
template <int C>
constexpr int rest_padded() { return C - 8 <= 1 ? 1 : C - 8 <= 2 ? 2 : C - 8 <= 4 ? 4 : 8; }

// Where output element e (of a block of whole positions) is in its zip: eight rows, or the rest.
template <int C>
constexpr bool from_eight(int e) { return e % C < 8; }
template <int C>
constexpr int zip_index(int e) {
  return from_eight<C>(e) ? e / C * 8 + e % C : e / C * rest_padded<C>() + e % C - 8;
}
// The first zip index output vector k (L lanes) takes from the eight (eight = true) or the rest.
template <int C, int L>
constexpr int window_start(int k, bool eight) {
  for (int m = 0; m < L; ++m) {
    if (from_eight<C>(k * L + m) == eight) return zip_index<C>(k * L + m);
  }
  return 0;
}
// Where output element e lies in the window of its zip that its output vector loads.
template <int C, int L>
constexpr int window_offset(int e) {
  return zip_index<C>(e) - window_start<C, L>(e / L, from_eight<C>(e));
}
// Lane m of output vector k in the permute of the two windows (the rest's lanes numbered from L).
template <int C, int L>
constexpr int merge_lane(int k, int m) {
  const int e = k * L + m;
  return (from_eight<C>(e) ? 0 : L) + window_offset<C, L>(e);
}
template <int C, int L>
constexpr bool windows_fit() {
  for (int e = 0; e < C * L; ++e) {
    if (window_offset<C, L>(e) < 0 || window_offset<C, L>(e) >= L) return false;
  }
  return true;
}

template <int C, int L, int K, typename T, typename V, size_t... M>
inline void merge_vector(const T* eight, const T* rest, T* out, std::index_sequence<M...>) {
  V a, b;
  std::memcpy(&a, eight + window_start<C, L>(K, true), sizeof(V));
  std::memcpy(&b, rest + window_start<C, L>(K, false), sizeof(V));
  const V merged = __builtin_shufflevector(a, b, merge_lane<C, L>(K, int(M))...);
  std::memcpy(out + K * L, &merged, sizeof(V));
}
template <int C, int L, typename T, typename V, size_t... K>
inline void merge_block(const T* eight, const T* rest, T* out, std::index_sequence<K...>) {
  (merge_vector<C, L, int(K), T, V>(eight, rest, out, std::make_index_sequence<L>{}), ...);
}

template <int C, typename T>
void interleave_split(const char* const* rows, int64_t n, char* dst) {
  constexpr int L = RESHAPEOPS_VECTOR_BYTES / sizeof(T), Rp = rest_padded<C>();
  static_assert(windows_fit<C, L>(), "each output vector takes one vector-wide window of each zip");
  using V = typename LaneVector<T, L>::type;
  constexpr int64_t kChunk = 256;  // positions per round, a multiple of L: the zips stay in L1
  alignas(64) T eight[kChunk * 8 + L];
  alignas(64) T rest[kChunk * Rp + L];
  T* out = reinterpret_cast<T*>(dst);
  const int64_t whole = n - n % L;
  for (int64_t i0 = 0; i0 < whole; i0 += kChunk) {
    const int64_t m = std::min(kChunk, whole - i0);
    const char* in[8];
    for (int c = 0; c < 8; ++c) in[c] = rows[c] + i0 * int64_t(sizeof(T));
    interleave_of<8, T>(in, m, reinterpret_cast<char*>(eight));
    // A single row left is copied all the same: the windows read up to a vector past a block's end.
    for (int c = 0; c < Rp; ++c) in[c] = rows[std::min(8 + c, C - 1)] + i0 * int64_t(sizeof(T));
    interleave_of<Rp, T>(in, m, reinterpret_cast<char*>(rest));
    for (int64_t p = 0; p < m; p += L) {
      merge_block<C, L, T, V>(eight + p * 8, rest + p * Rp, out + (i0 + p) * C, std::make_index_sequence<C>{});
    }
  }
  if (whole < n) {
    const char* tail[C];
    for (int c = 0; c < C; ++c) tail[c] = rows[c] + whole * int64_t(sizeof(T));
    interleave_of<C, T>(tail, n - whole, dst + whole * C * int64_t(sizeof(T)));
  }
}

// rows[c][i] = src[i * C + c]
template <int C, typename T>
void deinterleave_of(const char* src_bytes, int64_t n, char* const* rows) {
  const T* __restrict src = reinterpret_cast<const T*>(src_bytes);
  T* dst[C];
  for (int c = 0; c < C; ++c) dst[c] = reinterpret_cast<T*>(rows[c]);
  for (int64_t i = 0; i < n; ++i) {
#pragma GCC unroll 16
    for (int c = 0; c < C; ++c) dst[c][i] = src[i * C + c];
  }
}

// dst[i] = src[i * Step]: a slice with a small step (Step 0: a broadcast), vectorized like the zips.
template <int Step, typename T>
void gather_step_of(const char* src_bytes, int64_t n, char* dst_bytes) {
  const T* __restrict src = reinterpret_cast<const T*>(src_bytes);
  T* __restrict dst = reinterpret_cast<T*>(dst_bytes);
  for (int64_t i = 0; i < n; ++i) dst[i] = src[i * Step];
}

template <int Step>
bool gather_step_for(int element_size, const char* src, int64_t n, char* dst) {
  return with_word_type(element_size, [&](auto word) { gather_step_of<Step, decltype(word)>(src, n, dst); });
}

inline bool gather_with_step(int step, int element_size, const char* src, int64_t n, char* dst) {
  switch (step) {
    case 0: return gather_step_for<0>(element_size, src, n, dst);
    case 2: return gather_step_for<2>(element_size, src, n, dst);
    case 3: return gather_step_for<3>(element_size, src, n, dst);
    case 4: return gather_step_for<4>(element_size, src, n, dst);
    default: return false;
  }
}

// `rows` rows of `bytes` each, from s to d, rows `s_step` / `d_step` bytes apart. Fixed-size moves
// inline into whole-vector loads and stores of this instruction set; the last move of a row overlaps
// the one before it, so any length takes one pass (source and destination never overlap).
inline void copy_row_run(const char* s, int64_t s_step, char* d, int64_t d_step, int64_t rows,
                         int64_t bytes) {
  for (int64_t r = 0; r < rows; ++r, s += s_step, d += d_step) {
    if (bytes >= 64) {
      for (int64_t i = 0; i + 64 <= bytes; i += 64) std::memcpy(d + i, s + i, 64);
      std::memcpy(d + bytes - 64, s + bytes - 64, 64);
    } else if (bytes >= 16) {
      for (int64_t i = 0; i + 16 <= bytes; i += 16) std::memcpy(d + i, s + i, 16);
      std::memcpy(d + bytes - 16, s + bytes - 16, 16);
    } else if (bytes >= 8) {
      std::memcpy(d, s, 8);
      std::memcpy(d + bytes - 8, s + bytes - 8, 8);
    } else if (bytes >= 4) {
      std::memcpy(d, s, 4);
      std::memcpy(d + bytes - 4, s + bytes - 4, 4);
    } else if (bytes >= 2) {
      std::memcpy(d, s, 2);
      std::memcpy(d + bytes - 2, s + bytes - 2, 2);
    } else {
      for (int64_t i = 0; i < bytes; ++i) d[i] = s[i];
    }
  }
}

// Zips padded where that measured faster in L1 (one thread, AVX-512): 5-7 rows of 1-4 byte elements
// 1.1-2.2x, 9-15 rows of 1-byte elements 1.7-2.9x and of 2-byte ones 1.2-1.6x (zipped then as pairs;
// the transpose tile that replaced the pairs gained more). For 9-15 rows of 4-byte elements the
// pairs lost 5-30% and the tile gained nothing; 8-byte elements zip at 75-90 GB/s as they are.
// Split and merged instead (interleave_split), one thread with the inputs in L2, against the padded
// zip (or for 4-byte elements the plain one), on AVX-512 VBMI, AVX-512 and AVX2: 4-byte elements
// 1.15-1.55x for every count; 9 and 10 rows of 1 and 2 bytes 1.1-1.45x (uint8 on AVX-512 without
// VBMI, 9 rows: 0.94x), where 11 to 15 rows, whose rest is zipped as 4 or 8, were as often slower
// (0.6-1.45x).
template <int C, typename T>
void interleave_rows_of(const char* const* rows, int64_t n, char* dst) {
  if constexpr (C >= 9 && (sizeof(T) == 4 || (C <= 10 && sizeof(T) <= 2)) && RESHAPEOPS_VECTOR_BYTES >= 32) {
    interleave_split<C, T>(rows, n, dst);
  } else if constexpr ((C >= 5 && C <= 7 && sizeof(T) <= 4) || (C >= 9 && sizeof(T) <= 2)) {
    interleave_padded<C, T>(rows, n, dst);
  } else {
    interleave_of<C, T>(rows, n, dst);
  }
}

template <int C>
bool zip_for_count(bool inverse, int element_size, const char* const* rows_in, char* const* rows_out,
                   const char* src, int64_t n, char* dst) {
  switch (element_size) {
    case 1: inverse ? deinterleave_of<C, uint8_t>(src, n, rows_out) : interleave_rows_of<C, uint8_t>(rows_in, n, dst); return true;
    case 2: inverse ? deinterleave_of<C, uint16_t>(src, n, rows_out) : interleave_rows_of<C, uint16_t>(rows_in, n, dst); return true;
    case 4: inverse ? deinterleave_of<C, uint32_t>(src, n, rows_out) : interleave_rows_of<C, uint32_t>(rows_in, n, dst); return true;
    case 8: inverse ? deinterleave_of<C, uint64_t>(src, n, rows_out) : interleave_of<C, uint64_t>(rows_in, n, dst); return true;
    default: return false;
  }
}

// One switch for both directions, so each count is instantiated in one place.
inline bool zip(bool inverse, int count, int element_size, const char* const* rows_in,
                char* const* rows_out, const char* src, int64_t n, char* dst) {
  switch (count) {
    case 2: return zip_for_count<2>(inverse, element_size, rows_in, rows_out, src, n, dst);
    case 3: return zip_for_count<3>(inverse, element_size, rows_in, rows_out, src, n, dst);
    case 4: return zip_for_count<4>(inverse, element_size, rows_in, rows_out, src, n, dst);
    case 5: return zip_for_count<5>(inverse, element_size, rows_in, rows_out, src, n, dst);
    case 6: return zip_for_count<6>(inverse, element_size, rows_in, rows_out, src, n, dst);
    case 7: return zip_for_count<7>(inverse, element_size, rows_in, rows_out, src, n, dst);
    case 8: return zip_for_count<8>(inverse, element_size, rows_in, rows_out, src, n, dst);
    case 9: return zip_for_count<9>(inverse, element_size, rows_in, rows_out, src, n, dst);
    case 10: return zip_for_count<10>(inverse, element_size, rows_in, rows_out, src, n, dst);
    case 11: return zip_for_count<11>(inverse, element_size, rows_in, rows_out, src, n, dst);
    case 12: return zip_for_count<12>(inverse, element_size, rows_in, rows_out, src, n, dst);
    case 13: return zip_for_count<13>(inverse, element_size, rows_in, rows_out, src, n, dst);
    case 14: return zip_for_count<14>(inverse, element_size, rows_in, rows_out, src, n, dst);
    case 15: return zip_for_count<15>(inverse, element_size, rows_in, rows_out, src, n, dst);
    default: return false;
  }
}

}  // namespace reshapeops::cpu::RESHAPEOPS_ISA
