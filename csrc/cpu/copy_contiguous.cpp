// Contiguous copy: source and destination are one flat run each. This is the ceiling every other
// kernel is measured against: it reads and writes each byte once, in order, with memcpy's best code.
// Bytes moved: 2 * numel * element_size. Split into equal byte ranges, one per task.
#include <ATen/Parallel.h>

#include <cstring>

#include "kernels.h"
#include "parallel_grain.h"

namespace reshapeops::cpu {

void copy_contiguous(const CopyPlan& plan, const char* src, char* dst) {
  const int64_t bytes = plan.numel * plan.element_size;
  at::parallel_for(0, bytes, kBytesPerTask, [&](int64_t begin, int64_t end) {
    std::memcpy(dst + begin, src + begin, end - begin);
  });
}

}  // namespace reshapeops::cpu
