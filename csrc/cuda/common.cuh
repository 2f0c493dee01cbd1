// Shared device-side helpers: vector types by alignment, launch sizing, and the plan's dims turned
// into a compact by-value struct kernels can take as a parameter. Element types keyed on size come
// from plan/element_types.h, shared with the CPU kernels.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "../plan/copy_plan.h"
#include "../plan/element_types.h"

namespace reshapeops::gpu {

// Calls f(V{}) with the widest vector type (16, 8, 4, 2 or 1 bytes) that `alignment_bits` allows:
// pass the OR of every address and byte stride the vectors will be placed at.
template <typename F>
inline void with_vector_type(uint64_t alignment_bits, F&& f) {
  if ((alignment_bits & 15) == 0) f(uint4{});
  else if ((alignment_bits & 7) == 0) f(uint2{});
  else if ((alignment_bits & 3) == 0) f(uint32_t{});
  else if ((alignment_bits & 1) == 0) f(uint16_t{});
  else f(uint8_t{});
}

constexpr int kMaxDims = kMaxPlanRank;

// A subset of a plan's dims, outermost first, as one by-value kernel parameter. Kernels take it as
// `const __grid_constant__ Dims`: its arrays are indexed with a runtime dim, which would otherwise
// make every thread copy the whole 1.5 KB struct to local memory. Walks a linear index
// (row-major over these dims) to its source and destination offsets with one div/mod per dim.
template <int MaxDims>
struct DimsT {
  int rank = 0;
  int64_t sizes[MaxDims];
  int64_t src_strides[MaxDims];
  int64_t dst_strides[MaxDims];

  __host__ __device__ int64_t count() const {
    int64_t n = 1;
    for (int d = 0; d < rank; ++d) n *= sizes[d];
    return n;
  }

  template <typename Index>
  __device__ __forceinline__ void offsets(Index linear, Index& src, Index& dst) const {
    src = 0;
    dst = 0;
    for (int d = rank - 1; d >= 0; --d) {
      const Index size = static_cast<Index>(sizes[d]);
      const Index q = linear / size;
      const Index i = linear - q * size;
      linear = q;
      src += i * static_cast<Index>(src_strides[d]);
      dst += i * static_cast<Index>(dst_strides[d]);
    }
  }
};
using Dims = DimsT<kMaxDims>;

// Plan dims [0, end) except those equal to skip_a or skip_b.
inline Dims plan_dims(const CopyPlan& plan, int end, int skip_a = -1, int skip_b = -1) {
  Dims dims;
  for (int d = 0; d < end; ++d) {
    if (d == skip_a || d == skip_b) continue;
    dims.sizes[dims.rank] = plan.sizes[d];
    dims.src_strides[dims.rank] = plan.src_strides[d];
    dims.dst_strides[dims.rank] = plan.dst_strides[d];
    ++dims.rank;
  }
  return dims;
}

// OR of |stride| * element_size over the dims: zero low bits = every step keeps that alignment.
inline uint64_t stride_bits(const Dims& dims, int element_size) {
  uint64_t bits = 0;
  for (int d = 0; d < dims.rank; ++d) {
    const int64_t s = dims.src_strides[d] < 0 ? -dims.src_strides[d] : dims.src_strides[d];
    const int64_t t = dims.dst_strides[d] < 0 ? -dims.dst_strides[d] : dims.dst_strides[d];
    bits |= static_cast<uint64_t>(s * element_size) | static_cast<uint64_t>(t * element_size);
  }
  return bits;
}

// Largest offset (in elements) a plan reaches on either side, to choose 32- or 64-bit indexing.
inline bool fits_int32(const CopyPlan& plan) {
  if (plan.numel >= (int64_t(1) << 31)) return false;
  int64_t src = 0, dst = 0;
  for (int d = 0; d < plan.rank; ++d) {
    const int64_t s = plan.src_strides[d] < 0 ? -plan.src_strides[d] : plan.src_strides[d];
    const int64_t t = plan.dst_strides[d] < 0 ? -plan.dst_strides[d] : plan.dst_strides[d];
    src += (plan.sizes[d] - 1) * s;
    dst += (plan.sizes[d] - 1) * t;
    if (src >= (int64_t(1) << 31) || dst >= (int64_t(1) << 31)) return false;
  }
  return true;
}

// Enough blocks to fill the GPU a few times over; kernels loop (grid-stride) beyond that.
inline unsigned int grid_for(int64_t blocks_needed) {
  static int sms_of[64] = {};  // per device; a benign race fills an entry twice with the same value
  int device = 0;
  cudaGetDevice(&device);
  int sms = device >= 0 && device < 64 ? sms_of[device] : 0;
  if (sms == 0) {
    cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
    if (sms <= 0) sms = 132;
    if (device >= 0 && device < 64) sms_of[device] = sms;
  }
  const int64_t cap = int64_t(sms) * 32;
  if (blocks_needed < 1) return 1;
  return static_cast<unsigned int>(blocks_needed < cap ? blocks_needed : cap);
}

}  // namespace reshapeops::gpu
