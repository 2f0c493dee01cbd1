"""Fake (meta) implementations: output shapes and dtypes without data, for FakeTensor, torch.compile
and torch.export.

Shapes and checks come from torch's own view ops on the fake inputs (no data moves, and bad arguments
raise torch's errors); outputs are always fresh row-major tensors, as the real kernels return, even
where torch's op would alias or keep a channels-last layout.
"""
import torch
from torch._prims_common import infer_size

from . import _C  # noqa: F401  (the ops must exist before fakes are registered for them)


def _fresh(shape, like, dtype=None):
    return torch.empty(shape, dtype=dtype or like.dtype, device=like.device)


def _into(out, shape):
    """out= semantics: resize a wrongly shaped out, then return it (the op's result aliases it)."""
    if tuple(out.shape) != tuple(shape):
        out.resize_(shape)
    return out


def _stack_shape(tensors, dim):
    return torch.stack(tensors, dim).shape


def _cat_shape(tensors, dim):
    return torch.cat(tensors, dim).shape


def _result_dtype(tensors):
    dtype = tensors[0].dtype
    for t in tensors[1:]:
        dtype = torch.promote_types(dtype, t.dtype)
    return dtype


@torch.library.register_fake("reshapeops::contiguous")
def _contiguous(x):
    return _fresh(x.shape, x)


@torch.library.register_fake("reshapeops::contiguous.out")
def _contiguous_out(x, *, out):
    return _into(out, x.shape)


@torch.library.register_fake("reshapeops::permute")
def _permute(x, dims):
    return _fresh(x.permute(dims).shape, x)


@torch.library.register_fake("reshapeops::permute.out")
def _permute_out(x, dims, *, out):
    return _into(out, x.permute(dims).shape)


@torch.library.register_fake("reshapeops::reshape")
def _reshape(x, shape):
    return _fresh(infer_size(shape, x.numel()), x)


@torch.library.register_fake("reshapeops::reshape.out")
def _reshape_out(x, shape, *, out):
    return _into(out, infer_size(shape, x.numel()))


@torch.library.register_fake("reshapeops::stack")
def _stack(tensors, dim=0):
    return _fresh(_stack_shape(tensors, dim), tensors[0], _result_dtype(tensors))


@torch.library.register_fake("reshapeops::stack.out")
def _stack_out(tensors, dim=0, *, out):
    return _into(out, _stack_shape(tensors, dim))


@torch.library.register_fake("reshapeops::cat")
def _cat(tensors, dim=0):
    return _fresh(_cat_shape(tensors, dim), tensors[0], _result_dtype(tensors))


@torch.library.register_fake("reshapeops::cat.out")
def _cat_out(tensors, dim=0, *, out):
    return _into(out, _cat_shape(tensors, dim))
