"""reshapeops: exact, fast materialization of tensor layouts.

Each function returns new, contiguous memory holding exactly the bits torch would produce:

    reshapeops.permute(x, dims)        == x.permute(dims).contiguous()
    reshapeops.reshape(x, shape)       == x.reshape(shape).contiguous()
    reshapeops.stack(tensors, dim)     == torch.stack(tensors, dim)
    reshapeops.cat(tensors, dim)       == torch.cat(tensors, dim)
    reshapeops.contiguous(x)           == x.contiguous() (always a copy)

All accept ``out=``. The ops are also registered as ``torch.ops.reshapeops.*``.
"""
from ._api import cat, contiguous, permute, reshape, stack

__all__ = ["cat", "contiguous", "permute", "reshape", "stack"]
