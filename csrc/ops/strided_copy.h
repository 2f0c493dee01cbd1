// The one primitive every op is built on: copy a strided source into a destination of the same sizes
// and its own strides, through the planner and the device's kernels.
#pragma once

#include <ATen/core/Tensor.h>

#include "../plan/copy_plan.h"

namespace reshapeops {

CopyPlan plan_for(at::IntArrayRef sizes, at::IntArrayRef src_strides, at::IntArrayRef dst_strides,
                  int64_t element_size);

// `dst` has the sizes of `src`; both are on the same device and have the same dtype.
void copy_into(const at::Tensor& src, const at::Tensor& dst);

// Copies `src` in row-major order into the contiguous memory of `dst` (same numel, any shape).
void copy_into_contiguous(const at::Tensor& src, const at::Tensor& dst);

}  // namespace reshapeops
