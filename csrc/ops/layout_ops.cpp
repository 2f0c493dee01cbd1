// contiguous / permute / reshape: each is "view the input differently, then copy it into fresh,
// row-major memory". The checks mirror torch's own (same exception types and messages) and all run
// before the output is touched.
#include <ATen/InferSize.h>
#include <ATen/TensorUtils.h>
#include <ATen/ops/empty.h>
#include <c10/core/WrapDimMinimal.h>
#include <c10/util/SmallVector.h>

#include "../cpu/kernels.h"
#include "backend.h"
#include "allocate.h"
#include "ops.h"
#include "out_checks.h"
#include "strided_copy.h"

namespace reshapeops {

namespace {

using DimVector = c10::SmallVector<int64_t, 8>;

struct PermutedView {
  DimVector sizes, strides;
};

PermutedView permuted_view(const at::Tensor& self, at::IntArrayRef dims) {
  const int64_t ndim = self.dim();
  TORCH_CHECK(static_cast<int64_t>(dims.size()) == ndim,
              "permute(): number of dimensions in the tensor input does not match the length of the "
              "desired ordering of dimensions i.e. input.dim() = ", ndim, " is not equal to len(dims) = ",
              dims.size());
  PermutedView view{DimVector(ndim), DimVector(ndim)};
  c10::SmallVector<bool, 8> seen(ndim, false);
  for (int64_t i = 0; i < ndim; ++i) {
    const int64_t d = c10::maybe_wrap_dim(dims[i], ndim);
    TORCH_CHECK(!seen[d], "permute(): duplicate dims are not allowed.");
    seen[d] = true;
    view.sizes[i] = self.size(d);
    view.strides[i] = self.stride(d);
  }
  return view;
}

void copy_permuted(const at::Tensor& self, const PermutedView& view, const at::Tensor& out) {
  const CopyPlan plan = plan_for(view.sizes, view.strides, out.strides(), self.element_size());
  if (plan.kernel == CopyKernel::Empty) return;
  backend_for(self.device()).run_copy_plan(plan, self.const_data_ptr(), out.data_ptr());
}

}  // namespace

at::Tensor contiguous(const at::Tensor& self) {
  at::Tensor out = allocate_output(self.sizes(), self.options());
  copy_into(self, out);
  return out;
}

at::Tensor& contiguous_out(const at::Tensor& self, at::Tensor& out) {
  check_out_matches("contiguous", out, self);
  prepare_out(out, self.sizes(), self);
  copy_into(self, out);
  return out;
}

at::Tensor permute(const at::Tensor& self, at::IntArrayRef dims) {
  const PermutedView view = permuted_view(self, dims);
  at::Tensor out = allocate_output(view.sizes, self.options());
  copy_permuted(self, view, out);
  return out;
}

at::Tensor& permute_out(const at::Tensor& self, at::IntArrayRef dims, at::Tensor& out) {
  const PermutedView view = permuted_view(self, dims);
  check_out_matches("permute", out, self);
  prepare_out(out, view.sizes, self);
  copy_permuted(self, view, out);
  return out;
}

at::Tensor reshape(const at::Tensor& self, at::IntArrayRef shape) {
  const at::DimVector sizes = at::infer_size_dv(shape, self.numel());
  at::Tensor out = allocate_output(sizes, self.options());
  copy_into_contiguous(self, out);
  return out;
}

at::Tensor& reshape_out(const at::Tensor& self, at::IntArrayRef shape, at::Tensor& out) {
  const at::DimVector sizes = at::infer_size_dv(shape, self.numel());
  check_out_matches("reshape", out, self);
  prepare_out(out, sizes, self);
  // Seen in the input's shape, `out` takes the input's elements in the same positions; a strided `out`
  // that cannot be seen that way takes torch's own reshape of the input (a view, or a copy).
  const std::optional<std::vector<int64_t>> out_strides_as_input =
      at::detail::computeStride(out.sizes(), out.strides(), self.sizes());
  if (!out_strides_as_input) {
    copy_into(self.reshape(sizes), out);
    return out;
  }
  const CopyPlan plan = plan_for(self.sizes(), self.strides(), *out_strides_as_input, self.element_size());
  if (plan.kernel != CopyKernel::Empty) {
    backend_for(self.device()).run_copy_plan(plan, self.const_data_ptr(), out.data_ptr());
  }
  return out;
}

at::Tensor reference_contiguous(const at::Tensor& self) {
  TORCH_CHECK(self.is_cpu(), "reference_contiguous(): CPU tensors only, got ", self.device());
  at::Tensor out = allocate_output(self.sizes(), self.options());
  const CopyPlan plan = plan_for(self.sizes(), self.strides(), out.strides(), self.element_size());
  cpu::copy_reference(plan, static_cast<const char*>(self.const_data_ptr()),
                      static_cast<char*>(out.data_ptr()));
  return out;
}

}  // namespace reshapeops
