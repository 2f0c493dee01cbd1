"""Property test: random rank (0-8), sizes, strides (slices with steps and offsets, permuted storage,
expanded dims), dtypes and op arguments; every result bit for bit equal to torch's, and every input
torch rejects rejected with the same exception type.

Tensor bits come from a seed hypothesis draws, so a failure shrinks and replays like any other."""
import math
import os

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reshapeops
from helpers import assert_bitwise_equal, bits, random_tensor

DTYPES = [torch.bool, torch.int8, torch.float8_e5m2, torch.bfloat16, torch.int16, torch.float32,
          torch.complex32, torch.int64, torch.complex64, torch.complex128]
MAX_BASE_NUMEL = 200_000


@st.composite
def shapes(draw, rank=None):
    rank = draw(st.integers(0, 8)) if rank is None else rank
    small = 5 if rank <= 4 else 3
    sizes = [draw(st.integers(0, small)) for _ in range(rank)]
    if rank and draw(st.integers(0, 9)) == 0:  # now and then one long dim
        sizes[draw(st.integers(0, rank - 1))] = draw(st.integers(6, 300))
    return tuple(sizes)


@st.composite
def strided(draw, shape, dtype, allow_expand=True):
    """A tensor of `shape` whose strides come from a permuted, offset, step-sliced or expanded base."""
    rank = len(shape)
    steps = [draw(st.sampled_from([1, 1, 1, 2, 3])) for _ in range(rank)]
    starts = [draw(st.integers(0, 2)) for _ in range(rank)]
    expand = [allow_expand and draw(st.integers(0, 6)) == 0 for _ in range(rank)]
    base_shape = [1 if e else st_ + max(n - 1, 0) * sp + 1 for n, sp, st_, e in zip(shape, steps, starts, expand)]
    if math.prod(base_shape) > MAX_BASE_NUMEL:
        steps, starts, base_shape = [1] * rank, [0] * rank, [1 if e else n for n, e in zip(shape, expand)]
    order = draw(st.permutations(range(rank)))  # storage order of the base
    seed = draw(st.integers(0, 2**62))
    gen = torch.Generator().manual_seed(seed)
    base = random_tensor([base_shape[d] for d in order], dtype, gen)
    base = base.permute(*sorted(range(rank), key=lambda i: order[i])) if rank else base
    index = tuple(slice(0, 1) if e else slice(s, s + max(n - 1, 0) * sp + 1, sp) if n else slice(s, s)
                  for n, sp, s, e in zip(shape, steps, starts, expand))
    x = base[index] if rank else base
    x = x.expand(shape) if rank else x
    assert tuple(x.shape) == tuple(shape), (x.shape, shape)
    return x


def same_as_torch(ours, theirs, what):
    """ours() == theirs() bit for bit, or both raise the same exception type."""
    try:
        expected = theirs()
    except Exception as error:  # torch rejects it: so must we, with the same type
        with pytest.raises(type(error)):
            ours()
        return
    assert_bitwise_equal(ours(), expected, what)


# RESHAPEOPS_EXAMPLES=5000 for a longer hunt; 200 keeps the suite fast
SETTINGS = settings(max_examples=int(os.environ.get("RESHAPEOPS_EXAMPLES", "200")), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=st.data())
def test_permute_reshape_contiguous(data):
    dtype = data.draw(st.sampled_from(DTYPES))
    shape = data.draw(shapes())
    x = data.draw(strided(shape, dtype))
    dims = data.draw(st.permutations(range(len(shape))))
    dims = [d - len(shape) if data.draw(st.booleans()) else d for d in dims]
    same_as_torch(lambda: reshapeops.permute(x, dims), lambda: x.permute(dims).contiguous(), f"permute {dims}")
    same_as_torch(lambda: reshapeops.contiguous(x), lambda: x.contiguous(), "contiguous")
    target = data.draw(reshape_targets(shape))
    same_as_torch(lambda: reshapeops.reshape(x, target), lambda: x.reshape(target).contiguous(),
                  f"reshape {target}")


