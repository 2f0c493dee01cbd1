// stack and cat called eagerly from Python on plain CPU tensors, without the dispatcher's boxing.
//
// A torch.ops call turns the Python list into a boxed list of IValues, and every tensor that enters
// or leaves it is a refcount round trip; for a tensor owned by Python the release takes the GIL's
// mutex. For 10,000 small inputs that was 1.1 ms a call, more than the copy of 30 MB. Here the list
// is read in place (each element's Tensor by reference), in the one scan the op's checks need anyway
// (ops/concat_scan.h), and the device-independent op runs directly on that scan.
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
#include <string>
#include <vector>

#include "eager_concat.h"
#include "ops/concat_scan.h"

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

// torch's argument parser rejects an element that is neither a tensor nor an object overriding torch
// functions, with a TypeError, before anything else; the dispatcher's schema parser would raise a
// RuntimeError, so calls that fall back to it get torch's error from here first.
void check_elements_are_tensors(PyObject* seq, Py_ssize_t first) {
  // The attribute lookup can run Python code that changes a list: size and items are read afresh.
  for (Py_ssize_t i = first; i < PySequence_Fast_GET_SIZE(seq); ++i) {
    const py::object item = py::reinterpret_borrow<py::object>(PySequence_Fast_GET_ITEM(seq, i));
    if (!THPVariable_Check(item.ptr()) && !PyObject_HasAttrString(item.ptr(), "__torch_function__")) {
      throw py::type_error("expected Tensor as element " + std::to_string(i) +
                           " in argument 0, but got " + Py_TYPE(item.ptr())->tp_name);
    }
  }
}

// The TensorImpl behind `obj` if it is a tensor (for prefetching only), else nullptr.
const c10::TensorImpl* tensor_impl_of(PyObject* obj) {
  return THPVariable_CheckExact(obj) ? THPVariable_Unpack(obj).unsafeGetTensorImpl() : nullptr;
}

void prefetch_object(const void* p, size_t bytes) {
  for (size_t line = 0; line < bytes; line += 64) __builtin_prefetch(static_cast<const char*>(p) + line);
}

// Each input is reached through a chain of pointers, each link on a page of its own: Python object ->
// TensorImpl -> its storage and autograd metadata -> for a view, its base's TensorImpl (which
// requires_grad() reads). Followed one input at a time, every link is a miss waited for; here each
// link is requested some inputs ahead of its use, a stage per link, so the misses of many inputs overlap.
// Inputs between stages: for 10,000 inputs, distances of 2 to 16 took the pass from 0.5-0.9 ms to
// 0.3-0.5 ms, best at 8.
constexpr Py_ssize_t kPrefetchStage = 8;

void prefetch_inputs(PyObject* const* items, Py_ssize_t count, Py_ssize_t i, bool grad_mode) {
  constexpr Py_ssize_t a = kPrefetchStage;
  if (i + 4 * a < count) prefetch_object(items[i + 4 * a], 32);
  if (i + 3 * a < count) {
    if (const c10::TensorImpl* impl = tensor_impl_of(items[i + 3 * a])) prefetch_object(impl, sizeof(*impl));
  }
  if (i + 2 * a < count) {
    if (const c10::TensorImpl* impl = tensor_impl_of(items[i + 2 * a])) {
      prefetch_object(impl->unsafe_storage().unsafeGetStorageImpl(), 32);
      if (grad_mode && impl->autograd_meta() != nullptr) {
        prefetch_object(impl->autograd_meta(), sizeof(torch::autograd::DifferentiableViewMeta));
      }
    }
  }
  if (grad_mode && i + a < count) {
    const c10::TensorImpl* impl = tensor_impl_of(items[i + a]);
    const auto* meta = impl ? static_cast<const torch::autograd::AutogradMeta*>(impl->autograd_meta()) : nullptr;
    if (meta != nullptr && meta->is_view_) {
      const auto* view = static_cast<const torch::autograd::DifferentiableViewMeta*>(meta);
      if (view->has_bw_view()) prefetch_object(view->get_backward_view().base_.unsafeGetTensorImpl(), 64);
    }
  }
}

}  // namespace

py::object concat_eager(bool is_stack, py::handle tensors, py::handle dim, py::handle out) {
  PyObject* seq = tensors.ptr();
  if (!(PyList_Check(seq) || PyTuple_Check(seq))) return py::none();
  PyObject* const* items = PySequence_Fast_ITEMS(seq);
  const Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
  if (count == 0) return py::none();
  if (!PyLong_CheckExact(dim.ptr()) || !no_dispatch_extras()) {
    check_elements_are_tensors(seq, 0);
    return py::none();
  }
  const bool grad_mode = at::GradMode::is_enabled();
  // A tuple keeps the inputs alive while the GIL is released, whatever happens to a list meanwhile.
  // Filled before the scan: reference counts are only ever changed by the thread holding the GIL.
  const bool is_list = PyList_Check(seq);
  const py::tuple keep = is_list ? py::reinterpret_steal<py::tuple>(PyTuple_New(count))
                                 : py::reinterpret_borrow<py::tuple>(seq);
  if (is_list) {
    for (Py_ssize_t i = 0; i < count; ++i) {
      Py_INCREF(items[i]);
      PyTuple_SET_ITEM(keep.ptr(), i, items[i]);
    }
  }
  // The scan reads the inputs' objects, also from other threads: nothing can change them while this
  // thread holds the GIL and waits for the scan.
  PyObject* const* inputs = &PyTuple_GET_ITEM(keep.ptr(), 0);
  std::vector<const at::Tensor*> tensors_seen(count);
  const InputScan scan(
      count,
      [&](int64_t i) { return tensors_seen[i] = plain_cpu_tensor(inputs[i], grad_mode); },
      [&](int64_t i) { prefetch_inputs(inputs, count, i, grad_mode); });
  if (scan.rejected() >= 0) {
    check_elements_are_tensors(seq, scan.rejected());
    return py::none();
  }
  at::MaterializedITensorListRef refs;
  refs.reserve(count);
  for (const at::Tensor* t : tensors_seen) refs.emplace_back(*t);
  const at::Tensor* out_tensor = nullptr;
  if (!out.is_none()) {
    out_tensor = plain_cpu_tensor(out.ptr(), grad_mode);
    if (out_tensor == nullptr) return py::none();
  }
  const int64_t d = PyLong_AsLongLong(dim.ptr());
  if (d == -1 && PyErr_Occurred()) throw py::error_already_set();

  at::Tensor result;
  {
    py::gil_scoped_release no_gil;
    if (out_tensor == nullptr) {
      result = concat_scanned(is_stack, refs, scan, d);
    } else {
      // out= is written in place: the same version bump the dispatcher's ADInplaceOrView step gives.
      at::Tensor& target = const_cast<at::Tensor&>(*out_tensor);
      concat_scanned_out(is_stack, refs, scan, d, target);
      torch::autograd::impl::bump_version(target);
    }
  }
  return out_tensor == nullptr ? py::cast(result) : py::reinterpret_borrow<py::object>(out);
}

}  // namespace reshapeops
