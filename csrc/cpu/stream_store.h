// Non-temporal ("streaming") stores. A normal store to a line that is not in cache first reads that
// line from memory (read-for-ownership), so writing N bytes costs 2N of memory traffic. A streaming
// store writes whole lines straight to memory: N bytes cost N. That is the difference between ~67% and
// ~100% of copy bandwidth for outputs larger than the cache. For outputs that fit in cache they are a
// loss (the next reader misses), hence use_streaming_stores().
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <numeric>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace reshapeops::cpu {

// True for outputs large enough that they will not stay in the last-level cache anyway, written in
// scattered runs (transposes, many-input gathers, row copies).
bool use_streaming_stores(int64_t output_bytes);
// The same for an output each task writes front to back in blocks of many inputs' short slices: a
// larger output, since cached stores cost such a stream less.
bool use_streaming_stores_in_order(int64_t output_bytes);

// memcpy whose whole cache lines bypass the cache; the partial lines at either end take normal stores.
// A streaming store that covers only part of a line leaves the write-combining buffer to flush a partial
// line, which the memory system handles as a masked write: 2-D uint8 transposes whose destination rows
// are 3000 bytes apart ran at half the speed of those 3008 apart, and streaming only whole lines gave
// back 60% of the gap (one thread: 17 -> 27.5 GB/s, against 31 GB/s aligned).
inline void stream_copy(char* dst, const char* src, int64_t n) {
#if defined(__SSE2__)
  int64_t head = static_cast<int64_t>((-reinterpret_cast<uintptr_t>(dst)) & 63);
  if (head > n) head = n;
  if (head != 0) {
    std::memcpy(dst, src, head);
    dst += head, src += head, n -= head;
  }
  for (; n >= 64; n -= 64, dst += 64, src += 64) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 16));
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 32));
    const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 48));
    _mm_stream_si128(reinterpret_cast<__m128i*>(dst), a);
    _mm_stream_si128(reinterpret_cast<__m128i*>(dst + 16), b);
    _mm_stream_si128(reinterpret_cast<__m128i*>(dst + 32), c);
    _mm_stream_si128(reinterpret_cast<__m128i*>(dst + 48), d);
  }
#endif
  if (n != 0) std::memcpy(dst, src, n);
}

// A run written with streaming stores when `stream`, else by memcpy: the choice every kernel that
// writes runs out of a buffer or a source row makes the same way.
inline void write_run(bool stream, char* dst, const char* src, int64_t n) {
  if (stream) {
    stream_copy(dst, src, n);
  } else {
    std::memcpy(dst, src, n);
  }
}

// Streaming stores are weakly ordered: a task fences before it reports its part done.
inline void stream_fence() {
#if defined(__SSE2__)
  _mm_sfence();
#endif
}

// Outputs that a kernel builds in order, a few rows at a time (zips), go through an L1 buffer in
// blocks of about kZipBlockBytes, each streamed out whole. With 16 KB blocks a thread read for a whole
// block, then streamed it out with no reads in flight: the two phases took turns. A 2 KB block is
// short enough for the core's out-of-order window to overlap one block's writes with the next one's
// reads. Stacks of 2, 4 and 10 inputs on the last dim (16-128 MB, cold caches, two threads, 8
// alternating rounds): 1.21-1.50x as fast as with 16 KB blocks (10 x [1024, 1600] from 78-95% to
// 115-122% of the copy); blocks of 1 KB lost to 2 KB on 10 inputs, and 4 KB on float64.
constexpr int64_t kZipBlockBytes = 2048;
constexpr int64_t kStreamBlockBufferBytes = 16 * 1024;

// The fewest rows of `row_bytes` that make whole 64-byte lines.
inline int64_t rows_per_line(int64_t row_bytes) { return 64 / std::gcd<int64_t>(64, row_bytes); }

// Rows per block of about kZipBlockBytes, in whole lines (from a line-aligned start every block's
// stream covers whole lines: a partial one would be written by ordinary stores, read first).
inline int64_t zip_block_rows(int64_t row_bytes) {
  const int64_t unit = rows_per_line(row_bytes);
  return std::max<int64_t>(1, kZipBlockBytes / row_bytes / unit) * unit;
}

// Rows [begin, end) of `out`, `row_bytes` apart, built by fill(r0, r1, buffer) into an L1 buffer
// `block_rows` at a time (block_rows * row_bytes <= kStreamBlockBufferBytes) and streamed out.
template <typename Fill>
void stream_out_in_blocks(char* out, int64_t row_bytes, int64_t begin, int64_t end, int64_t block_rows,
                          Fill&& fill) {
  alignas(64) char buffer[kStreamBlockBufferBytes];
  for (int64_t r0 = begin; r0 < end; r0 += block_rows) {
    const int64_t r1 = std::min(end, r0 + block_rows);
    fill(r0, r1, buffer);
    stream_copy(out + r0 * row_bytes, buffer, (r1 - r0) * row_bytes);
  }
  stream_fence();
}

}  // namespace reshapeops::cpu
