// Entry points of the CUDA kernels. Torch-free on purpose: the .cu files are compiled with only the
// CUDA runtime and the project's own planner headers, and the torch glue (cuda_backend.cpp) calls these
// with raw pointers and the stream torch wants the work on. Every function only enqueues work on
// `stream` (no host synchronisation, no host buffers read after return), so all of them may be
// captured into a CUDA graph. Each returns the launch error (cudaGetLastError) or cudaSuccess.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "../plan/cat_inputs.h"
#include "../plan/copy_plan.h"

namespace reshapeops::gpu {

// Runs any plan, dispatching on plan.kernel to the kernels below.
cudaError_t run_copy_plan(const CopyPlan& plan, const void* src, void* dst, cudaStream_t stream);

cudaError_t copy_contiguous(const CopyPlan& plan, const void* src, void* dst, cudaStream_t stream);
cudaError_t copy_rows(const CopyPlan& plan, const void* src, void* dst, cudaStream_t stream);
cudaError_t copy_transpose(const CopyPlan& plan, const void* src, void* dst, cudaStream_t stream);
cudaError_t copy_strided(const CopyPlan& plan, const void* src, void* dst, cudaStream_t stream);

// Concatenation of contiguous inputs into a contiguous output (see cat_inputs.h). `inputs` is read
// on the host before returning (its table goes to the kernel as launch parameters).
cudaError_t cat_contiguous(const CatInputs& inputs, int64_t outer, int64_t out_row_bytes,
                           int element_size, char* out, cudaStream_t stream);

// The naive versions the fast ones are measured against: one thread per element, full 64-bit
// div/mod index arithmetic per element, no tiling, no vectors; cat is one such copy per input.
cudaError_t copy_naive(const CopyPlan& plan, const void* src, void* dst, cudaStream_t stream);
cudaError_t cat_naive(const CatInputs& inputs, int64_t outer, int64_t out_row_bytes,
                      int element_size, char* out, cudaStream_t stream);

}  // namespace reshapeops::gpu
