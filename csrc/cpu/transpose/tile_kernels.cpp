#include "tile_kernels.h"

namespace reshapeops::cpu {

namespace {

TransposeTileKernel choose() {
#if defined(RESHAPEOPS_X86_TILES)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl")) {
    return {"avx512", avx512::transpose_tile, avx512::block_row_bytes, avx512::transpose_tile_gather,
            avx512::interleave,
            avx512::deinterleave, avx512::gather_step,
            avx512::copy_rows};
  }
  if (__builtin_cpu_supports("avx2")) return {"avx2", avx2::transpose_tile, avx2::block_row_bytes, avx2::transpose_tile_gather,
            avx2::interleave,
            avx2::deinterleave, avx2::gather_step,
            avx2::copy_rows};
#endif
  return {"portable", portable::transpose_tile, portable::block_row_bytes, portable::transpose_tile_gather,
            portable::interleave,
            portable::deinterleave, portable::gather_step,
            portable::copy_rows};
}

}  // namespace

const TransposeTileKernel& transpose_tile_kernel() {
  static const TransposeTileKernel kernel = choose();
  return kernel;
}

}  // namespace reshapeops::cpu
