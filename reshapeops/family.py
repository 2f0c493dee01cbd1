"""The rest of torch's layout family, on reshapeops' permute and reshape ops.

Unlike torch, where these return views, each function here always copies: the result is new,
row-major memory equal to torch's result ``.contiguous()``. The family's contract is "materialize the
layout", so a caller can rely on the result owning its storage whatever the input's strides (even where
torch's view would already be contiguous). For a view, call torch.

Arguments are checked by torch's own (free) view op first, so bad dims raise exactly torch's errors and
the shapes are torch's; the data then moves in one planned copy through the permute or reshape op, which
carry autograd and fake implementations.
"""
from ._api import permute, reshape


def transpose(x, dim0, dim1):
    """``x.transpose(dim0, dim1).contiguous()``, always a copy."""
    x.transpose(dim0, dim1)  # torch's checks
    n = x.dim()
    if n == 0:
        return permute(x, [])
    perm = list(range(n))
    perm[dim0 % n], perm[dim1 % n] = perm[dim1 % n], perm[dim0 % n]
    return permute(x, perm)


def movedim(x, source, destination):
    """``torch.movedim(x, source, destination).contiguous()``, always a copy."""
    x.movedim(source, destination)  # torch's checks (lengths, range, repeats)
    n = x.dim()
    if n == 0:
        return permute(x, [])
    source = [source] if isinstance(source, int) else list(source)
    destination = [destination] if isinstance(destination, int) else list(destination)
    perm = [-1] * n
    for s, d in zip(source, destination):
        perm[d % n] = s % n
    moved = {s % n for s in source}
    rest = iter(i for i in range(n) if i not in moved)
    return permute(x, [p if p >= 0 else next(rest) for p in perm])


def flatten(x, start_dim=0, end_dim=-1):
    """``torch.flatten(x, start_dim, end_dim).contiguous()``, always a copy."""
    return reshape(x, x.flatten(start_dim, end_dim).shape)


def unflatten(x, dim, sizes):
    """``x.unflatten(dim, sizes).contiguous()``, always a copy; one entry of ``sizes`` may be -1."""
    return reshape(x, x.unflatten(dim, sizes).shape)
