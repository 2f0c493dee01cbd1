// Tiled transpose: the destination's fastest dim (`b`, the plan's last dim, destination stride 1) is
// not the source's fastest dim (`a`, plan.transpose_dim), e.g. NCHW -> NHWC is [N][C x HW] ->
// [N][HW x C]. Reading along b or writing along a directly would cost a 32-byte sector per element on
// one side. Instead a block stages a tile in shared memory: it reads the tile along a (coalesced on
// the source) and writes it along b (coalesced on the destination). All other dims are batch dims;
// tiles of all batches are one flat grid, and a tile's batch offsets cost one div/mod walk per tile.
//
// Why it is fast:
//  - Square tiles of 32 x 32 words, 256 threads, 4 words per thread per phase.
//  - Bank conflicts are avoided by a rotation swizzle (word column c of tile row r is stored at column
//    (c + r / P) % 32), which keeps every warp's shared access on 32 distinct banks in both phases and
//    for every element size, without padding.
//  - 1- and 2-byte elements are packed: each thread reads 32-bit words holding P = 4 / size elements
//    along a, and the P x P element micro-blocks are transposed in registers (__byte_perm), so both
//    global phases move 32-bit words and the tile is 128 x 128 bytes or 64 x 64 halves. This needs a
//    source stride of 1 along a and 4-byte aligned rows on both sides; otherwise a 1-element-per-word
//    tile is used (correct, slower).
//  - Thin tiles: when one of the two dims is short (C = 3 in NCHW <-> NHWC) a square tile would leave
//    most threads idle. If the short dim's partner is dense (the destination, or source, chunk of
//    L x C elements is one contiguous run), a block stages L x C elements and streams the contiguous
//    side linearly, with a row pitch chosen so the strided side hits distinct banks.
// Bytes moved: 2 * numel * element_size.
// Where it stops being right: when a is not near stride 1 in the source the reads are strided anyway
// (then the gather kernel would do as well); very small planes (a few elements per batch) spend more
// on per-tile index math than on data.
#include "common.cuh"
#include "kernels.cuh"

