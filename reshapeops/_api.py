"""Thin wrappers with torch's signatures over the registered ops.

The overloads are looked up once, here, so a call costs one dispatcher hop and nothing more.
"""
import torch

from . import _C  # noqa: F401  (loading it registers torch.ops.reshapeops)

_ops = torch.ops.reshapeops
_contiguous, _contiguous_out = _ops.contiguous.default, _ops.contiguous.out
_permute, _permute_out = _ops.permute.default, _ops.permute.out
_reshape, _reshape_out = _ops.reshape.default, _ops.reshape.out
_stack, _stack_out = _ops.stack.default, _ops.stack.out
_cat, _cat_out = _ops.cat.default, _ops.cat.out


def contiguous(x, *, out=None):
    """A contiguous copy of ``x``: ``x.contiguous()``, but always a new tensor (or ``out``)."""
    if out is None:
        return _contiguous(x)
    return _contiguous_out(x, out=out)


def permute(x, dims, *, out=None):
    """``x.permute(dims).contiguous()``, written in one pass into new memory (or ``out``)."""
    if out is None:
        return _permute(x, dims)
    return _permute_out(x, dims, out=out)


def reshape(x, shape, *, out=None):
    """``x.reshape(shape).contiguous()`` as a copy; one entry of ``shape`` may be -1."""
    if out is None:
        return _reshape(x, shape)
    return _reshape_out(x, shape, out=out)


def stack(tensors, dim=0, *, out=None):
    """``torch.stack(tensors, dim)``, written by one pass over all inputs where layouts allow."""
    if out is None:
        return _stack(tensors, dim)
    return _stack_out(tensors, dim, out=out)


def cat(tensors, dim=0, *, out=None):
    """``torch.cat(tensors, dim)``, written by one pass over all inputs where layouts allow."""
    if out is None:
        return _cat(tensors, dim)
    return _cat_out(tensors, dim, out=out)
