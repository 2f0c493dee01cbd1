// The obvious copy: for every element, turn its linear index into a multi-index with div/mod and
// dot it with both stride vectors. Single-threaded, no tiling, no folding beyond the plan's.
// This is what "generic strided copy" costs before any of the ideas in the other kernels; the
// benchmark suite runs it so each idea's gain can be read off.
#include "../plan/element_types.h"
#include "kernels.h"

namespace reshapeops::cpu {

namespace {

template <typename T>
void copy_each_element(const CopyPlan& plan, const T* src, T* dst) {
  for (int64_t linear = 0; linear < plan.numel; ++linear) {
    int64_t rest = linear, src_offset = 0, dst_offset = 0;
    for (int d = plan.rank - 1; d >= 0; --d) {
      const int64_t i = rest % plan.sizes[d];
      rest /= plan.sizes[d];
      src_offset += i * plan.src_strides[d];
      dst_offset += i * plan.dst_strides[d];
    }
    dst[dst_offset] = src[src_offset];
  }
}

}  // namespace

void copy_reference(const CopyPlan& plan, const char* src, char* dst) {
  if (plan.kernel == CopyKernel::Empty) return;
  with_element_type(plan.element_size, [&](auto tag) {
    using T = decltype(tag);
    copy_each_element(plan, reinterpret_cast<const T*>(src), reinterpret_cast<T*>(dst));
  });
}

}  // namespace reshapeops::cpu
