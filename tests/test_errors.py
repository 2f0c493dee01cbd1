"""Error parity: each bad input raises the exception type torch raises for it, with a message naming
the problem, and leaves any out= tensor exactly as it was (shape, strides, storage, bits) - even
where torch itself resizes out before failing."""
import re

import pytest
import torch

import reshapeops
from helpers import assert_unchanged, random_tensor, snapshot

OPS = torch.ops.reshapeops
F32 = torch.float32


def torch_error(torch_call):
    with pytest.raises(Exception) as info:
        torch_call()
    return info.value


def assert_same_error(ours_call, torch_call, match):
    """ours_call raises exactly the type torch_call raises, with `match` in its message."""
    expected = torch_error(torch_call)
    with pytest.raises(Exception) as info:
        ours_call()
    if type(info.value) is not type(expected):
        pytest.fail(f"raised {type(info.value).__name__}({str(info.value)[:300]}), "
                    f"torch raises {type(expected).__name__}({str(expected)[:300]})")
    assert re.search(match, str(info.value)), f"message {str(info.value)!r} does not name {match!r}"


def out_buffers(shape, dtype, gen):
    """out= tensors that must survive a failed call: right shape, wrong shape, and empty."""
    return [random_tensor(shape, dtype, gen), random_tensor((7, 2), dtype, gen), torch.empty(0, dtype=dtype)]


def check_error_with_outs(ours, torch_call, match, out_shape, gen, dtype=F32):
    """ours(out=None | out) fails like torch_call, and leaves every kind of out untouched."""
    assert_same_error(lambda: ours(None), torch_call, match)
    for out in out_buffers(out_shape, dtype, gen):
        before = snapshot(out)
        assert_same_error(lambda: ours(out), torch_call, match)
        assert_unchanged(out, before, f"(out shape {before[0]})")


def call(op, *args, out=None):
    return op(*args) if out is None else op(*args, out=out)


X_SHAPE = (2, 3, 4)

PERMUTE_ERRORS = [
    ((0, 1), "number of dimensions"),
    ((0, 1, 2, 0), "number of dimensions"),
    ((0, 1, 1), "duplicate dims"),
    ((0, 1, -2), "duplicate dims"),
    ((0, 1, 3), "out of range"),
    ((-4, 0, 1), "out of range"),
]


@pytest.mark.parametrize("dims,match", PERMUTE_ERRORS, ids=str)
def test_permute_errors(dims, match, gen):
    x = random_tensor(X_SHAPE, F32, gen)
    check_error_with_outs(lambda out: call(reshapeops.permute, x, dims, out=out), lambda: x.permute(dims),
                          match, (4, 3, 2), gen)
    assert_same_error(lambda: OPS.permute.default(x, list(dims)), lambda: x.permute(dims), match)


def test_permute_0d_errors(gen):
    s = random_tensor((), F32, gen)
    assert_same_error(lambda: reshapeops.permute(s, (0,)), lambda: s.permute(0), "number of dimensions")


RESHAPE_ERRORS = [
    (X_SHAPE, (-1, -1), "only one dimension can be inferred"),
    (X_SHAPE, (5, 5), r"invalid for input of size 24"),
    (X_SHAPE, (5, -1), r"invalid for input of size 24"),
    (X_SHAPE, (-2, 12), "invalid shape dimension -2"),
    ((2, 0, 3), (-1, 0), "ambiguous"),
    ((), (2,), "invalid for input of size 1"),
]


@pytest.mark.parametrize("in_shape,shape,match", RESHAPE_ERRORS, ids=str)
def test_reshape_errors(in_shape, shape, match, gen):
    x = random_tensor(in_shape, F32, gen)
    check_error_with_outs(lambda out: call(reshapeops.reshape, x, shape, out=out), lambda: x.reshape(shape),
                          match, (4, 6), gen)
    assert_same_error(lambda: OPS.reshape.default(x, list(shape)), lambda: x.reshape(shape), match)


