// Helpers for tiles that are built in a buffer and then written out by rows (the transpose and the
// many-input stack): the buffer's row stride, a prefetcher for the next tile's source rows, and the
// loop that writes a tile out while requesting the next one.
#pragma once

#include <algorithm>
#include <cstdint>

#include "read_ahead.h"
#include "stream_store.h"
#include "transpose/tile_kernels.h"

namespace reshapeops::cpu {

// The row stride (elements) of a tile built in a buffer before it is written out. Rows a multiple of
// 128 bytes apart fall into a few of L1's 64 sets (every 4096 bytes wrap around them), so a tile of
// 128 such rows evicts itself while being built; one line of padding spreads the rows over all sets.
// Measured on 4-D/6-D reversals of 2-byte elements built in L1: 3x faster with the padding. The
// buffers leave room for it: padded rows are at least 128 bytes, so it adds at most half.
inline int64_t padded_row(int64_t elements, int64_t es) {
  return elements * es % 128 == 0 ? elements + 64 / es : elements;
}

// The next tile's source lines: `count` rows of `row_bytes`, row r starting at row_start(r). Each row
// is only a few lines long, too short for the hardware prefetcher to catch on. Requested a few at a
// time while this tile's rows are written out, the reads of the next tile overlap the writes of this
// one; without that a thread's reads and writes took turns (measured: time = read phase + write
// phase), and 2-D transposes of 16-64 MB ran 10-30% slower.
template <typename RowStart>
class NextTilePrefetch {
 public:
  NextTilePrefetch(RowStart row_start, int64_t count, int64_t row_bytes)
      : row_start_(row_start),
        count_(row_bytes > 0 ? count : 0),
        row_lines_((row_bytes + 63) / 64),
        into_l2_(requests_into_l2()) {}

  int64_t lines() const { return count_ * row_lines_; }

  // Row by row: a row's start (for many-input stacks, a load from a table) is found once per row,
  // not once per line. Rows of no bytes count as no rows, so the walk always moves on.
  void request(int64_t lines) {
    while (lines > 0 && row_ < count_) {
      const char* row = row_start_(row_);
      const int64_t take = std::min(lines, row_lines_ - line_);
      for (int64_t i = line_; i < line_ + take; ++i) request_line(row + i * 64, into_l2_);
      lines -= take;
      line_ += take;
      if (line_ == row_lines_) line_ = 0, ++row_;
    }
  }
  // Lines per request for `parts` requests to cover them all.
  int64_t share(int64_t parts) const { return (lines() + parts - 1) / parts; }

