// Validation of `out=` arguments, done in full before a single byte is written.
#pragma once

#include <ATen/core/IListRef.h>
#include <ATen/core/Tensor.h>

#include <vector>

namespace reshapeops {

// Same device and dtype as `like` (exactly: these ops copy bits, they do not convert).
void check_out_matches(const char* op, const at::Tensor& out, const at::Tensor& like);

// Resizes `out` to `sizes` following torch's out= rules (the warning for a non-empty `out` comes from
// the Python API), after rejecting an `out` that overlaps itself or any input.
void prepare_out(const at::Tensor& out, at::IntArrayRef sizes, const at::ITensorListRef& inputs);

// prepare_out for inputs known to be contiguous, given each one's first byte and length (as read in the
// caller's single pass over them): only an input whose bytes meet out's is looked at again.
void prepare_out_for_contiguous(const at::Tensor& out, at::IntArrayRef sizes,
                                const at::MaterializedITensorListRef& inputs,
                                const std::vector<const char*>& data, const std::vector<int64_t>& nbytes);

}  // namespace reshapeops
