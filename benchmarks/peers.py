"""Who is measured, for one case: a plain copy of the same bytes (the ceiling), torch, numpy where it
applies, and reshapeops; each "into out=" (a preallocated output) and "allocating" (a fresh output,
which also pays the page faults of first touch).
"""
import dataclasses
from typing import Callable, Optional

import numpy as np
import torch

import reshapeops
from reshapeops import _C

# numpy has no bfloat16 and no unsigned 16/32/64-bit torch twins we use; these dtypes it has.
_NUMPY_OK = {torch.uint8, torch.float16, torch.float32, torch.float64}


@dataclasses.dataclass
class Setup:
    """Inputs and callables of one case at one dtype."""

    nbytes: int  # bytes of the output (read once and written once by every peer)
    kernel: str  # the planner's choice for reshapeops, for the report
    ceiling: dict  # name -> a contiguous copy of nbytes (torch's copy_, numpy's copyto); the faster counts
    torch: dict  # mode -> callable
    ours: dict  # mode -> callable
    numpy: dict  # mode -> callable (may be empty)
    reference: Optional[Callable]  # the naive element-by-element copy (permute only, on request)
    check: Callable  # () -> (ours, torch's) results to compare bitwise


def random_tensor(shape, dtype, device, generator):
    """Random bits of the dtype's width: no zeros or arange hiding wrong indexing."""
    width = torch.empty((), dtype=dtype).element_size()
    raw = torch.randint(-128, 128, (*shape, width), dtype=torch.int8, generator=generator)
    return raw.view(torch.uint8).view(dtype).reshape(shape).to(device)


def _view_for_reshape(x, view):
    if view == "t12":
        return x.transpose(1, 2)
    if view == "t01":
        return x.t()
    if view == "nhwc":
        return x.permute(0, 2, 3, 1)
    if view == "step2":
        return x[:, ::2]
    raise ValueError(f"unknown view {view!r}")


def _ceilings(like, device):
    """Plain copies of the output's bytes. The faster one is the ceiling: on a shared machine either
    library's copy alone can have a slow spell that would flatter everything measured against it."""
    src, dst = torch.empty_like(like).copy_(like), torch.empty_like(like)
    copies = {"torch": lambda: dst.copy_(src)}
    if device == "cpu":
        a, b = src.view(torch.uint8).numpy(), dst.view(torch.uint8).numpy()
        copies["numpy"] = lambda: np.copyto(b, a)
    return copies


def _describe(view):
    row_major, step = [], 1
    for size in reversed(view.shape):
        row_major.append(step)
        step *= size
    plan = _C.describe_plan(list(view.shape), list(view.stride()), row_major[::-1], view.element_size())
    return plan.get("method", plan["kernel"]) if plan["kernel"] == "transpose" else plan["kernel"]


def build(case, dtype, device, generator, with_reference=False):
    """The Setup of a case: inputs made once, every callable closed over them."""
    if case.op == "permute":
        x = random_tensor(case.shape, dtype, device, generator)
        dims = case.arg
        expected = x.permute(dims).contiguous()
        out = torch.empty_like(expected)
        setup = Setup(
            expected.numel() * expected.element_size(), _describe(x.permute(dims)),
            _ceilings(expected, device),
            {"out": lambda: out.copy_(x.permute(dims)), "alloc": lambda: x.permute(dims).contiguous()},
            {"out": lambda: reshapeops.permute(x, dims, out=out), "alloc": lambda: reshapeops.permute(x, dims)},
            {},
            (lambda: _C.reference_contiguous(x.permute(dims))) if with_reference and device == "cpu" else None,
            lambda: (reshapeops.permute(x, dims), expected),
        )
        if dtype in _NUMPY_OK and device == "cpu":
            a = x.numpy()
            a_out = out.numpy()
            setup.numpy = {"out": lambda: np.copyto(a_out, a.transpose(dims)),
                           "alloc": lambda: np.ascontiguousarray(a.transpose(dims))}
        return setup
    if case.op == "reshape":
        base = random_tensor(case.shape, dtype, device, generator)
        x = _view_for_reshape(base, case.view)
        shape = case.arg
        expected = x.reshape(shape).contiguous()
        out = torch.empty_like(expected)
        out_as_x = out.view(x.shape)
        return Setup(
            expected.numel() * expected.element_size(), _describe(x),
            _ceilings(expected, device),
            {"out": lambda: out_as_x.copy_(x), "alloc": lambda: x.reshape(shape).contiguous()},
            {"out": lambda: reshapeops.reshape(x, shape, out=out), "alloc": lambda: reshapeops.reshape(x, shape)},
            {}, None,
            lambda: (reshapeops.reshape(x, shape), expected),
        )
    # stack / cat
    tensors = [random_tensor(case.shape, dtype, device, generator) for _ in range(case.count)]
    dim = case.arg
    torch_op = torch.stack if case.op == "stack" else torch.cat
    our_op = reshapeops.stack if case.op == "stack" else reshapeops.cat
    expected = torch_op(tensors, dim)
    out = torch.empty_like(expected)
    setup = Setup(
        expected.numel() * expected.element_size(), "cat (one pass)",
        _ceilings(expected, device),
        {"out": lambda: torch_op(tensors, dim, out=out), "alloc": lambda: torch_op(tensors, dim)},
        {"out": lambda: our_op(tensors, dim, out=out), "alloc": lambda: our_op(tensors, dim)},
        {}, None,
        lambda: (our_op(tensors, dim), expected),
    )
    if dtype in _NUMPY_OK and device == "cpu":
        arrays = [t.numpy() for t in tensors]
        np_op = np.stack if case.op == "stack" else np.concatenate
        a_out = out.numpy()
        setup.numpy = {"out": lambda: np_op(arrays, dim, out=a_out), "alloc": lambda: np_op(arrays, dim)}
    return setup


def bitwise_equal(a, b):
    """Same shape, dtype and bits (NaN payloads and -0.0 included)."""
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    width = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64}[a.element_size()]
    return torch.equal(a.contiguous().view(width), b.contiguous().view(width))
