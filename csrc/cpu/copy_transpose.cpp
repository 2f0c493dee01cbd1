// Tiled transpose: the destination's fastest dim (last) is not the source's fastest dim (k), so one
// side must be read or written across rows. Walking whole rows would touch a new cache line per
// element on that side; walking a tile small enough to stay in cache instead reads each source line
// and writes each destination line once, while both sides run along their own fast dim. All other dims
// are batch dims walked outside the tile.
//
// When the source's fast dim has stride 1 (the usual case), each tile is transposed in registers by
// the widest SIMD kernel the CPU has (transpose/block_transpose.h). For outputs larger than the cache
// the tile is built in a buffer and its rows streamed to memory (stream_store.h), so each destination
// row gets whole lines in one burst and writing costs no read-for-ownership. A source whose fast dim
// is strided (a sliced input) takes a plain element loop.
// Bytes moved: 2 * numel * element_size.
// Where it stops keeping up: 1- and 2-byte tiles from truly cold caches. A thread then moves 21-28
// GB/s, where one thread copies at about 43: a third of its time goes to the shuffles, with no memory
// traffic in flight, the rest to the write-out, whose streaming stores wait on the store queue while
// the next tile's lines arrive. Where destination rows start on lines and the source rows spread over
// the cache's sets, tiles of every element size skip the buffer and the two phases overlap
// (transpose/streamed_tile.h); byte tiles whose rows crowd L1, and L2 no more than its ways hold, are
// staged through a small slab (tiles of every element size, on cores whose L1 has 8 ways), and
// destination rows of 16 bytes (C = 16 channels last, 1- and 2-byte elements) are streamed a line of
// several rows at a time.
// Measured and dropped: building the next tile while writing out the last from a second buffer
// (0.65-1.05x: the shuffle's stores queue behind the streaming ones), requesting half or all of the
// next tile's lines during the shuffle (0.55-0.9x in a fast spell, into L1 or L2 alike: requests
// waiting on memory hold the miss buffers the shuffle's own reads from L2 need; with the shuffle left
// out, a test build ran the same transpose at 89-96% of copy), 32- or 64-byte streaming stores
// (0.9-1.0x), requests into L2 only (two threads 0.8-0.9x on Zen 5; on Zen 4 they won, see
// read_ahead.h), taller or smaller tiles for wide transposes, and storing each strip's vectors whole,
// keeping the tile as 16-byte pieces that the write-out gathers (a quarter of the stores, no
// extracting shuffles: 1.03-1.07x on one thread, 1.0x on two in a fast spell, and slower for short
// destination rows).
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "../plan/element_types.h"
#include "kernels.h"
#include "outer_walker.h"
#include "parallel_chunks.h"
#include "parallel_grain.h"
#include "stream_store.h"
#include "tile_buffer.h"
#include "transpose/tile_kernels.h"

