// stack and cat. Both are "place each input at its offset along one dim of the output"; stack is cat
// with a new size-1 dim inserted in every input. When inputs and output are contiguous the whole
// output is written by one parallel pass (backend cat_contiguous); otherwise each input is copied
// into its slice of the output by the strided-copy planner.
// Checks and type promotion follow torch.stack / torch.cat, and all run before `out` is touched.
#include <ATen/ops/empty.h>
#include <c10/core/ScalarType.h>
#include <c10/core/WrapDimMinimal.h>
#include <c10/util/SmallVector.h>

#include <vector>

#include "backend.h"
#include "allocate.h"
#include "ops.h"
#include "out_checks.h"
#include "strided_copy.h"

namespace reshapeops {

namespace {

// The inputs as references: torch.ops hands the kernel a boxed list, which a std::vector<at::Tensor>
// would copy, and every Tensor copied and dropped costs a refcount round trip that, for a tensor owned
// by Python, takes the GIL: a third of the call for a stack of 10,000 small tensors.
using Inputs = at::MaterializedITensorListRef;

// The shared layout of a concatenation: output sizes, the dim inputs are laid along, and each
// input's extent along it (1 for stack).
struct ConcatLayout {
  at::DimVector out_sizes;
  int64_t dim;
  bool new_dim;  // stack: inputs lack `dim`
};

at::ScalarType promoted_type(const Inputs& tensors) {
  at::ScalarType type = tensors[0].get().scalar_type();
  for (const at::Tensor& t : tensors) type = c10::promoteTypes(type, t.scalar_type());
  return type;
}

void check_same_device(const char* op, const Inputs& tensors) {
  for (const at::Tensor& t : tensors) {
    TORCH_CHECK(t.device() == tensors[0].get().device(), op,
                "(): Expected all tensors to be on the same device, but found at least two devices, ",
                tensors[0].get().device(), " and ", t.device(), "!");
  }
}

ConcatLayout stack_layout(const Inputs& tensors, int64_t dim) {
  TORCH_CHECK(!tensors.empty(), "stack expects a non-empty TensorList");
  const at::IntArrayRef first = tensors[0].get().sizes();
  for (size_t i = 1; i < tensors.size(); ++i) {
    TORCH_CHECK(tensors[i].get().sizes() == first, "stack expects each tensor to be equal size, but got ",
                first, " at entry 0 and ", tensors[i].get().sizes(), " at entry ", i);
  }
  check_same_device("stack", tensors);
  ConcatLayout layout{at::DimVector(first.begin(), first.end()),
                      c10::maybe_wrap_dim(dim, tensors[0].get().dim() + 1), true};
  layout.out_sizes.insert(layout.out_sizes.begin() + layout.dim, static_cast<int64_t>(tensors.size()));
  return layout;
}

// torch.cat skips 1-D empty inputs when matching shapes (a legacy rule users rely on).
bool skipped_by_cat(const at::Tensor& t) { return t.dim() == 1 && t.numel() == 0; }

ConcatLayout cat_layout(const Inputs& tensors, int64_t dim) {
  // ValueError, as torch.cat raises.
  TORCH_CHECK_VALUE(!tensors.empty(), "torch.cat(): expected a non-empty list of Tensors");
  // Like torch, name the first 0-d input wherever it is, before comparing ranks with it.
  for (size_t i = 0; i < tensors.size(); ++i) {
    TORCH_CHECK(tensors[i].get().dim() > 0, "zero-dimensional tensor (at position ", i,
                ") cannot be concatenated");
  }
  check_same_device("cat", tensors);
  const at::Tensor* shape_of = nullptr;
  for (const at::Tensor& t : tensors) {
    if (!skipped_by_cat(t)) {
      shape_of = &t;
      break;
    }
  }
  if (shape_of == nullptr) {
    int64_t total = 0;
    for (const at::Tensor& t : tensors) total += t.numel();
    // torch does not wrap (or range-check) `dim` when every input is skipped: any dim is accepted.
    return ConcatLayout{at::DimVector{total}, 0, false};
  }
  const at::Tensor& ref = *shape_of;
  const int64_t d = c10::maybe_wrap_dim(dim, ref.dim());
  ConcatLayout layout{at::DimVector(ref.sizes().begin(), ref.sizes().end()), d, false};
  layout.out_sizes[d] = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const at::Tensor& t = tensors[i];
    if (skipped_by_cat(t)) continue;
    TORCH_CHECK(t.dim() == ref.dim(), "Tensors must have same number of dimensions: got ", ref.dim(),
                " and ", t.dim());
    for (int64_t k = 0; k < ref.dim(); ++k) {
      if (k == d) continue;
      TORCH_CHECK(t.size(k) == ref.size(k), "Sizes of tensors must match except in dimension ", d,
                  ". Expected size ", ref.size(k), " but got size ", t.size(k), " for tensor number ",
                  i, " in the list.");
    }
    layout.out_sizes[d] += t.size(d);
  }
  return layout;
}

void check_castable(const char* op, at::ScalarType from, const at::Tensor& out) {
  TORCH_CHECK_TYPE(c10::canCast(from, out.scalar_type()), op,
                   "(): input types can't be cast to the desired output type ", out.scalar_type());
}

// Writes the inputs into `out`, whose dtype they all share.
void concat_into(const Inputs& tensors, const ConcatLayout& layout, const at::Tensor& out) {
  if (out.numel() == 0) return;
  int64_t outer = 1;
  for (int64_t k = 0; k < layout.dim; ++k) outer *= layout.out_sizes[k];
  const int64_t element_size = out.element_size();
  const int64_t out_row_bytes = out.numel() / outer * element_size;

  bool all_contiguous = out.is_contiguous();
  for (const at::Tensor& t : tensors) all_contiguous = all_contiguous && t.is_contiguous();
  if (all_contiguous) {
    std::vector<const char*> data;
    std::vector<int64_t> row_bytes;
    data.reserve(tensors.size());
    row_bytes.reserve(tensors.size());
    for (const at::Tensor& t : tensors) {
      if (!layout.new_dim && skipped_by_cat(t)) continue;
      data.push_back(static_cast<const char*>(t.const_data_ptr()));
      row_bytes.push_back(t.numel() / outer * element_size);
    }
    const CatInputs inputs{static_cast<int64_t>(data.size()), data.data(), row_bytes.data()};
    backend_for(out.device())
        .cat_contiguous(inputs, outer, out_row_bytes, static_cast<int>(element_size),
                        static_cast<char*>(out.data_ptr()));
    return;
  }
  int64_t offset = 0;
  for (const at::Tensor& t : tensors) {
    if (layout.new_dim) {
      copy_into(t, out.select(layout.dim, offset++));
    } else if (!skipped_by_cat(t)) {
      copy_into(t, out.narrow(layout.dim, offset, t.size(layout.dim)));
      offset += t.size(layout.dim);
    }
  }
}

// Inputs of another dtype than `out` are converted exactly as torch.cat converts them, because torch's
// conversion is not bit-exact across its own loops: its vectorized and scalar float16 -> float32 paths
// turn NaN 0xFFFF into 0xFFFFE000 and 0x7FFFFFFF respectively, and which loop an element meets depends
// on both layouts. torch.cat (mixed dtypes) copies each input into a contiguous temporary of the
// input's dtype, then casts that temporary into the input's slice of the output (TensorIterator's
// cast_common_dtype_to_outputs); so do we. Converting each input on its own first (t.to(type)) is not
// the same.
void concat_converting(const Inputs& tensors, const ConcatLayout& layout, const at::Tensor& out) {
  if (out.numel() == 0) return;
  int64_t offset = 0;
  for (const at::Tensor& t : tensors) {
    if (!layout.new_dim && skipped_by_cat(t)) continue;
    const int64_t extent = layout.new_dim ? 1 : t.size(layout.dim);
    at::Tensor slice = layout.new_dim ? out.select(layout.dim, offset) : out.narrow(layout.dim, offset, extent);
    offset += extent;
    if (t.scalar_type() == out.scalar_type()) {
      copy_into(t, slice);
    } else {
      slice.copy_(t.contiguous());
    }
  }
}

bool all_of_type(const Inputs& tensors, at::ScalarType type) {
  for (const at::Tensor& t : tensors) {
    if (t.scalar_type() != type) return false;
  }
  return true;
}

at::Tensor concat(const Inputs& tensors, const ConcatLayout& layout) {
  const at::ScalarType type = promoted_type(tensors);
  at::Tensor out = allocate_output(layout.out_sizes, tensors[0].get().options().dtype(type));
  if (all_of_type(tensors, type)) {
    concat_into(tensors, layout, out);
  } else {
    concat_converting(tensors, layout, out);
  }
  return out;
}

at::Tensor& concat_out(const char* op, const Inputs& tensors, const ConcatLayout& layout,
                       at::Tensor& out) {
  const at::ScalarType type = promoted_type(tensors);
  check_castable(op, type, out);
  TORCH_CHECK(out.device() == tensors[0].get().device(), op, "(): Expected out tensor to have device ",
              tensors[0].get().device(), ", but got ", out.device(), " instead");
  prepare_out(out, layout.out_sizes, at::ITensorListRef(tensors));
  if (all_of_type(tensors, out.scalar_type())) {
    concat_into(tensors, layout, out);
  } else {
    concat_converting(tensors, layout, out);
  }
  return out;
}

}  // namespace

at::Tensor stack(const at::ITensorListRef& list, int64_t dim) {
  const Inputs tensors = list.materialize();
  return concat(tensors, stack_layout(tensors, dim));
}

at::Tensor& stack_out(const at::ITensorListRef& list, int64_t dim, at::Tensor& out) {
  const Inputs tensors = list.materialize();
  return concat_out("stack", tensors, stack_layout(tensors, dim), out);
}

at::Tensor cat(const at::ITensorListRef& list, int64_t dim) {
  const Inputs tensors = list.materialize();
  return concat(tensors, cat_layout(tensors, dim));
}

at::Tensor& cat_out(const at::ITensorListRef& list, int64_t dim, at::Tensor& out) {
  const Inputs tensors = list.materialize();
  return concat_out("cat", tensors, cat_layout(tensors, dim), out);
}

}  // namespace reshapeops
