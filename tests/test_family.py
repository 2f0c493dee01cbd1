"""transpose / movedim / flatten / unflatten: torch's result .contiguous(), bit for bit, always new memory."""
import pytest
import torch

import reshapeops
from _bits import assert_bitwise


def _inputs():
    x = torch.randint(-(2**31), 2**31 - 1, (2, 3, 4, 5), dtype=torch.int64).view(torch.float64)
    yield x
    yield x.transpose(1, 3)
    yield x[:, :, ::2]
    yield torch.randn(3, 4, 5, dtype=torch.complex64).permute(2, 0, 1)[..., 1:]


CALLS = [
    ("transpose", (0, -1)),
    ("transpose", (1, 1)),
    ("movedim", (0, -1)),
    ("movedim", ((0, 1), (-1, 0))),
    ("flatten", ()),
    ("flatten", (1, 2)),
    ("unflatten", (0, (1, -1))),
    ("unflatten", (-1, (-1, 1))),
]


@pytest.mark.parametrize("name,args", CALLS)
def test_matches_torch_contiguous(name, args):
    for x in _inputs():
        expected = getattr(torch, name)(x, *args).contiguous()
        got = getattr(reshapeops, name)(x, *args)
        assert_bitwise(got, expected)
        assert got.is_contiguous()
        assert got.untyped_storage().data_ptr() != x.untyped_storage().data_ptr()  # always a copy


@pytest.mark.parametrize(
    "name,args", [("transpose", (0, 4)), ("movedim", ((0, 0), (1, 2))), ("flatten", (2, 1)), ("unflatten", (1, (2, 2)))]
)
def test_errors_are_torchs(name, args):
    x = torch.randn(2, 3, 4, 5)
    with pytest.raises(Exception) as theirs:
        getattr(torch, name)(x, *args)
    with pytest.raises(type(theirs.value)) as ours:
        getattr(reshapeops, name)(x, *args)
    assert str(ours.value) == str(theirs.value)
