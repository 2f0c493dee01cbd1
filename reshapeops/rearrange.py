"""einops-style ``rearrange`` for patterns made of permutes, splits and merges of axes.

    rearrange(x, "b h w c -> b c h w")
    rearrange(x, "b (h w) c -> b h w c", h=16)
    rearrange(x, "b s (h d) -> b h s d", h=8)

Every pattern compiles to at most three steps: a view that splits the input's grouped axes into
elementary ones (splitting a dim, or dropping a size-1 one, is always possible as a view), one permute
copy through reshapeops, and a view that merges the output's groups (free: the copy is row-major).
So the result is always new, contiguous memory, equal to ``einops.rearrange(x, ...).contiguous()``.

Errors are a RearrangeError (a RuntimeError, like einops.EinopsError) worded as einops words them.
Parsed patterns and the plans for each input shape are cached, as einops caches its recipes.
Not supported: ellipsis (``...``); anonymous axes other than ``1`` / ``()``, as in einops' rearrange.
"""
import functools
import keyword

import torch

from ._api import permute


class RearrangeError(RuntimeError):
    """A bad rearrange pattern or sizes; the message follows einops'."""


class _PatternError(Exception):
    """The reason alone; rearrange() wraps it in einops' context (pattern, shape, sizes)."""


def _axis_name_problem(name):
    if not name.isidentifier():
        return "not a valid python identifier"
    if name[0] == "_" or name[-1] == "_":
        return "axis name should should not start or end with underscore"  # sic, as einops words it
    if keyword.iskeyword(name):
        return f"axis name {name} is a python keyword"
    return None


def _parse_side(expression):
    """A side of the pattern as a tuple of groups (tuples of axis names), plus its anonymous lengths."""
    groups, current, name, anonymous = [], None, "", []

    def end_name():
        nonlocal name
        if not name:
            return
        if name.isdecimal():  # an anonymous axis: "1" is a size-1 dim (nothing inside a group)
            if int(name) != 1:
                anonymous.append(int(name))
            elif current is None:
                groups.append(())
        else:
            problem = _axis_name_problem(name)
            if problem:
                raise _PatternError(f"Invalid axis identifier: {name}\n{problem}")
            if any(name in g for g in groups) or name in (current or ()):
                raise _PatternError(f'Indexing expression contains duplicate dimension "{name}"')
            if current is None:
                groups.append((name,))
            else:
                current.append(name)
        name = ""

    for char in expression:
        if char in " ()":
            end_name()
            if char == "(":
                if current is not None:
                    raise _PatternError("Axis composition is one-level (brackets inside brackets not allowed)")
                current = []
            elif char == ")":
                if current is None:
                    raise _PatternError("Brackets are not balanced")
                groups.append(tuple(current))
                current = None
        elif char == ".":
            raise _PatternError("reshapeops.rearrange does not support ellipsis (...)")
        elif char.isalnum() or char == "_":
            name += char
        else:
            raise _PatternError(f"Unknown character '{char}'")
    if current is not None:
        raise _PatternError(f'Imbalanced parentheses in expression: "{expression}"')
    end_name()
    return tuple(groups), anonymous


@functools.lru_cache(maxsize=256)
def _parse(pattern, size_names):
    """(left groups, right groups) for a pattern, checked as einops checks a rearrange recipe."""
    sides = pattern.split("->")
    if len(sides) != 2:
        raise _PatternError("Pattern should contain exactly one '->'")
    (left, left_anonymous), (right, right_anonymous) = _parse_side(sides[0]), _parse_side(sides[1])
    if left_anonymous or right_anonymous:
        raise _PatternError("Non-unitary anonymous axes are not supported in rearrange (exception is length 1)")
    left_names = {a for g in left for a in g}
    right_names = {a for g in right for a in g}
    difference = left_names.symmetric_difference(right_names)
    if difference:
        raise _PatternError(f"Identifiers only on one side of expression (should be on both): {difference}")
    for name in size_names:
        if name not in left_names:
            raise _PatternError(f"Axis {name} is not used in transform")
    return left, right


@functools.lru_cache(maxsize=1024)
def _plan(left, right, shape, sizes):
    """(split shape, permutation, merged shape or None where the permuted shape is already it)."""
    if len(shape) != len(left):
        raise _PatternError(f"Wrong shape: expected {len(left)} dims. Received {len(shape)}-dim tensor.")
    known = dict(sizes)
    for group, length in zip(left, shape):
        unknown = {a for a in group if a not in known}
        if len(unknown) > 1:
            raise _PatternError(f"Could not infer sizes for {unknown}")
        product = 1
        for a in group:
            product *= known.get(a, 1)
        if unknown:
            if product == 0 or length % product != 0:
                raise _PatternError(f"Shape mismatch, can't divide axis of length {length} in chunks of {product}")
            known[unknown.pop()] = length // product
        elif length != product:
            raise _PatternError(f"Shape mismatch, {length} != {product}")
    elementary = [a for g in left for a in g]
    split = tuple(known[a] for a in elementary)
    perm = tuple(elementary.index(a) for g in right for a in g)
    merged = []
    for group in right:
        product = 1
        for a in group:
            product *= known[a]
        merged.append(product)
    merged = tuple(merged)
    return split, perm, None if merged == tuple(split[p] for p in perm) else merged


def rearrange(x, pattern, **sizes):
    """``einops.rearrange(x, pattern, **sizes)`` as new, contiguous memory (one reshapeops copy)."""
    # Under torch.compile the pattern is traced once per graph; the caches would only add warnings.
    parse, plan = (_parse.__wrapped__, _plan.__wrapped__) if torch.compiler.is_compiling() else (_parse, _plan)
    try:
        left, right = parse(pattern, tuple(sizes))
        split, perm, merged = plan(left, right, tuple(x.shape), tuple(sizes.items()))
    except _PatternError as e:
        raise RearrangeError(
            f' Error while processing rearrange-reduction pattern "{pattern}".\n Input tensor shape: '
            f"{x.shape}. Additional info: {sizes}.\n {e}"
        ) from None
    y = permute(x.view(split) if split != tuple(x.shape) else x, perm)
    return y if merged is None else y.view(merged)
