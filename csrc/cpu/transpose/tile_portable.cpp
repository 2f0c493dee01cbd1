// The transpose tile and short-side zips compiled for portable (16-byte vectors); see block_transpose.h for the idea.
// Standard headers come before the target switch, so their inline functions keep the default target.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include "tile_kernels.h"

#define RESHAPEOPS_ISA portable
#include "block_transpose.h"
#include "interleave.h"

namespace reshapeops::cpu::portable {

void transpose_tile(int element_size, const char* src, int64_t src_ld, char* dst, int64_t dst_ld,
                    int64_t rows_a, int64_t cols_b) {
  if (element_size == 16) return transpose_16_byte_elements(src, src_ld, dst, dst_ld, rows_a, cols_b);
  transpose_tile_by_size<16, StridedRows>(element_size, dst, dst_ld, rows_a, cols_b, src, src_ld);
}

void transpose_tile_gather(int element_size, const char* const* rows, int64_t offset, char* dst,
                           int64_t dst_ld, int64_t rows_a, int64_t cols_b) {
  transpose_tile_by_size<16, TableRows>(element_size, dst, dst_ld, rows_a, cols_b, rows, offset);
}

int block_row_bytes(int element_size) { return row_bytes_of_block<16>(element_size); }

bool interleave(int count, int element_size, const char* const* rows, int64_t n, char* dst) {
  return zip(false, count, element_size, rows, nullptr, nullptr, n, dst);
}

bool deinterleave(int count, int element_size, const char* src, int64_t n, char* const* rows) {
  return zip(true, count, element_size, nullptr, rows, src, n, nullptr);
}

bool gather_step(int step, int element_size, const char* src, int64_t n, char* dst) {
  return gather_with_step(step, element_size, src, n, dst);
}

void copy_rows(const char* s, int64_t s_step, char* d, int64_t d_step, int64_t rows, int64_t bytes) {
  copy_row_run(s, s_step, d, d_step, rows, bytes);
}

}  // namespace reshapeops::cpu::portable
