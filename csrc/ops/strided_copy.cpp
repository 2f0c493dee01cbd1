#include "strided_copy.h"

#include <c10/util/SmallVector.h>

#include "backend.h"

namespace reshapeops {

CopyPlan plan_for(at::IntArrayRef sizes, at::IntArrayRef src_strides, at::IntArrayRef dst_strides,
                  int64_t element_size) {
  return plan_copy(static_cast<int>(sizes.size()), sizes.data(), src_strides.data(),
                   dst_strides.data(), static_cast<int>(element_size));
}

void copy_into(const at::Tensor& src, const at::Tensor& dst) {
  const CopyPlan plan = plan_for(src.sizes(), src.strides(), dst.strides(), src.element_size());
  if (plan.kernel == CopyKernel::Empty) return;
  backend_for(src.device()).run_copy_plan(plan, src.const_data_ptr(), dst.data_ptr());
}

void copy_into_contiguous(const at::Tensor& src, const at::Tensor& dst) {
  const at::IntArrayRef sizes = src.sizes();
  c10::SmallVector<int64_t, 8> row_major(sizes.size());
  int64_t stride = 1;
  for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
    row_major[d] = stride;
    stride *= sizes[d];
  }
  const CopyPlan plan = plan_for(sizes, src.strides(), row_major, src.element_size());
  if (plan.kernel == CopyKernel::Empty) return;
  backend_for(src.device()).run_copy_plan(plan, src.const_data_ptr(), dst.data_ptr());
}

}  // namespace reshapeops
