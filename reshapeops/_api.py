"""Thin wrappers with torch's signatures over the registered ops.

The overloads are looked up once, here, so a call costs one dispatcher hop and nothing more. Eagerly
the allocating overloads are called through their C++ entry point (OpOverload._op), which skips a
Python frame per call (about 0.2 us, a tenth of a tiny call); under torch.compile the OpOverload
itself is called, since that is what the compiler traces. stack and cat of plain CPU tensors skip
the dispatcher altogether (_C.concat_eager): boxing a list of tensors costs about 0.1 us per tensor.
"""
import warnings

import torch

from . import _C  # loading it registers torch.ops.reshapeops

_ops = torch.ops.reshapeops
_contiguous, _contiguous_out = _ops.contiguous.default, _ops.contiguous.out
_permute, _permute_out = _ops.permute.default, _ops.permute.out
_reshape, _reshape_out = _ops.reshape.default, _ops.reshape.out
_stack, _stack_out = _ops.stack.default, _ops.stack.out
_cat, _cat_out = _ops.cat.default, _ops.cat.out
_compiling = torch.compiler.is_compiling
_contiguous_eager, _permute_eager, _reshape_eager = _contiguous._op, _permute._op, _reshape._op
_stack_eager, _cat_eager = _stack._op, _cat._op
_concat_eager = _C.concat_eager


def _warn_if_resized(out, shape, numel):
    """Like torch, warns when an out= call had to resize a non-empty ``out``."""
    if numel and out.shape != shape:
        warnings.warn(
            f"An output with one or more elements was resized since it had shape {list(shape)}, which "
            f"does not match the required output shape {list(out.shape)}. This behavior is deprecated, "
            "and in a future PyTorch release outputs will not be resized unless they have zero elements. "
            "You can explicitly reuse an out tensor t by resizing it, inplace, to zero elements with "
            "t.resize_(0).",
            UserWarning,
            stacklevel=4,
        )


def _into(op, out, *args):
    """Runs an out= overload."""
    shape, numel = out.shape, out.numel()
    result = op(*args, out=out)
    _warn_if_resized(out, shape, numel)
    return result


def _concat(is_stack, op, op_eager, op_out, tensors, dim, out):
    """stack/cat: plain CPU tensors in eager mode skip the dispatcher (see csrc/eager_concat.cpp); every
    other call, or one the fast path declines, goes through the op."""
    if out is None:
        if _compiling():
            return op(tensors, dim)
        result = _concat_eager(is_stack, tensors, dim, None)
        return op_eager(tensors, dim) if result is None else result
    shape, numel = out.shape, out.numel()
    if _compiling() or _concat_eager(is_stack, tensors, dim, out) is None:
        op_out(tensors, dim, out=out)
    _warn_if_resized(out, shape, numel)
    return out


def contiguous(x, *, out=None):
    """A contiguous copy of ``x``: ``x.contiguous()``, but always a new tensor (or ``out``)."""
    if out is None:
        return (_contiguous if _compiling() else _contiguous_eager)(x)
    return _into(_contiguous_out, out, x)


def permute(x, dims, *, out=None):
    """``x.permute(dims).contiguous()``, written in one pass into new memory (or ``out``)."""
    if out is None:
        return (_permute if _compiling() else _permute_eager)(x, dims)
    return _into(_permute_out, out, x, dims)


def reshape(x, shape, *, out=None):
    """``x.reshape(shape).contiguous()`` as a copy; one entry of ``shape`` may be -1."""
    if out is None:
        return (_reshape if _compiling() else _reshape_eager)(x, shape)
    return _into(_reshape_out, out, x, shape)


def stack(tensors, dim=0, *, out=None):
    """``torch.stack(tensors, dim)``, written by one pass over all inputs where layouts allow."""
    if not tensors:  # no tensor to dispatch on: the op's own check could not run
        raise RuntimeError("stack expects a non-empty TensorList")
    return _concat(True, _stack, _stack_eager, _stack_out, tensors, dim, out)


def cat(tensors, dim=0, *, out=None):
    """``torch.cat(tensors, dim)``, written by one pass over all inputs where layouts allow."""
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    return _concat(False, _cat, _cat_eager, _cat_out, tensors, dim, out)
