// stack and cat called eagerly from Python on plain CPU tensors, without the dispatcher's boxing.
//
// A torch.ops call turns the Python list into a boxed list of IValues, and every tensor that enters
// or leaves it is a refcount round trip; for a tensor owned by Python the release takes the GIL's
// mutex. For 10,000 small inputs that was 1.1 ms a call, more than the copy of 30 MB. Here the list
// is read in place (each element's Tensor by reference) and the device-independent op runs directly.
//
// Only a call the dispatcher would send straight to the CPU kernel takes this path; anything else
// returns None and the caller goes through torch.ops: a tensor subclass, a tensor with any dispatch key
// beyond plain CPU (conjugate, negative, Python, ...), an input needing autograd, an active torch
// function or dispatch mode, thread-local key changes (inference mode, functionalization), a profiler
// or other RecordFunction callback, a `dim` that is not an int.
#include <ATen/PythonTorchFunctionTLS.h>
#include <ATen/record_function.h>
#include <c10/core/impl/LocalDispatchKeySet.h>
#include <c10/core/impl/TorchDispatchModeTLS.h>
#include <torch/csrc/autograd/python_variable.h>
#include <torch/extension.h>

#include <functional>
#include <vector>

#include "eager_concat.h"
#include "ops/ops.h"

namespace reshapeops {

namespace {

// What a plain CPU tensor carries: no conjugate/negative view bits, no Python or functional wrapper.
// (Autocast is in every CPU tensor's set; it only acts when thread-local state enables it.)
const c10::DispatchKeySet kPlainCpuKeys{c10::DispatchKey::CPU, c10::DispatchKey::ADInplaceOrView,
                                        c10::DispatchKey::AutogradCPU, c10::DispatchKey::AutocastCPU};

bool no_dispatch_extras() {
  const c10::impl::LocalDispatchKeySet tls = c10::impl::tls_local_dispatch_key_set();
  return tls.included_ == c10::default_included_set && tls.excluded_ == c10::default_excluded_set &&
         c10::impl::TorchDispatchModeTLS::stack_len() == 0 && !at::impl::torch_function_mode_enabled() &&
         !at::hasCallbacks();
}

// The tensor of `obj` when the dispatcher would pass it unchanged to the CPU kernel, else nullptr.
const at::Tensor* plain_cpu_tensor(PyObject* obj, bool grad_mode) {
  if (!THPVariable_CheckExact(obj)) return nullptr;
  const at::Tensor& t = THPVariable_Unpack(obj);
  if (!t.defined() || t.key_set() != kPlainCpuKeys || (grad_mode && t.requires_grad())) return nullptr;
  return &t;
}

}  // namespace

py::object concat_eager(bool is_stack, py::handle tensors, py::handle dim, py::handle out) {
  if (!(PyList_Check(tensors.ptr()) || PyTuple_Check(tensors.ptr())) || !PyLong_CheckExact(dim.ptr()) ||
      !no_dispatch_extras()) {
    return py::none();
  }
  // A tuple of the inputs keeps them alive while the GIL is released, whatever happens to the list.
  const py::tuple inputs = py::reinterpret_steal<py::tuple>(PySequence_Tuple(tensors.ptr()));
  const Py_ssize_t count = PyTuple_GET_SIZE(inputs.ptr());
  if (count == 0) return py::none();
  const bool grad_mode = at::GradMode::is_enabled();
  at::MaterializedITensorListRef refs;
  refs.reserve(count);
  for (Py_ssize_t i = 0; i < count; ++i) {
    const at::Tensor* t = plain_cpu_tensor(PyTuple_GET_ITEM(inputs.ptr(), i), grad_mode);
    if (t == nullptr) return py::none();
    refs.emplace_back(*t);
  }
  const at::Tensor* out_tensor = nullptr;
  if (!out.is_none()) {
    out_tensor = plain_cpu_tensor(out.ptr(), grad_mode);
    if (out_tensor == nullptr) return py::none();
  }
  const int64_t d = PyLong_AsLongLong(dim.ptr());
  if (d == -1 && PyErr_Occurred()) throw py::error_already_set();

  const at::ITensorListRef list(refs);
  at::Tensor result;
  {
    py::gil_scoped_release no_gil;
    if (out_tensor == nullptr) {
      result = is_stack ? reshapeops::stack(list, d) : reshapeops::cat(list, d);
    } else {
      // out= is written in place: the same version bump the dispatcher's ADInplaceOrView step gives.
      at::Tensor& target = const_cast<at::Tensor&>(*out_tensor);
      is_stack ? reshapeops::stack_out(list, d, target) : reshapeops::cat_out(list, d, target);
      torch::autograd::impl::bump_version(target);
    }
  }
  return out_tensor == nullptr ? py::cast(result) : py::reinterpret_borrow<py::object>(out);
}

}  // namespace reshapeops
