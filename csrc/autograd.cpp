// Autograd kernels for the reshapeops ops, in C++ rather than torch.library.register_autograd: a Python
// autograd kernel runs on every call, with or without requires_grad, and doubled the per-call cost of a
// tiny permute. Here a call that needs no graph goes straight to the kernel below autograd.
//
// Backwards are the layout inverses, and call the ops through the dispatcher (so they are themselves
// differentiable, for double backward):
//   permute  -> the inverse permute, a reshapeops copy: AccumulateGrad would otherwise clone a permuted
//               view into the input's row-major layout itself, more slowly;
//   reshape  -> a view back to the input's shape when the gradient allows it, else a reshapeops copy;
//   contiguous -> the gradient as is;
//   stack    -> unbind, cat -> split by the inputs' sizes: views, no copy needed.
// The out= overloads refuse to build a graph, as torch's own out= ops do, and bump out's version.
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/autograd.h>
#include <torch/library.h>

#include <vector>

namespace reshapeops {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

template <typename Signature>
c10::TypedOperatorHandle<Signature> op(const char* name, const char* overload) {
  return c10::Dispatcher::singleton().findSchemaOrThrow(name, overload).typed<Signature>();
}

using UnaryFn = at::Tensor(const at::Tensor&);
using IntsFn = at::Tensor(const at::Tensor&, c10::IntArrayRef);
using ListFn = at::Tensor(const at::ITensorListRef&, int64_t);

const c10::TypedOperatorHandle<UnaryFn>& contiguous_op() {
  static const auto h = op<UnaryFn>("reshapeops::contiguous", "");
  return h;
}
const c10::TypedOperatorHandle<IntsFn>& permute_op() {
  static const auto h = op<IntsFn>("reshapeops::permute", "");
  return h;
}
const c10::TypedOperatorHandle<IntsFn>& reshape_op() {
  static const auto h = op<IntsFn>("reshapeops::reshape", "");
  return h;
}
const c10::TypedOperatorHandle<ListFn>& stack_op() {
  static const auto h = op<ListFn>("reshapeops::stack", "");
  return h;
}
const c10::TypedOperatorHandle<ListFn>& cat_op() {
  static const auto h = op<ListFn>("reshapeops::cat", "");
  return h;
}

bool needs_graph(const at::Tensor& t) { return at::GradMode::is_enabled() && t.requires_grad(); }

bool needs_graph(const at::ITensorListRef& tensors) {
  if (!at::GradMode::is_enabled()) return false;
  for (const at::Tensor& t : tensors) {
    if (t.requires_grad()) return true;
  }
  return false;
}

struct ContiguousFn : torch::autograd::Function<ContiguousFn> {
  static at::Tensor forward(AutogradContext*, const at::Tensor& self) {
    at::AutoDispatchBelowADInplaceOrView guard;
    return contiguous_op().call(self);
  }
  static tensor_list backward(AutogradContext*, tensor_list grads) { return {grads[0]}; }
};

struct PermuteFn : torch::autograd::Function<PermuteFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& self, c10::IntArrayRef dims) {
    at::Tensor out;
    {
      at::AutoDispatchBelowADInplaceOrView guard;
      out = permute_op().call(self, dims);  // checks dims, so the inverse below is well defined
    }
    const int64_t ndim = self.dim();
    std::vector<int64_t> inverse(ndim);
    for (int64_t i = 0; i < ndim; ++i) inverse[c10::maybe_wrap_dim(dims[i], ndim)] = i;
    ctx->saved_data["inverse"] = inverse;
    return out;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    const std::vector<int64_t> inverse = ctx->saved_data["inverse"].toIntVector();
    return {permute_op().call(grads[0], inverse), at::Tensor()};
  }
};

struct ReshapeFn : torch::autograd::Function<ReshapeFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& self, c10::IntArrayRef shape) {
    ctx->saved_data["sizes"] = self.sizes().vec();
    at::AutoDispatchBelowADInplaceOrView guard;
    return reshape_op().call(self, shape);
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    const std::vector<int64_t> sizes = ctx->saved_data["sizes"].toIntVector();
    const at::Tensor& grad = grads[0];
    at::Tensor back = grad.is_contiguous() ? grad.view(sizes) : reshape_op().call(grad, sizes);
    return {back, at::Tensor()};
  }
};

struct StackFn : torch::autograd::Function<StackFn> {
  static at::Tensor forward(AutogradContext* ctx, at::TensorList tensors, int64_t dim) {
    at::AutoDispatchBelowADInplaceOrView guard;
    at::Tensor out = stack_op().call(tensors, dim);
    ctx->saved_data["dim"] = c10::maybe_wrap_dim(dim, out.dim());
    return out;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    tensor_list parts = grads[0].unbind(ctx->saved_data["dim"].toInt());
    parts.emplace_back();  // dim
    return parts;
  }
};

