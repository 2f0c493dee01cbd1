"""Every op x every dtype x every input layout, bit for bit against torch.

The layouts (layouts.py) cover contiguous, transposed, step-sliced, expanded, channels_last(_3d),
offset, 0-d, zero-size, size-1 and rank-12 inputs. Each op is also run through the dispatcher
(torch.ops.reshapeops.*) for one dtype per element width.
"""
import pytest
import torch

import layouts
import reshapeops
from helpers import ALL_DTYPES, COPY_ONLY_DTYPES, WIDTH_DTYPES, assert_bitwise_equal, dtype_id, random_tensor

OPS = torch.ops.reshapeops


def torch_ref(x, f):
    """f(x) computed by torch. torch cannot copy every layout of the COPY_ONLY dtypes (float4_e2m1fn_x2
    has no strided copy kernel), so those are moved as same-width integers and viewed back."""
    if x.dtype in COPY_ONLY_DTYPES:
        return f(x.view(torch.uint8)).view(x.dtype)
    return f(x)


def random_perm(rank, gen):
    return tuple(torch.randperm(rank, generator=gen).tolist())


def random_dim(low, high, gen):
    """A dim in [low, high], inclusive."""
    return int(torch.randint(low, high + 1, (1,), generator=gen))


def run_permute(x, gen, via_ops):
    cases = [tuple(reversed(range(x.dim()))), random_perm(x.dim(), gen)]
    for dims in cases:
        got = OPS.permute.default(x, list(dims)) if via_ops else reshapeops.permute(x, dims)
        assert_bitwise_equal(got, torch_ref(x, lambda t: t.permute(dims).contiguous()), f"permute {dims}")


def run_reshape(x, gen, via_ops):
    shapes = [(-1,), tuple(reversed(x.shape))]
    if x.dim() >= 2 and x.numel() > 0:
        shapes.append((x.shape[0], -1))
        shapes.append((-1, x.shape[-1], 1))
    if x.numel() == 1:
        shapes += [(), (1, 1, 1)]
    for shape in shapes:
        got = OPS.reshape.default(x, list(shape)) if via_ops else reshapeops.reshape(x, shape)
        assert_bitwise_equal(got, torch_ref(x, lambda t: t.reshape(shape).contiguous()), f"reshape to {shape}")


def run_contiguous(x, gen, via_ops):
    got = OPS.contiguous.default(x) if via_ops else reshapeops.contiguous(x)
    assert_bitwise_equal(got, torch_ref(x, lambda t: t.contiguous()))
    # always a copy, even of an already contiguous input
    if x.numel() > 0:
        assert got.data_ptr() != x.data_ptr()


def run_stack(x, gen, via_ops):
    # the README promises contiguous output; torch keeps channels_last inputs channels_last
    # (same values, other strides), so compare against torch's result made contiguous
    other = random_tensor(x.shape, x.dtype, gen)
    for tensors in ([x, other], [other, x, x], [x]):
        for dim in (0, -1, random_dim(-x.dim() - 1, x.dim(), gen)):
            got = OPS.stack.default(tensors, dim) if via_ops else reshapeops.stack(tensors, dim)
            assert_bitwise_equal(got, torch.stack(tensors, dim).contiguous(), f"stack dim={dim} n={len(tensors)}")


def run_cat(x, gen, via_ops):
    if x.dim() == 0:
        return  # 0-d cannot be concatenated: test_errors covers it
    for dim in range(-x.dim(), x.dim()):
        shape = list(x.shape)
        shape[dim] = 3
        other = random_tensor(shape, x.dtype, gen)
        for tensors in ([x, other], [other, x, x], [x]):
            got = OPS.cat.default(tensors, dim) if via_ops else reshapeops.cat(tensors, dim)
            assert_bitwise_equal(got, torch.cat(tensors, dim).contiguous(), f"cat dim={dim} n={len(tensors)}")


COPY_OPS = [run_permute, run_reshape, run_contiguous]
CONCAT_OPS = [run_stack, run_cat]
ids = {"ids": lambda v: v.__name__ if callable(v) else dtype_id(v)}


@pytest.mark.parametrize("make", layouts.MAKERS, **ids)
@pytest.mark.parametrize("dtype", ALL_DTYPES + COPY_ONLY_DTYPES, **ids)
@pytest.mark.parametrize("run", COPY_OPS, **ids)
def test_copy_ops_every_dtype_and_layout(run, dtype, make, gen):
    run(make(dtype, gen), gen, via_ops=False)


@pytest.mark.parametrize("make", layouts.MAKERS, **ids)
@pytest.mark.parametrize("dtype", ALL_DTYPES, **ids)
@pytest.mark.parametrize("run", CONCAT_OPS, **ids)
def test_concat_ops_every_dtype_and_layout(run, dtype, make, gen):
    run(make(dtype, gen), gen, via_ops=False)


@pytest.mark.parametrize("make", layouts.MAKERS, **ids)
@pytest.mark.parametrize("dtype", WIDTH_DTYPES, **ids)
@pytest.mark.parametrize("run", COPY_OPS + CONCAT_OPS, **ids)
def test_dispatcher_path(run, dtype, make, gen):
    run(make(dtype, gen), gen, via_ops=True)


@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128, torch.complex32], **ids)
def test_conjugate_and_negative_views_are_resolved(dtype, gen):
    # x.conj() only sets a bit (and x.conj().imag is a real view with the negative bit); the ops must
    # produce the conjugated/negated values, as torch does. (Complex views from the private
    # torch._neg_view are left out: torch itself negates complex -0.0/NaN differently depending on
    # whether the view is contiguous, so there is no single torch answer to match.)
    x = random_tensor((3, 4), dtype, gen)
    for view in (x.conj(), x.conj().t(), x[:, 1:].conj(), x.conj().imag, x.conj().t().imag):
        y = random_tensor(view.shape, dtype, gen)
        assert_bitwise_equal(reshapeops.contiguous(view), view.contiguous())
        assert_bitwise_equal(reshapeops.permute(view, (1, 0)), view.permute(1, 0).contiguous())
        assert_bitwise_equal(reshapeops.reshape(view, (-1,)), view.reshape(-1).contiguous())
        assert_bitwise_equal(reshapeops.stack([view, y], 1), torch.stack([view, y], 1))
        assert_bitwise_equal(reshapeops.cat([y, view], 1), torch.cat([y, view], 1))
