"""Bit-exact comparison and random tensors of every dtype, for tests against torch.

Values are compared as raw bits (same-width integers), never with ==, so NaN payloads, -0.0 and
float8 encodings all count, and a kernel that "converts" instead of copying is caught.
"""
import torch


def _dtypes(*names):
    return [getattr(torch, n) for n in names if hasattr(torch, n)]


# Every dtype torch can stack, cat and copy; keyed by name so a missing one just drops out.
ALL_DTYPES = _dtypes(
    "bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64",
    "float16", "bfloat16", "float32", "float64", "complex32", "complex64", "complex128",
    "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu",
    "bits8", "bits16",
)
# torch copies these (permute/reshape/contiguous) but has no cat kernel for them.
COPY_ONLY_DTYPES = _dtypes("float4_e2m1fn_x2")

# One representative per element width (1, 2, 4, 8, 16 bytes), for tests that multiply out.
WIDTH_DTYPES = [torch.int8, torch.bfloat16, torch.float32, torch.complex64, torch.complex128]

_INT_OF_WIDTH = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64}
_SIGNED_OF_WIDTH = {1: torch.int8, 2: torch.int16, 4: torch.int32, 8: torch.int64}


def dtype_id(dtype):
    return str(dtype).replace("torch.", "")


def _component_width(dtype):
    """Bytes per real component: complex dtypes are two floats side by side."""
    return dtype.itemsize // 2 if dtype.is_complex else dtype.itemsize


def random_tensor(shape, dtype, gen):
    """A contiguous tensor of `shape` whose bits are random, with special patterns mixed in.

    Bits come from random bytes viewed as `dtype`, so every encoding can occur. About one component
    in eight is overwritten by a pattern that random bits rarely hit: the sign bit alone (-0.0, or
    INT_MIN), all ones (a NaN with a full payload, or -1), all ones but the sign (a positive NaN with
    payload, or INT_MAX).
    """
    shape = tuple(shape)
    numel = 1
    for s in shape:
        numel *= s
    if dtype == torch.bool:  # bytes other than 0/1 are not valid bools
        return torch.randint(0, 2, shape, generator=gen, dtype=torch.uint8).to(torch.bool)
    width = _component_width(dtype)
    per_element = dtype.itemsize // width
    raw = torch.randint(0, 256, (numel * dtype.itemsize,), generator=gen, dtype=torch.uint8)
    comps = raw.view(_SIGNED_OF_WIDTH[width])
    if comps.numel():
        info = torch.iinfo(_SIGNED_OF_WIDTH[width])
        specials = torch.tensor([info.min, -1, info.max], dtype=comps.dtype)
        pick = torch.randint(0, 24, (comps.numel(),), generator=gen)
        mask = pick < 3
        comps[mask] = specials[pick[mask]]
    assert comps.numel() == numel * per_element
    return raw.view(dtype).reshape(shape)


def bits(t):
    """The tensor's elements, in logical row-major order, as integers of the same width.

    16-byte elements become two int64s each; conjugate/negative views are resolved first, since their
    stored bits are not their values.
    """
    t = t.resolve_conj().resolve_neg().contiguous().reshape(-1)  # 1-D: .view(dtype) needs a dim
    width = 1 if t.dtype == torch.bool else t.element_size()
    int_dtype = torch.int64 if width == 16 else _INT_OF_WIDTH[width]
    if t.numel() == 0:
        return torch.empty(0, dtype=int_dtype)
    if t.numel() == 1:  # a single element may keep any stride; .view(dtype) wants stride 1
        t = t.as_strided((1,), (1,))
    return t.view(int_dtype)


def assert_bitwise_equal(actual, expected, msg=""):
    """Same shape, dtype, device and contiguity, and the same bits in every element."""
    where = f" ({msg})" if msg else ""
    assert isinstance(actual, torch.Tensor), f"result is {type(actual)}{where}"
    assert actual.shape == expected.shape, f"shape {tuple(actual.shape)} != {tuple(expected.shape)}{where}"
    assert actual.dtype == expected.dtype, f"dtype {actual.dtype} != {expected.dtype}{where}"
    assert actual.device == expected.device, f"device {actual.device} != {expected.device}{where}"
    assert actual.is_contiguous() == expected.is_contiguous(), (
        f"is_contiguous {actual.is_contiguous()} != {expected.is_contiguous()} "
        f"(strides {actual.stride()} vs {expected.stride()}){where}"
    )
    a, e = bits(actual), bits(expected)
    if not torch.equal(a, e):
        diff = (a != e).nonzero().reshape(-1)
        first = diff[:5].tolist()
        raise AssertionError(
            f"{diff.numel()} of {a.numel()} words differ{where}, shape {tuple(actual.shape)}, "
            f"dtype {actual.dtype}; first at flat word {first}: "
            f"got {a[diff[:5]].tolist()}, expected {e[diff[:5]].tolist()}"
        )


def snapshot(t):
    """What an `out=` tensor looks like, to check later that a failed call left it alone."""
    return (tuple(t.shape), t.stride(), t.storage_offset(), t.untyped_storage().data_ptr(),
            t.untyped_storage().nbytes(), bits(t).clone())


def assert_unchanged(t, before, msg=""):
    after = snapshot(t)
    names = ["shape", "stride", "storage_offset", "storage data_ptr", "storage nbytes"]
    for name, b, a in zip(names, before[:5], after[:5]):
        assert a == b, f"out {name} changed: {b} -> {a} {msg}"
    assert torch.equal(after[5], before[5]), f"out contents changed {msg}"
