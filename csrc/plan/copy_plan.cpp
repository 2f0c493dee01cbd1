#include "copy_plan.h"

namespace reshapeops {

namespace {

void swap_dims(CopyPlan& p, int a, int b) {
  int64_t t = p.sizes[a]; p.sizes[a] = p.sizes[b]; p.sizes[b] = t;
  t = p.src_strides[a]; p.src_strides[a] = p.src_strides[b]; p.src_strides[b] = t;
  t = p.dst_strides[a]; p.dst_strides[a] = p.dst_strides[b]; p.dst_strides[b] = t;
}

// Outermost first: larger destination stride first; ties (possible only when the destination is
// broadcast, which callers reject) are broken by source stride. Insertion sort: rank is tiny, and
// an already ordered plan (the common contiguous destination) costs one pass.
void order_by_destination(CopyPlan& p) {
  for (int i = 1; i < p.rank; ++i) {
    for (int j = i; j > 0; --j) {
      bool outer_first = p.dst_strides[j - 1] > p.dst_strides[j] ||
                         (p.dst_strides[j - 1] == p.dst_strides[j] &&
                          p.src_strides[j - 1] >= p.src_strides[j]);
      if (outer_first) break;
      swap_dims(p, j - 1, j);
    }
  }
}

// Dim i folds into its inner neighbour when stepping i is the same as stepping the neighbour over its
// whole extent, on both sides.
void fold_adjacent(CopyPlan& p) {
  int out = 0;
  for (int i = 1; i < p.rank; ++i) {
    bool folds = p.src_strides[out] == p.src_strides[i] * p.sizes[i] &&
                 p.dst_strides[out] == p.dst_strides[i] * p.sizes[i];
    if (folds) {
      p.sizes[out] *= p.sizes[i];
      p.src_strides[out] = p.src_strides[i];
      p.dst_strides[out] = p.dst_strides[i];
    } else {
      ++out;
      p.sizes[out] = p.sizes[i];
      p.src_strides[out] = p.src_strides[i];
      p.dst_strides[out] = p.dst_strides[i];
    }
  }
  p.rank = out + 1;
}

int64_t magnitude(int64_t v) { return v < 0 ? -v : v; }

void choose_kernel(CopyPlan& p) {
  const int last = p.rank - 1;
  if (p.rank == 1 && p.src_strides[0] == 1 && p.dst_strides[0] == 1) {
    p.kernel = CopyKernel::Contiguous;
    return;
  }
  if (p.src_strides[last] == 1 && p.dst_strides[last] == 1) {
    p.kernel = CopyKernel::Rows;
    return;
  }
  // The source's fastest dim is where reads are cheap; if it is not the destination's fastest dim,
  // a tile over both lets reads and writes each run along their own fast dim.
  int fastest = last;
  for (int d = 0; d < p.rank; ++d) {
    if (p.src_strides[d] != 0 && magnitude(p.src_strides[d]) < magnitude(p.src_strides[fastest])) {
      fastest = d;
    }
  }
  if (fastest != last && p.dst_strides[last] == 1) {
    p.kernel = CopyKernel::Transpose;
    p.transpose_dim = fastest;
    return;
  }
  p.kernel = CopyKernel::Strided;
}

}  // namespace

CopyPlan plan_copy(int rank, const int64_t* sizes, const int64_t* src_strides,
                   const int64_t* dst_strides, int element_size) {
  CopyPlan p;
  p.element_size = element_size;
  p.numel = 1;
  for (int d = 0; d < rank; ++d) p.numel *= sizes[d];
  if (p.numel == 0) return p;  // Empty

  for (int d = 0; d < rank; ++d) {
    if (sizes[d] == 1) continue;
    p.sizes[p.rank] = sizes[d];
    p.src_strides[p.rank] = src_strides[d];
    p.dst_strides[p.rank] = dst_strides[d];
    ++p.rank;
  }
  if (p.rank == 0) {  // a single element: treat as a flat run of one
    p.rank = 1;
    p.sizes[0] = 1;
    p.src_strides[0] = 1;
    p.dst_strides[0] = 1;
  }
  order_by_destination(p);
  fold_adjacent(p);
  choose_kernel(p);
  return p;
}

const char* kernel_name(CopyKernel kernel) {
  switch (kernel) {
    case CopyKernel::Empty: return "empty";
    case CopyKernel::Contiguous: return "contiguous";
    case CopyKernel::Rows: return "rows";
    case CopyKernel::Transpose: return "transpose";
    case CopyKernel::Strided: return "strided";
  }
  return "unknown";
}

}  // namespace reshapeops
