// Op schemas, their CPU kernels, and the small Python-only helpers of the `reshapeops._C` module.
// Importing reshapeops._C runs the TORCH_LIBRARY blocks, after which the ops are torch.ops.reshapeops.*.
#include <torch/extension.h>
#include <torch/library.h>

#include "cpu/kernels.h"
#include "eager_concat.h"
#include "cpu/cache_geometry.h"
#include "cpu/stream_store.h"
#include "ops/impl_all.h"
#include "ops/ops.h"
#include "ops/strided_copy.h"

TORCH_LIBRARY(reshapeops, m) {
  m.def("contiguous(Tensor self) -> Tensor");
  m.def("contiguous.out(Tensor self, *, Tensor(a!) out) -> Tensor(a!)");
  m.def("permute(Tensor self, int[] dims) -> Tensor");
  m.def("permute.out(Tensor self, int[] dims, *, Tensor(a!) out) -> Tensor(a!)");
  m.def("reshape(Tensor self, int[] shape) -> Tensor");
  m.def("reshape.out(Tensor self, int[] shape, *, Tensor(a!) out) -> Tensor(a!)");
  m.def("stack(Tensor[] tensors, int dim=0) -> Tensor");
  m.def("stack.out(Tensor[] tensors, int dim=0, *, Tensor(a!) out) -> Tensor(a!)");
  m.def("cat(Tensor[] tensors, int dim=0) -> Tensor");
  m.def("cat.out(Tensor[] tensors, int dim=0, *, Tensor(a!) out) -> Tensor(a!)");
}

TORCH_LIBRARY_IMPL(reshapeops, CPU, m) { reshapeops::impl_all_ops(m); }

namespace {

// The plan the copy of a (sizes, strides) view into row-major memory would use, for explain().
py::dict describe_plan(std::vector<int64_t> sizes, std::vector<int64_t> src_strides,
                       std::vector<int64_t> dst_strides, int64_t element_size) {
  TORCH_CHECK(sizes.size() == src_strides.size() && sizes.size() == dst_strides.size(),
              "describe_plan(): sizes and strides must have the same length");
  const reshapeops::CopyPlan plan =
      reshapeops::plan_for(sizes, src_strides, dst_strides, element_size);
  const auto dims = [&](const int64_t* values) {
    return std::vector<int64_t>(values, values + (plan.kernel == reshapeops::CopyKernel::Empty ? 0 : plan.rank));
  };
  py::dict out;
  out["kernel"] = reshapeops::kernel_name(plan.kernel);
  out["sizes"] = dims(plan.sizes);
  out["src_strides"] = dims(plan.src_strides);
  out["dst_strides"] = dims(plan.dst_strides);
  out["transpose_dim"] = plan.transpose_dim;
  out["element_size"] = plan.element_size;
  out["numel"] = plan.numel;
  out["streaming_stores"] = reshapeops::cpu::use_streaming_stores(plan.numel * plan.element_size);
  if (plan.kernel == reshapeops::CopyKernel::Transpose) {
    const reshapeops::cpu::TransposeInfo info = reshapeops::cpu::describe_transpose(plan);
    out["method"] = info.description;
    out["isa"] = info.isa;
    out["tile"] = std::vector<int64_t>{info.tile_a, info.tile_b};
  }
  return out;
}

}  // namespace

PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {
  m.def("describe_plan", &describe_plan, "The copy plan for a strided view (see explain()).");
  m.def("reference_contiguous", &reshapeops::reference_contiguous,
        "The slow element-by-element copy the kernels are measured against (CPU).");
  m.def("last_level_cache_bytes", &reshapeops::cpu::last_level_cache_bytes,
        "The last-level cache one core shares, as the CPU kernels' streaming thresholds see it.");
  m.def("concat_eager", &reshapeops::concat_eager,
        "stack/cat of plain CPU tensors without the dispatcher; None where the dispatcher is needed.");
}