 private:
  RowStart row_start_;
  int64_t count_, row_lines_;
  bool into_l2_;
  int64_t row_ = 0, line_ = 0;
};

// The next tile's lines, for a tile streamed from registers (run_streamed, gather_streamed) to request
// a share of before each of its blocks.
template <typename Prefetch>
LineRequests line_requests(Prefetch& next) {
  return {[](void* self, int64_t n) { static_cast<Prefetch*>(self)->request(n); }, &next, next.lines()};
}

// Requests for the next tile's lines go out between pieces of at most this many bytes written (see
// write_in_pieces).
constexpr int64_t kPackedPieceBytes = 1024;

// Writes `bytes` from `from` to `to` in pieces, the first ending `first_end` bytes in and each later one
// kPackedPieceBytes further, requesting `per_piece` of the next tile's lines before each piece. A tile
// of a few long runs (16 channels, 8 KB each) asked for a sixteenth of the next tile's lines at once
// before each run: more than the core keeps in flight, so most of the requests were dropped. A share
// before every kPackedPieceBytes instead: NTHWC -> NCTHW with C = 16 ran 1.2-1.4x as fast for every
// element size (in-process alternating calls, from cold caches).
// Its callers take everything by value on purpose, `next` included (lent here as their own copy):
// vector stores may alias any memory, so a value the loop reached through a reference (a lambda's
// captures, a struct's fields, a thread-local buffer's address) would be reloaded after every store.
// With two cores busy shuffling, those reloads are what the write-out waited on: against the loop over
// captured values this replaced, 16 MB transposes ran faster by 39% (uint8 2-D), 25% (float16 2-D),
// 21% (uint8 6-D reversal) and 1-10% for 4- and 8-byte elements, measured in alternating runs.
template <typename Prefetch>
inline void write_in_pieces(bool stream, char* to, const char* from, int64_t bytes, int64_t first_end,
                            int64_t per_piece, Prefetch& next) {
  for (int64_t done = 0, end = first_end; done < bytes; done = end, end += kPackedPieceBytes) {
    next.request(per_piece);
    write_run(stream, to + done, from + done, std::min(end, bytes) - done);
  }
}

// Writes a tile built in `buffer` (rows buffer_step bytes apart) out as `runs` runs of run_bytes, run i
// to out_row(i), in pieces that end on the row's line boundaries, so a row that starts mid-line is
// still written in whole lines but for its own two ends.
template <typename OutRow, typename Prefetch>
inline void write_tile(bool stream, OutRow out_row, const char* buffer, int64_t buffer_step, int64_t runs,
                       int64_t run_bytes, Prefetch next) {
  const int64_t pieces_per_run = (run_bytes + kPackedPieceBytes - 1) / kPackedPieceBytes;
  const int64_t per_piece = next.share(runs * pieces_per_run);
  for (int64_t i = 0; i < runs; ++i) {
    char* row = out_row(i);
    const int64_t head = int64_t((-reinterpret_cast<uintptr_t>(row)) & 63);
    write_in_pieces(stream, row, buffer + i * buffer_step, run_bytes, head + kPackedPieceBytes, per_piece, next);
  }
}

// Writes a tile of `runs` rows, row i's first element to out + i * out_step, so that every store but
// those of a row's own first and last line covers a whole line. Destination rows that start mid-line
// (3000 bytes apart) would otherwise end each tile's run on a partial line, which takes ordinary stores:
// a read of the line from memory, then a second partial write from the neighbouring tile. So each run
// starts `head` bytes early, at the line boundary before it (the buffer holds lead_bytes = 64 of the
// columns before the tile's own), and stops at the line boundary before its end, leaving those bytes
// to the next tile's head. `first`/`last`: the tile starts/ends the rows, so that end stays put.
// Measured from cold caches on 3000 x 5592 transposes, two threads, in alternating runs: 1.3x for uint8
// and float16 (uint8: 31 -> 41 GB/s, copy 48), unchanged for float32.
template <typename Prefetch>
inline void write_tile_on_lines(bool stream, char* out, int64_t out_step, const char* buffer, int64_t buffer_step,
                                int64_t lead_bytes, int64_t runs, int64_t run_bytes, bool first, bool last,
                                Prefetch next) {
  const int64_t per_run = next.share(runs);
  for (int64_t i = 0; i < runs; ++i) {
    next.request(per_run);
    char* row = out + i * out_step;
    const int64_t head = first ? 0 : int64_t(reinterpret_cast<uintptr_t>(row) % 64);
    const int64_t tail = last ? 0 : int64_t(reinterpret_cast<uintptr_t>(row + run_bytes) % 64);
    write_run(stream, row - head, buffer + i * buffer_step + lead_bytes - head, run_bytes + head - tail);
  }
}

// Writes a tile whose rows lie back to back both in `buffer` and at `out` (short destination rows,
// C = 16 or 64 channels last) as one stretch of `bytes`, in pieces of kPackedPieceBytes that end on
// the output's piece boundaries (so each is whole lines), requesting the next tile's lines between
// pieces. Written in one go, all of the next tile's requests went out before the first store and the
// thread read, then wrote: against that, in alternating runs, NCHW -> NHWC with C = 64 ran 1.4-1.7x
// as fast for 1- to 4-byte elements (1.1x for 8) and NCTHW -> NTHWC with C = 16 1.2-1.3x for 2 to 8.
// Pieces of 4 KB were 10-40% slower than 1 KB, pieces of 256 B about 5%.
template <typename Prefetch>
inline void write_packed_tile(bool stream, char* out, const char* buffer, int64_t bytes, Prefetch next) {
  const int64_t lead = int64_t(reinterpret_cast<uintptr_t>(out) % kPackedPieceBytes);
  const int64_t per_piece = next.share((lead + bytes + kPackedPieceBytes - 1) / kPackedPieceBytes);
  write_in_pieces(stream, out, buffer, bytes, kPackedPieceBytes - lead, per_piece, next);
}

// A tile whose run i goes to out + i * out_step. When the runs lie back to back both there and in
// the buffer (packed rows), they are one stretch, written as such.
template <typename Prefetch>
inline void write_tile_to_rows(bool stream, char* out, int64_t out_step, const char* buffer, int64_t buffer_step,
                               int64_t runs, int64_t run_bytes, Prefetch next) {
  if (out_step == run_bytes && buffer_step == run_bytes) {
    write_packed_tile(stream, out, buffer, runs * run_bytes, next);
    return;
  }
  write_tile(stream, [=](int64_t i) { return out + i * out_step; }, buffer, buffer_step, runs, run_bytes, next);
}

}  // namespace reshapeops::cpu
