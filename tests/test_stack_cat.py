"""stack and cat: every dim, 1 to 200 inputs, mixed layouts and dtypes, 0-d inputs, the legacy skip
of 1-D empty tensors, and the two cat kernels (short interleaved slices, long memcpy slices)."""
import pytest
import torch

import reshapeops
from helpers import WIDTH_DTYPES, assert_bitwise_equal, dtype_id, random_tensor

OPS = torch.ops.reshapeops


def mixed_layouts(shape, count, dtype, gen):
    """`count` tensors of `shape`, cycling through contiguous, transposed, sliced, expanded, offset."""
    out = []
    for i in range(count):
        kind = i % 5
        if kind == 0 or len(shape) == 0:
            t = random_tensor(shape, dtype, gen)
        elif kind == 1:
            t = random_tensor(shape[::-1], dtype, gen).permute(*reversed(range(len(shape))))
        elif kind == 2:
            t = random_tensor(shape[:-1] + (2 * shape[-1],), dtype, gen)[..., 1::2]
        elif kind == 3:
            t = random_tensor((1,) + shape[1:], dtype, gen).expand(shape)
        else:
            numel = torch.Size(shape).numel()
            t = random_tensor((numel + 3,), dtype, gen)[3:].view(shape)
        out.append(t)
    return out


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (2, 3, 4), (2, 1, 3, 2)], ids=str)
def test_stack_every_dim(shape, dtype, gen):
    rank = len(shape)
    for contiguous_only in (True, False):
        tensors = ([random_tensor(shape, dtype, gen) for _ in range(3)] if contiguous_only
                   else mixed_layouts(shape, 5, dtype, gen))
        for dim in range(-(rank + 1), rank + 1):
            expected = torch.stack(tensors, dim)
            assert_bitwise_equal(reshapeops.stack(tensors, dim), expected, f"dim={dim}")
            assert_bitwise_equal(OPS.stack.default(tensors, dim), expected, f"dim={dim}")


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("count", [1, 2, 3, 7, 8, 9, 12, 15, 16, 64, 200])
def test_stack_many_inputs(count, dtype, gen):
    for contiguous_only in (True, False):
        shape = (3, 5)
        tensors = ([random_tensor(shape, dtype, gen) for _ in range(count)] if contiguous_only
                   else mixed_layouts(shape, count, dtype, gen))
        for dim in (0, 1, 2, -1):
            assert_bitwise_equal(reshapeops.stack(tensors, dim), torch.stack(tensors, dim), f"dim={dim}")


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
def test_stack_of_0d_inputs(dtype, gen):
    scalars = [random_tensor((), dtype, gen) for _ in range(9)]
    for dim in (0, -1):
        assert_bitwise_equal(reshapeops.stack(scalars, dim), torch.stack(scalars, dim))
    assert_bitwise_equal(reshapeops.stack(scalars[:1]), torch.stack(scalars[:1]))


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
def test_stack_of_zero_size_inputs(dtype, gen):
    for shape in [(0,), (2, 0), (0, 3, 4)]:
        tensors = [random_tensor(shape, dtype, gen) for _ in range(3)]
        for dim in range(-len(shape) - 1, len(shape) + 1):
            assert_bitwise_equal(reshapeops.stack(tensors, dim), torch.stack(tensors, dim))


MIXED_DTYPES = [
    (torch.int8, torch.float16),  # -> float16
    (torch.bool, torch.int32),  # -> int32
    (torch.uint8, torch.int8),  # -> int16
    (torch.bfloat16, torch.float16),  # -> float32
    (torch.float32, torch.complex64),  # -> complex64
    (torch.int64, torch.float64, torch.complex32),  # -> complex128
    (torch.float64, torch.float16),  # -> float64: float16 NaN payloads widen
    (torch.bool, torch.bool, torch.uint8),  # -> uint8
]


