"""Opt-in routing of torch's own layout copies through reshapeops, with a TorchFunctionMode.

    with reshapeops.enabled():
        y = x.permute(0, 2, 3, 1).contiguous()   # reshapeops.contiguous of the permuted view
        z = x.transpose(1, 2).reshape(8, -1)       # reshapeops.reshape: torch would copy here
        s = torch.stack([a, b])                    # reshapeops.stack

Off by default; nothing is monkey-patched. enable()/disable() push and pop the mode for the calling
thread (torch keeps the mode stack per thread). Only calls whose result reshapeops reproduces exactly
(values, shape, dtype and strides) are routed; everything else reaches torch unchanged:
  * contiguous(): only a non-contiguous, plain strided tensor asked for contiguous_format;
  * reshape(): only when torch would copy (a view is free, and must stay a view);
  * stack()/cat(): without out=, when no input could make torch pick a channels-last result
    (4-D/5-D inputs must be contiguous), on devices reshapeops has kernels for.
Calls made while handling one run with the mode off, so it never recurses into itself.
"""
import contextlib
import threading

import torch
from torch.overrides import TorchFunctionMode

from . import _api
from ._viewability import blocking_dims

_DEVICES = {"cpu", "cuda"}
_state = threading.local()


def _plain(t):
    return type(t) is torch.Tensor and t.layout == torch.strided and t.device.type in _DEVICES


def _shape_arg(args):
    """reshape's shape, given as reshape(shape) or reshape(*sizes)."""
    if len(args) == 1 and not isinstance(args[0], int):
        return tuple(args[0])
    return tuple(args)


def _route_contiguous(args, kwargs):
    x = args[0]
    memory_format = args[1] if len(args) > 1 else kwargs.get("memory_format", torch.contiguous_format)
    if memory_format is torch.contiguous_format and _plain(x) and not x.is_contiguous():
        return _api.contiguous(x)
    return NotImplemented


def _route_reshape(args, kwargs):
    if kwargs or len(args) < 2 or not _plain(args[0]):
        return NotImplemented
    x, shape = args[0], _shape_arg(args[1:])
    if not all(isinstance(s, int) for s in shape):
        return NotImplemented
    try:
        target = torch.empty(x.shape, device="meta").reshape(shape).shape  # torch's checks and -1
    except RuntimeError:
        return NotImplemented  # let torch raise its own error
    if blocking_dims(x.shape, x.stride(), target) is None:
        return NotImplemented  # torch returns a view
    return _api.reshape(x, target)


def _route_concat(op, min_channels_last_dim, args, kwargs):
    if "out" in kwargs or not args or not isinstance(args[0], (list, tuple)) or not args[0]:
        return NotImplemented
    tensors, dim = args[0], args[1] if len(args) > 1 else kwargs.get("dim", 0)
    if set(kwargs) - {"dim"} or not isinstance(dim, int):
        return NotImplemented
    for t in tensors:
        if not isinstance(t, torch.Tensor) or not _plain(t) or t.device != tensors[0].device:
            return NotImplemented
        if t.dim() >= min_channels_last_dim and not t.is_contiguous():
            return NotImplemented
    return op(tensors, dim)


_ROUTES = {
    torch.Tensor.contiguous: _route_contiguous,
    torch.Tensor.reshape: _route_reshape,
    torch.reshape: _route_reshape,
    torch.stack: lambda a, k: _route_concat(_api.stack, 3, a, k),  # stack's inputs gain a dim
    torch.cat: lambda a, k: _route_concat(_api.cat, 4, a, k),
    torch.concat: lambda a, k: _route_concat(_api.cat, 4, a, k),
    torch.concatenate: lambda a, k: _route_concat(_api.cat, 4, a, k),
}


class ReshapeopsMode(TorchFunctionMode):
    """Routes the calls listed in the module docstring through reshapeops."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        route = _ROUTES.get(func)
        if route is not None:
            result = route(args, kwargs)
            if result is not NotImplemented:
                return result
        return func(*args, **kwargs)


def enable():
    """Route torch's layout copies through reshapeops in this thread until disable()."""
    if getattr(_state, "mode", None) is None:
        _state.mode = ReshapeopsMode()
        _state.mode.__enter__()


def disable():
    """Undo enable(). It must be the innermost TorchFunctionMode entered since, as modes form a stack."""
    mode = getattr(_state, "mode", None)
    if mode is None:
        return
    stack_len = torch._C._len_torch_function_stack()
    if stack_len == 0 or torch._C._get_function_stack_at(stack_len - 1) is not mode:
        raise RuntimeError("reshapeops.disable(): another TorchFunctionMode was entered after enable() "
                           "and is still active; exit it first")
    _state.mode = None
    mode.__exit__(None, None, None)


@contextlib.contextmanager
def enabled():
    """``with reshapeops.enabled():`` routes torch's layout copies through reshapeops inside the block."""
    with ReshapeopsMode():
        yield
