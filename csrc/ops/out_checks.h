// Validation of `out=` arguments, done in full before a single byte is written.
#pragma once

#include <ATen/core/IListRef.h>
#include <ATen/core/Tensor.h>

namespace reshapeops {

// Same device and dtype as `like` (exactly: these ops copy bits, they do not convert).
void check_out_matches(const char* op, const at::Tensor& out, const at::Tensor& like);

// Resizes `out` to `sizes` following torch's out= rules (the warning for a non-empty `out` comes from
// the Python API), after rejecting an `out` that overlaps itself or any input.
void prepare_out(const at::Tensor& out, at::IntArrayRef sizes, const at::ITensorListRef& inputs);

}  // namespace reshapeops