namespace reshapeops::cpu {

namespace {

// A tile writes runs of kRunBytes to each destination row it touches (whole lines, long enough for
// streaming stores to combine). In cache it covers kTileBytes, which with the lines it reads fits L1.
// Past the cache it covers kStreamTileBytes, built in an L2-resident buffer: each tile then has 4x as
// many source rows in flight, and the memory system, not the shuffles, is what such a copy waits on.
// Measured on a 2-core EPYC (Zen 5) over 2-D to 5-D permutes of 16-128 MB: shorter runs cost up to a
// third of the bandwidth, runs of 512 B or 1 KB gained nothing, and 128 KB tiles beat 32 KB ones by
// 5-20% of copy bandwidth. Measured again after the streamed and staged tiles (1- and 2-byte 2-D
// transposes, alternating runs from cold caches in a fast spell): 64 KB tiles 0.94-1.03x, 256 KB
// 0.87-1.03x, and 128-byte runs 0.77-1.0x.
// Thin tiles (one side a short dim of at most kThinSide elements: 16 or 64 channels) keep kTileBytes
// past the cache too. Their few source rows, far apart, each hold a long stretch of the tile; measured
// from truly cold caches (two threads, 5-7 alternating rounds), NCHW <-> NHWC with C = 64 and
// NCTHW <-> NTHWC with C = 16 ran 1.05-1.25x as fast with 32 KB tiles as with 128 KB for every element
// size, while wide 2-D transposes (4096 x 4096, 3000 x 5592, 512 x 512 batches) lost 5-25%.
constexpr int64_t kTileBytes = 32 * 1024;
constexpr int64_t kStreamTileBytes = 128 * 1024;
constexpr int64_t kThinSide = 64;
constexpr int64_t kRunBytes = 256;
constexpr int64_t kPanelRows = 4096;

struct TileShape {
  int64_t a, b;  // extent along dim k (source-fast) and along the last dim (destination-fast)
};

// A dim shorter than its share gives the rest of the area to the other dim, so a short dim
// (NCHW -> NHWC with C = 3) gets long, thin tiles.
TileShape tile_shape(int64_t size_a, int64_t size_b, int element_size, int64_t tile_bytes) {
  const int64_t area = tile_bytes / element_size;
  TileShape t{0, std::min(size_b, kRunBytes / element_size)};
  t.a = std::min(size_a, area / t.b);
  t.b = std::min(size_b, area / t.a);
  return t;
}

template <typename T>
void copy_tile_strided(const T* src, T* dst, int64_t rows_a, int64_t cols_b, int64_t src_a,
                       int64_t src_b, int64_t dst_a) {
  for (int64_t a = 0; a < rows_a; ++a) {
    const T* s = src + a * src_a;
    T* d = dst + a * dst_a;
    for (int64_t b = 0; b < cols_b; ++b) d[b] = s[b * src_b];
  }
}

// The tile's sides when they span several dims (see group_dims).
struct DimGroups {
  bool in_group[kMaxPlanRank] = {};
  int a_dims[kMaxPlanRank], b_dims[kMaxPlanRank];  // innermost first
  int a_count = 0, b_count = 0;
  int64_t a_total = 1, b_total = 1;
};

struct TransposeGeometry {
  int64_t size_a, size_b;    // extents of the two tiled dims
  int64_t src_a, src_b;      // source strides (elements)
  int64_t dst_a;             // destination stride of dim a; dim b is contiguous
  TileShape tile;
  int64_t tiles_a, tiles_b, tiles_per_batch;
  int64_t panel_a;  // tiles along a per panel (see for_each_tile)
  bool stream;      // output past the cache: streaming stores, larger tiles
  // For thin tiles of elements up to 8 bytes: the dims each side could span, over `grouped` (the plan
  // with any dim split that grouping needed).
  DimGroups groups;
  CopyPlan grouped;
};

// One tile: where its batch starts (elements), its first index along a and b, and its extents.
struct Tile {
  int64_t src_offset = 0, dst_offset = 0, a0 = 0, b0 = 0, rows_a = 0, cols_b = 0;
};

// Tiles in the order they are visited.
class TileOrder {
 public:
  TileOrder(const OuterWalker& batch, const TransposeGeometry& g, int64_t item)
      : g_(g), walker_(batch), item_(item), batch_index_(item / g.tiles_per_batch) {
    walker_.seek(batch_index_);
  }

  Tile current() const {
    const int64_t in_batch = item_ - batch_index_ * g_.tiles_per_batch;
    // Tiles go in panels of panel_a tiles along a: within a panel consecutive tiles continue along the
    // source's rows (its reads stay sequential streams), and a panel's destination rows are revisited
    // for every step along b while their pages are still in the TLB. Sweeping all of a before each
    // step of b touched every destination page once per step: with 4 KB pages a 4096 x 4096 transpose
    // then missed the TLB on every row of every tile, and panels of 4096 rows measured 10-25% faster.
    const int64_t panel = in_batch / (g_.panel_a * g_.tiles_b);
    const int64_t panel_a = std::min(g_.panel_a, g_.tiles_a - panel * g_.panel_a);
    const int64_t in_panel = in_batch - panel * g_.panel_a * g_.tiles_b;
    Tile t;
    t.src_offset = walker_.src_offset;
    t.dst_offset = walker_.dst_offset;
    t.a0 = (panel * g_.panel_a + in_panel % panel_a) * g_.tile.a;
    t.b0 = (in_panel / panel_a) * g_.tile.b;
    t.rows_a = std::min(g_.tile.a, g_.size_a - t.a0);
    t.cols_b = std::min(g_.tile.b, g_.size_b - t.b0);
    return t;
  }

