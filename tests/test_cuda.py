"""Bitwise tests of the CUDA kernels against torch, on the GPU.

Skipped as a whole where there is no GPU or the extension was built without CUDA kernels. Values are
compared as raw bits (same-width integers), so NaN payloads, -0.0 and float8 encodings all count.
"""
import os
import sys

import pytest
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import reshapeops  # noqa: E402

if not torch.cuda.is_available():
    pytest.skip("no CUDA device", allow_module_level=True)


def _has_cuda_kernels():
    try:
        reshapeops.contiguous(torch.zeros(2, 2, device="cuda").t())
        return True
    except NotImplementedError:
        return False


if not _has_cuda_kernels():
    pytest.skip("reshapeops was built without CUDA kernels", allow_module_level=True)

DEV = "cuda"


def _dtypes(*names):
    return [getattr(torch, n) for n in names if hasattr(torch, n)]


ALL_DTYPES = _dtypes(
    "bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64",
    "float16", "bfloat16", "float32", "float64", "complex32", "complex64", "complex128",
    "float8_e4m3fn", "float8_e5m2",
)
WIDTH_DTYPES = [torch.int8, torch.bfloat16, torch.float32, torch.complex64, torch.complex128]
_INT_OF_WIDTH = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64}


def rand(shape, dtype, device=DEV, seed=0):
    """Random bits viewed as `dtype` (bool: 0/1)."""
    g = torch.Generator().manual_seed(seed)
    n = 1
    for s in shape:
        n *= s
    if dtype == torch.bool:
        return torch.randint(0, 2, tuple(shape), generator=g, dtype=torch.uint8).bool().to(device)
    raw = torch.randint(0, 256, (n * dtype.itemsize,), generator=g, dtype=torch.uint8)
    return raw.view(dtype).reshape(tuple(shape)).to(device)


def bits(t):
    t = t.contiguous().reshape(-1)
    width = 1 if t.dtype == torch.bool else t.element_size()
    if t.numel() == 0:
        return torch.empty(0, dtype=torch.int64)
    if t.numel() == 1:
        t = t.as_strided((1,), (1,))
    return t.view(torch.int64 if width == 16 else _INT_OF_WIDTH[width]).cpu()


def same(actual, expected):
    assert actual.device == expected.device
    assert actual.shape == expected.shape and actual.dtype == expected.dtype
    assert actual.is_contiguous()
    assert torch.equal(bits(actual), bits(expected))


def dtype_id(d):
    return str(d).replace("torch.", "")


