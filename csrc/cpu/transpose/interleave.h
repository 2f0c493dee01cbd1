// Transposes where one side is short (2 to 15 elements): NCHW -> NHWC with C = 3, or stacking a few
// tensors on their last dim. A square tile would be mostly ragged edge; instead C rows are zipped
// into one (interleave) or one row is split into C (deinterleave). With C known at compile time the
// compiler turns the loop into a few shuffles per vector on each instruction set, at close to copy speed.
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
  switch (element_size) {
    case 1: gather_step_of<Step, uint8_t>(src, n, dst); return true;
    case 2: gather_step_of<Step, uint16_t>(src, n, dst); return true;
    case 4: gather_step_of<Step, uint32_t>(src, n, dst); return true;
    case 8: gather_step_of<Step, uint64_t>(src, n, dst); return true;
    default: return false;
  }
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
    } else {
      for (int64_t i = 0; i < bytes; ++i) d[i] = s[i];
    }
  }
}

template <int C>
bool zip_for_count(bool inverse, int element_size, const char* const* rows_in, char* const* rows_out,
                   const char* src, int64_t n, char* dst) {
  switch (element_size) {
    case 1: inverse ? deinterleave_of<C, uint8_t>(src, n, rows_out) : interleave_of<C, uint8_t>(rows_in, n, dst); return true;
    case 2: inverse ? deinterleave_of<C, uint16_t>(src, n, rows_out) : interleave_of<C, uint16_t>(rows_in, n, dst); return true;
    case 4: inverse ? deinterleave_of<C, uint32_t>(src, n, rows_out) : interleave_of<C, uint32_t>(rows_in, n, dst); return true;
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
