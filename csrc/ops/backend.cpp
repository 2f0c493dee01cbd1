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
    init[static_cast<size_t>(c10::DeviceType::CPU)] = Backend{cpu::run_copy_plan, cpu::cat_contiguous};
    return init;
  }();
  return t;
}

}  // namespace

const Backend& backend_for(c10::Device device) {
  const Backend& b = table()[static_cast<size_t>(device.type())];
  TORCH_CHECK_NOT_IMPLEMENTED(b.run_copy_plan != nullptr, "reshapeops has no kernels for device ",
                              device, " (was it built with support for it?)");
  return b;
}

bool register_backend(c10::DeviceType type, Backend backend) {
  table()[static_cast<size_t>(type)] = backend;
  return true;
}

}  // namespace reshapeops