PERMUTES = [
    ((8, 3, 64, 64), (0, 2, 3, 1)),     # NCHW -> NHWC, thin C = 3
    ((8, 64, 3), (0, 2, 1)),            # NHWC -> NCHW, thin source dim
    ((4, 32, 33, 5), (0, 3, 1, 2)),
    ((2, 16, 40, 72), (0, 2, 3, 1)),    # square tiles
    ((129, 257), (1, 0)),               # ragged tile edges
    ((3, 1000, 7), (2, 1, 0)),
    ((2, 3, 4, 5, 6), (4, 2, 0, 3, 1)),
    ((64, 64), (1, 0)),
    ((5, 6, 7), (0, 2, 1)),
    ((2, 8, 16, 64), (0, 2, 1, 3)),     # keeps the last dim: rows
    ((17, 31), (0, 1)),                 # identity: contiguous
    ((1, 1, 19, 1), (3, 2, 1, 0)),
]


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("shape,dims", PERMUTES, ids=str)
def test_permute_all_dtypes(shape, dims, dtype):
    x = rand(shape, dtype)
    same(reshapeops.permute(x, dims), x.permute(dims).contiguous())


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
def test_layouts(dtype):
    base = rand((6, 10, 12, 14), dtype)
    views = {
        "transposed": base.transpose(1, 3),
        "sliced": base[:, 2:9, 1:11:2, 3:],
        "stepped_last": base[..., ::3],
        "expanded": base[:, :1].expand(6, 5, 12, 14),
        "expanded_last": base[..., :1].expand(6, 10, 12, 9),
        "offset": base.reshape(-1)[7:7 + 5 * 9 * 11].view(5, 9, 11).transpose(0, 2),
        "misaligned_rows": base[..., 1:],
        "zero_dim": base[1, 2, 3, 4],
        "empty": base[:, :0],
        "flipped_strides": base.permute(3, 1, 2, 0)[1:, :, ::2],
    }
    for name, v in views.items():
        same(reshapeops.contiguous(v), v.contiguous())
        if v.dim() >= 2:
            dims = list(range(v.dim()))[::-1]
            same(reshapeops.permute(v, dims), v.permute(dims).contiguous())
        same(reshapeops.reshape(v, (-1,)), v.reshape(-1).contiguous())


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("offset", [0, 1, 3])
def test_packed_tile_alignment(dtype, offset):
    # Byte/half tiles pack 4-byte words only when every row is 4-byte aligned; offsets break that.
    flat = rand((offset + 4 * 130 * 67,), dtype)
    x = flat[offset:].view(4, 130, 67)
    same(reshapeops.permute(x, (0, 2, 1)), x.permute(0, 2, 1).contiguous())
    y = flat[offset:offset + 4 * 128 * 64].view(4, 128, 64)
    same(reshapeops.permute(y, (0, 2, 1)), y.permute(0, 2, 1).contiguous())


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("c", [2, 3, 4, 7, 16, 17])
def test_thin_tiles(dtype, c):
    x = rand((3, c, 37, 41), dtype)
    same(reshapeops.permute(x, (0, 2, 3, 1)), x.permute(0, 2, 3, 1).contiguous())
    y = rand((3, 37, 41, c), dtype)
    same(reshapeops.permute(y, (0, 3, 1, 2)), y.permute(0, 3, 1, 2).contiguous())


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_stack_cat_all_dims(dtype):
    xs = [rand((3, 5, 7), dtype, seed=i) for i in range(4)]
    for dim in range(-4, 4):
        same(reshapeops.stack(xs, dim), torch.stack(xs, dim))
    ys = [rand((3, 5 + i, 7), dtype, seed=10 + i) for i in range(4)]
    same(reshapeops.cat(ys, 1), torch.cat(ys, 1))
    for dim in range(-3, 3):
        same(reshapeops.cat(xs, dim), torch.cat(xs, dim))


@pytest.mark.parametrize("count", [1, 2, 63, 64, 65, 200, 1000])
def test_stack_many_inputs(count):
    xs = [rand((4, 9), torch.float32, seed=i) for i in range(count)]
    for dim in (0, 1, 2):
        same(reshapeops.stack(xs, dim), torch.stack(xs, dim))
    ys = [rand((4, i % 5), torch.int8, seed=i) for i in range(count)]  # some empty, odd byte widths
    same(reshapeops.cat(ys, 1), torch.cat(ys, 1))


def test_cat_mixed_sizes_and_alignment():
    big = rand((3, 100_003), torch.int8)
    small = [rand((3, k), torch.int8, seed=k) for k in (1, 2, 15, 16, 17, 4096)]
    xs = [big] + small + [big[:, 1:]]
    same(reshapeops.cat(xs, 1), torch.cat(xs, 1))
    ys = [big[:, 1:].contiguous(), big[:, :100_002].contiguous()]
    same(reshapeops.cat(ys, 0), torch.cat(ys, 0))


def test_cat_strided_inputs():
    a = rand((6, 8, 10), torch.float16).transpose(0, 2)
    b = rand((10, 8, 3), torch.float16, seed=1)
    same(reshapeops.cat([a, b], 2), torch.cat([a, b], 2))
    same(reshapeops.stack([a, a], 1), torch.stack([a, a], 1))


