#include "out_checks.h"

#include <ATen/MemoryOverlap.h>
#include <ATen/ops/empty.h>

namespace reshapeops {

void check_out_matches(const char* op, const at::Tensor& out, const at::Tensor& like) {
  TORCH_CHECK(out.device() == like.device(), op, "(): Expected out tensor to have device ",
              like.device(), ", but got ", out.device(), " instead");
  TORCH_CHECK(out.scalar_type() == like.scalar_type(), op,
              "(): Expected out tensor to have dtype ", like.scalar_type(), ", but got ",
              out.scalar_type(), " instead");
}

namespace {

// `out` as resize_output would leave it: same storage and offset, contiguous `sizes`. Built as a
// separate tensor so the overlap check can run before `out` is touched (torch resizes first and may
// then fail, leaving `out` resized; we must leave it unchanged). The storage is not grown: the
// overlap test only compares addresses.
at::Tensor as_resized(const at::Tensor& out, at::IntArrayRef sizes) {
  at::Tensor resized = at::empty({0}, out.options());
  c10::TensorImpl* impl = resized.unsafeGetTensorImpl();
  impl->set_storage_keep_dtype(out.storage());
  impl->set_storage_offset(out.storage_offset());
  impl->set_sizes_contiguous(sizes);
  return resized;
}

}  // namespace

void prepare_out(const at::Tensor& out, at::IntArrayRef sizes, const at::ITensorListRef& inputs) {
  for (const at::Tensor& input : inputs) at::assert_no_overlap(out, input);
  if (out.sizes() == sizes) {
    at::assert_no_internal_overlap(out);
    return;
  }
  // A resized `out` is contiguous (no internal overlap) but may now reach into an input that shares
  // its storage (e.g. an empty view into that input).
  const at::Tensor resized = as_resized(out, sizes);
  for (const at::Tensor& input : inputs) at::assert_no_overlap(resized, input);
  // torch's resize_output would also warn when a non-empty `out` is resized, but a warning raised in
  // a dispatcher call from Python only reaches stderr; the Python API issues torch's UserWarning itself.
  out.resize_(sizes);
}

void prepare_out_for_contiguous(const at::Tensor& out, at::IntArrayRef sizes,
                                const at::MaterializedITensorListRef& inputs,
                                const std::vector<const char*>& data, const std::vector<int64_t>& nbytes) {
  if (out.sizes() != sizes || !out.is_contiguous()) {
    prepare_out(out, sizes, at::ITensorListRef(inputs));
    return;
  }
  // Contiguous bytes that miss out's bytes cannot overlap them; only an input whose bytes may is
  // handed to torch's check, which words the error.
  const char* out_begin = static_cast<const char*>(out.const_data_ptr());
  const char* out_end = out_begin + out.nbytes();
  for (size_t k = 0; k < inputs.size(); ++k) {
    if (data[k] < out_end && out_begin < data[k] + nbytes[k]) at::assert_no_overlap(out, inputs[k]);
  }
  at::assert_no_internal_overlap(out);
}

}  // namespace reshapeops
