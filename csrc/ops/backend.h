// The device-independent ops (checks, shapes, out= handling) call kernels through this table, one entry
// per device type. The CPU entry is always there; the CUDA glue adds its own when the extension is
// built with CUDA. Kernels read and write raw pointers on `device`: a backend with several devices
// (CUDA) makes that one current and runs on its current stream; the CPU backend ignores it.
#pragma once

#include <c10/core/Device.h>

#include "../plan/cat_inputs.h"
#include "../plan/copy_plan.h"

namespace reshapeops {

struct Backend {
  void (*run_copy_plan)(const CopyPlan& plan, const void* src, void* dst, c10::Device device);
  void (*cat_contiguous)(const CatInputs& inputs, int64_t outer, int64_t out_row_bytes,
                         int element_size, char* out, c10::Device device);
};

// A device's kernels, bound to that device, so the ops name the device once:
// backend_for(t.device()).run_copy_plan(plan, src, dst).
class BoundBackend {
 public:
  BoundBackend(const Backend& backend, c10::Device device) : backend_(backend), device_(device) {}

  void run_copy_plan(const CopyPlan& plan, const void* src, void* dst) const {
    backend_.run_copy_plan(plan, src, dst, device_);
  }
  void cat_contiguous(const CatInputs& inputs, int64_t outer, int64_t out_row_bytes, int element_size,
                      char* out) const {
    backend_.cat_contiguous(inputs, outer, out_row_bytes, element_size, out, device_);
  }

 private:
  const Backend& backend_;
  c10::Device device_;
};

// Throws (NotImplementedError, naming the device) when the extension has no kernels for it.
BoundBackend backend_for(c10::Device device);

// Called once, at load time, by each backend's glue.
bool register_backend(c10::DeviceType type, Backend backend);

}  // namespace reshapeops
