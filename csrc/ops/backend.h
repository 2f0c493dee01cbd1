// The device-independent ops (checks, shapes, out= handling) call kernels through this table, one entry
// per device type. The CPU entry is always there; the CUDA glue adds its own when the extension is
// built with CUDA. Kernels read and write raw pointers; a backend may use the current stream/device.
#pragma once

#include <c10/core/Device.h>

#include "../plan/cat_inputs.h"
#include "../plan/copy_plan.h"

namespace reshapeops {

struct Backend {
  void (*run_copy_plan)(const CopyPlan& plan, const void* src, void* dst);
  void (*cat_contiguous)(const CatInputs& inputs, int64_t outer, int64_t out_row_bytes,
                         int element_size, char* out);
};

// Throws (NotImplementedError, naming the device) when the extension has no kernels for it.
const Backend& backend_for(c10::Device device);

// Called once, at load time, by each backend's glue.
bool register_backend(c10::DeviceType type, Backend backend);

}  // namespace reshapeops