namespace reshapeops::gpu {

namespace {

constexpr int kTileWords = 32;
constexpr int kRowsPerPass = 8;  // blockDim = 32 x 8
constexpr int kThinThreads = 256;
constexpr int kThinMax = 16;     // a dim this short takes the thin path

struct TileArgs {
  int64_t size_a, size_b;
  int64_t src_a, src_b;  // source strides of a and b (elements)
  int64_t dst_a;         // destination stride of a (b has stride 1)
  int64_t tiles_a, tiles_b, tiles;
};

// P x P micro-block transpose in registers: in[j] holds elements (a = 0..P-1, b = j), out[i] holds
// (a = i, b = 0..P-1).
template <int P>
__device__ __forceinline__ void transpose_words(const uint32_t (&in)[P], uint32_t (&out)[P]) {
  if constexpr (P == 4) {
    const uint32_t lo01 = __byte_perm(in[0], in[1], 0x5140), hi01 = __byte_perm(in[0], in[1], 0x7362);
    const uint32_t lo23 = __byte_perm(in[2], in[3], 0x5140), hi23 = __byte_perm(in[2], in[3], 0x7362);
    out[0] = __byte_perm(lo01, lo23, 0x5410);
    out[1] = __byte_perm(lo01, lo23, 0x7632);
    out[2] = __byte_perm(hi01, hi23, 0x5410);
    out[3] = __byte_perm(hi01, hi23, 0x7632);
  } else if constexpr (P == 2) {
    out[0] = __byte_perm(in[0], in[1], 0x5410);
    out[1] = __byte_perm(in[0], in[1], 0x7632);
  }
}

// T: element type; P: elements per 32-bit word (4 for bytes, 2 for halves) or 1 (W = T, no packing).
template <typename T, int P>
__global__ void __launch_bounds__(kTileWords * kRowsPerPass)
tile_kernel(const T* __restrict__ src, T* __restrict__ dst, const __grid_constant__ Dims batch, TileArgs t) {
  using W = typename std::conditional<P == 1, T, uint32_t>::type;
  constexpr int kRows = kTileWords * P;  // tile rows along b, in elements
  __shared__ W tile[kRows][kTileWords];
  const int tx = threadIdx.x, ty = threadIdx.y;

  for (int64_t item = blockIdx.x; item < t.tiles; item += gridDim.x) {
    const int64_t bi = item / (t.tiles_a * t.tiles_b);
    const int64_t rest = item - bi * (t.tiles_a * t.tiles_b);
    const int64_t a0 = (rest / t.tiles_b) * (kTileWords * P);
    const int64_t b0 = (rest % t.tiles_b) * kRows;
    int64_t src_base, dst_base;
    batch.offsets<int64_t>(bi, src_base, dst_base);
    const T* s = src + src_base + a0 * t.src_a + b0 * t.src_b;
    T* d = dst + dst_base + a0 * t.dst_a + b0;
    const int64_t na = t.size_a - a0 < kTileWords * P ? t.size_a - a0 : kTileWords * P;
    const int64_t nb = t.size_b - b0 < kRows ? t.size_b - b0 : kRows;

    // Read: row r (along b) of the tile, word tx (along a).
    for (int r = ty; r < kRows; r += kRowsPerPass) {
      if (r >= nb) break;
      const T* row = s + r * t.src_b;
      const int a = tx * P;
      W w;
      if constexpr (P == 1) {
        if (a < na) w = row[a * t.src_a];
      } else {
        if (a + P <= na) {
          w = *reinterpret_cast<const W*>(row + a);  // src_a == 1, 4-byte aligned (host checks)
        } else {
          w = 0;
          for (int j = 0; j < P && a + j < na; ++j) {
            w |= static_cast<uint32_t>(row[a + j]) << (8 * sizeof(T) * j);
          }
        }
      }
      tile[r][(tx + r / P) % kTileWords] = w;
    }
    __syncthreads();

    // Write: micro-block (a-word ia, b-word tx) -> P destination rows along a.
    for (int ia = ty; ia < kTileWords; ia += kRowsPerPass) {
      if (ia * P >= na) break;
      const int b = tx * P;
      if (b < nb) {
        if constexpr (P == 1) {
          d[ia * t.dst_a + b] = tile[b][(ia + tx) % kTileWords];
        } else {
          uint32_t in[P], out[P];
#pragma unroll
          for (int j = 0; j < P; ++j) in[j] = tile[b + j][(ia + tx) % kTileWords];  // rows past nb: unused
          transpose_words<P>(in, out);
#pragma unroll
          for (int i = 0; i < P; ++i) {
            const int a = ia * P + i;
            if (a >= na) break;
            T* row = d + a * t.dst_a;
            if (b + P <= nb) {
              *reinterpret_cast<uint32_t*>(row + b) = out[i];
            } else {
              for (int j = 0; b + j < nb; ++j) row[b + j] = static_cast<T>(out[i] >> (8 * sizeof(T) * j));
            }
          }
        }
      }
    }
    __syncthreads();
  }
}

// Thin destination dim: size_b = C <= kThinMax and dst_a == C, so the destination of L consecutive a
// is one contiguous run of L * C elements. Stage [C][L] (pitch chosen for distinct banks), then write
// the run linearly.
template <typename T>
__global__ void __launch_bounds__(kThinThreads)
thin_b_kernel(const T* __restrict__ src, T* __restrict__ dst, const __grid_constant__ Dims batch, TileArgs t, int log2_len,
              int pitch) {
  extern __shared__ __align__(16) unsigned char smem_raw[];
  T* tile = reinterpret_cast<T*>(smem_raw);
  const int len = 1 << log2_len;
  const int c = static_cast<int>(t.size_b);
  for (int64_t item = blockIdx.x; item < t.tiles; item += gridDim.x) {
    const int64_t bi = item / t.tiles_a;
    const int64_t a0 = (item - bi * t.tiles_a) << log2_len;
    int64_t src_base, dst_base;
    batch.offsets<int64_t>(bi, src_base, dst_base);
    const int na = static_cast<int>(t.size_a - a0 < len ? t.size_a - a0 : len);
    const T* s = src + src_base + a0 * t.src_a;
    for (int i = threadIdx.x; i < c * len; i += kThinThreads) {
      const int b = i >> log2_len, a = i & (len - 1);
      if (a < na) tile[b * pitch + a] = s[a * t.src_a + b * t.src_b];
    }
    __syncthreads();
    T* d = dst + dst_base + a0 * c;
    for (int o = threadIdx.x; o < na * c; o += kThinThreads) {
      const int a = o / c, b = o - a * c;
      d[o] = tile[b * pitch + a];
    }
    __syncthreads();
  }
}

// Thin source dim: size_a = C <= kThinMax, src_a == 1 and src_b == C, so the source of L consecutive
// b is one contiguous run of L * C elements. Read it linearly into [C][L], write rows along b.
template <typename T>
__global__ void __launch_bounds__(kThinThreads)
thin_a_kernel(const T* __restrict__ src, T* __restrict__ dst, const __grid_constant__ Dims batch, TileArgs t, int log2_len,
              int pitch) {
  extern __shared__ __align__(16) unsigned char smem_raw[];
  T* tile = reinterpret_cast<T*>(smem_raw);
  const int len = 1 << log2_len;
  const int c = static_cast<int>(t.size_a);
  for (int64_t item = blockIdx.x; item < t.tiles; item += gridDim.x) {
    const int64_t bi = item / t.tiles_b;
    const int64_t b0 = (item - bi * t.tiles_b) << log2_len;
    int64_t src_base, dst_base;
    batch.offsets<int64_t>(bi, src_base, dst_base);
    const int nb = static_cast<int>(t.size_b - b0 < len ? t.size_b - b0 : len);
    const T* s = src + src_base + b0 * c;
    for (int i = threadIdx.x; i < nb * c; i += kThinThreads) {
      const int b = i / c, a = i - b * c;
      tile[a * pitch + b] = s[i];
    }
    __syncthreads();
    T* d = dst + dst_base + b0;
    for (int i = threadIdx.x; i < c * len; i += kThinThreads) {
      const int a = i >> log2_len, b = i & (len - 1);
      if (b < nb) d[a * t.dst_a + b] = tile[a * pitch + b];
    }
    __syncthreads();
  }
}

// Staged run length L (a power of two, 32..1024) and row pitch for a thin tile of C rows.
void thin_shape(int c, int element_size, int& log2_len, int& pitch) {
  const int pad = (32 + c - 1) / c;  // pitch % 32 == ceil(32 / C): C consecutive lanes hit distinct banks
  log2_len = 10;
  while (log2_len > 5 && int64_t(c) * ((1 << log2_len) + pad) * element_size > 24 * 1024) --log2_len;
  pitch = (1 << log2_len) + pad;
}

template <typename T>
cudaError_t launch_transpose(const CopyPlan& plan, const T* src, T* dst, cudaStream_t stream) {
  const int k = plan.transpose_dim, last = plan.rank - 1;
  const Dims batch = plan_dims(plan, last, k);
  const int64_t batches = batch.count();
  TileArgs t{};
  t.size_a = plan.sizes[k];
  t.size_b = plan.sizes[last];
  t.src_a = plan.src_strides[k];
  t.src_b = plan.src_strides[last];
  t.dst_a = plan.dst_strides[k];
  constexpr int es = sizeof(T);

  if (t.size_b <= kThinMax && t.dst_a == t.size_b) {
    int log2_len, pitch;
    thin_shape(static_cast<int>(t.size_b), es, log2_len, pitch);
    t.tiles_a = (t.size_a + (1 << log2_len) - 1) >> log2_len;
    t.tiles_b = 1;
    t.tiles = batches * t.tiles_a;
    const size_t smem = size_t(t.size_b) * pitch * es;
    thin_b_kernel<T><<<grid_for(t.tiles), kThinThreads, smem, stream>>>(src, dst, batch, t, log2_len, pitch);
    return cudaGetLastError();
  }
  if (t.size_a <= kThinMax && t.src_a == 1 && t.src_b == t.size_a) {
    int log2_len, pitch;
    thin_shape(static_cast<int>(t.size_a), es, log2_len, pitch);
    t.tiles_a = 1;
    t.tiles_b = (t.size_b + (1 << log2_len) - 1) >> log2_len;
    t.tiles = batches * t.tiles_b;
    const size_t smem = size_t(t.size_a) * pitch * es;
    thin_a_kernel<T><<<grid_for(t.tiles), kThinThreads, smem, stream>>>(src, dst, batch, t, log2_len, pitch);
    return cudaGetLastError();
  }

  const dim3 block(kTileWords, kRowsPerPass);
  auto square = [&](auto p_tag) {
    constexpr int P = decltype(p_tag)::value;
    t.tiles_a = (t.size_a + kTileWords * P - 1) / (kTileWords * P);
    t.tiles_b = (t.size_b + kTileWords * P - 1) / (kTileWords * P);
    t.tiles = batches * t.tiles_a * t.tiles_b;
    tile_kernel<T, P><<<grid_for(t.tiles), block, 0, stream>>>(src, dst, batch, t);
    return cudaGetLastError();
  };
  if constexpr (es < 4) {
    // Packing needs unit source stride along a and every word-sized access 4-byte aligned.
    const uint64_t align = reinterpret_cast<uintptr_t>(src) | reinterpret_cast<uintptr_t>(dst) |
                           static_cast<uint64_t>(t.src_b * es) | static_cast<uint64_t>(t.dst_a * es) |
                           stride_bits(batch, es);
    if (t.src_a == 1 && t.src_b >= 0 && t.dst_a >= 0 && (align & 3) == 0) {
      return square(std::integral_constant<int, 4 / es>{});
    }
  }
  return square(std::integral_constant<int, 1>{});
}

}  // namespace

cudaError_t copy_transpose(const CopyPlan& plan, const void* src, void* dst, cudaStream_t stream) {
  cudaError_t err = cudaErrorInvalidValue;
  with_element_type(plan.element_size, [&](auto tag) {
    using T = decltype(tag);
    err = launch_transpose<T>(plan, static_cast<const T*>(src), static_cast<T*>(dst), stream);
  });
  return err;
}

}  // namespace reshapeops::gpu
