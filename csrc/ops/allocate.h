// Fresh outputs. A new buffer's pages are mapped on first write, one 4 KB page fault at a time; for a
// large output that costs about as much as the copy itself. Asking the kernel for 2 MB pages on the
// still-untouched buffer (madvise, where transparent huge pages are in "madvise" mode) cuts the faults
// 512-fold. Measured on the development machine: see benchmarks/NOTES.md ("Pages").
#pragma once

#include <ATen/core/Tensor.h>

namespace reshapeops {

at::Tensor allocate_output(at::IntArrayRef sizes, const at::TensorOptions& options);

}  // namespace reshapeops
