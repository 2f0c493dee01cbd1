// What the kernels ask of the CPU's caches, read once from the operating system.
#pragma once

#include <cstdint>

namespace reshapeops::cpu {

// The last-level cache one core shares (bytes), which the streaming thresholds are fractions of.
int64_t last_level_cache_bytes();

// The ways of the first-level data cache (8 on Zen 4 and Skylake, 12 on Zen 5 and Ice Lake on), or 0
// where the system does not say. Rows that share L1's sets evict each other sooner with fewer ways.
int l1_data_ways();

// L1 has 8 ways or fewer (and the system says how many): the cores on which staging every element
// size (transpose/streamed_tile.h) and requests into L2 only (read_ahead.h) were measured to gain.
bool l1_has_few_ways();

}  // namespace reshapeops::cpu