def stack_cat_cases(gen):
    a = random_tensor((2, 3), F32, gen)
    b = random_tensor((3, 2), F32, gen)
    s = random_tensor((), F32, gen)
    f8 = random_tensor((2, 3), torch.float8_e4m3fn, gen)
    u16 = random_tensor((2, 3), torch.uint16, gen)
    i8 = random_tensor((2, 3), torch.int8, gen)
    return [
        # (op name, tensors, dim, message)
        ("stack", [a, b], 0, "equal size"),
        ("stack", [a, a[:, :2]], 1, "equal size"),
        ("stack", [a, a], 3, "out of range"),
        ("stack", [a, a], -4, "out of range"),
        ("stack", [s, s], 1, "out of range"),
        ("stack", [a, f8], 0, "Promotion for Float8"),
        ("stack", [i8, u16], 0, "Promotion for uint16"),
        ("cat", [a, b], 0, "Sizes of tensors must match except in dimension 0"),
        ("cat", [a, a[0]], 0, "same number of dimensions"),
        ("cat", [a, a], 2, "out of range"),
        ("cat", [a, a], -3, "out of range"),
        ("cat", [s], 0, r"zero-dimensional tensor \(at position 0\)"),
        ("cat", [a, s], 0, r"zero-dimensional tensor \(at position 1\)"),
        ("cat", [torch.empty(0), a, s], 0, r"zero-dimensional tensor \(at position 2\)"),
        ("cat", [a, f8], 0, "Promotion for Float8"),
    ]


@pytest.mark.parametrize("case", range(15))
def test_stack_cat_errors(case, gen):
    name, tensors, dim, match = stack_cat_cases(gen)[case]
    ours, theirs = getattr(reshapeops, name), getattr(torch, name)
    check_error_with_outs(lambda out: call(ours, tensors, dim, out=out), lambda: theirs(tensors, dim),
                          match, (4, 3), gen)
    assert_same_error(lambda: getattr(OPS, name).default(tensors, dim), lambda: theirs(tensors, dim), match)


@pytest.mark.parametrize("name", ["stack", "cat"])
def test_empty_list(name):
    # torch.stack([]) raises RuntimeError, torch.cat([]) ValueError
    ours, theirs = getattr(reshapeops, name), getattr(torch, name)
    assert_same_error(lambda: ours([]), lambda: theirs([]), "non-empty")
    out = torch.empty(3)
    before = snapshot(out)
    assert_same_error(lambda: ours([], out=out), lambda: theirs([], out=torch.empty(3)), "non-empty")
    assert_unchanged(out, before)


@pytest.mark.filterwarnings("ignore:An output with one or more elements was resized")
@pytest.mark.parametrize("name", ["stack", "cat"])
@pytest.mark.parametrize("inputs,out_dtype", [
    ((F32,), torch.int32), ((F32, torch.int64), torch.int64), ((torch.complex64,), F32),
    ((torch.int32,), torch.bool), ((torch.float64, torch.float16), torch.int8),
], ids=str)
def test_stack_cat_out_dtype_not_castable(name, inputs, out_dtype, gen):
    # TypeError, like torch; torch resizes a wrong-shape out before raising, we must not
    tensors = [random_tensor((2, 3), d, gen) for d in inputs]
    ours, theirs = getattr(reshapeops, name), getattr(torch, name)
    shape = tuple(theirs(tensors, 0).shape)
    for out in out_buffers(shape, out_dtype, gen):
        before = snapshot(out)
        assert_same_error(lambda: ours(tensors, 0, out=out),
                          lambda: theirs(tensors, 0, out=out.clone()), "can't be cast")
        assert_unchanged(out, before)


@pytest.mark.filterwarnings("ignore:An output with one or more elements was resized")
@pytest.mark.parametrize("out_dtype", [torch.float64, torch.int32, torch.float16, torch.uint8])
def test_copy_ops_reject_other_out_dtype(out_dtype, gen):
    # permute/reshape/contiguous copy bits; they never convert (torch.permute_copy agrees)
    x = random_tensor(X_SHAPE, F32, gen)
    cases = [
        (lambda out: reshapeops.permute(x, (2, 0, 1), out=out), (4, 2, 3),
         lambda out: torch.permute_copy(x, (2, 0, 1), out=out)),
        (lambda out: reshapeops.reshape(x, (4, -1), out=out), (4, 6),
         lambda out: torch.view_copy(x, (4, -1), out=out)),
        (lambda out: reshapeops.contiguous(x, out=out), X_SHAPE,
         lambda out: torch.permute_copy(x, (0, 1, 2), out=out)),
    ]
    for ours, shape, theirs in cases:
        for out in out_buffers(shape, out_dtype, gen):
            before = snapshot(out)
            assert_same_error(lambda: ours(out), lambda: theirs(out.clone()), "dtype")
            assert_unchanged(out, before)


