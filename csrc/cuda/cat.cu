// Concatenate (and so stack) contiguous inputs into a contiguous output in one launch. The output is
// [outer][out_row_bytes]; input j is a contiguous [outer][row_bytes[j]] buffer that owns bytes
// [dst_offset[j], dst_offset[j] + row_bytes[j]) of every output row.
// Why it is fast: one launch covers all inputs (up to kMaxInputs; more are split into launches of
// kMaxInputs inputs each, writing disjoint columns), so 1,000 tiny inputs cost a few launches, not
// 1,000. Blocks are handed out per input in proportion to its bytes (a prefix sum of block counts,
// searched once per block), so one huge input and many small ones balance alike. Each input is moved
// with the widest vector (16 down to 1 byte) its pointer, slice width and output position allow.
// Long slices get whole blocks per chunk of a row; short slices (stack on the last dim) pack many rows
// per block, with 32-bit index math.
// Bytes moved: 2 * output bytes.
// Why the table travels as a kernel parameter (__grid_constant__, read in place from the parameter
// bank) rather than through a device buffer filled by cudaMemcpyAsync: parameters are copied into
// the launch when it is enqueued, so there is no host buffer to keep alive or pin, no extra copy on
// the stream, and a CUDA graph capture records the table by value, so replays stay correct even
// after the host vector is gone. The cost is a cap on the table size (4 KB of parameters), hence the
// chunks of kMaxInputs.
// Where it stops being right: slices of one or two elements with misaligned offsets move 1-2 bytes
// per thread; inputs that are not contiguous take the strided copy per input instead (ops side).
#include "common.cuh"
#include "kernels.cuh"

namespace reshapeops::gpu {

namespace {

constexpr int kThreads = 256;
constexpr int kUnroll = 4;
constexpr int64_t kChunkVectors = kThreads * kUnroll;
constexpr int kMaxInputs = 64;

struct CatTable {
  int count;
  int64_t outer;
  int64_t out_row_bytes;
  int64_t block_start[kMaxInputs + 1];  // prefix sum of blocks per input
  const char* src[kMaxInputs];
  int64_t row_bytes[kMaxInputs];
  int64_t dst_offset[kMaxInputs];       // byte offset of the input's slice in each output row
  int64_t rows_per_block[kMaxInputs];   // short slices: rows per block; 0: long slices
  int64_t blocks_per_row[kMaxInputs];   // long slices: blocks per row
  uint8_t vec_log2[kMaxInputs];
};
static_assert(sizeof(CatTable) + 16 <= 4096, "kernel parameters are limited to 4 KB");

template <typename V>
__device__ __forceinline__ void copy_input_block(const CatTable& t, int j, int64_t local, char* out) {
  const int64_t nv = t.row_bytes[j] / int64_t(sizeof(V));
  const int64_t out_row = t.out_row_bytes / int64_t(sizeof(V));
  const V* s = reinterpret_cast<const V*>(t.src[j]);
  V* d = reinterpret_cast<V*>(out + t.dst_offset[j]);
  const int64_t rows_per_block = t.rows_per_block[j];
  if (rows_per_block == 0) {
    const int64_t bpr = t.blocks_per_row[j];
    const int64_t row = local / bpr;
    const int64_t begin = (local - row * bpr) * kChunkVectors;
    const V* sr = s + row * nv;
    V* dr = d + row * out_row;
    V v[kUnroll];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const int64_t i = begin + u * kThreads + threadIdx.x;
      if (i < nv) v[u] = sr[i];
    }
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const int64_t i = begin + u * kThreads + threadIdx.x;
      if (i < nv) dr[i] = v[u];
    }
    return;
  }
  // Short slices: rows [row0, row0 + rows_per_block) of this input, flattened; nv * rows <= 2 * chunk.
  const int64_t row0 = local * rows_per_block;
  const int64_t rows_left = t.outer - row0;
  const uint32_t rows = static_cast<uint32_t>(rows_left < rows_per_block ? rows_left : rows_per_block);
  const uint32_t n = rows * static_cast<uint32_t>(nv), w = static_cast<uint32_t>(nv);
  const V* sb = s + row0 * nv;  // the input's rows are contiguous
  V* db = d + row0 * out_row;
  for (uint32_t e = threadIdx.x; e < n; e += kThreads) {
    const uint32_t r = e / w, c = e - r * w;
    db[int64_t(r) * out_row + c] = sb[e];
  }
}