struct CatFn : torch::autograd::Function<CatFn> {
  static at::Tensor forward(AutogradContext* ctx, at::TensorList tensors, int64_t dim) {
    at::AutoDispatchBelowADInplaceOrView guard;
    at::Tensor out = cat_op().call(tensors, dim);
    // torch.cat skips 1-D empty inputs; their gradient is an empty tensor, not a slice.
    std::vector<int64_t> sizes;
    const int64_t d = c10::maybe_wrap_dim(dim, out.dim());
    for (const at::Tensor& t : tensors) sizes.push_back(t.dim() == 1 && t.numel() == 0 ? -1 : t.size(d));
    ctx->saved_data["dim"] = d;
    ctx->saved_data["sizes"] = sizes;
    return out;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    const at::Tensor& grad = grads[0];
    const int64_t dim = ctx->saved_data["dim"].toInt();
    tensor_list parts;
    int64_t offset = 0;
    for (int64_t size : ctx->saved_data["sizes"].toIntVector()) {
      if (size < 0) {
        parts.push_back(at::zeros({0}, grad.options()));
      } else {
        parts.push_back(grad.narrow(dim, offset, size));
        offset += size;
      }
    }
    parts.emplace_back();  // dim
    return parts;
  }
};

at::Tensor contiguous_autograd(const at::Tensor& self) {
  if (!needs_graph(self)) {
    at::AutoDispatchBelowADInplaceOrView guard;
    return contiguous_op().call(self);
  }
  return ContiguousFn::apply(self);
}

at::Tensor permute_autograd(const at::Tensor& self, c10::IntArrayRef dims) {
  if (!needs_graph(self)) {
    at::AutoDispatchBelowADInplaceOrView guard;
    return permute_op().call(self, dims);
  }
  return PermuteFn::apply(self, dims);
}

at::Tensor reshape_autograd(const at::Tensor& self, c10::IntArrayRef shape) {
  if (!needs_graph(self)) {
    at::AutoDispatchBelowADInplaceOrView guard;
    return reshape_op().call(self, shape);
  }
  return ReshapeFn::apply(self, shape);
}

at::Tensor stack_autograd(const at::ITensorListRef& tensors, int64_t dim) {
  if (!needs_graph(tensors)) {
    at::AutoDispatchBelowADInplaceOrView guard;
    return stack_op().call(tensors, dim);
  }
  const std::vector<at::Tensor> inputs(tensors.begin(), tensors.end());
  return StackFn::apply(at::TensorList(inputs), dim);  // as a TensorList, which apply() records as inputs
}

at::Tensor cat_autograd(const at::ITensorListRef& tensors, int64_t dim) {
  if (!needs_graph(tensors)) {
    at::AutoDispatchBelowADInplaceOrView guard;
    return cat_op().call(tensors, dim);
  }
  const std::vector<at::Tensor> inputs(tensors.begin(), tensors.end());
  return CatFn::apply(at::TensorList(inputs), dim);  // as a TensorList, which apply() records as inputs
}

// out= overloads: a boxed kernel for all five. Torch's wording for the same refusal.
void out_autograd(const c10::OperatorHandle& handle, c10::DispatchKeySet keys, torch::jit::Stack* stack) {
  const auto& args = handle.schema().arguments();
  const size_t first = stack->size() - args.size();
  bool wants_graph = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const c10::IValue& v = (*stack)[first + i];
    if (v.isTensor()) {
      wants_graph = wants_graph || needs_graph(v.toTensor());
    } else if (v.isTensorList()) {
      for (const c10::IValue& t : v.toListRef()) wants_graph = wants_graph || needs_graph(t.toTensor());
    }
  }
  TORCH_CHECK(!wants_graph, handle.schema().name(),
              "(): functions with out=... arguments don't support automatic differentiation, but one "
              "of the arguments requires grad.");
  const at::Tensor out = (*stack)[stack->size() - 1].toTensor();
  {
    at::AutoDispatchBelowADInplaceOrView guard;
    handle.redispatchBoxed(keys & c10::after_ADInplaceOrView_keyset, stack);
  }
  torch::autograd::impl::bump_version(out);
}

}  // namespace

TORCH_LIBRARY_IMPL(reshapeops, Autograd, m) {
  m.impl("contiguous", &contiguous_autograd);
  m.impl("permute", &permute_autograd);
  m.impl("reshape", &reshape_autograd);
  m.impl("stack", &stack_autograd);
  m.impl("cat", &cat_autograd);
  for (const char* name : {"contiguous.out", "permute.out", "reshape.out", "stack.out", "cat.out"}) {
    m.impl(name, torch::CppFunction::makeFromBoxedFunction<&out_autograd>());
  }
}

}  // namespace reshapeops
