#include "stream_store.h"

#include <unistd.h>

#include <fstream>
#include <string>

namespace reshapeops::cpu {

// The last-level cache one core shares, from sysfs ("32768K"); sysconf's figure can be the sum over
// all cache complexes of the package (seen: 384 MB for a part with 32 MB per complex), which is not
// what one core's data competes for.
int64_t last_level_cache_bytes() {
  for (const char* index : {"index3", "index2"}) {
    std::ifstream file(std::string("/sys/devices/system/cpu/cpu0/cache/") + index + "/size");
    int64_t value = 0;
    char unit = 0;
    if (file >> value >> unit && value > 0) {
      return value * (unit == 'K' ? 1024 : unit == 'M' ? 1024 * 1024 : 1);
    }
  }
  long bytes = -1;
#if defined(_SC_LEVEL3_CACHE_SIZE)
  bytes = sysconf(_SC_LEVEL3_CACHE_SIZE);
#endif
  return bytes > 0 ? bytes : 8 * 1024 * 1024;
}

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