def test_out_and_promotion():
    x = rand((4, 5, 6), torch.float32)
    out = torch.empty(6, 5, 4, device=DEV)
    reshapeops.permute(x, (2, 1, 0), out=out)
    same(out, x.permute(2, 1, 0).contiguous())
    h = rand((4, 5, 6), torch.float16, seed=2)
    same(reshapeops.stack([x, h], 0), torch.stack([x, h], 0))


def test_non_default_stream():
    s = torch.cuda.Stream()
    x = rand((16, 3, 128, 128), torch.float32)
    xs = [rand((64, 33), torch.bfloat16, seed=i) for i in range(10)]
    torch.cuda.synchronize()
    with torch.cuda.stream(s):
        y = reshapeops.permute(x, (0, 2, 3, 1))
        z = reshapeops.stack(xs, 1)
        w = reshapeops.contiguous(x)
    s.synchronize()
    same(y, x.permute(0, 2, 3, 1).contiguous())
    same(z, torch.stack(xs, 1))
    same(w, x)


def test_cuda_graph_capture():
    x = rand((8, 3, 64, 96), torch.float16)
    xs = [rand((32, 40), torch.float32, seed=i) for i in range(70)]  # > one cat table
    c = reshapeops.contiguous(x)  # warm-up (lazy init) outside capture
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for _ in range(2):
            reshapeops.permute(x, (0, 2, 3, 1))
            reshapeops.stack(xs, 1)
            reshapeops.contiguous(x)
    torch.cuda.current_stream().wait_stream(s)
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        y = reshapeops.permute(x, (0, 2, 3, 1))
        z = reshapeops.stack(xs, 1)
        c = reshapeops.contiguous(x)
    for seed in (5, 6):
        x.copy_(rand(x.shape, x.dtype, seed=seed))
        for i, t in enumerate(xs):
            t.copy_(rand(t.shape, t.dtype, seed=seed * 100 + i))
        g.replay()
        torch.cuda.synchronize()
        same(y, x.permute(0, 2, 3, 1).contiguous())
        same(z, torch.stack(xs, 1))
        same(c, x)


@pytest.mark.skipif(torch.cuda.device_count() < 2, reason="needs 2 GPUs")
def test_second_device():
    with torch.cuda.device(0):
        x = rand((4, 3, 50, 70), torch.float32, device="cuda:1")
        y = reshapeops.permute(x, (0, 2, 3, 1))
        assert y.device == x.device
        same(y, x.permute(0, 2, 3, 1).contiguous())
        xs = [rand((5, 7), torch.int16, device="cuda:1", seed=i) for i in range(3)]
        same(reshapeops.stack(xs, 2), torch.stack(xs, 2))


def test_naive_kernels_agree():
    x = rand((4, 3, 33, 65), torch.bfloat16)
    xs = [rand((7, 9), torch.int8, seed=i) for i in range(5)]
    was = torch.ops.reshapeops._cuda_naive(True)
    try:
        same(reshapeops.permute(x, (0, 2, 3, 1)), x.permute(0, 2, 3, 1).contiguous())
        same(reshapeops.stack(xs, 1), torch.stack(xs, 1))
    finally:
        torch.ops.reshapeops._cuda_naive(was)


@pytest.mark.slow
def test_more_than_2_31_elements():
    free, _ = torch.cuda.mem_get_info()
    n = 2**31 + 2**20
    if free < 5 * n:
        pytest.skip("needs ~11 GB of free GPU memory")
    x = torch.randint(0, 256, (n,), dtype=torch.uint8, device=DEV)
    v = x.view(2, n // 2)
    y = reshapeops.permute(v, (1, 0))  # transpose with 64-bit offsets
    assert torch.equal(y, v.t().contiguous())
    del y
    s = reshapeops.stack([v[0], v[1]], 1)
    assert torch.equal(s, torch.stack([v[0], v[1]], 1))
    del s
    c = reshapeops.contiguous(x[::2])  # strided gather, numel < 2**31 but offsets > 2**31
    assert torch.equal(c, x[::2].contiguous())
