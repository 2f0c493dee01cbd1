#pragma once

#include <algorithm>
#include <cstdint>

namespace reshapeops::cpu {

// Below this many bytes a chunk is not worth a thread: waking one costs a few microseconds.
constexpr int64_t kBytesPerTask = 64 * 1024;

// How many work items of `item_bytes` each make a task worth a thread.
inline int64_t grain_for(int64_t item_bytes) {
  return std::max<int64_t>(1, kBytesPerTask / std::max<int64_t>(1, item_bytes));
}

}  // namespace reshapeops::cpu
