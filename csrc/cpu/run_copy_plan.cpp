#include "kernels.h"

namespace reshapeops::cpu {

void run_copy_plan(const CopyPlan& plan, const void* src, void* dst) {
  const char* s = static_cast<const char*>(src);
  char* d = static_cast<char*>(dst);
  switch (plan.kernel) {
    case CopyKernel::Empty: return;
    case CopyKernel::Contiguous: copy_contiguous(plan, s, d); return;
    case CopyKernel::Rows: copy_rows(plan, s, d); return;
    case CopyKernel::Transpose: copy_transpose(plan, s, d); return;
    case CopyKernel::Strided: copy_strided(plan, s, d); return;
  }
}

}  // namespace reshapeops::cpu
