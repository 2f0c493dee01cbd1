#include "tile_kernels.h"

#include <c10/util/Exception.h>

#include <cstdlib>
#include <cstring>

namespace reshapeops::cpu {

namespace {

// RESHAPEOPS_CPU_ISA=avx2 or =portable caps the choice below the best the CPU has (as torch's
// ATEN_CPU_CAPABILITY does), so one machine can run, test and time every set of kernels.
int isa_cap() {
  const char* cap = std::getenv("RESHAPEOPS_CPU_ISA");
  if (cap == nullptr || *cap == '\0' || std::strcmp(cap, "avx512") == 0) return 2;
  if (std::strcmp(cap, "avx2") == 0) return 1;
  if (std::strcmp(cap, "portable") == 0) return 0;
  TORCH_WARN("RESHAPEOPS_CPU_ISA=", cap, " is not one of avx512, avx2, portable; ignored");
  return 2;
}

TransposeTileKernel choose() {
  const int cap = isa_cap();
#if defined(RESHAPEOPS_X86_TILES)
  __builtin_cpu_init();
  if (cap >= 2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl")) {
    return {"avx512", avx512::transpose_tile, avx512::block_row_bytes, avx512::transpose_tile_gather,
            avx512::interleave,
            avx512::deinterleave, avx512::gather_step,
            avx512::copy_rows};
  }
  if (cap >= 1 && __builtin_cpu_supports("avx2")) return {"avx2", avx2::transpose_tile, avx2::block_row_bytes, avx2::transpose_tile_gather,
            avx2::interleave,
            avx2::deinterleave, avx2::gather_step,
            avx2::copy_rows};
#else
  (void)cap;
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
