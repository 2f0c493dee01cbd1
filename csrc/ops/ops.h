// The ops as registered with the dispatcher. Device-independent: kernels are reached through backend.h,
// so the CPU and CUDA registrations share these functions.
#pragma once

#include <ATen/core/IListRef.h>
#include <ATen/core/Tensor.h>

namespace reshapeops {

at::Tensor contiguous(const at::Tensor& self);
at::Tensor& contiguous_out(const at::Tensor& self, at::Tensor& out);

at::Tensor permute(const at::Tensor& self, at::IntArrayRef dims);
at::Tensor& permute_out(const at::Tensor& self, at::IntArrayRef dims, at::Tensor& out);

at::Tensor reshape(const at::Tensor& self, at::IntArrayRef shape);
at::Tensor& reshape_out(const at::Tensor& self, at::IntArrayRef shape, at::Tensor& out);

at::Tensor stack(const at::ITensorListRef& tensors, int64_t dim);
at::Tensor& stack_out(const at::ITensorListRef& tensors, int64_t dim, at::Tensor& out);

at::Tensor cat(const at::ITensorListRef& tensors, int64_t dim);
at::Tensor& cat_out(const at::ITensorListRef& tensors, int64_t dim, at::Tensor& out);

// The slow element-by-element copy, for benchmarks and as a readable spec (CPU only).
at::Tensor reference_contiguous(const at::Tensor& self);

}  // namespace reshapeops
