#include "backend.h"

#include <c10/util/Exception.h>

#include <array>

#include "../cpu/kernels.h"

namespace reshapeops {

namespace {

using Table = std::array<Backend, static_cast<size_t>(c10::DeviceType::COMPILE_TIME_MAX_DEVICE_TYPES)>;

Table& table() {
  static Table t = [] {
    Table init{};
    init[static_cast<size_t>(c10::DeviceType::CPU)] = Backend{
        [](const CopyPlan& plan, const void* src, void* dst, c10::Device) {
          cpu::run_copy_plan(plan, src, dst);
        },
        [](const CatInputs& inputs, int64_t outer, int64_t out_row_bytes, int element_size, char* out,
           c10::Device) { cpu::cat_contiguous(inputs, outer, out_row_bytes, element_size, out); }};
    return init;
  }();
  return t;
}

}  // namespace

BoundBackend backend_for(c10::Device device) {
  const Backend& b = table()[static_cast<size_t>(device.type())];
  TORCH_CHECK_NOT_IMPLEMENTED(b.run_copy_plan != nullptr, "reshapeops has no kernels for device ",
                              device, " (was it built with support for it?)");
  return BoundBackend(b, device);
}

bool register_backend(c10::DeviceType type, Backend backend) {
  table()[static_cast<size_t>(type)] = backend;
  return true;
}

}  // namespace reshapeops