def overlap_cases(x):
    """(call, description): each writes into memory that x (an input) also holds."""
    flat = x.view(-1)
    return [
        (lambda: reshapeops.permute(x, (1, 0), out=x), "out is the input"),
        (lambda: reshapeops.reshape(x, (-1,), out=flat), "out is a view of the input"),
        (lambda: reshapeops.contiguous(x, out=x.t()), "out is the transposed input"),
        (lambda: reshapeops.contiguous(flat[:8], out=flat[4:12]), "out shifted over the input"),
        (lambda: reshapeops.permute(x[:2], (1, 0), out=flat[4:12].view(4, 2)), "partial overlap"),
        (lambda: reshapeops.stack([x[0], x[1]], out=x[:2]), "out holds both inputs"),
        (lambda: reshapeops.cat([x[:2], x[2:]], out=x), "out is the whole input"),
        (lambda: reshapeops.cat([x, x], out=flat[4:4]), "empty view into the input, resized onto it"),
        (lambda: reshapeops.stack([x[0], x[1]], out=flat[3:3]), "empty view into the input, resized onto it"),
        (lambda: reshapeops.permute(x, (1, 0), out=flat[1:3]), "wrong-shape view, resized onto it"),
    ]


@pytest.mark.parametrize("case", range(10))
def test_out_overlapping_an_input(case, gen):
    x = random_tensor((4, 4), F32, gen)
    fn, what = overlap_cases(x)[case]
    before = snapshot(x)
    with pytest.raises(RuntimeError, match="refer to a single memory location"):
        fn()
    assert_unchanged(x, before, what)


def test_out_overlap_matches_torch_for_stack_cat(gen):
    x = random_tensor((4, 4), F32, gen)
    assert_same_error(lambda: reshapeops.stack([x[0], x[1]], out=x[:2]),
                      lambda: torch.stack([x[0], x[1]], out=x[:2]), "single memory location")
    assert_same_error(lambda: reshapeops.cat([x[:2], x[2:]], out=x),
                      lambda: torch.cat([x[:2], x[2:]], out=x), "single memory location")


def test_out_with_internal_overlap(gen):
    # an expanded out of the right shape: several elements share memory; torch refuses, so do we
    x = random_tensor((4, 3), F32, gen)
    cases = [
        (lambda out: reshapeops.contiguous(x, out=out), (4, 3), None),
        (lambda out: reshapeops.permute(x, (1, 0), out=out), (3, 4), None),
        (lambda out: reshapeops.reshape(x, (4, 3), out=out), (4, 3), None),
        (lambda out: reshapeops.stack([x, x], out=out), (2, 4, 3), lambda out: torch.stack([x, x], out=out)),
        (lambda out: reshapeops.cat([x, x], out=out), (8, 3), lambda out: torch.cat([x, x], out=out)),
    ]
    for ours, shape, theirs in cases:
        out = random_tensor((1,) + shape[1:], F32, gen).expand(shape)
        before = snapshot(out)
        if theirs is None:
            with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
                ours(out)
        else:
            assert_same_error(lambda: ours(out), lambda: theirs(out), "more than one element")
        assert_unchanged(out, before)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a second device")
def test_stack_cat_different_devices(gen):
    a = random_tensor((2, 3), F32, gen)
    b = a.cuda()
    for name in ("stack", "cat"):
        ours, theirs = getattr(reshapeops, name), getattr(torch, name)
        assert_same_error(lambda: ours([a, b]), lambda: theirs([a, b]), "device")
        out = torch.empty(0)
        before = snapshot(out)
        with pytest.raises(Exception, match="device"):
            ours([b, b], out=out)
        assert_unchanged(out, before)
