// Concatenate (and so stack) contiguous inputs in one parallel pass over the output.
// The output is [outer][row]; each input owns a fixed slice of every row. Work is split by output
// bytes, not by input, so 10,000 tiny inputs or 2 huge ones keep all cores busy alike, and every task
// writes one contiguous stretch of the output.
// Two inner loops:
//   - slices of at least a cache line: one memcpy per (row, input) slice;
//   - equal, short slices (stack on the last dim interleaves inputs element by element): a block of
//     rows is filled by the SIMD interleave kernel (up to 15 inputs) or the SIMD transpose tile reading
//     each input as one source row (more inputs), so each input is read as a stream and the block being
//     written stays in cache until it is complete.
// For outputs larger than the cache the interleaved blocks are built in an L1 buffer and streamed out
// whole (stream_store.h), long slices are streamed too, and single elements from many inputs are
// tiled like a transpose (gather_tiles). Zipped blocks are small (kZipBlockBytes, stream_store.h), so
// that a thread's reads of one block overlap its writes of the last; blocks of many inputs' short
// slices start streaming at a larger output than the rest.
// Bytes moved: 2 * output bytes.
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels.h"
#include "parallel_grain.h"
#include "read_ahead.h"
#include "stream_store.h"
#include "tile_buffer.h"
#include "transpose/tile_kernels.h"

