"""enable()/disable()/enabled(): torch's own calls routed through reshapeops, bit for bit, never by default."""
import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode

import reshapeops
from _bits import assert_bitwise


class _Ops(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.seen = set()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.seen.add(func.namespace)
        return func(*args, **(kwargs or {}))


def _run(fn):
    """(result, whether reshapeops ran) for fn under reshapeops.enabled(), and torch's result."""
    expected = fn()
    with _Ops() as ops, reshapeops.enabled():
        got = fn()
    return got, "reshapeops" in ops.seen, expected


X = torch.randn(2, 3, 4, 5)

ROUTED = {
    "permute_contiguous": lambda: X.permute(0, 2, 3, 1).contiguous(),
    "reshape_copy": lambda: X.transpose(1, 2).reshape(2, -1),
    "torch_reshape_copy": lambda: torch.reshape(X.transpose(1, 2), (6, -1)),
    "stack": lambda: torch.stack([X[0], X[1]], dim=1),
    "stack_noncontiguous_3d": lambda: torch.stack([X[0, 0].t(), X[1, 0].t()]),
    "cat": lambda: torch.cat([X, X], -1),
}

PASSED_THROUGH = {
    "already_contiguous": lambda: X.contiguous(),
    "channels_last": lambda: X.transpose(1, 3).contiguous(memory_format=torch.channels_last),
    "reshape_view": lambda: X.reshape(6, 20),
    "cat_out": lambda: torch.cat([X, X], out=torch.empty(4, 3, 4, 5)),
    "cat_channels_last_inputs": lambda: torch.cat([X.to(memory_format=torch.channels_last)] * 2),
}


@pytest.mark.parametrize("name", ROUTED)
def test_routed_bitwise(name):
    got, routed, expected = _run(ROUTED[name])
    assert routed
    assert_bitwise(got, expected)
    assert got.stride() == expected.stride()


@pytest.mark.parametrize("name", PASSED_THROUGH)
def test_passed_through_unchanged(name):
    got, routed, expected = _run(PASSED_THROUGH[name])
    assert not routed
    assert_bitwise(got, expected)
    assert got.stride() == expected.stride()


def test_reshape_view_stays_a_view():
    with reshapeops.enabled():
        assert X.reshape(6, 20).data_ptr() == X.data_ptr()


def test_off_by_default_and_enable_disable():
    with _Ops() as ops:
        X.permute(0, 2, 3, 1).contiguous()
    assert "reshapeops" not in ops.seen
    reshapeops.enable()
    try:
        reshapeops.enable()  # idempotent
        with _Ops() as ops:
            X.permute(0, 2, 3, 1).contiguous()
        assert "reshapeops" in ops.seen
    finally:
        reshapeops.disable()
    reshapeops.disable()  # idempotent
    with _Ops() as ops:
        X.permute(0, 2, 3, 1).contiguous()
    assert "reshapeops" not in ops.seen


def test_errors_are_still_torchs():
    with reshapeops.enabled(), pytest.raises(RuntimeError, match="invalid for input of size"):
        X.transpose(1, 2).reshape(7, -1)


def test_autograd_through_routed_calls():
    x = torch.randn(2, 3, 4, requires_grad=True)
    with reshapeops.enabled():
        y = x.permute(2, 0, 1).contiguous()
    g = torch.randn(4, 2, 3)
    y.backward(g)
    assert torch.equal(x.grad, g.permute(1, 2, 0))
