"""rearrange: einops parity (values and errors), and at most view + one permute copy + view."""
import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode

import reshapeops
from _bits import assert_bitwise

einops = pytest.importorskip("einops")

PATTERNS = [
    ((2, 3, 4, 5), "b h w c -> b c h w", {}),
    ((2, 12, 5), "b (h w) c -> b h w c", {"h": 3}),
    ((2, 7, 12), "b s (h d) -> b h s d", {"h": 4}),
    ((2, 3, 4, 5), "b h w c -> (b h) (w c)", {}),
    ((2, 3, 4, 5), "b h w c -> b (c h w)", {}),
    ((6, 4, 5), "(b1 b2) h w -> (b2 w) (h b1)", {"b1": 2}),
    ((2, 1, 4), "b 1 c -> b c ()", {}),
    ((2, 3, 4), "b h w -> b h w", {}),
]


@pytest.mark.parametrize("shape,pattern,sizes", PATTERNS, ids=[p for _, p, _ in PATTERNS])
def test_matches_einops(shape, pattern, sizes):
    x = torch.randn(shape)
    for inp in (x, x.transpose(0, -1).contiguous().transpose(0, -1)):
        expected = einops.rearrange(inp, pattern, **sizes).contiguous()
        assert_bitwise(reshapeops.rearrange(inp, pattern, **sizes), expected)


class _Ops(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.seen = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.seen.append(str(func.overloadpacket.__name__))
        return func(*args, **(kwargs or {}))


def test_at_most_view_permute_view():
    x = torch.randn(2, 7, 12).transpose(0, 1)  # non-contiguous: splitting still is a view
    with _Ops() as ops:
        reshapeops.rearrange(x, "s b (h d) -> b h (s d)", h=4)
    assert ops.seen == ["view", "permute", "view"]


BAD = [
    ("b h w c -> b c h x", {}),
    ("b h h c -> b c h", {}),
    ("b (h w) c d -> b h w c d", {"h": 2}),
    ("b h w c -> b c h w", {"q": 2}),
    ("b h w -> b w h", {}),
    ("b (h w) c d -> b h w c d", {"h": 3, "w": 2}),
    ("b ((h) w) c d -> b h w c d", {}),
    ("b (h w c d -> b h w c d", {}),
    ("b h w c -> b c h w 2", {}),
    ("b h w 1 -> b h w", {}),
    ("b h w _c -> b h w _c", {}),
    ("b h w c! -> b h w c", {}),
]


@pytest.mark.parametrize("pattern,sizes", BAD, ids=[p for p, _ in BAD])
def test_errors_word_for_word(pattern, sizes):
    x = torch.randn(2, 3, 4, 5)
    with pytest.raises(einops.EinopsError) as theirs:
        einops.rearrange(x, pattern, **sizes)
    with pytest.raises(reshapeops.RearrangeError) as ours:
        reshapeops.rearrange(x, pattern, **sizes)
    assert isinstance(ours.value, RuntimeError)  # like einops.EinopsError
    assert str(ours.value) == str(theirs.value)


def test_cannot_infer_names_the_axes():
    with pytest.raises(reshapeops.RearrangeError, match=r"Could not infer sizes for \{'[hw]', '[hw]'\}"):
        reshapeops.rearrange(torch.randn(2, 6, 4, 5), "b (h w) c d -> b h w c d")


def test_unsupported_ellipsis_is_an_error():
    with pytest.raises(reshapeops.RearrangeError, match="ellipsis"):
        reshapeops.rearrange(torch.randn(2, 3), "b ... -> ... b")
