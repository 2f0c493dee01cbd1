"""out= for every op: correct-shape, strided (written through its strides), offset inside a larger
buffer (nothing outside it touched), wrong-shape (resized like torch), empty, and another dtype for
stack/cat (cast like torch). The result must be `out` itself."""
import warnings

import pytest
import torch

import reshapeops
from helpers import WIDTH_DTYPES, assert_bitwise_equal, bits, dtype_id, random_tensor

OPS = torch.ops.reshapeops


def make_case(name, dtype, gen):
    """(call(out) -> result, expected result, torch's own out= call or None)."""
    x = random_tensor((4, 3, 2), dtype, gen).permute(2, 1, 0)  # (2, 3, 4), non-contiguous
    a = random_tensor((3, 4), dtype, gen)
    b = random_tensor((4, 3), dtype, gen).t()
    if name == "permute":
        return (lambda out: reshapeops.permute(x, (2, 0, 1), out=out), x.permute(2, 0, 1).contiguous(), None)
    if name == "permute_ops":
        return (lambda out: OPS.permute.out(x, [2, 0, 1], out=out), x.permute(2, 0, 1).contiguous(), None)
    if name == "reshape":
        return (lambda out: reshapeops.reshape(x, (4, -1), out=out), x.reshape(4, 6).contiguous(), None)
    if name == "reshape_ops":
        return (lambda out: OPS.reshape.out(x, [4, -1], out=out), x.reshape(4, 6).contiguous(), None)
    if name == "contiguous":
        return (lambda out: reshapeops.contiguous(x, out=out), x.contiguous(), None)
    if name == "contiguous_ops":
        return (lambda out: OPS.contiguous.out(x, out=out), x.contiguous(), None)
    if name == "stack":
        return (lambda out: reshapeops.stack([a, b], 1, out=out), torch.stack([a, b], 1),
                lambda out: torch.stack([a, b], 1, out=out))
    if name == "stack_ops":
        return (lambda out: OPS.stack.out([a, b], 1, out=out), torch.stack([a, b], 1),
                lambda out: torch.stack([a, b], 1, out=out))
    if name == "cat":
        return (lambda out: reshapeops.cat([a, b], 1, out=out), torch.cat([a, b], 1),
                lambda out: torch.cat([a, b], 1, out=out))
    if name == "cat_ops":
        return (lambda out: OPS.cat.out([a, b], 1, out=out), torch.cat([a, b], 1),
                lambda out: torch.cat([a, b], 1, out=out))
    raise ValueError(name)


CASES = ["permute", "permute_ops", "reshape", "reshape_ops", "contiguous", "contiguous_ops",
         "stack", "stack_ops", "cat", "cat_ops"]
params = pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
cases = pytest.mark.parametrize("name", CASES)


def check_written_through(out, expected, ptr, stride):
    assert out.untyped_storage().data_ptr() == ptr, "out was given new storage"
    assert out.stride() == stride, "out strides changed"
    assert out.shape == expected.shape
    assert torch.equal(bits(out), bits(expected)), "out holds other bits than torch's result"


@params
@cases
def test_out_correct_shape(name, dtype, gen):
    call, expected, _ = make_case(name, dtype, gen)
    out = random_tensor(expected.shape, dtype, gen)  # garbage that must be overwritten
    ptr = out.data_ptr()
    assert call(out) is out
    assert out.data_ptr() == ptr
    assert_bitwise_equal(out, expected)


@params
@cases
def test_out_strided(name, dtype, gen):
    # a transposed buffer of the right shape: written through its strides, like torch does
    call, expected, torch_out = make_case(name, dtype, gen)
    shape = tuple(expected.shape)
    out = random_tensor(shape[::-1], dtype, gen).permute(*reversed(range(len(shape))))
    ptr, stride = out.untyped_storage().data_ptr(), out.stride()
    assert call(out) is out
    check_written_through(out, expected, ptr, stride)
    if torch_out is not None:
        theirs = random_tensor(shape[::-1], dtype, gen).permute(*reversed(range(len(shape))))
        torch_out(theirs)
        assert theirs.stride() == out.stride()
        assert torch.equal(bits(theirs), bits(out))


@params
@cases
def test_out_inside_larger_buffer(name, dtype, gen):
    # out = an offset, step-sliced window into a buffer: only its elements may change
    call, expected, _ = make_case(name, dtype, gen)
    shape = tuple(expected.shape)
    buffer = random_tensor((2,) + shape[:-1] + (2 * shape[-1] + 1,), dtype, gen)
    before = bits(buffer).clone()
    out = buffer[1, ..., 1::2]
    assert not out.is_contiguous() and out.storage_offset() > 0
    ptr, stride = out.untyped_storage().data_ptr(), out.stride()
    assert call(out) is out
    check_written_through(out, expected, ptr, stride)
    # everything around the window is untouched: compare element by element outside it
    outside = torch.ones(buffer.shape, dtype=torch.bool)
    outside[1, ..., 1::2] = False
    outside = outside.reshape(-1)
    after = bits(buffer).view(buffer.numel(), -1)
    assert torch.equal(after[outside], before.view(buffer.numel(), -1)[outside]), "wrote outside out"


