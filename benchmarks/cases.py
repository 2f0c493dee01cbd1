"""What is measured: the default, quick and full lists of cases.

A case names an op, its arguments and a base shape; dtypes are chosen per run by element size. Shapes
are typical of models (image layouts, attention heads, video), sized so that every element size moves
at least 16 MB in the default list: far past L2, comparable to the last-level cache, where layout
copies are bound by memory rather than by instructions.
"""
import dataclasses

import torch

# One dtype per element size; a copy does not care which (kernels are keyed on size).
DTYPES = {1: torch.uint8, 2: torch.float16, 4: torch.float32, 8: torch.float64}


@dataclasses.dataclass(frozen=True)
class Case:
    op: str  # "permute", "reshape", "stack" or "cat"
    name: str
    shape: tuple  # input shape (each input's, for stack/cat)
    arg: tuple | int  # dims (permute), target shape (reshape), dim (stack/cat)
    count: int = 1  # inputs, for stack/cat
    view: str = ""  # reshape: how the non-contiguous input is made ("t12": transpose(1, 2), ...)

    @property
    def label(self):
        return f"{self.op} {self.name}"


def _scaled(n):
    """Scales a leading dim so a case written for 2**24 elements has about n; inner dims stay as in
    the use case."""
    return lambda lead: max(1, lead * n // (1 << 24))


def _permutes(n):
    """Permutes of about n elements (n = 2**24 by default: 16 MB at one byte per element)."""
    k = _scaled(n)
    return [
        Case("permute", "2-D transpose 4096x4096", (k(4096), 4096), (1, 0)),
        Case("permute", "2-D transpose 3000x5592", (k(3000), 5592), (1, 0)),
        Case("permute", "(b,m,n)->(b,n,m) 64x512x512", (k(64), 512, 512), (0, 2, 1)),
        Case("permute", "NCHW->NHWC C=3", (k(32), 3, 416, 416), (0, 2, 3, 1)),
        Case("permute", "NHWC->NCHW C=3", (k(32), 416, 416, 3), (0, 3, 1, 2)),
        Case("permute", "NCHW->NHWC C=64", (k(16), 64, 128, 128), (0, 2, 3, 1)),
        Case("permute", "NHWC->NCHW C=64", (k(16), 128, 128, 64), (0, 3, 1, 2)),
        Case("permute", "heads split (b,s,h,d)->(b,h,s,d)", (k(16), 1024, 16, 64), (0, 2, 1, 3)),
        Case("permute", "heads merge (b,h,s,d)->(b,s,h,d)", (k(16), 16, 1024, 64), (0, 2, 1, 3)),
        Case("permute", "video NCTHW->NTHWC", (k(4), 16, 16, 128, 128), (0, 2, 3, 4, 1)),
        Case("permute", "video NTHWC->NCTHW", (k(4), 16, 128, 128, 16), (0, 4, 1, 2, 3)),
        Case("permute", "4-D reversal", (k(64), 64, 64, 64), (3, 2, 1, 0)),
        Case("permute", "6-D reversal", (k(16), 16, 16, 16, 16, 16), (5, 4, 3, 2, 1, 0)),
    ]


def _stacks(n):
    k = _scaled(n)
    cases = []
    for count, shape in [(2, (k(4096), 2048)), (10, (k(1024), 1600)), (100, (k(160000),)),
                         (1000, (k(128), 128)), (10000, (k(1600),)), (4, (k(16), 64, 64, 64))]:
        for dim in (0, -1):
            where = "first" if dim == 0 else "last"
            cases.append(Case("stack", f"{count} x {list(shape)} on {where} dim", shape, dim, count))
    return cases


def _reshapes(n):
    k = _scaled(n)
    return [
        Case("reshape", "transpose(1,2) -> (b, -1)", (k(64), 512, 512), (k(64), -1), view="t12"),
        Case("reshape", "NCHW.permute(0,2,3,1) -> (-1, C)", (k(16), 64, 128, 128), (-1, 64), view="nhwc"),
        Case("reshape", "x[:, ::2] -> (-1,)", (k(4096), 8192), (-1,), view="step2"),
    ]


def _cats(n):
    k = _scaled(n)
    return [
        Case("cat", "3 x [4096, 1365] on last dim", (k(4096), 1365), -1, 3),
        Case("cat", "64 x [262144] on first dim", (k(262144),), 0, 64),
    ]


def _tiny():
    return [
        Case("permute", "tiny 4x8x16", (4, 8, 16), (0, 2, 1)),
        Case("permute", "tiny NCHW->NHWC 1x3x8x8", (1, 3, 8, 8), (0, 2, 3, 1)),
        Case("stack", "tiny 2 x [16, 16]", (16, 16), 0, 2),
        Case("reshape", "tiny transpose -> flat", (8, 32), (-1,), view="t01"),
    ]


LISTS = {
    "quick": dict(elements=1 << 22, sizes=(1, 4), builders=(_permutes, _stacks, _reshapes)),
    "default": dict(elements=1 << 24, sizes=(1, 2, 4, 8), builders=(_permutes, _stacks, _reshapes, _cats)),
    "full": dict(elements=1 << 26, sizes=(1, 2, 4, 8), builders=(_permutes, _stacks, _reshapes, _cats)),
}


def cases_for(size, ops):
    """The cases of a list ("quick", "default", "full") for the given ops, plus the tiny ones."""
    spec = LISTS[size]
    chosen = [c for build in spec["builders"] for c in build(spec["elements"]) if c.op in ops]
    return chosen, [c for c in _tiny() if c.op in ops]
