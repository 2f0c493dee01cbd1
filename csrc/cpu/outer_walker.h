// Walks a set of outer dims like an odometer. A parallel chunk pays one div/mod per dim to find where
// it starts (seek); after that each step is an add and, rarely, a carry. Inner loops never divide.
#pragma once

#include <cstdint>

#include "../plan/copy_plan.h"

namespace reshapeops::cpu {

struct OuterWalker {
  int rank = 0;
  int64_t sizes[kMaxPlanRank];
  int64_t src_strides[kMaxPlanRank];
  int64_t dst_strides[kMaxPlanRank];
  int64_t index[kMaxPlanRank];
  int64_t src_offset = 0;
  int64_t dst_offset = 0;

  // Keeps plan dims [0, end) except `skip` (use -1 to keep all).
  OuterWalker(const CopyPlan& plan, int end, int skip = -1) {
    for (int d = 0; d < end; ++d) {
      if (d == skip) continue;
      sizes[rank] = plan.sizes[d];
      src_strides[rank] = plan.src_strides[d];
      dst_strides[rank] = plan.dst_strides[d];
      ++rank;
    }
  }

  // Keeps the plan dims whose entry in `skip` is false.
  OuterWalker(const CopyPlan& plan, const bool* skip) {
    for (int d = 0; d < plan.rank; ++d) {
      if (skip[d]) continue;
      sizes[rank] = plan.sizes[d];
      src_strides[rank] = plan.src_strides[d];
      dst_strides[rank] = plan.dst_strides[d];
      ++rank;
    }
  }

  int64_t count() const {
    int64_t n = 1;
    for (int d = 0; d < rank; ++d) n *= sizes[d];
    return n;
  }

  void seek(int64_t linear) {
    src_offset = dst_offset = 0;
    for (int d = rank - 1; d >= 0; --d) {
      index[d] = linear % sizes[d];
      linear /= sizes[d];
      src_offset += index[d] * src_strides[d];
      dst_offset += index[d] * dst_strides[d];
    }
  }

  // Steps the innermost dim can still take before the odometer carries.
  int64_t run_left() const { return rank == 0 ? 1 : sizes[rank - 1] - index[rank - 1]; }

  // n steps at once, 1 <= n <= run_left(): one multiply-add instead of n odometer steps.
  void skip(int64_t n) {
    if (rank == 0) return;
    const int d = rank - 1;
    index[d] += n - 1;
    src_offset += (n - 1) * src_strides[d];
    dst_offset += (n - 1) * dst_strides[d];
    next();
  }

  void next() {
    for (int d = rank - 1; d >= 0; --d) {
      src_offset += src_strides[d];
      dst_offset += dst_strides[d];
      if (++index[d] < sizes[d]) return;
      src_offset -= src_strides[d] * sizes[d];
      dst_offset -= dst_strides[d] * sizes[d];
      index[d] = 0;
    }
  }
};

}  // namespace reshapeops::cpu
