// Kernels move bytes, not numbers: each is instantiated for an element *size* (1, 2, 4, 8 or 16 bytes),
// so every dtype of that width, from bool to complex128 and float8, takes the same exact path.
// Torch-free and shared by the CPU and CUDA kernels.
#pragma once

#include <cstdint>

namespace reshapeops {

// 16-byte elements (complex128, ...) as two 8-byte words: only 8-byte alignment is assumed, since
// torch guarantees no more for them.
struct Bytes16 {
  uint64_t lo, hi;
};

// Calls f(T{}) with the unsigned type of the given width; returns false for any other width.
template <typename F>
bool with_element_type(int element_size, F&& f) {
  switch (element_size) {
    case 1: f(uint8_t{}); return true;
    case 2: f(uint16_t{}); return true;
    case 4: f(uint32_t{}); return true;
    case 8: f(uint64_t{}); return true;
    case 16: f(Bytes16{}); return true;
    default: return false;
  }
}

}  // namespace reshapeops
