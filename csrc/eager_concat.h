// The eager fast path of stack/cat from Python (eager_concat.cpp).
#pragma once

#include <torch/extension.h>

namespace reshapeops {

// stack (is_stack) or cat of `tensors` along `dim`, into `out` unless it is None; returns None, having
// done nothing, when the call must go through the dispatcher instead.
py::object concat_eager(bool is_stack, py::handle tensors, py::handle dim, py::handle out);

}  // namespace reshapeops
