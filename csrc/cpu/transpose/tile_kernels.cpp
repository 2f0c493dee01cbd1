#include "tile_kernels.h"

#include <c10/util/Exception.h>

#include <cstdlib>
#include <cstring>

namespace reshapeops::cpu {

namespace {

// RESHAPEOPS_CPU_ISA=avx512, =avx2 or =portable caps the choice below the best the CPU has (as torch's
// ATEN_CPU_CAPABILITY does), so one machine can run, test and time every set of kernels. Each set
// needs all of its extensions: AVX-512 means F, BW and VL; avx512vbmi adds VBMI.
int isa_cap() {
  const char* cap = std::getenv("RESHAPEOPS_CPU_ISA");
  if (cap == nullptr || *cap == '\0' || std::strcmp(cap, "avx512vbmi") == 0) return 3;
  if (std::strcmp(cap, "avx512") == 0) return 2;
  if (std::strcmp(cap, "avx2") == 0) return 1;
  if (std::strcmp(cap, "portable") == 0) return 0;
  TORCH_WARN("RESHAPEOPS_CPU_ISA=", cap, " is not one of avx512vbmi, avx512, avx2, portable; ignored");
  return 3;
}

#define RESHAPEOPS_ISA_KERNELS(isa)                                                                    \
  TransposeTileKernel {                                                                                \
    #isa, isa::transpose_tile, isa::block_row_bytes, isa::transpose_tile_gather, isa::interleave,    \
        isa::deinterleave, isa::gather_step, isa::gather_step_streamed, isa::copy_rows,                 \
        isa::transpose_streamed,                                                                       \
        isa::gather_streamed                                                                           \
  }

TransposeTileKernel choose() {
  const int cap = isa_cap();
#if defined(RESHAPEOPS_X86_TILES)
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512vl");
  if (cap >= 3 && avx512 && __builtin_cpu_supports("avx512vbmi")) return RESHAPEOPS_ISA_KERNELS(avx512vbmi);
  if (cap >= 2 && avx512) return RESHAPEOPS_ISA_KERNELS(avx512);
  if (cap >= 1 && __builtin_cpu_supports("avx2")) return RESHAPEOPS_ISA_KERNELS(avx2);
#else
  (void)cap;
#endif
  return RESHAPEOPS_ISA_KERNELS(portable);
}

}  // namespace

const TransposeTileKernel& transpose_tile_kernel() {
  static const TransposeTileKernel kernel = choose();
  return kernel;
}

}  // namespace reshapeops::cpu
