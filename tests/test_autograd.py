"""gradcheck / gradgradcheck for every op, and opcheck (schema, fake, autograd registration)."""
import pytest
import torch
from torch.autograd import gradcheck, gradgradcheck

import reshapeops

DTYPES = [torch.float64, torch.complex128]


def _leaf(shape, dtype, transform=lambda t: t):
    return transform(torch.randn(shape, dtype=dtype)).requires_grad_()


CASES = {
    "contiguous": (lambda x: reshapeops.contiguous(x.transpose(0, 2)), [(2, 3, 4)]),
    "permute": (lambda x: reshapeops.permute(x, (2, 0, 1)), [(2, 3, 4)]),
    "permute_negative_dims": (lambda x: reshapeops.permute(x, (-1, 0, -2)), [(2, 3, 4)]),
    "reshape_copy": (lambda x: reshapeops.reshape(x.transpose(1, 2), (2, -1)), [(2, 3, 4)]),
    "stack": (lambda a, b: reshapeops.stack([a, b.transpose(0, 1)], dim=-1), [(3, 4), (4, 3)]),
    "cat": (lambda a, b: reshapeops.cat([a, torch.empty(0, dtype=a.dtype), b], dim=1), [(3, 2), (3, 5)]),
    "family": (lambda x: reshapeops.unflatten(reshapeops.flatten(reshapeops.movedim(x, 0, -1)), 0, (4, -1)), [(2, 3, 4)]),
    "rearrange": (lambda x: reshapeops.rearrange(x, "b (h w) c -> b c h w", h=2), [(2, 4, 3)]),
}


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("name", CASES)
def test_gradcheck_and_gradgradcheck(name, dtype):
    fn, shapes = CASES[name]
    inputs = [_leaf(s, dtype) for s in shapes]
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


def test_permute_backward_is_contiguous_inverse():
    x = torch.randn(2, 3, 4, requires_grad=True)
    g = torch.randn(4, 2, 3)
    reshapeops.permute(x, (2, 0, 1)).backward(g)
    assert x.grad.is_contiguous() and torch.equal(x.grad, g.permute(1, 2, 0))


def test_out_overloads_refuse_grad_like_torch():
    x = torch.randn(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        reshapeops.permute(x, (1, 0), out=torch.empty(3, 2))
    out = torch.empty(3, 2)
    version = out._version
    with torch.no_grad():
        reshapeops.permute(x, (1, 0), out=out)
    assert out._version > version  # saved tensors see the write


def _opcheck_samples():
    x = torch.randn(2, 3, 4)
    t = x.transpose(0, 2)
    ops = torch.ops.reshapeops
    yield ops.contiguous.default, (t,), {}
    yield ops.contiguous.out, (t,), {"out": torch.empty(4, 3, 2)}
    yield ops.permute.default, (x, [2, 0, 1]), {}
    yield ops.permute.out, (x, [2, 0, 1]), {"out": torch.empty(4, 2, 3)}
    yield ops.reshape.default, (t, [4, -1]), {}
    yield ops.reshape.out, (t, [4, -1]), {"out": torch.empty(4, 6)}
    yield ops.stack.default, ([x, t.transpose(0, 2)], 1), {}
    yield ops.stack.out, ([x, x], 1), {"out": torch.empty(2, 2, 3, 4)}
    yield ops.cat.default, ([x, x[:, :1]], 1), {}
    yield ops.cat.out, ([x, x], -1), {"out": torch.empty(2, 3, 8)}


@pytest.mark.parametrize("requires_grad", [False, True])
def test_opcheck(requires_grad):
    for op, args, kwargs in _opcheck_samples():
        if requires_grad:
            if "out" in kwargs:
                continue  # out= overloads refuse grad by design (tested above)
            args = tuple(
                [a.clone().requires_grad_() for a in arg] if isinstance(arg, list) and torch.is_tensor(arg[0])
                else arg.clone().requires_grad_() if torch.is_tensor(arg) else arg
                for arg in args
            )
        torch.library.opcheck(op, args, kwargs, test_utils=_UTILS_OUT if "out" in kwargs else _UTILS)


_UTILS = ("test_schema", "test_autograd_registration", "test_faketensor", "test_aot_dispatch_dynamic")
# torch's functionalization rejects custom ops whose output aliases an input (`Tensor(a!) out ->
# Tensor(a!)`), so the out= overloads cannot be traced by AOTAutograd; everything else is checked.
_UTILS_OUT = _UTILS[:3]
