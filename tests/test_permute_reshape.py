"""permute and reshape: every permutation of small ranks, the permutes real models do, and reshapes
that cannot be views. Bit for bit against x.permute(dims).contiguous() / x.reshape(shape).contiguous()."""
import itertools

import pytest
import torch

import reshapeops
from helpers import WIDTH_DTYPES, assert_bitwise_equal, dtype_id, random_tensor

OPS = torch.ops.reshapeops
SHAPES = {0: (), 1: (7,), 2: (5, 9), 3: (3, 5, 7), 4: (2, 3, 5, 7)}


def sources(shape, dtype, gen):
    """The same logical shape as a contiguous, a transposed-storage and a step-sliced tensor."""
    yield random_tensor(shape, dtype, gen)
    if len(shape) >= 2:
        yield random_tensor(shape[::-1], dtype, gen).permute(*reversed(range(len(shape))))
    if len(shape) >= 1:
        yield random_tensor(shape[:-1] + (2 * shape[-1],), dtype, gen)[..., ::2]


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("rank", sorted(SHAPES))
def test_permute_all_permutations(rank, dtype, gen):
    for x in sources(SHAPES[rank], dtype, gen):
        for dims in itertools.permutations(range(rank)):
            assert_bitwise_equal(reshapeops.permute(x, dims), x.permute(dims).contiguous(),
                                 f"dims={dims} strides={x.stride()}")
            # negative dims mean the same
            neg = tuple(d - rank for d in dims)
            assert_bitwise_equal(reshapeops.permute(x, neg), x.permute(dims).contiguous(), f"dims={neg}")


MODEL_PERMUTES = {
    "nchw_to_nhwc": ((8, 3, 32, 32), (0, 2, 3, 1)),
    "nchw_to_nhwc_wide": ((2, 64, 14, 14), (0, 2, 3, 1)),
    "nhwc_to_nchw": ((2, 14, 14, 64), (0, 3, 1, 2)),
    "nhwc_to_nchw_c3": ((4, 31, 33, 3), (0, 3, 1, 2)),
    "attention_split_heads": ((2, 16, 4, 8), (0, 2, 1, 3)),  # (b,s,h,d) -> (b,h,s,d)
    "attention_merge_heads": ((2, 4, 16, 8), (0, 2, 1, 3)),  # (b,h,s,d) -> (b,s,h,d)
    "attention_k_transpose": ((2, 4, 16, 8), (0, 1, 3, 2)),  # (b,h,s,d) -> (b,h,d,s)
    "video_bcthw_to_btchw": ((2, 3, 4, 8, 8), (0, 2, 1, 3, 4)),
    "video_to_channels_last": ((2, 3, 4, 8, 8), (0, 2, 3, 4, 1)),
    "matrix_transpose_ragged": ((129, 67), (1, 0)),
    "batched_transpose_tall": ((3, 1000, 5), (0, 2, 1)),
}


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("case", sorted(MODEL_PERMUTES))
def test_permute_model_cases(case, dtype, gen):
    shape, dims = MODEL_PERMUTES[case]
    x = random_tensor(shape, dtype, gen)
    assert_bitwise_equal(reshapeops.permute(x, dims), x.permute(dims).contiguous())
    assert_bitwise_equal(OPS.permute.default(x, list(dims)), x.permute(dims).contiguous())
    # and the inverse, from the permuted (non-contiguous) view back
    inverse = tuple(sorted(range(len(dims)), key=lambda i: dims[i]))
    y = x.permute(dims)
    assert_bitwise_equal(reshapeops.permute(y, inverse), y.permute(inverse).contiguous())


def test_attention_merge_then_reshape(gen):
    # the usual (b,h,s,d) -> (b,s,h*d) after attention: permute then reshape of the result
    b, h, s, d = 2, 4, 16, 8
    x = random_tensor((b, h, s, d), torch.bfloat16, gen)
    merged = reshapeops.reshape(x.transpose(1, 2), (b, s, h * d))
    assert_bitwise_equal(merged, x.transpose(1, 2).reshape(b, s, h * d).contiguous())


RESHAPES = [
    # (input shape, how the input is made non-contiguous, target shape)
    ((2, 3, 4), None, (-1,)),
    ((2, 3, 4), None, (4, -1)),
    ((2, 3, 4), "t", (-1, 2)),
    ((2, 3, 4), "t", (3, 8)),
    ((6, 8), "step", (-1,)),
    ((6, 8), "step", (2, 2, -1)),
    ((4, 1, 5), "expand", (20, -1)),
    ((3, 5, 7), "offset", (7, 5, 3)),
    ((1, 1, 1), None, ()),
    ((1, 1, 1), "t", ()),
    ((), None, (1,)),
    ((), None, ()),
    ((), None, (-1,)),
    ((), None, (1, 1, -1, 1)),
    ((2, 0, 3), None, (0, 5)),
    ((2, 0, 3), "t", (3, 0, 2)),
    ((2, 0, 3), None, (-1,)),
    ((1, 2, 1, 3, 1, 2, 1, 2, 1, 2, 1), "t", (-1, 2, 2)),
]


def make_input(shape, how, dtype, gen):
    if how is None:
        return random_tensor(shape, dtype, gen)
    if how == "t":
        return random_tensor(shape[::-1], dtype, gen).permute(*reversed(range(len(shape))))
    if how == "step":
        return random_tensor(shape[:-1] + (shape[-1] * 2,), dtype, gen)[..., ::2]
    if how == "expand":
        small = tuple(1 if i == 0 else s for i, s in enumerate(shape))
        return random_tensor(small, dtype, gen).expand(shape)
    if how == "offset":
        numel = 1
        for s in shape:
            numel *= s
        return random_tensor((numel + 5,), dtype, gen)[5:].view(shape)
    raise ValueError(how)


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("shape,how,target", RESHAPES, ids=lambda v: str(v).replace(" ", ""))
def test_reshape(shape, how, target, dtype, gen):
    x = make_input(shape, how, dtype, gen)
    expected = x.reshape(target).contiguous()
    assert_bitwise_equal(reshapeops.reshape(x, target), expected, f"strides {x.stride()}")
    assert_bitwise_equal(OPS.reshape.default(x, list(target)), expected)
    # reshape always copies: the result never aliases the input
    got = reshapeops.reshape(x, target)
    if got.numel():
        assert got.untyped_storage().data_ptr() != x.untyped_storage().data_ptr()


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
def test_very_high_rank(dtype, gen):
    # 65 dims (more than the planner's 64 slots, all but a few of size 1), and 20 dims of size 2
    # reversed, so no two dims fold and the plan keeps all 20
    x = random_tensor([2, 1, 3] + [1] * 60 + [2, 2], dtype, gen)
    dims = list(reversed(range(x.dim())))
    assert_bitwise_equal(reshapeops.permute(x, dims), x.permute(dims).contiguous())
    assert_bitwise_equal(reshapeops.stack([x, x], -1), torch.stack([x, x], -1))
    y = x.transpose(0, -1)
    assert_bitwise_equal(reshapeops.cat([y, y], 5), torch.cat([y, y], 5))
    z = random_tensor([2] * 20, dtype, gen)
    dims = list(reversed(range(20)))
    assert_bitwise_equal(reshapeops.permute(z, dims), z.permute(dims).contiguous())
    assert_bitwise_equal(reshapeops.reshape(z.permute(dims), (-1, 2**10)), z.permute(dims).reshape(-1, 2**10))
