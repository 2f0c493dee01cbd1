// The same device-independent op functions serve every device (kernels are reached through
// backend.h); each device's TORCH_LIBRARY_IMPL block registers all of them with this.
#pragma once

#include <torch/library.h>

#include "ops.h"

namespace reshapeops {

inline void impl_all_ops(torch::Library& m) {
  m.impl("contiguous", &contiguous);
  m.impl("contiguous.out", &contiguous_out);
  m.impl("permute", &permute);
  m.impl("permute.out", &permute_out);
  m.impl("reshape", &reshape);
  m.impl("reshape.out", &reshape_out);
  m.impl("stack", &stack);
  m.impl("stack.out", &stack_out);
  m.impl("cat", &cat);
  m.impl("cat.out", &cat_out);
}

}  // namespace reshapeops
