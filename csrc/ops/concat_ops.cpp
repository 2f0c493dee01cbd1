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

#include "allocate.h"
#include "backend.h"
#include "concat_scan.h"
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

// torch.cat skips 1-D empty inputs when matching shapes (a legacy rule users rely on).
bool skipped_by_cat(const at::Tensor& t) { return t.dim() == 1 && t.numel() == 0; }

InputScan scan_inputs(const Inputs& tensors) {
  return InputScan(
      static_cast<int64_t>(tensors.size()), [&](int64_t i) { return &tensors[i].get(); }, [](int64_t) {});
}

void raise_other_device(const char* op, const Inputs& tensors, const InputScan& scan) {
  if (scan.other_device() < 0) return;
  TORCH_CHECK(false, op, "(): Expected all tensors to be on the same device, but found at least two devices, ",
              tensors[0].get().device(), " and ", tensors[scan.other_device()].get().device(), "!");
}

ConcatLayout stack_layout(const Inputs& tensors, const InputScan& scan, int64_t dim) {
  TORCH_CHECK(scan.other_sizes() < 0, "stack expects each tensor to be equal size, but got ",
              tensors[0].get().sizes(), " at entry 0 and ", tensors[scan.other_sizes()].get().sizes(),
              " at entry ", scan.other_sizes());
  raise_other_device("stack", tensors, scan);
  const at::IntArrayRef first = tensors[0].get().sizes();
  ConcatLayout layout{at::DimVector(first.begin(), first.end()),
                      c10::maybe_wrap_dim(dim, tensors[0].get().dim() + 1), true};
  layout.out_sizes.insert(layout.out_sizes.begin() + layout.dim, static_cast<int64_t>(tensors.size()));
  return layout;
}

ConcatLayout cat_layout(const Inputs& tensors, const InputScan& scan, int64_t dim) {
  // Like torch, name the first 0-d input wherever it is, before comparing ranks with it.
  for (size_t i = 0; i < tensors.size(); ++i) {
    TORCH_CHECK(tensors[i].get().dim() > 0, "zero-dimensional tensor (at position ", i,
                ") cannot be concatenated");
  }
  raise_other_device("cat", tensors, scan);
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
void concat_into(const Inputs& tensors, const InputScan& scan, const ConcatLayout& layout,
                 const at::Tensor& out) {
  if (out.numel() == 0) return;
  int64_t outer = 1;
  for (int64_t k = 0; k < layout.dim; ++k) outer *= layout.out_sizes[k];
  if (scan.contiguous() && out.is_contiguous()) {
    // Inputs without bytes (cat's skipped 1-D empties among them) add nothing to any row.
    std::vector<const char*> data;
    std::vector<int64_t> row_bytes;
    data.reserve(scan.data().size());
    row_bytes.reserve(scan.data().size());
    // Inputs mostly share one size (always, for stack), so the division is redone only when it
    // changes: one per input was 40 us of a 10,000-input stack's call.
    int64_t last_nbytes = -1, last_row_bytes = 0;
    for (size_t j = 0; j < scan.data().size(); ++j) {
      const int64_t nbytes = scan.nbytes()[j];
      if (nbytes == 0) continue;
      if (nbytes != last_nbytes) last_nbytes = nbytes, last_row_bytes = nbytes / outer;
      data.push_back(scan.data()[j]);
      row_bytes.push_back(last_row_bytes);
    }
    const CatInputs inputs{static_cast<int64_t>(data.size()), data.data(), row_bytes.data()};
    backend_for(out.device())
        .cat_contiguous(inputs, outer, out.nbytes() / outer, static_cast<int>(out.element_size()),
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

at::Tensor concat(const Inputs& tensors, const InputScan& scan, const ConcatLayout& layout) {
  at::Tensor out = allocate_output(layout.out_sizes, tensors[0].get().options().dtype(scan.promoted_type()));
  if (scan.one_type()) {
    concat_into(tensors, scan, layout, out);
  } else {
    concat_converting(tensors, layout, out);
  }
  return out;
}

at::Tensor& concat_out(const char* op, const Inputs& tensors, const InputScan& scan,
                       const ConcatLayout& layout, at::Tensor& out) {
  check_castable(op, scan.promoted_type(), out);
  TORCH_CHECK(out.device() == tensors[0].get().device(), op, "(): Expected out tensor to have device ",
              tensors[0].get().device(), ", but got ", out.device(), " instead");
  if (scan.contiguous()) {
    prepare_out_for_contiguous(out, layout.out_sizes, tensors, scan.data(), scan.nbytes());
  } else {
    prepare_out(out, layout.out_sizes, at::ITensorListRef(tensors));
  }
  if (scan.one_type() && tensors[0].get().scalar_type() == out.scalar_type()) {
    concat_into(tensors, scan, layout, out);
  } else {
    concat_converting(tensors, layout, out);
  }
  return out;
}

ConcatLayout layout_of(bool is_stack, const Inputs& tensors, const InputScan& scan, int64_t dim) {
  return is_stack ? stack_layout(tensors, scan, dim) : cat_layout(tensors, scan, dim);
}

}  // namespace

at::Tensor concat_scanned(bool is_stack, const Inputs& tensors, const InputScan& scan, int64_t dim) {
  return concat(tensors, scan, layout_of(is_stack, tensors, scan, dim));
}

at::Tensor& concat_scanned_out(bool is_stack, const Inputs& tensors, const InputScan& scan, int64_t dim,
                               at::Tensor& out) {
  return concat_out(is_stack ? "stack" : "cat", tensors, scan, layout_of(is_stack, tensors, scan, dim), out);
}

at::Tensor stack(const at::ITensorListRef& list, int64_t dim) {
  const Inputs tensors = list.materialize();
  TORCH_CHECK(!tensors.empty(), "stack expects a non-empty TensorList");
  return concat_scanned(true, tensors, scan_inputs(tensors), dim);
}

at::Tensor& stack_out(const at::ITensorListRef& list, int64_t dim, at::Tensor& out) {
  const Inputs tensors = list.materialize();
  TORCH_CHECK(!tensors.empty(), "stack expects a non-empty TensorList");
  return concat_scanned_out(true, tensors, scan_inputs(tensors), dim, out);
}

at::Tensor cat(const at::ITensorListRef& list, int64_t dim) {
  const Inputs tensors = list.materialize();
  // ValueError, as torch.cat raises.
  TORCH_CHECK_VALUE(!tensors.empty(), "torch.cat(): expected a non-empty list of Tensors");
  return concat_scanned(false, tensors, scan_inputs(tensors), dim);
}

at::Tensor& cat_out(const at::ITensorListRef& list, int64_t dim, at::Tensor& out) {
  const Inputs tensors = list.materialize();
  TORCH_CHECK_VALUE(!tensors.empty(), "torch.cat(): expected a non-empty list of Tensors");
  return concat_scanned_out(false, tensors, scan_inputs(tensors), dim, out);
}

}  // namespace reshapeops
