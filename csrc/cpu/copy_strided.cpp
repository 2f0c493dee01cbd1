// Strided gather: the fallback for plans with no dim near stride 1 in the source (a slice with a
// step, an expanded dim in the innermost position). Writes run along the destination's fastest dim;
// reads jump by a fixed stride, so each element costs a cache line in the worst case.
// Bytes moved: 2 * numel * element_size, but up to a cache line read per element.
#include <ATen/Parallel.h>

#include "element.h"
#include "kernels.h"
#include "outer_walker.h"
#include "parallel_grain.h"

namespace reshapeops::cpu {

namespace {

template <typename T>
void gather_rows(OuterWalker& walker, int64_t rows, int64_t row_len, int64_t src_step,
                 int64_t dst_step, const T* src, T* dst) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* s = src + walker.src_offset;
    T* d = dst + walker.dst_offset;
    for (int64_t i = 0; i < row_len; ++i) d[i * dst_step] = s[i * src_step];
    walker.next();
  }
}

}  // namespace

void copy_strided(const CopyPlan& plan, const char* src, char* dst) {
  const int last = plan.rank - 1;
  const int64_t row_len = plan.sizes[last];
  const OuterWalker outer(plan, last);
  with_element_type(plan.element_size, [&](auto tag) {
    using T = decltype(tag);
    at::parallel_for(0, outer.count(), grain_for(row_len * sizeof(T)), [&](int64_t begin, int64_t end) {
      OuterWalker walker = outer;
      walker.seek(begin);
      gather_rows(walker, end - begin, row_len, plan.src_strides[last], plan.dst_strides[last],
                  reinterpret_cast<const T*>(src), reinterpret_cast<T*>(dst));
    });
  });
}

}  // namespace reshapeops::cpu
