#include "stream_store.h"

#include "cache_geometry.h"

namespace reshapeops::cpu {

bool use_streaming_stores(int64_t output_bytes) {
  // Input and output share the cache; once the two together pass three quarters of it, the output
  // would evict what is read next. Measured with a 32 MB cache: at 12-16 MB outputs streaming gained
  // 5-40% on transposes (uint8 4-D and 6-D reversals of 16 MB: 33% -> 44% and 27% -> 45% of copy),
  // at 8.5-10 MB it lost up to 25% on plain slice copies.
  static const int64_t threshold = last_level_cache_bytes() / 8 * 3;
  return output_bytes >= threshold;
}

bool use_streaming_stores_in_order(int64_t output_bytes) {
  // An output written front to back is a stream the hardware prefetcher follows, read-for-ownership
  // included, so it keeps ordinary stores up to three quarters of the cache (glibc's memcpy draws the
  // same line). Measured on 16 MB stacks of 16-32 inputs' slices of 2-4 elements, from cold caches:
  // streamed, 0.85-1.03x as fast. Zips of a few inputs and slice copies, though front to back, take
  // the lower threshold (cat.cpp says why).
  static const int64_t threshold = last_level_cache_bytes() / 4 * 3;
  return output_bytes >= threshold;
}

}  // namespace reshapeops::cpu
