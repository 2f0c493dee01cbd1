// The layout planner: every op in reshapeops is "copy this strided view into that strided view".
// plan_copy() rewrites such a copy into the smallest equivalent loop nest and names the kernel that
// runs it. Torch-free on purpose, so the CUDA kernels (compiled without torch headers) share it.
//
// The rewrite, in order:
//   1. size-1 dims are dropped (they move no data and only confuse stride tests);
//   2. dims are ordered by destination stride, outermost first, so the destination's fastest dim is last;
//   3. neighbouring dims that are adjacent in both source and destination are folded into one
//      (e.g. a contiguous -> contiguous copy of any rank becomes a single dim).
// A permute of NCHW -> NHWC thus becomes a batched 2-D transpose [N][C x HW] -> [N][HW x C].
#pragma once

#include <cstdint>

namespace reshapeops {

// After dropping size-1 dims no more than 63 dims of size >= 2 fit in a 64-bit element count.
constexpr int kMaxPlanRank = 64;

enum class CopyKernel : int32_t {
  Empty,       // nothing to move
  Contiguous,  // one flat run in both source and destination: a memcpy
  Rows,        // innermost dim has stride 1 on both sides: a loop of row copies
  Transpose,   // innermost destination dim is not the source's fastest: tiled 2-D transpose
  Strided,     // anything else (no dim is close to stride 1 in the source): element gather
};

struct CopyPlan {
  CopyKernel kernel = CopyKernel::Empty;
  int32_t element_size = 0;  // bytes; kernels are keyed on this, never on dtype
  int32_t rank = 0;          // dims left after dropping and folding
  int32_t transpose_dim = -1;  // Transpose only: the dim whose source stride is smallest
  int64_t numel = 0;
  // Outermost first; strides are in elements. dst_strides[rank - 1] is the smallest destination stride.
  int64_t sizes[kMaxPlanRank];
  int64_t src_strides[kMaxPlanRank];
  int64_t dst_strides[kMaxPlanRank];
};

// `rank` may be anything (size-1 dims are free); at most kMaxPlanRank dims may have size >= 2,
// which any tensor whose element count fits in int64 satisfies.
CopyPlan plan_copy(int rank, const int64_t* sizes, const int64_t* src_strides,
                   const int64_t* dst_strides, int element_size);

const char* kernel_name(CopyKernel kernel);

}  // namespace reshapeops