  void next() {
    if (++item_ == (batch_index_ + 1) * g_.tiles_per_batch) {
      walker_.next();
      ++batch_index_;
    }
  }

 private:
  const TransposeGeometry& g_;
  OuterWalker walker_;
  int64_t item_, batch_index_;
};

// Calls tile(this_tile, next_tile) for tiles [begin, end); after the last, next_tile is empty.
template <typename F>
void for_each_tile(const OuterWalker& batch, const TransposeGeometry& g, int64_t begin, int64_t end,
                   F&& tile) {
  TileOrder order(batch, g, begin);
  Tile here = order.current();
  for (int64_t item = begin; item < end; ++item) {
    Tile next;
    if (item + 1 < end) {
      order.next();
      next = order.current();
    }
    tile(here, next);
    here = next;
  }
}

// The rows of `next` in a single-dim-per-side tile. Source rows that lie back to back (channels last
// read as channels first, C = 16 bytes) are one stretch: requested row by row, every line of them
// was requested once per row in it, and the requests took more of the thread's time than the
// transpose (a 16 x 2048 byte tile: 2,048 requests for 512 lines).
inline auto next_tile_prefetch(const TransposeGeometry& g, const Tile& next, const char* src, int64_t es) {
  const char* first = src + (next.src_offset + next.a0 + next.b0 * g.src_b) * es;
  const int64_t stride = g.src_b * es;
  const bool packed = next.rows_a == g.src_b;
  return NextTilePrefetch([=](int64_t r) { return first + r * stride; }, packed ? 1 : next.cols_b,
                          (packed ? next.cols_b : 1) * next.rows_a * es);
}

// Destination side short (dim b has 2-8 elements, rows packed back to back): zip the b source rows.
// Past the cache, each chunk is zipped in small blocks that are streamed out (stream_store.h), and
// chunks start on whole lines. NCHW -> NHWC with C = 3 (16-128 MB, cold caches, two threads, 9
// alternating rounds): 1.23-1.25x as fast as zipping straight into the destination.
void copy_interleaved(const TransposeGeometry& g, const OuterWalker& batch, int64_t es, const char* src,
                      char* dst) {
  const TransposeTileKernel& kernel = transpose_tile_kernel();
  const int count = static_cast<int>(g.size_b);
  const int64_t row_bytes = count * es;
  const int64_t block_rows = zip_block_rows(row_bytes);
  int64_t chunk = std::min(g.size_a, kTileBytes / row_bytes);
  if (g.stream) chunk = std::max(block_rows, chunk / block_rows * block_rows);
  for_each_chunk(batch, g.size_a, chunk, grain_for(chunk * row_bytes), [&](int64_t so, int64_t do_, int64_t a0, int64_t n) {
    const char* rows[kMaxZipCount];
    for (int c = 0; c < count; ++c) rows[c] = src + (so + a0 + c * g.src_b) * es;
    char* out = dst + (do_ + a0 * count) * es;
    if (!g.stream) {
      kernel.interleave(count, static_cast<int>(es), rows, n, out);
      return;
    }
    stream_out_in_blocks(out, row_bytes, 0, n, block_rows, [&](int64_t p0, int64_t p1, char* buffer) {
      const char* block[kMaxZipCount];
      for (int c = 0; c < count; ++c) block[c] = rows[c] + p0 * es;
      kernel.interleave(count, static_cast<int>(es), block, p1 - p0, buffer);
    });
  });
}

// Source side short (dim a has 2-8 elements, packed back to back): split each source row in a.
void copy_deinterleaved(const TransposeGeometry& g, const OuterWalker& batch, int64_t es, const char* src,
                        char* dst) {
  const TransposeTileKernel& kernel = transpose_tile_kernel();
  const int count = static_cast<int>(g.size_a);
  const int64_t chunk = std::min(g.size_b, kTileBytes / (es * count));
  for_each_chunk(batch, g.size_b, chunk, grain_for(chunk * count * es), [&](int64_t so, int64_t do_, int64_t b0, int64_t n) {
    char* rows[kMaxZipCount];
    const char* in = src + (so + b0 * count) * es;
    for (int c = 0; c < count; ++c) rows[c] = dst + (do_ + c * g.dst_a + b0) * es;
    kernel.deinterleave(count, static_cast<int>(es), in, n, rows);
  });
}

// Several dims per tile side. A 6-D reversal of 16-element dims gives single-dim tiles of 16 x 16:
// every run read or written is 64 bytes and every tile a scatter of lines. The dims that continue the
// source's contiguous run after k join the tile's a side, those that continue the destination's run
// before `last` join its b side, while the tile stays within grouped_tile_bytes; each source row and
// destination row of the tile is then a long run, found through a table of offsets built once.
// A dim too large to join whole is split, and its inner part joins: a 4-D reversal of 64-element
// dims in bytes gets 256 x 256 tiles (runs of 256 bytes on both sides) instead of 64 x 64 tiles
// whose every row is one line on its own page.
// 128 KB tiles for elements up to 4 bytes, 64 KB for 8-byte ones: measured on 4-D (64^4) and 6-D
// (16^6) reversals of 16-128 MB, 128 KB tiles ran 2-20% faster for 2- and 4-byte elements (4-D float16:
// 39 -> 47 GB/s) and the same for 1 and 8 bytes, but a 6-D float64 reversal of 128 x 16^5 lost a quarter.
// Where this stops keeping up: a reversal of power-of-two dims puts every source row of a tile a
// multiple of 64 KB from the others, so all of them share a few sets of L1 and L2, and L2's 16 ways
// hold the lines of only 16 rows; the next tile's lines, requested during this tile's write-out, are
// evicted before the kernel reads them. The same 4-D and 6-D reversals with the source's rows padded
// by 64 bytes or 1 KB ran 1.25-1.5x as fast for uint8 and 1.1-1.2x for float16 (cold caches, two
// threads); padded by 4 KB (more L2 sets, the same L1 set) not at all. No remedy was found on Zen 5:
// requests into L2 only or non-temporal (0.7-1.0x; on Zen 4 into L2 only gained 1.1-1.75x, see
// read_ahead.h, and the reversals still run 50-85% of copy there), first copying the rows to a padded staging buffer
// (0.85-1.05x), requesting one strip of rows ahead inside the tile (0.5-1.0x), and a pipeline that
// writes out the previous tile between strips of the next (0.8-1.2x, as often slower as faster).
// Tiles whose destination rows all start on lines are streamed from registers instead, where their
// source rows allow (transpose/streamed_tile.h): float64 reversals 1.03-1.09x (two threads), 1.12-1.22x
// on one; the float32 ones, 16 rows per block in one L2 set, keep the buffer (streamed: 0.9x).
constexpr int64_t kMaxGroupedTileBytes = 128 * 1024;
int64_t grouped_tile_bytes(int64_t es) { return es <= 4 ? kMaxGroupedTileBytes : kMaxGroupedTileBytes / 2; }

// Splits dim d of `plan` into an outer dim of size/factor and an inner one of `factor` at d + 1.
void split_dim(CopyPlan& plan, int d, int64_t factor) {
  for (int j = plan.rank; j > d + 1; --j) {
    plan.sizes[j] = plan.sizes[j - 1];
    plan.src_strides[j] = plan.src_strides[j - 1];
    plan.dst_strides[j] = plan.dst_strides[j - 1];
  }
  ++plan.rank;
  plan.sizes[d + 1] = factor;
  plan.src_strides[d + 1] = plan.src_strides[d];
  plan.dst_strides[d + 1] = plan.dst_strides[d];
  plan.sizes[d] /= factor;
  plan.src_strides[d] *= factor;
  plan.dst_strides[d] *= factor;
  if (plan.transpose_dim > d) ++plan.transpose_dim;
}

// The largest divisor of `size` below it and no larger than `cap` (1 if none is 2 or more).
int64_t largest_factor(int64_t size, int64_t cap) {
  for (int64_t f = std::min(size - 1, cap); f >= 2; --f) {
    if (size % f == 0) return f;
  }
  return 1;
}

// Grows the tile's two sides over `plan`'s dims, splitting one where needed (so `plan` may gain dims).
DimGroups group_dims(CopyPlan& plan) {
  DimGroups gr;
  const int64_t es = plan.element_size;
  const int64_t limit = grouped_tile_bytes(es) / es;
  gr.a_dims[gr.a_count++] = plan.transpose_dim;
  gr.b_dims[gr.b_count++] = plan.rank - 1;
  gr.a_total = plan.sizes[plan.transpose_dim];
  gr.b_total = plan.sizes[plan.rank - 1];
  for (bool grew = true; grew;) {
    grew = false;
    const bool a_first = gr.a_total <= gr.b_total;  // lengthen the shorter run first
    for (int side = 0; side < 2 && !grew; ++side) {
      const bool grow_a = (side == 0) == a_first;
      const int64_t run = grow_a ? gr.a_total : gr.b_total;
      const int64_t other = grow_a ? gr.b_total : gr.a_total;
      const int64_t* strides = grow_a ? plan.src_strides : plan.dst_strides;
      for (int d = 0; d < plan.rank && !grew; ++d) {
        if (strides[d] != run || plan.sizes[d] < 2 || plan.rank == kMaxPlanRank) continue;
        const bool taken = [&] {
          for (int j = 0; j < gr.a_count; ++j) if (gr.a_dims[j] == d) return true;
          for (int j = 0; j < gr.b_count; ++j) if (gr.b_dims[j] == d) return true;
          return false;
        }();
        if (taken) continue;
        const int64_t area = gr.a_total * gr.b_total;
        int64_t factor = plan.sizes[d];
        if (area * factor > limit) {
          // Part of a dim: grow this side up to the other's length, or by an even share of what the
          // tile has left when both are equal, so both sides' runs get long.
          const int64_t room = limit / area;
          int64_t even = 1;
          while ((even + 1) * (even + 1) <= room) ++even;
          factor = largest_factor(plan.sizes[d], std::min(room, run < other ? other / run : even));
          if (factor == 1) continue;
          split_dim(plan, d, factor);
          for (int j = 0; j < gr.a_count; ++j) gr.a_dims[j] += gr.a_dims[j] > d;
          for (int j = 0; j < gr.b_count; ++j) gr.b_dims[j] += gr.b_dims[j] > d;
          ++d;  // the inner part joins
        }
        if (grow_a) {
          gr.a_dims[gr.a_count++] = d;
          gr.a_total *= factor;
        } else {
          gr.b_dims[gr.b_count++] = d;
          gr.b_total *= factor;
        }
        grew = true;
      }
    }
  }
  for (int j = 0; j < gr.a_count; ++j) gr.in_group[gr.a_dims[j]] = true;
  for (int j = 0; j < gr.b_count; ++j) gr.in_group[gr.b_dims[j]] = true;
  return gr;
}

// Offsets (elements) of every index of a group of dims, innermost dim fastest, along `strides`.
std::vector<int64_t> group_offsets(const CopyPlan& plan, const int* dims, int count, int64_t total,
                                   const int64_t* strides) {
  std::vector<int64_t> offsets(total);
  for (int64_t i = 0; i < total; ++i) {
    int64_t rest = i, offset = 0;
    for (int j = 0; j < count; ++j) {
      offset += (rest % plan.sizes[dims[j]]) * strides[dims[j]];
      rest /= plan.sizes[dims[j]];
    }
    offsets[i] = offset;
  }
  return offsets;
}

void copy_grouped(const CopyPlan& plan, const DimGroups& gr, bool stream, const char* src, char* dst) {
  const int64_t es = plan.element_size;
  const OuterWalker batch(plan, gr.in_group);
  const std::vector<int64_t> src_rows =
      group_offsets(plan, gr.b_dims, gr.b_count, gr.b_total, plan.src_strides);
  const std::vector<int64_t> dst_rows =
      group_offsets(plan, gr.a_dims, gr.a_count, gr.a_total, plan.dst_strides);
  const TransposeTileKernel& kernel = transpose_tile_kernel();
  const int64_t run_bytes = gr.b_total * es;
  const int64_t ld = padded_row(gr.b_total, es);
  at::parallel_for(0, batch.count(), grain_for(gr.a_total * run_bytes), [&](int64_t begin, int64_t end) {
    alignas(64) static thread_local char buffer[kMaxGroupedTileBytes + kMaxGroupedTileBytes / 2];
    std::vector<const char*> rows(gr.b_total);
    OuterWalker walker = batch;
    walker.seek(begin);
    for (int64_t item = begin; item < end; ++item) {
      const char* in = src + walker.src_offset * es;
      for (int64_t b = 0; b < gr.b_total; ++b) rows[b] = in + src_rows[b] * es;
      char* out = dst + walker.dst_offset * es;
      walker.next();
      const char* next_in = src + walker.src_offset * es;
      const auto next_row = [next_in, es, offsets = src_rows.data()](int64_t r) { return next_in + offsets[r] * es; };
      const auto out_row = [out, es, offsets = dst_rows.data()](int64_t a) { return out + offsets[a] * es; };
      NextTilePrefetch next(next_row, item + 1 < end ? gr.b_total : 0, gr.a_total * es);
      if (stream && kernel.gather_streamed(static_cast<int>(es), rows.data(), 0, {out, 0, dst_rows.data()},
                                           gr.a_total, gr.b_total, line_requests(next))) {
        continue;
      }
      kernel.gather(static_cast<int>(es), rows.data(), 0, buffer, ld, gr.a_total, gr.b_total);
      write_tile(stream, out_row, buffer, ld * es, gr.a_total, run_bytes, next);
    }
    if (stream) stream_fence();
  });
}

// Permutes zip short sides of up to 8 elements (C = 3 image layouts); longer ones take tiles.
constexpr int64_t kMaxShortSide = 8;
bool short_side(int64_t size) { return size >= 2 && size <= kMaxShortSide; }

}  // namespace

namespace {

TransposeGeometry geometry_of(const CopyPlan& plan) {
  const int k = plan.transpose_dim;
  const int last = plan.rank - 1;
  TransposeGeometry g;
  g.size_a = plan.sizes[k];
  g.size_b = plan.sizes[last];
  g.src_a = plan.src_strides[k];
  g.src_b = plan.src_strides[last];
  g.dst_a = plan.dst_strides[k];
  g.stream = use_streaming_stores(plan.numel * plan.element_size);
  const bool thin = std::min(g.size_a, g.size_b) <= kThinSide;
  g.tile = tile_shape(g.size_a, g.size_b, plan.element_size, g.stream && !thin ? kStreamTileBytes : kTileBytes);
  g.tiles_b = (g.size_b + g.tile.b - 1) / g.tile.b;
  g.tiles_a = (g.size_a + g.tile.a - 1) / g.tile.a;
  g.tiles_per_batch = g.tiles_a * g.tiles_b;
  g.panel_a = std::clamp<int64_t>(kPanelRows / g.tile.a, 1, g.tiles_a);
  if (plan.element_size <= 8) {
    g.grouped = plan;
    g.groups = group_dims(g.grouped);
  }
  return g;
}

TransposeMethod choose_method(const CopyPlan& plan, const TransposeGeometry& g) {
  const int64_t es = plan.element_size;
  if (g.src_a != 1) return TransposeMethod::StridedTiles;
  if (es <= 8 && short_side(g.size_b) && g.dst_a == g.size_b) return TransposeMethod::Interleave;
  if (es <= 8 && short_side(g.size_a) && g.src_b == g.size_a) return TransposeMethod::Deinterleave;
  if (g.groups.a_count > 1 || g.groups.b_count > 1) return TransposeMethod::GroupedTiles;
  // A block row of under a cache line, written straight to a destination row far from the next one,
  // makes every store a partial-line write: such tiles are built in a buffer first and written out by
  // rows. Past the cache every tile takes this method, which streams it from registers where it can
  // (a group of rows at a time, transpose/streamed_tile.h) and otherwise builds it in the buffer:
  // streaming each block from registers in this loop's order lost 10-15% to the buffer (64 MB
  // transposes of 4- and 8-byte elements).
  // In cache, destination rows a multiple of 2 KB apart share a few of L1's sets, and a block's 16 rows
  // written straight there evict each other: 3x slower than building the tile in a buffer (measured on
  // 1-8 MB float32/float64 transposes), while other strides are up to 1.5x faster written straight.
  const bool short_block_rows = transpose_tile_kernel().block_row_bytes(plan.element_size) < 64;
  const bool rows_share_sets = g.dst_a * es % 2048 == 0;
  if (short_block_rows || rows_share_sets || g.stream) {
    return TransposeMethod::SimdTilesBuffered;
  }
  return TransposeMethod::SimdTiles;
}

}  // namespace

TransposeInfo describe_transpose(const CopyPlan& plan) {
  const TransposeGeometry g = geometry_of(plan);
  const TransposeMethod method = choose_method(plan, g);
  const char* name = "";
  switch (method) {
    case TransposeMethod::StridedTiles: name = "strided tiles (source's fast dim is not contiguous)"; break;
    case TransposeMethod::Interleave: name = "interleave (short destination rows)"; break;
    case TransposeMethod::Deinterleave: name = "deinterleave (short source rows)"; break;
    case TransposeMethod::SimdTiles: name = "SIMD tiles"; break;
    case TransposeMethod::SimdTilesBuffered: name = "SIMD tiles, built in cache and written out by rows"; break;
    case TransposeMethod::GroupedTiles: name = "SIMD tiles spanning several dims per side"; break;
  }
  if (method == TransposeMethod::GroupedTiles) {
    return TransposeInfo{method, name, transpose_tile_kernel().isa, g.groups.a_total, g.groups.b_total};
  }
  return TransposeInfo{method, name, transpose_tile_kernel().isa, g.tile.a, g.tile.b};
}

void copy_transpose(const CopyPlan& plan, const char* src, char* dst) {
  const TransposeGeometry g = geometry_of(plan);
  const int64_t es = plan.element_size;
  const int element_size = plan.element_size;
  const OuterWalker batch(plan, plan.rank - 1, plan.transpose_dim);
  const int64_t items = batch.count() * g.tiles_per_batch;
  const int64_t grain = grain_for(g.tile.a * g.tile.b * es);
  const TransposeTileKernel& kernel = transpose_tile_kernel();
  const TransposeMethod method = choose_method(plan, g);

  switch (method) {
    case TransposeMethod::StridedTiles:
      with_element_type(element_size, [&](auto tag) {
        using T = decltype(tag);
        const T* s = reinterpret_cast<const T*>(src);
        T* d = reinterpret_cast<T*>(dst);
        at::parallel_for(0, items, grain, [&](int64_t begin, int64_t end) {
          for_each_tile(batch, g, begin, end, [&](const Tile& t, const Tile&) {
            copy_tile_strided(s + t.src_offset + t.a0 * g.src_a + t.b0 * g.src_b,
                              d + t.dst_offset + t.a0 * g.dst_a + t.b0, t.rows_a, t.cols_b, g.src_a, g.src_b,
                              g.dst_a);
          });
        });
      });
      return;
    case TransposeMethod::Interleave:
      copy_interleaved(g, batch, es, src, dst);
      return;
    case TransposeMethod::Deinterleave:
      copy_deinterleaved(g, batch, es, src, dst);
      return;
    case TransposeMethod::GroupedTiles:
      copy_grouped(g.grouped, g.groups, g.stream, src, dst);
      return;
    case TransposeMethod::SimdTiles:
      at::parallel_for(0, items, grain, [&](int64_t begin, int64_t end) {
        for_each_tile(batch, g, begin, end, [&](const Tile& t, const Tile& next_tile) {
          auto next = next_tile_prefetch(g, next_tile, src, es);
          next.request(next.lines());
          kernel.run(element_size, src + (t.src_offset + t.a0 + t.b0 * g.src_b) * es, g.src_b,
                     dst + (t.dst_offset + t.a0 * g.dst_a + t.b0) * es, g.dst_a, t.rows_a, t.cols_b);
        });
      });
      return;
    case TransposeMethod::SimdTilesBuffered: {
      // Runs moved onto the destination's lines (write_tile_on_lines) when its rows start mid-line.
      // A tile past a row's first then also transposes the 64 bytes of columns before its own: the
      // head its runs start with.
      const auto on_lines = [&](const Tile& t) {
        if (!g.stream || g.tiles_b == 1) return false;
        const auto row0 = reinterpret_cast<uintptr_t>(dst + (t.dst_offset + t.a0 * g.dst_a) * es);
        return row0 % es == 0 && (row0 % 64 != 0 || g.dst_a * es % 64 != 0);
      };
      const auto lead_of = [&](const Tile& t) -> int64_t { return t.b0 > 0 && on_lines(t) ? 64 / es : 0; };
      at::parallel_for(0, items, grain, [&](int64_t begin, int64_t end) {
        alignas(64) static thread_local char buffer[kStreamTileBytes + kStreamTileBytes / 2];
        for_each_tile(batch, g, begin, end, [&](const Tile& t, Tile next_tile) {
          const int64_t next_lead = next_tile.cols_b > 0 ? lead_of(next_tile) : 0;
          next_tile.b0 -= next_lead;
          next_tile.cols_b += next_lead;
          auto next = next_tile_prefetch(g, next_tile, src, es);
          const bool lines = on_lines(t);
          const int64_t ra = t.rows_a, cb = t.cols_b, lead = lines && t.b0 > 0 ? 64 / es : 0;
          char* out = dst + (t.dst_offset + t.a0 * g.dst_a + t.b0) * es;
          const char* in = src + (t.src_offset + t.a0 + (t.b0 - lead) * g.src_b) * es;
          // Destination rows on lines: tiles go from registers straight to memory where the kernel
          // covers them (transpose/streamed_tile.h), requesting a share of the next tile's lines
          // before each of its blocks (G rows x 64 bytes), as the write-out does between pieces.
          if (g.stream && !lines &&
              kernel.run_streamed(element_size, in, g.src_b, {out, g.dst_a, nullptr}, ra, cb, line_requests(next))) {
            return;
          }
          // Whole destination rows packed back to back (C = 16 or 64 channels last): the tile is one
          // stretch of the output, and its rows are packed in the buffer too.
          const int64_t ld = cb == g.dst_a ? cb : padded_row(lead + cb, es);
          kernel.run(element_size, in, g.src_b, buffer, ld, ra, lead + cb);
          if (lines) {
            write_tile_on_lines(g.stream, out, g.dst_a * es, buffer, ld * es, lead * es, ra, cb * es, t.b0 == 0,
                                t.b0 + cb == g.size_b, next);
          } else {
            write_tile_to_rows(g.stream, out, g.dst_a * es, buffer, ld * es, ra, cb * es, next);
          }
        });
        if (g.stream) stream_fence();
      });
      return;
    }
  }
}

}  // namespace reshapeops::cpu