@st.composite
def reshape_targets(draw, shape):
    """Valid targets mostly: flattened, merged neighbours, inserted 1s, one dim as -1, reversed."""
    numel = math.prod(shape)
    options = [(-1,), tuple(reversed(shape))]
    if len(shape) >= 2:
        i = draw(st.integers(0, len(shape) - 2))
        options.append(shape[:i] + (shape[i] * shape[i + 1],) + shape[i + 2:])
    if shape:
        j = draw(st.integers(0, len(shape) - 1))
        options.append(shape[:j] + (-1,) + shape[j + 1:])
        options.append(shape[:j] + (1,) + shape[j:])
    if numel == 1:
        options.append(())
    return draw(st.sampled_from(options))


MIX_DTYPES = [torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.int32, torch.complex64]


@st.composite
def maybe_mixed(draw, tensors):
    """Now and then, one input of another dtype (with its own random bits and layout): the result is
    promoted like torch's, and converted exactly as torch converts (NaN payloads included)."""
    if draw(st.integers(0, 3)) != 0:
        return tensors
    i = draw(st.integers(0, len(tensors) - 1))
    other = draw(strided(tuple(tensors[i].shape), draw(st.sampled_from(MIX_DTYPES))))
    return tensors[:i] + [other] + tensors[i + 1:]


@SETTINGS
@given(data=st.data())
def test_stack(data):
    dtype = data.draw(st.sampled_from(DTYPES))
    shape = data.draw(shapes(rank=data.draw(st.integers(0, 6))))
    count = data.draw(st.integers(1, 6) | st.integers(7, 40))
    tensors = [data.draw(strided(shape, dtype)) for _ in range(min(count, 6))]
    tensors = (tensors * count)[:count]  # the same input may appear several times
    tensors = data.draw(maybe_mixed(tensors))
    dim = data.draw(st.integers(-len(shape) - 1, len(shape)))
    same_as_torch(lambda: reshapeops.stack(tensors, dim), lambda: torch.stack(tensors, dim).contiguous(),
                  f"stack dim={dim} n={count}")


@SETTINGS
@given(data=st.data())
def test_cat(data):
    dtype = data.draw(st.sampled_from(DTYPES))
    shape = data.draw(shapes(rank=data.draw(st.integers(1, 6))))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    tensors = []
    for _ in range(data.draw(st.integers(1, 6))):
        s = list(shape)
        s[dim] = data.draw(st.integers(0, 4))
        tensors.append(data.draw(strided(tuple(s), dtype)))
    tensors = data.draw(maybe_mixed(tensors))
    if data.draw(st.integers(0, 4)) == 0:  # torch.cat's legacy skip of 1-D empty inputs
        tensors.insert(data.draw(st.integers(0, len(tensors))), torch.empty(0, dtype=dtype))
    same_as_torch(lambda: reshapeops.cat(tensors, dim), lambda: torch.cat(tensors, dim).contiguous(),
                  f"cat dim={dim}")


@SETTINGS
@given(data=st.data())
def test_out_of_random_strides(data):
    # out= of the right shape but any (non-overlapping) strides is written through those strides
    dtype = data.draw(st.sampled_from(DTYPES))
    shape = data.draw(shapes(rank=data.draw(st.integers(0, 5))))
    x = data.draw(strided(shape, dtype))
    dims = data.draw(st.permutations(range(len(shape))))
    expected = x.permute(dims).contiguous()
    out = data.draw(strided(tuple(expected.shape), dtype, allow_expand=False))
    stride = out.stride()
    assert reshapeops.permute(x, dims, out=out) is out
    assert out.stride() == stride
    assert torch.equal(bits(out), bits(expected)), "permute out="

    target = data.draw(reshape_targets(shape))
    try:
        expected = x.reshape(target).contiguous()
    except RuntimeError:
        return
    out = data.draw(strided(tuple(expected.shape), dtype, allow_expand=False))
    assert reshapeops.reshape(x, target, out=out) is out
    assert torch.equal(bits(out), bits(expected)), f"reshape {target} out="

    others = [data.draw(strided(shape, dtype)) for _ in range(data.draw(st.integers(0, 3)))]
    dim = data.draw(st.integers(-len(shape) - 1, len(shape)))
    expected = torch.stack([x] + others, dim)
    out = data.draw(strided(tuple(expected.shape), dtype, allow_expand=False))
    assert reshapeops.stack([x] + others, dim, out=out) is out
    assert torch.equal(bits(out), bits(expected)), f"stack dim={dim} out="
