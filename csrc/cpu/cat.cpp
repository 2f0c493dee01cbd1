// Concatenate (and so stack) contiguous inputs in one parallel pass over the output.
// The output is [outer][row]; each input owns a fixed slice of every row. Work is split by output
// bytes, not by input, so 10,000 tiny inputs or 2 huge ones keep all cores busy alike, and every task
// writes one contiguous stretch of the output.
// Two inner loops:
//   - slices of at least a cache line: one memcpy per (row, input) slice;
//   - equal, short slices (stack on the last dim interleaves inputs element by element): a block of
//     rows is filled input by input, so each input is read as a stream and the block being written
//     stays in L1 until it is complete.
// Bytes moved: 2 * output bytes.
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "element.h"
#include "kernels.h"
#include "parallel_grain.h"

namespace reshapeops::cpu {

namespace {

constexpr int64_t kShortSliceBytes = 64;

// Slices of `slice_len` elements from each input, interleaved.
template <typename T>
void interleave_rows(const CatInputs& inputs, int64_t slice_len, int64_t row_begin, int64_t row_end,
                     T* out) {
  const int64_t row_len = slice_len * inputs.count;
  // Rows per block: the block of output (~16 KB) stays in L1 while each input pours into it.
  const int64_t block = std::max<int64_t>(1, (16 * 1024) / (row_len * int64_t(sizeof(T))));
  for (int64_t r0 = row_begin; r0 < row_end; r0 += block) {
    const int64_t r1 = std::min(row_end, r0 + block);
    for (int64_t j = 0; j < inputs.count; ++j) {
      const T* in = reinterpret_cast<const T*>(inputs.data[j]) + r0 * slice_len;
      T* o = out + r0 * row_len + j * slice_len;
      for (int64_t r = r0; r < r1; ++r, in += slice_len, o += row_len) {
        for (int64_t i = 0; i < slice_len; ++i) o[i] = in[i];
      }
    }
  }
}

// Copies output bytes [begin, end), starting inside row `row` at input `j`, `offset` bytes into its slice.
void copy_byte_range(const CatInputs& inputs, const std::vector<int64_t>& slice_start,
                     int64_t out_row_bytes, int64_t begin, int64_t end, char* out) {
  int64_t row = begin / out_row_bytes;
  const int64_t in_row = begin - row * out_row_bytes;
  int64_t j = std::upper_bound(slice_start.begin(), slice_start.end(), in_row) - slice_start.begin() - 1;
  int64_t offset = in_row - slice_start[j];
  for (int64_t pos = begin; pos < end;) {
    const int64_t slice = inputs.row_bytes[j];
    const int64_t take = std::min(slice - offset, end - pos);
    std::memcpy(out + pos, inputs.data[j] + row * slice + offset, take);
    pos += take;
    offset = 0;
    if (++j == inputs.count) {
      j = 0;
      ++row;
    }
  }
}

}  // namespace

void cat_contiguous(const CatInputs& inputs, int64_t outer, int64_t out_row_bytes,
                    int element_size, char* out) {
  if (outer == 0 || out_row_bytes == 0) return;
  const int64_t first = inputs.row_bytes[0];
  const bool equal_short_slices =
      first <= kShortSliceBytes &&
      std::all_of(inputs.row_bytes, inputs.row_bytes + inputs.count,
                  [&](int64_t b) { return b == first; });
  if (equal_short_slices) {
    const int64_t slice_len = first / element_size;
    with_element_type(element_size, [&](auto tag) {
      using T = decltype(tag);
      at::parallel_for(0, outer, grain_for(out_row_bytes), [&](int64_t begin, int64_t end) {
        interleave_rows(inputs, slice_len, begin, end, reinterpret_cast<T*>(out));
      });
    });
    return;
  }
  std::vector<int64_t> slice_start(inputs.count);
  int64_t start = 0;
  for (int64_t j = 0; j < inputs.count; ++j) {
    slice_start[j] = start;
    start += inputs.row_bytes[j];
  }
  at::parallel_for(0, outer * out_row_bytes, kBytesPerTask, [&](int64_t begin, int64_t end) {
    copy_byte_range(inputs, slice_start, out_row_bytes, begin, end, out);
  });
}

}  // namespace reshapeops::cpu