namespace reshapeops::cpu {

namespace {

constexpr int64_t kShortSliceBytes = 64;
constexpr int64_t kBlockBytes = 16 * 1024;
constexpr int64_t kMinBlockRows = 256;
// Long slices past the cache are streamed (whole lines, no read-for-ownership) from this length on.
// Measured on stacks of 2 to 10,000 inputs of 32-64 MB: +10-45%.
constexpr int64_t kStreamSliceBytes = 256;
// Slices are copied in pieces of up to kPieceBytes, each after requesting the lines kAheadBytes ahead
// of it. Measured against requesting only the next slice's first 1 KB, on 10,000 x 3.2-6.4 KB inputs:
// 7-18% less time in the kernel; no change on 1.6 KB inputs, 2-10% less on 2 or 100 long inputs.
constexpr int64_t kAheadBytes = 8192;
constexpr int64_t kPieceBytes = 2048;
// Inputs per gather tile: with 64 rows per block, a tile reads 64 runs of 64 elements and writes 64.
constexpr int64_t kGatherInputs = 64;

// Writes rows [r0, r1) of the output, whose first row is at `block` and rows are `row_bytes` apart.
// Slices of 1, 2, 4 or 8 bytes are one element each: a few inputs are zipped by the SIMD interleave
// kernel, many are transposed by the SIMD tile kernel reading each input as one row of the tile.
// Other slices are copied one input at a time, by the row-run copy of the widest instruction set,
// whose fixed-size moves overlap (a slice of 7 bytes: two 4-byte moves). Against a loop over the
// slice's elements (cats of 2-20 inputs on dim 1, 16-64 MB, cold caches, two threads, 4-6 alternating
// runs): slices of 7 bytes 2.2-2.5x as fast, 12 bytes 1.4x, 3 bytes 1.03-1.3x, and 6, 16 and 40 bytes
// 0.94-1.04x.
void fill_block(const CatInputs& inputs, int64_t slice_bytes, int64_t r0, int64_t r1, int64_t row_bytes,
                char* block) {
  const int64_t rows = r1 - r0;
  const TransposeTileKernel& kernel = transpose_tile_kernel();
  const int es = static_cast<int>(slice_bytes);
  if ((es == 1 || es == 2 || es == 4 || es == 8) && inputs.count >= 2) {
    if (inputs.count <= kMaxZipCount) {
      const char* in[kMaxZipCount];
      for (int64_t j = 0; j < inputs.count; ++j) in[j] = inputs.data[j] + r0 * slice_bytes;
      kernel.interleave(static_cast<int>(inputs.count), es, in, rows, block);
      return;
    }
    for (int64_t j0 = 0; j0 < inputs.count; j0 += kGatherInputs) {
      kernel.gather(es, inputs.data + j0, r0, block + j0 * slice_bytes, inputs.count, rows,
                    std::min(kGatherInputs, inputs.count - j0));
    }
    return;
  }
  for (int64_t j = 0; j < inputs.count; ++j) {
    kernel.copy_rows(inputs.data[j] + r0 * slice_bytes, slice_bytes, block + j * slice_bytes, row_bytes, rows,
                     slice_bytes);
  }
}

// One element from each of many inputs per output row, past the cache: a 2-D transpose whose source
// rows are the inputs. Tiles of kTileRows rows (more for few inputs of 1 byte, see below) x
// (kRunBytes / element size) inputs are built in a buffer and streamed out as runs of kRunBytes into
// each output row, the next tile's lines prefetched meanwhile, as copy_transpose does. Filling blocks
// of whole output rows instead wrote each row in pieces of 64 inputs with ordinary stores, and with
// no requests ahead waited on every input's misses: for 32 to 128 inputs of 1 to 8 bytes (rows too
// short for tiles, until tiles of all inputs were written out as one stretch) the tiles ran 1.2-2x as
// fast on one thread (64 one-byte inputs: 22 -> 42 GB/s).
// Where the output rows start on lines (rows of a multiple of 64 bytes: 1,000 or 10,000 float32 or
// float64 inputs), a tile of whole blocks skips the buffer and goes from registers to memory
// (transpose/streamed_tile.h): 10,000 x [1600] float32 1.05x on two threads, 1.05-1.15x on one.
void gather_tiles(const CatInputs& inputs, int element_size, int64_t row_begin, int64_t row_end,
                  char* out) {
  // Tiles of 128 KB: runs of 1 KB by 128 rows. Against runs of 512 B by 256 rows, in
  // four interleaved runs: 1,000 x [128, 128] uint8 +7 to +22 points of copy, 100 x [160000] float32
  // +3 to +29, float16 cases -5 to +18.
  // A tile of fewer inputs, which the buffer holds taller, takes at least kInputRunBytes of each: 100
  // x [160000] uint8 (tiles of 100 x 128 bytes) ran 1.15-1.17x as fast with 256 rows as with 128, on
  // one thread and two, from cold caches; 1,000 inputs with 256 rows (a 256 KB buffer) 1.0-1.03x, and
  // longer runs lost (512 rows 0.97x, 1,280 rows 0.88-0.95x).
  constexpr int64_t kRunBytes = 1024, kTileRows = 128, kInputRunBytes = 256;
  alignas(64) static thread_local char buffer[kTileRows * (kRunBytes + 128)];
  const int64_t es = element_size, count = inputs.count;
  const int64_t tile_b = kRunBytes / es;
  // Output rows that start mid-line (1,000 float16 inputs: rows of 2,000 bytes) split over several tiles
  // would leave a partial line at every tile's seam, written twice by ordinary stores, each first
  // reading the line. Such tiles also gather the 64 bytes of inputs before their own (the lead) and
  // write their runs on lines (write_tile_on_lines), as copy_transpose does. Measured on Zen 4 in
  // alternating runs from truly cold caches: 1,000 x [128, 128] float16 1.1-1.2x and float32
  // 1.2-1.5x, 10,000 x [1600] uint8 1.2-1.35x (one thread or two); 10,000 float16 inputs 1.0-1.2x.
  const bool on_lines = ((count * es) % 64 != 0 || reinterpret_cast<uintptr_t>(out) % 64 != 0) && tile_b < count;
  const int64_t lead_inputs = on_lines ? 64 / es : 0;
  const int64_t buffer_row_bytes = padded_row(std::min(tile_b, count) + lead_inputs, es) * es;
  int64_t tile_rows = kTileRows;
  while (tile_rows * es < kInputRunBytes && 2 * tile_rows * buffer_row_bytes <= int64_t(sizeof(buffer))) {
    tile_rows *= 2;
  }
  const TransposeTileKernel& kernel = transpose_tile_kernel();
  for (int64_t r0 = row_begin; r0 < row_end; r0 += tile_rows) {
    const int64_t ra = std::min(tile_rows, row_end - r0);
    for (int64_t j0 = 0; j0 < count; j0 += tile_b) {
      const int64_t cb = std::min(tile_b, count - j0);
      // The next tile: the next inputs on these rows, or the first inputs on the next rows.
      const bool same_rows = j0 + cb < count;
      const int64_t next_j = same_rows ? j0 + cb : 0, next_r = same_rows ? r0 : r0 + ra;
      const int64_t next_rows = next_r < row_end ? std::min(tile_rows, row_end - next_r) : 0;
      const char* const* next_inputs = inputs.data + next_j;
      const int64_t next_offset = next_r * es;
      NextTilePrefetch next([=](int64_t b) { return next_inputs[b] + next_offset; },
                            next_rows ? std::min(tile_b, count - next_j) : 0, next_rows * es);
      char* tile_out = out + (r0 * count + j0) * es;
      if (kernel.gather_streamed(element_size, inputs.data + j0, r0, {tile_out, count, nullptr}, ra, cb,
                                 line_requests(next))) {
        continue;
      }
      const int64_t lead = on_lines && j0 > 0 ? lead_inputs : 0;
      const int64_t ld = padded_row(lead + cb, es);
      kernel.gather(element_size, inputs.data + j0 - lead, r0, buffer, ld, ra, lead + cb);
      if (on_lines) {
        write_tile_on_lines(true, tile_out, count * es, buffer, ld * es, lead * es, ra, cb * es, j0 == 0,
                            !same_rows, next);
        continue;
      }
      // All inputs in one tile: its output rows lie back to back, one stretch (as copy_transpose's
      // packed tiles), and the buffer's rows are packed the same way, unless that would put them a
      // multiple of 128 bytes apart (see padded_row): 1,024 packed inputs of one byte ran at a quarter
      // of the speed of padded ones. write_tile_to_rows sees which from the strides.
      write_tile_to_rows(true, tile_out, count * es, buffer, ld * es, ra, cb * es, next);
    }
  }
  stream_fence();
}

// Slices of `slice_bytes` from each input (elements of `element_size`), interleaved, in blocks of
// rows that stay in L1 while every input pours into them. `stream_tiles` and `stream_blocks`: whether
// output written as tiles (scattered runs) or as blocks (in order) bypasses the cache.
void interleave_rows(const CatInputs& inputs, int element_size, int64_t slice_bytes, int64_t row_begin,
                     int64_t row_end, bool stream_tiles, bool stream_blocks, char* out) {
  const int64_t row_bytes = slice_bytes * inputs.count;
  if (stream_tiles && slice_bytes == element_size && element_size <= 8 && inputs.count > kMaxZipCount) {
    gather_tiles(inputs, element_size, row_begin, row_end, out);
    return;
  }
  const int64_t rows = std::max<int64_t>(kMinBlockRows, kBlockBytes / row_bytes);
  // Streamed: a few inputs in small blocks (stream_store.h); many inputs in the blocks written in
  // place, where each input's run is long (the per-input loop pays per run).
  const int64_t streamed_rows = inputs.count <= kMaxZipCount ? zip_block_rows(row_bytes) : rows;
  if (stream_blocks && streamed_rows * row_bytes <= kStreamBlockBufferBytes) {
    stream_out_in_blocks(out, row_bytes, row_begin, row_end, streamed_rows,
                         [&](int64_t r0, int64_t r1, char* buffer) {
                           fill_block(inputs, slice_bytes, r0, r1, row_bytes, buffer);
                         });
    return;
  }
  for (int64_t r0 = row_begin; r0 < row_end; r0 += rows) {
    fill_block(inputs, slice_bytes, r0, std::min(row_end, r0 + rows), row_bytes, out + r0 * row_bytes);
  }
}

// A position in the sequence of slices a task copies: row `row`, input `j`, `offset` bytes into its slice.
struct SlicePos {
  int64_t row, j, offset;
};

// Moves `p` on by `bytes` along the slice sequence, calling visit(src, n, slice) for each stretch
// passed (`slice`: the length of the slice it lies in).
template <typename Visit>
void walk_slices(const CatInputs& inputs, SlicePos& p, int64_t bytes, Visit&& visit) {
  while (bytes > 0) {
    const int64_t slice = inputs.row_bytes[p.j];
    const int64_t take = std::min(slice - p.offset, bytes);
    visit(inputs.data[p.j] + p.row * slice + p.offset, take, slice);
    bytes -= take;
    p.offset += take;
    if (p.offset == slice) {
      p.offset = 0;
      if (++p.j == inputs.count) {
        p.j = 0;
        ++p.row;
      }
    }
  }
}

// Copies output bytes [begin, end), which start inside row `row` at input `j`, `offset` bytes into its
// slice. Each input's slice is a separate stream that the hardware prefetcher has to discover anew,
// which for thousands of slices of a few KB is much of the wait. So a second cursor walks the same
// slices kAheadBytes ahead of the copy and requests every line it passes: the prefetches cross from
// one input to the next as the copy will.
void copy_byte_range(const CatInputs& inputs, const std::vector<int64_t>& slice_start,
                     int64_t out_row_bytes, int64_t begin, int64_t end, bool stream, char* out) {
  const int64_t row = begin / out_row_bytes;
  const int64_t in_row = begin - row * out_row_bytes;
  const int64_t j = std::upper_bound(slice_start.begin(), slice_start.end(), in_row) - slice_start.begin() - 1;
  SlicePos copied{row, j, in_row - slice_start[j]}, fetched = copied;
  auto request = [into_l2 = requests_into_l2()](const char* src, int64_t n, int64_t) {
    const uintptr_t first = reinterpret_cast<uintptr_t>(src) & ~uintptr_t{63};
    for (uintptr_t line = first; line < reinterpret_cast<uintptr_t>(src) + n; line += 64) {
      request_line(reinterpret_cast<const void*>(line), into_l2);
    }
  };
  const int64_t total = end - begin;
  int64_t requested = std::min(kAheadBytes, total);
  walk_slices(inputs, fetched, requested, request);
  for (int64_t done = 0; done < total;) {
    const int64_t piece = std::min(kPieceBytes, total - done);
    const int64_t request_to = std::min(done + piece + kAheadBytes, total);
    walk_slices(inputs, fetched, request_to - requested, request);
    requested = request_to;
    walk_slices(inputs, copied, piece, [&](const char* src, int64_t n, int64_t slice) {
      write_run(stream && slice >= kStreamSliceBytes, out + begin + done, src, n);
      done += n;
    });
  }
  if (stream) stream_fence();
}

}  // namespace

void cat_contiguous(const CatInputs& inputs, int64_t outer, int64_t out_row_bytes,
                    int element_size, char* out) {
  if (outer == 0 || out_row_bytes == 0) return;
  const int64_t out_bytes = outer * out_row_bytes;
  const bool stream_scattered = use_streaming_stores(out_bytes);
  // Zips stream from the lower threshold: in blocks of kZipBlockBytes, 16 MB stacks of 2 to 15 uint8
  // or float16 inputs on the last dim ran 0.92-1.44x as fast streamed as with cached stores (the
  // median 1.2x; 10 inputs: 1.19-1.34x). Many inputs' short slices take the higher one.
  const bool stream_blocks =
      inputs.count <= kMaxZipCount ? stream_scattered : use_streaming_stores_in_order(out_bytes);
  const int64_t first = inputs.row_bytes[0];
  const bool equal_short_slices =
      first <= kShortSliceBytes &&
      std::all_of(inputs.row_bytes, inputs.row_bytes + inputs.count,
                  [&](int64_t b) { return b == first; });
  if (equal_short_slices) {
    // Threads split the rows on whole cache lines of the inputs (as allocated: 64-byte aligned). A
    // tile reads a short run of each of many inputs and comes back for the next run only after all
    // the others; a run that starts mid-line reads a line that its neighbour tile reads again, by
    // then from memory. 10,000 x [1600] uint8 stacked on the last dim, split at row 800 (mid-line):
    // the second thread read half as many lines again as the first and took 1.7x as long.
    const int64_t rows_per_unit = rows_per_line(first);
    const int64_t units = (outer + rows_per_unit - 1) / rows_per_unit;
    const int64_t grain = std::max<int64_t>(1, grain_for(out_row_bytes) / rows_per_unit);
    at::parallel_for(0, units, grain, [&](int64_t begin, int64_t end) {
      interleave_rows(inputs, element_size, first, begin * rows_per_unit, std::min(outer, end * rows_per_unit),
                      stream_scattered, stream_blocks, out);
    });
    return;
  }
  std::vector<int64_t> slice_start(inputs.count);
  int64_t start = 0;
  for (int64_t j = 0; j < inputs.count; ++j) {
    slice_start[j] = start;
    start += inputs.row_bytes[j];
  }
  // Slices stream from the lower threshold, as scattered runs do: each input is a stream of its own
  // that the hardware prefetcher has to find, and writes that take no read-for-ownership leave the
  // memory to those reads. From cold caches, 16 MB uint8 stacks on the first dim of 2 to 1,000 inputs
  // ran 1.13-1.18x as fast streamed (10,000 inputs of 1.6 KB already were).
  const bool stream = stream_scattered;
  at::parallel_for(0, out_bytes, kBytesPerTask, [&](int64_t begin, int64_t end) {
    copy_byte_range(inputs, slice_start, out_row_bytes, begin, end, stream, out);
  });
}

}  // namespace reshapeops::cpu
