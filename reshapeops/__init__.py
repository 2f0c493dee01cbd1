"""reshapeops: exact, fast materialization of tensor layouts.

Each function returns new, contiguous memory holding exactly the bits torch would produce:

    reshapeops.permute(x, dims)        == x.permute(dims).contiguous()
    reshapeops.reshape(x, shape)       == x.reshape(shape).contiguous()
    reshapeops.stack(tensors, dim)     == torch.stack(tensors, dim)
    reshapeops.cat(tensors, dim)       == torch.cat(tensors, dim)
    reshapeops.contiguous(x)           == x.contiguous() (always a copy)

All accept ``out=``. The ops are also registered as ``torch.ops.reshapeops.*``, with autograd
(csrc/autograd.cpp) and fake implementations (_fake.py), so they work under torch.compile and export.

The rest of the layout family (transpose, movedim, flatten, unflatten, rearrange) is built on them;
explain() says what a copy will cost and why; enable() routes torch's own calls through reshapeops.
"""
from . import _fake  # noqa: F401  (registers the fake implementations)
from ._api import cat, contiguous, permute, reshape, stack
from .explain import explain, explain_cat, explain_reshape, explain_stack, explain_view
from .family import flatten, movedim, transpose, unflatten
from .mode import disable, enable, enabled
from .rearrange import RearrangeError, rearrange

__all__ = [
    "RearrangeError",
    "cat",
    "contiguous",
    "disable",
    "enable",
    "enabled",
    "explain",
    "explain_cat",
    "explain_reshape",
    "explain_stack",
    "explain_view",
    "flatten",
    "movedim",
    "permute",
    "rearrange",
    "reshape",
    "stack",
    "transpose",
    "unflatten",
]
