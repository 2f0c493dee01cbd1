#include "cache_geometry.h"

#include <unistd.h>

#include <fstream>
#include <string>

namespace reshapeops::cpu {

namespace {

std::string cache_file(const char* index, const char* name) {
  return std::string("/sys/devices/system/cpu/cpu0/cache/") + index + "/" + name;
}

}  // namespace

// From sysfs ("32768K"); sysconf's figure can be the sum over all cache complexes of the package
// (seen: 384 MB for a part with 32 MB per complex), which is not what one core's data competes for.
int64_t last_level_cache_bytes() {
  for (const char* index : {"index3", "index2"}) {
    std::ifstream file(cache_file(index, "size"));
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

int l1_data_ways() {
  static const int ways = [] {
    for (const char* index : {"index0", "index1"}) {
      std::ifstream type_file(cache_file(index, "type"));
      std::string type;
      if (!(type_file >> type) || type != "Data") continue;
      std::ifstream ways_file(cache_file(index, "ways_of_associativity"));
      int value = 0;
      if (ways_file >> value && value > 0) return value;
    }
    long value = -1;
#if defined(_SC_LEVEL1_DCACHE_ASSOC)
    value = sysconf(_SC_LEVEL1_DCACHE_ASSOC);
#endif
    return value > 0 ? static_cast<int>(value) : 0;
  }();
  return ways;
}

bool l1_has_few_ways() {
  const int ways = l1_data_ways();
  return ways > 0 && ways <= 8;
}

}  // namespace reshapeops::cpu
