// Non-temporal ("streaming") stores. A normal store to a line that is not in cache first reads that
// line from memory (read-for-ownership), so writing N bytes costs 2N of memory traffic. A streaming
// store writes whole lines straight to memory: N bytes cost N. That is the difference between ~67% and
// ~100% of copy bandwidth for outputs larger than the cache. For outputs that fit in cache they are a
// loss (the next reader misses), hence use_streaming_stores().
#pragma once

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace reshapeops::cpu {

// The last-level cache one core shares (bytes), which the thresholds below are fractions of.
int64_t last_level_cache_bytes();

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

}  // namespace reshapeops::cpu
