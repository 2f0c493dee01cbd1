"""The plan of a copy, in words: why a case is fast or slow.

    print(reshapeops.explain(x, (0, 2, 3, 1)))        # permute
    print(reshapeops.explain_reshape(x, (8, -1)))     # a view, or a copy and why
    print(reshapeops.explain_stack([a, b], dim=1))    # also explain_cat
    print(reshapeops.explain_view(x, "squeeze", 1))   # torch's view ops: no data moves

Each returns an Explanation (fields to test against, str() to read). A copy names the planner's folded
loop nest, the kernel it picked and its tile, and the bytes it reads and writes; the ceiling it is
measured against is a contiguous copy (memcpy) of the same bytes, which no layout copy can beat.
"""
import dataclasses

import torch

from . import _C
from ._viewability import blocking_dims

_KERNEL_WHY = {
    "contiguous": "one flat run in source and destination: a single memcpy, at the ceiling.",
    "rows": "the innermost dim is contiguous on both sides, so each row is one memcpy; near the ceiling "
    "when rows are long (hundreds of bytes), below it when they are a few elements and per-row costs "
    "dominate.",
    "transpose": "the destination's fastest dim is not the source's, so a tile small enough for the cache is "
    "read along the source's fast dim and written along the destination's; a fraction of the ceiling, "
    "lower when the tile's short side is under a 64-byte cache line.",
    "strided": "no dim is contiguous in the source, so every element is gathered on its own and may "
    "cost a cache line: far below the ceiling.",
    "empty": "nothing to move.",
}


@dataclasses.dataclass(frozen=True)
class Step:
    """One planned copy: the folded loop nest (outermost first; strides in elements) and its kernel."""

    kernel: str
    sizes: tuple
    src_strides: tuple
    dst_strides: tuple
    element_size: int
    tile: tuple | None  # transpose only: (extent along the source-fast dim, along the last dim)
    method: str | None  # transpose only: which of the transpose kernels, and on which instruction set
    streaming_stores: bool  # whether the output bypasses the cache (it is larger than the cache)
    bytes_read: int
    bytes_written: int

    def __str__(self):
        if self.kernel == "empty":
            return "kernel empty: " + _KERNEL_WHY["empty"]
        text = (
            f"folded shape {list(self.sizes)}, source strides {list(self.src_strides)}, destination "
            f"strides {list(self.dst_strides)} (elements of {self.element_size} B)\n"
            f"kernel {self.kernel}"
        )
        if self.tile:
            text += f", tile {self.tile[0]} x {self.tile[1]} elements"
        if self.method:
            text += f" ({self.method})"
        if self.streaming_stores:
            text += ", streaming stores"
        return text + ": " + _KERNEL_WHY[self.kernel]


@dataclasses.dataclass(frozen=True)
class Explanation:
    op: str
    moves_data: bool
    reason: str  # why data moves, or why it does not
    steps: tuple = ()
    bytes_read: int = 0
    bytes_written: int = 0

    def __str__(self):
        lines = [f"{self.op}: {self.reason}"]
        lines += [str(step) for step in self.steps]
        if self.moves_data:
            moved = self.bytes_read + self.bytes_written
            lines.append(
                f"bytes to move: {self.bytes_read} read + {self.bytes_written} written = {moved}; ceiling: "
                f"a contiguous copy (memcpy) of the same {self.bytes_written} bytes, {moved} bytes of traffic."
            )
        return "\n".join(lines)


def _row_major(sizes):
    strides, step = [], 1
    for size in reversed(list(sizes)):
        strides.append(step)
        step *= size
    return strides[::-1]


def _step(sizes, src_strides, dst_strides, element_size):
    plan = _C.describe_plan(list(sizes), list(src_strides), list(dst_strides), element_size)
    tile = tuple(plan["tile"]) if "tile" in plan else None
    method = f'{plan["method"]} on {plan["isa"]}' if "method" in plan else None
    # A broadcast (stride-0) source dim is read once however often it is written.
    read = element_size
    for size, stride in zip(sizes, src_strides):
        read *= size if stride != 0 else 1
    written = plan["numel"] * element_size
    return Step(
        plan["kernel"], tuple(plan["sizes"]), tuple(plan["src_strides"]), tuple(plan["dst_strides"]),
        element_size, tile, method, plan["streaming_stores"], read if written else 0, written,
    )


