// Tiled transpose: the destination's fastest dim (last) is not the source's fastest dim (k), so one
// side must be read or written across rows. Walking whole rows would touch a new cache line per
// element on that side; walking a tile small enough to stay in L1 instead reads each source line and
// writes each destination line once, while both sides run along their own fast dim.
// All other dims are batch dims walked outside the tile. Tiles are kept at a fixed area, so a short
// dim (NCHW -> NHWC with C = 3) gets long, thin tiles rather than tiny square ones.
// Bytes moved: 2 * numel * element_size.
#include <ATen/Parallel.h>

#include <algorithm>

#include "element.h"
#include "kernels.h"
#include "outer_walker.h"
#include "parallel_grain.h"

namespace reshapeops::cpu {

namespace {

struct TileShape {
  int64_t a, b;  // extent along dim k (source-fast) and along the last dim (destination-fast)
};

// A tile of 4-16 KB, so the source and destination sides of it sit in L1 together.
TileShape tile_shape(int64_t size_a, int64_t size_b, int element_size) {
  const int64_t side = element_size <= 4 ? 64 : (element_size == 8 ? 32 : 16);
  const int64_t area = side * side;
  TileShape t{std::min(size_a, side), std::min(size_b, side)};
  if (t.b < side) t.a = std::min(size_a, area / t.b);
  if (t.a < side) t.b = std::min(size_b, area / t.a);
  return t;
}

template <typename T>
void copy_tile(const T* src, T* dst, int64_t rows_a, int64_t cols_b, int64_t src_a, int64_t src_b,
               int64_t dst_a) {
  for (int64_t a = 0; a < rows_a; ++a) {
    const T* s = src + a * src_a;
    T* d = dst + a * dst_a;
    for (int64_t b = 0; b < cols_b; ++b) d[b] = s[b * src_b];
  }
}

}  // namespace

void copy_transpose(const CopyPlan& plan, const char* src, char* dst) {
  const int k = plan.transpose_dim;
  const int last = plan.rank - 1;
  const int64_t size_a = plan.sizes[k], size_b = plan.sizes[last];
  const int64_t src_a = plan.src_strides[k], src_b = plan.src_strides[last];
  const int64_t dst_a = plan.dst_strides[k];
  const TileShape tile = tile_shape(size_a, size_b, plan.element_size);
  const int64_t tiles_a = (size_a + tile.a - 1) / tile.a;
  const int64_t tiles_b = (size_b + tile.b - 1) / tile.b;
  const int64_t tiles_per_batch = tiles_a * tiles_b;
  const OuterWalker batch(plan, last, k);
  const int64_t tile_bytes = tile.a * tile.b * plan.element_size;

  with_element_type(plan.element_size, [&](auto tag) {
    using T = decltype(tag);
    const T* s = reinterpret_cast<const T*>(src);
    T* d = reinterpret_cast<T*>(dst);
    at::parallel_for(0, batch.count() * tiles_per_batch, grain_for(tile_bytes),
                     [&](int64_t begin, int64_t end) {
      OuterWalker walker = batch;
      int64_t current_batch = begin / tiles_per_batch;
      walker.seek(current_batch);
      for (int64_t item = begin; item < end; ++item) {
        const int64_t b_index = item / tiles_per_batch;
        if (b_index != current_batch) {
          walker.next();
          current_batch = b_index;
        }
        const int64_t in_batch = item - b_index * tiles_per_batch;
        const int64_t a0 = (in_batch / tiles_b) * tile.a;
        const int64_t b0 = (in_batch % tiles_b) * tile.b;
        copy_tile(s + walker.src_offset + a0 * src_a + b0 * src_b,
                  d + walker.dst_offset + a0 * dst_a + b0,
                  std::min(tile.a, size_a - a0), std::min(tile.b, size_b - b0), src_a, src_b, dst_a);
      }
    });
  });
}

}  // namespace reshapeops::cpu
