#include "out_checks.h"

#include <ATen/MemoryOverlap.h>
#include <ATen/native/Resize.h>

namespace reshapeops {

void check_out_matches(const char* op, const at::Tensor& out, const at::Tensor& like) {
  TORCH_CHECK(out.device() == like.device(), op, "(): Expected out tensor to have device ",
              like.device(), ", but got ", out.device(), " instead");
  TORCH_CHECK(out.scalar_type() == like.scalar_type(), op,
              "(): Expected out tensor to have dtype ", like.scalar_type(), ", but got ",
              out.scalar_type(), " instead");
}

void prepare_out(const at::Tensor& out, at::IntArrayRef sizes, at::ArrayRef<at::Tensor> inputs) {
  for (const at::Tensor& input : inputs) at::assert_no_overlap(out, input);
  at::native::resize_output(out, sizes);
  at::assert_no_internal_overlap(out);
  // resize_output may have grown `out` onto fresh storage or kept storage shared with an input.
  for (const at::Tensor& input : inputs) at::assert_no_overlap(out, input);
}

}  // namespace reshapeops
