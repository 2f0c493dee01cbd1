"""Inputs of every memory layout the ops must read: each maker returns a tensor with random bits
whose strides, offset or shape exercise one case of the planner/kernels."""
import torch

from helpers import random_tensor


def contiguous(dtype, gen):
    return random_tensor((2, 3, 4, 5), dtype, gen)


def transposed(dtype, gen):
    return random_tensor((2, 5, 4, 3), dtype, gen).transpose(1, 3)


def step_slice(dtype, gen):
    return random_tensor((2, 6, 4, 5), dtype, gen)[:, ::2]  # x[:, ::2]


def step_slice_last(dtype, gen):
    return random_tensor((2, 3, 4, 16), dtype, gen)[..., 1::3]  # x[..., 1::3]: no stride-1 dim


def expanded(dtype, gen):
    return random_tensor((2, 1, 4, 1), dtype, gen).expand(2, 3, 4, 5)  # stride 0


def expanded_inner(dtype, gen):
    return random_tensor((3, 1), dtype, gen).expand(3, 70)  # stride 0 innermost, long rows


def channels_last(dtype, gen):
    return random_tensor((2, 3, 4, 5), dtype, gen).to(memory_format=torch.channels_last)


def channels_last_3d(dtype, gen):
    return random_tensor((2, 3, 2, 4, 5), dtype, gen).to(memory_format=torch.channels_last_3d)


def storage_offset(dtype, gen):
    base = random_tensor((3 + 2 * 3 * 4 * 5,), dtype, gen)
    return base[3:].view(2, 3, 4, 5)  # base[3:]-style view


def offset_transposed(dtype, gen):
    return random_tensor((7, 9, 11), dtype, gen)[1:, 2:, 3:].permute(2, 0, 1)


def zero_d(dtype, gen):
    return random_tensor((), dtype, gen)


def zero_size(dtype, gen):
    return random_tensor((2, 0, 4), dtype, gen)


def size_one(dtype, gen):
    return random_tensor((1, 3, 1, 5, 1), dtype, gen)


def size_one_odd_strides(dtype, gen):
    # size-1 dims with strides no contiguous tensor has: they must not confuse the planner
    return random_tensor((4, 1, 6), dtype, gen).permute(1, 2, 0)


def high_rank(dtype, gen):
    # rank 12, permuted and sliced: many dims that do not fold
    x = random_tensor((2, 3, 1, 2, 2, 1, 3, 2, 1, 2, 2, 4), dtype, gen)
    return x.permute(11, 0, 3, 2, 1, 4, 6, 5, 7, 9, 8, 10)[..., ::2]


def large_transpose(dtype, gen):
    # bigger than one transpose tile, with ragged edges
    return random_tensor((67, 133), dtype, gen).t()


def nchw_small_c(dtype, gen):
    return random_tensor((2, 3, 9, 17), dtype, gen).permute(0, 2, 3, 1)  # NHWC view of NCHW


MAKERS = [
    contiguous, transposed, step_slice, step_slice_last, expanded, expanded_inner, channels_last,
    channels_last_3d, storage_offset, offset_transposed, zero_d, zero_size, size_one,
    size_one_odd_strides, high_rank, large_transpose, nchw_small_c,
]
