// Entry points of the CPU kernels. Each runs one kind of plan on all cores (at::parallel_for).
#pragma once

#include <cstdint>

#include "../plan/cat_inputs.h"
#include "../plan/copy_plan.h"

namespace reshapeops::cpu {

// Runs any plan by dispatching on plan.kernel.
void run_copy_plan(const CopyPlan& plan, const void* src, void* dst);

void copy_contiguous(const CopyPlan& plan, const char* src, char* dst);
void copy_rows(const CopyPlan& plan, const char* src, char* dst);
void copy_transpose(const CopyPlan& plan, const char* src, char* dst);
void copy_strided(const CopyPlan& plan, const char* src, char* dst);

// How copy_transpose will run a Transpose plan (for explain()).
enum class TransposeMethod { StridedTiles, Interleave, Deinterleave, GroupedTiles, SimdTiles, SimdTilesBuffered };
struct TransposeInfo {
  TransposeMethod method;
  const char* description;
  const char* isa;      // instruction set of the SIMD kernels chosen at run time
  int64_t tile_a, tile_b;  // tile extent along the source-fast and destination-fast dims
};
TransposeInfo describe_transpose(const CopyPlan& plan);

// The slow, obvious version of run_copy_plan: one element at a time, full index arithmetic per element.
// It is the yardstick the fast kernels are measured against (see benchmarks) and a readable spec.
void copy_reference(const CopyPlan& plan, const char* src, char* dst);

// Concatenation of contiguous inputs into a contiguous output (see cat_inputs.h).
void cat_contiguous(const CatInputs& inputs, int64_t outer, int64_t out_row_bytes,
                    int element_size, char* out);

}  // namespace reshapeops::cpu