@pytest.mark.parametrize("dtypes", MIXED_DTYPES, ids=lambda ds: "+".join(map(dtype_id, ds)))
def test_mixed_dtypes_promote_like_torch(dtypes, gen):
    # the values of random bits include NaN/inf/-0.0: conversion must match torch's exactly
    shape = (3, 4)
    tensors = [random_tensor(shape, d, gen) for d in dtypes]
    tensors.append(random_tensor((4, 3), dtypes[0], gen).t())  # and one non-contiguous
    for dim in (0, 1, -1):
        expected = torch.stack(tensors, dim)
        assert_bitwise_equal(reshapeops.stack(tensors, dim), expected, f"stack dim={dim}")
    for dim in (0, 1):
        assert_bitwise_equal(reshapeops.cat(tensors, dim), torch.cat(tensors, dim), f"cat dim={dim}")
    scalars = [random_tensor((), d, gen) for d in dtypes]
    assert_bitwise_equal(reshapeops.stack(scalars), torch.stack(scalars), "0-d stack")


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 4), (2, 1, 3, 1, 2)], ids=str)
def test_cat_every_dim_unequal_extents(shape, dtype, gen):
    rank = len(shape)
    for dim in range(-rank, rank):
        tensors = []
        for extent in (1, 3, 0, 2, 5):  # includes an input with nothing along `dim`
            s = list(shape)
            s[dim] = extent
            tensors.append(random_tensor(tuple(s), dtype, gen))
        tensors[1] = tensors[1].clone().transpose(0, -1).contiguous().transpose(0, -1)  # strided
        for inputs in (tensors, tensors[:1], [t.contiguous() for t in tensors]):
            expected = torch.cat(inputs, dim)
            assert_bitwise_equal(reshapeops.cat(inputs, dim), expected, f"dim={dim}")
            assert_bitwise_equal(OPS.cat.default(inputs, dim), expected, f"dim={dim}")


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
def test_cat_skips_1d_empty_tensors(dtype, gen):
    # torch.cat's legacy rule: a 1-D tensor of size 0 is skipped, whatever the other ranks are
    empty = random_tensor((0,), dtype, gen)
    x = random_tensor((2, 3, 4), dtype, gen)
    y = random_tensor((2, 5, 4), dtype, gen)
    for inputs in ([empty, x, y], [x, empty, y], [x, y, empty], [empty, x], [empty, empty, x, empty]):
        for dim in (1, -2):
            assert_bitwise_equal(reshapeops.cat(inputs, dim), torch.cat(inputs, dim))
    t = random_tensor((4, 3), dtype, gen).t()  # non-contiguous alongside skipped empties
    assert_bitwise_equal(reshapeops.cat([empty, t, empty], 0), torch.cat([empty, t, empty], 0))
    # only empties: result is 1-D empty; torch accepts any dim here
    for dim in (0, -1, 1, 5, -7):
        assert_bitwise_equal(reshapeops.cat([empty, empty], dim), torch.cat([empty, empty], dim), f"dim={dim}")


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
def test_cat_kernel_paths(dtype, gen):
    # contiguous inputs go to one-pass cat: short equal slices are interleaved, others memcpy'd
    cases = [
        ([(1000, 1)] * 4, 1),  # equal slices of one element (stack on the last dim)
        ([(300, 3)] * 5, 1),  # equal short slices
        ([(50, 40)] * 3, 1),  # equal slices longer than the interleave limit
        ([(64, 1), (64, 2), (64, 7)], 1),  # unequal short slices
        ([(8, 300), (8, 1), (8, 4096)], 1),  # long and short slices in one row
        ([(3, 5, 2)] * 3, 2),
        ([(1, 100000)] * 3, 0),  # one outer row, big inputs: split inside a slice across tasks
        ([(2, 70000), (2, 3), (2, 50000)], 1),
    ]
    for shapes, dim in cases:
        tensors = [random_tensor(s, dtype, gen) for s in shapes]
        assert_bitwise_equal(reshapeops.cat(tensors, dim), torch.cat(tensors, dim), f"{shapes} dim={dim}")
        if len(set(shapes)) == 1:
            assert_bitwise_equal(reshapeops.stack(tensors, -1), torch.stack(tensors, -1), f"stack {shapes}")


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
def test_cat_many_inputs(dtype, gen):
    tensors = [random_tensor((3, int(torch.randint(0, 4, (1,), generator=gen)), 2), dtype, gen)
               for _ in range(200)]
    tensors[::7] = [t.transpose(0, 2).contiguous().transpose(0, 2) for t in tensors[::7]]
    assert_bitwise_equal(reshapeops.cat(tensors, 1), torch.cat(tensors, 1))


def test_memory_format_inputs_give_contiguous_output(gen):
    # README: the ops return contiguous memory. torch.cat/stack of channels_last inputs keep
    # channels_last strides instead; values must still be torch's, bit for bit.
    x = random_tensor((2, 3, 4, 5), torch.float32, gen).to(memory_format=torch.channels_last)
    y = random_tensor((2, 3, 4, 5), torch.float32, gen).to(memory_format=torch.channels_last)
    for got, expected in [(reshapeops.cat([x, y], 1), torch.cat([x, y], 1)),
                          (reshapeops.stack([x, y], 0), torch.stack([x, y], 0))]:
        assert got.is_contiguous()
        assert_bitwise_equal(got, expected.contiguous())


@pytest.mark.parametrize("op", ["stack", "cat"])
def test_mixed_dtype_nan_payloads_convert_like_torch(op, gen):
    # torch converts float16 NaN payloads differently in its vectorized and scalar loops
    # (0x7FFF -> 0x7FFFE000 or 0x7FFFFFFF); stack/cat must convert the way torch.cat does, inside the
    # output slice, not by converting each input on its own first. Every element here is a NaN with a
    # payload, so every position, vectorized or tail, is checked.
    payloads = torch.tensor([0x7FFF, -1, 0x7E01, 0x7C01, -0x0201], dtype=torch.int16)
    pick = torch.randint(0, len(payloads), (5, 37), generator=gen)
    h = payloads[pick].view(torch.float16)
    b = random_tensor((5, 37), torch.bfloat16, gen)
    fn, ours = getattr(torch, op), getattr(reshapeops, op)
    for tensors in ([b, h], [h, b, h], [h.t().contiguous().t(), b]):
        for dim in (0, 1, -1):
            assert_bitwise_equal(ours(tensors, dim), fn(tensors, dim), f"dim={dim}")
        out = torch.empty(0, dtype=torch.float64)
        assert_bitwise_equal(ours(tensors, 1, out=out), fn(tensors, 1, out=torch.empty(0, dtype=torch.float64)))
