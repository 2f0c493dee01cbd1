#include "allocate.h"

#include <ATen/ops/empty.h>

#include <cstdint>
#include <cstdlib>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace reshapeops {

namespace {

constexpr int64_t kHugePage = 2 * 1024 * 1024;

// RESHAPEOPS_HUGE_PAGES=0 turns the advice off, so its effect can be measured (benchmarks --first-touch).
bool huge_pages_wanted() {
  static const bool wanted = [] {
    const char* setting = std::getenv("RESHAPEOPS_HUGE_PAGES");
    return setting == nullptr || setting[0] != '0';
  }();
  return wanted;
}

// Advises huge pages for the whole 2 MB pages inside [data, data + bytes); the ragged ends stay small.
// One fault then maps 2 MB instead of 4 KB: a fresh 64 MB output's first touch drops from ~20 ms to ~6.
// Under a hypervisor that takes back free guest memory (virtio-balloon free page reporting, which
// reports free blocks of 2 MB and up) a huge page's first touch can also fault in the host, and cost
// several times more; small pages come from blocks that are not reported.
void advise_huge_pages(void* data, int64_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (bytes < 2 * kHugePage || !huge_pages_wanted()) return;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kHugePage - 1) & ~uintptr_t(kHugePage - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~uintptr_t(kHugePage - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace

at::Tensor allocate_output(at::IntArrayRef sizes, const at::TensorOptions& options) {
  at::Tensor out = at::empty(sizes, options);
  if (out.is_cpu()) advise_huge_pages(out.data_ptr(), out.nbytes());
  return out;
}

}  // namespace reshapeops