__global__ void __launch_bounds__(kThreads)
cat_kernel(const __grid_constant__ CatTable table, char* __restrict__ out) {
  const int64_t total = table.block_start[table.count];
  for (int64_t vb = blockIdx.x; vb < total; vb += gridDim.x) {
    int lo = 0, hi = table.count - 1;  // last j with block_start[j] <= vb
    while (lo < hi) {
      const int mid = (lo + hi + 1) / 2;
      if (table.block_start[mid] <= vb) lo = mid; else hi = mid - 1;
    }
    const int64_t local = vb - table.block_start[lo];
    switch (table.vec_log2[lo]) {
      case 4: copy_input_block<uint4>(table, lo, local, out); break;
      case 3: copy_input_block<uint2>(table, lo, local, out); break;
      case 2: copy_input_block<uint32_t>(table, lo, local, out); break;
      case 1: copy_input_block<uint16_t>(table, lo, local, out); break;
      default: copy_input_block<uint8_t>(table, lo, local, out); break;
    }
  }
}

int vector_log2(uint64_t bits) {
  if ((bits & 15) == 0) return 4;
  if ((bits & 7) == 0) return 3;
  if ((bits & 3) == 0) return 2;
  if ((bits & 1) == 0) return 1;
  return 0;
}

}  // namespace

cudaError_t cat_contiguous(const CatInputs& inputs, int64_t outer, int64_t out_row_bytes,
                           int element_size, char* out, cudaStream_t stream) {
  (void)element_size;  // bytes are bytes: alignment alone picks the vector width
  if (outer == 0 || out_row_bytes == 0) return cudaSuccess;
  CatTable table{};
  table.outer = outer;
  table.out_row_bytes = out_row_bytes;
  auto flush = [&]() -> cudaError_t {
    if (table.count == 0) return cudaSuccess;
    const int64_t blocks = table.block_start[table.count];
    cat_kernel<<<grid_for(blocks), kThreads, 0, stream>>>(table, out);
    table.count = 0;
    return cudaGetLastError();
  };
  int64_t offset = 0;
  for (int64_t j = 0; j < inputs.count; ++j) {
    const int64_t bytes = inputs.row_bytes[j];
    if (bytes > 0) {
      const int k = table.count;
      const uint64_t bits = reinterpret_cast<uintptr_t>(inputs.data[j]) |
                            reinterpret_cast<uintptr_t>(out + offset) | static_cast<uint64_t>(bytes) |
                            static_cast<uint64_t>(out_row_bytes);
      const int vlog = vector_log2(bits);
      const int64_t nv = bytes >> vlog;
      table.src[k] = inputs.data[j];
      table.row_bytes[k] = bytes;
      table.dst_offset[k] = offset;
      table.vec_log2[k] = static_cast<uint8_t>(vlog);
      int64_t blocks;
      if (nv >= kChunkVectors) {
        table.rows_per_block[k] = 0;
        table.blocks_per_row[k] = (nv + kChunkVectors - 1) / kChunkVectors;
        blocks = outer * table.blocks_per_row[k];
      } else {
        table.rows_per_block[k] = kChunkVectors / nv;
        table.blocks_per_row[k] = 0;
        blocks = (outer + table.rows_per_block[k] - 1) / table.rows_per_block[k];
      }
      table.block_start[k + 1] = table.block_start[k] + blocks;
      ++table.count;
      if (table.count == kMaxInputs) {
        const cudaError_t err = flush();
        if (err != cudaSuccess) return err;
      }
    }
    offset += bytes;
  }
  return flush();
}

}  // namespace reshapeops::gpu