def _copy(op, reason, steps):
    return Explanation(
        op, True, reason, tuple(steps), sum(s.bytes_read for s in steps), sum(s.bytes_written for s in steps)
    )


def explain(x, dims):
    """How ``reshapeops.permute(x, dims)`` (== ``x.permute(dims).contiguous()``) moves its data."""
    view = x.permute(dims)
    step = _step(view.shape, view.stride(), _row_major(view.shape), x.element_size())
    return _copy(f"permute{tuple(dims)} of {list(x.shape)}", "a copy into new row-major memory.", [step])


def explain_reshape(x, shape):
    """Whether torch's ``x.reshape(shape)`` is a view, and how reshapeops.reshape copies it."""
    op = f"reshape of {list(x.shape)} (strides {list(x.stride())}) to {list(shape)}"
    target = torch.empty(x.shape, device="meta").reshape(shape).shape  # torch's checks and -1
    step = _step(x.shape, x.stride(), _row_major(x.shape), x.element_size())
    blocked = blocking_dims(x.shape, x.stride(), target)
    if blocked is None:
        return Explanation(
            op, False,
            "torch serves this as a view: no data moves. Every new dim splits or merges input dims that are "
            f"adjacent in memory, so new strides exist for {list(target)} over the same storage. "
            f"(reshapeops.reshape would still copy: {step.bytes_written} bytes, kernel {step.kernel}.)",
        )
    a, b, new = blocked
    why = (
        f"a copy is needed: new dim {new} (size {target[new]}) would merge input dims {a} and {b} "
        f"(sizes {x.shape[a]}, {x.shape[b]}; strides {x.stride(a)}, {x.stride(b)}), which are not "
        f"adjacent in memory (dim {a} would need stride {x.stride(b) * x.shape[b]}), so no strides "
        "over the same storage give the new shape."
    )
    return _copy(op, why, [step])


def explain_view(x, op, *args):
    """``getattr(x, op)(*args)`` for torch's view ops (view, squeeze, unsqueeze, ...): says that no data
    moves and why, or that this call returned new memory after all."""
    y = getattr(x, op)(*args)
    name = f"{op}({', '.join(map(repr, args))}) of {list(x.shape)}"
    if y.untyped_storage().data_ptr() == x.untyped_storage().data_ptr() and x.numel():
        return Explanation(
            name, False,
            f"a view: no data moves. The result shares x's storage with sizes {list(y.shape)}, strides "
            f"{list(y.stride())} and offset {y.storage_offset()}; only this metadata is computed, in time "
            "independent of the tensor's size.",
        )
    step = _step(y.shape, y.stride(), y.stride(), y.element_size())
    return _copy(name, "torch returned new memory: the requested layout is not a view of x.", [step])


def _concat(op, tensors, dim, new_dim):
    out = (torch.stack if new_dim else torch.cat)([t.to("meta") for t in tensors], dim)
    d = dim % out.dim()
    name = f"{op} of {len(tensors)} tensors along dim {d} into {list(out.shape)}"
    out_strides = _row_major(out.shape)
    if all(t.is_contiguous() for t in tensors):
        rows = 1
        for size in out.shape[:d]:
            rows *= size
        written = out.numel() * out.element_size()
        read = sum(t.numel() * t.element_size() for t in tensors)
        return Explanation(
            name, True,
            f"all inputs are contiguous: one parallel pass writes each of the {rows} output rows of "
            f"{written // max(rows, 1)} B by copying one row of each input in turn (a memcpy per piece; "
            "near the ceiling unless the pieces are a few elements).",
            (), read, written,
        )
    steps = []
    for t in tensors:
        if not new_dim and t.dim() == 1 and t.numel() == 0:
            continue  # torch.cat skips 1-D empty inputs
        sizes, strides = list(t.shape), list(t.stride())
        dst = list(out_strides)
        if new_dim:
            del dst[d]
        steps.append(_step(sizes, strides, dst, t.element_size()))
    return _copy(name, "some input is not contiguous: each input is copied into its slice of the output.", steps)


def explain_stack(tensors, dim=0):
    """How ``reshapeops.stack(tensors, dim)`` moves its data."""
    return _concat("stack", tensors, dim, True)


def explain_cat(tensors, dim=0):
    """How ``reshapeops.cat(tensors, dim)`` moves its data."""
    return _concat("cat", tensors, dim, False)
