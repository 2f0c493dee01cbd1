// How concatenation sees its inputs: the output is [outer][row], and input j owns row_bytes[j]
// consecutive bytes of every output row, read from its own contiguous [outer][row_bytes[j]] buffer.
// Torch-free, shared by the CPU and CUDA kernels.
#pragma once

#include <cstdint>

namespace reshapeops {

struct CatInputs {
  int64_t count;
  const char* const* data;
  const int64_t* row_bytes;
};

}  // namespace reshapeops