@params
@cases
@pytest.mark.parametrize("start_shape", [(5,), (2, 2), (100, 100)], ids=str)
def test_out_wrong_shape_is_resized_like_torch(name, dtype, start_shape, gen):
    call, expected, torch_out = make_case(name, dtype, gen)
    out = random_tensor(start_shape, dtype, gen)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the warning itself: test_wrong_shape_out_warns
        assert call(out) is out
        assert_bitwise_equal(out, expected)
        if torch_out is not None:
            theirs = random_tensor(start_shape, dtype, gen)
            torch_out(theirs)
            assert theirs.shape == out.shape and theirs.stride() == out.stride()


@params
@cases
def test_out_empty_is_resized(name, dtype, gen):
    call, expected, _ = make_case(name, dtype, gen)
    out = torch.empty(0, dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # resizing an empty out is not worth a warning, in torch either
        assert call(out) is out
    assert_bitwise_equal(out, expected)


@pytest.mark.parametrize("name", [c for c in CASES if not c.endswith("_ops")])
def test_wrong_shape_out_warns(name, gen):
    # torch warns (UserWarning) when it resizes an out that had elements; so must our Python API (a
    # warning raised inside a torch.ops call never reaches Python, so that path resizes silently)
    call, expected, torch_out = make_case(name, torch.float32, gen)
    if torch_out is not None:
        with pytest.warns(UserWarning, match="resized"):
            torch_out(torch.empty(5))
    with pytest.warns(UserWarning, match="resized"):
        call(torch.empty(5))


@pytest.mark.parametrize("op", ["stack", "cat"])
@pytest.mark.parametrize("types", [
    (torch.float32, torch.float64), (torch.int32, torch.float32), (torch.bool, torch.int8),
    (torch.float16, torch.complex64), (torch.uint8, torch.int64), (torch.bfloat16, torch.float16),
], ids=lambda ts: "->".join(map(dtype_id, ts)))
def test_stack_cat_out_of_other_dtype_casts_like_torch(op, types, gen):
    # stack/cat accept any out dtype the inputs can be cast to (torch's rule), casting bits like torch
    src, dst = types
    a = random_tensor((3, 4), src, gen)
    b = random_tensor((4, 3), src, gen).t()
    fn, ours = getattr(torch, op), getattr(reshapeops, op)
    expected = fn([a, b], 1, out=torch.empty(0, dtype=dst))
    out = torch.empty(0, dtype=dst)
    assert ours([a, b], 1, out=out) is out
    assert_bitwise_equal(out, expected)


@pytest.mark.parametrize("op", ["stack", "cat"])
def test_stack_cat_out_mixed_inputs_other_dtype(op, gen):
    tensors = [random_tensor((2, 3), torch.int16, gen), random_tensor((2, 3), torch.float16, gen)]
    fn, ours = getattr(torch, op), getattr(reshapeops, op)
    expected = fn(tensors, 0, out=torch.empty(0, dtype=torch.complex128))
    out = torch.empty(0, dtype=torch.complex128)
    assert ours(tensors, 0, out=out) is out
    assert_bitwise_equal(out, expected)


@params
def test_out_zero_size_and_0d(dtype, gen):
    x = random_tensor((2, 0, 3), dtype, gen)
    out = torch.empty((3, 2, 0), dtype=dtype)
    assert reshapeops.permute(x, (2, 0, 1), out=out) is out
    assert_bitwise_equal(out, x.permute(2, 0, 1).contiguous())
    s = random_tensor((), dtype, gen)
    out = torch.empty((), dtype=dtype)
    assert reshapeops.contiguous(s, out=out) is out
    assert_bitwise_equal(out, s.contiguous())
    out = torch.empty((2,), dtype=dtype)
    assert reshapeops.stack([s, s.clone()], out=out) is out
    assert_bitwise_equal(out, torch.stack([s, s]))


@params
def test_reshape_out_strided_both_paths(dtype, gen):
    # a transposed out seen in the input's shape (its strides split cleanly), and one that cannot be
    for in_shape in [(4, 2, 3), (2, 3, 4)]:
        x = random_tensor(in_shape[::-1], dtype, gen).permute(2, 1, 0)
        out = random_tensor((6, 4), dtype, gen).t()  # (4, 6), strides (1, 4)
        ptr, stride = out.data_ptr(), out.stride()
        assert reshapeops.reshape(x, (4, 6), out=out) is out
        check_written_through(out, x.reshape(4, 6), ptr, stride)
