"""The eager path of stack/cat (csrc/eager_concat.cpp), which skips the dispatcher for plain CPU
tensors: it must give what the op gives, and leave to the dispatcher every call that needs it."""
import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode

import reshapeops
from helpers import assert_bitwise_equal, random_tensor

OPS = torch.ops.reshapeops


class OpLog(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.ops = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.ops.append(str(func))
        return func(*args, **(kwargs or {}))


@pytest.mark.parametrize("op", ["stack", "cat"])
def test_fast_path_matches_the_op(op, gen):
    xs = [random_tensor((3, 5), torch.float32, gen) for _ in range(7)]
    fn, ref = getattr(reshapeops, op), getattr(torch, op)
    for dim in (0, 1, -1):
        assert_bitwise_equal(fn(xs, dim), ref(xs, dim))
        assert_bitwise_equal(fn(tuple(xs), dim), ref(xs, dim))
        out = torch.empty_like(ref(xs, dim))
        version = out._version
        assert fn(xs, dim, out=out) is out
        assert out._version > version  # written in place, as the dispatcher's out= ops record
        assert_bitwise_equal(out, ref(xs, dim))


def test_conjugate_and_negative_views_are_materialized(gen):
    c = random_tensor((4, 3), torch.complex64, gen)
    views = [c.conj(), c, torch._neg_view(c)]
    assert views[0].is_conj() and views[2].is_neg()
    assert_bitwise_equal(reshapeops.stack(views, 1), torch.stack(views, 1))
    assert_bitwise_equal(reshapeops.cat(views), torch.cat(views))


@pytest.mark.parametrize("op", ["stack", "cat"])
def test_dispatch_modes_still_see_the_op(op, gen):
    xs = [random_tensor((2, 3), torch.float32, gen) for _ in range(3)]
    out = torch.empty(0)
    with OpLog() as log:
        getattr(reshapeops, op)(xs)
        getattr(reshapeops, op)(xs, out=out)
    assert log.ops == [f"reshapeops.{op}.default", f"reshapeops.{op}.out"]


def test_inference_mode_autograd_and_subclasses_fall_back(gen):
    xs = [random_tensor((2, 3), torch.float32, gen) for _ in range(3)]
    with torch.inference_mode():
        assert_bitwise_equal(reshapeops.stack(xs), torch.stack(xs))
    grads = [x.clone().requires_grad_() for x in xs]
    y = reshapeops.stack(grads, 1)
    assert y.grad_fn is not None
    with torch.no_grad():
        assert reshapeops.stack(grads, 1).grad_fn is None
    params = [torch.nn.Parameter(x) for x in xs]
    assert reshapeops.cat(params).grad_fn is not None
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        reshapeops.stack(grads, out=torch.empty(0))


def test_non_int_dim_gets_the_ops_error(gen):
    xs = [random_tensor((2, 3), torch.float32, gen) for _ in range(2)]
    for fn, op in ((reshapeops.stack, OPS.stack.default), (reshapeops.cat, OPS.cat.default)):
        with pytest.raises(Exception) as ours:
            fn(xs, 0.5)
        with pytest.raises(Exception) as theirs:
            op(xs, 0.5)
        assert type(ours.value) is type(theirs.value) and str(ours.value) == str(theirs.value)


def test_long_lists_of_views_fall_back_only_when_a_base_needs_grad(gen):
    # Long enough for every prefetch stage of the eager pass to run; views reach requires_grad through
    # their base's metadata.
    base = random_tensor((100, 7), torch.float32, gen)
    views = list(base.unbind(0))
    assert_bitwise_equal(reshapeops.stack(views, 1), torch.stack(views, 1))
    graded = base.clone().requires_grad_()
    views = list(graded.unbind(0))
    y = reshapeops.stack(views, 1)
    assert y.grad_fn is not None
    y.sum().backward()
    assert_bitwise_equal(graded.grad, torch.ones_like(base))


@pytest.mark.parametrize("op", ["stack", "cat"])
def test_a_non_tensor_late_in_a_long_list_gets_torch_error(op, gen):
    xs = [random_tensor((2, 3), torch.float32, gen) for _ in range(60)]
    xs[45] = 1.5
    for args in ((xs,), (tuple(xs), 0.5), ([xs[0].requires_grad_()] + xs[1:],)):
        with pytest.raises(TypeError) as ours:
            getattr(reshapeops, op)(*args)
        with pytest.raises(TypeError) as theirs:
            getattr(torch, op)(*args)
        assert str(ours.value) == str(theirs.value) == "expected Tensor as element 45 in argument 0, but got float"


def test_inputs_stay_alive_when_only_the_call_holds_them(gen):
    # The list is the only owner of its tensors: the eager path must keep them alive itself.
    out = reshapeops.stack([random_tensor((64,), torch.float32, gen) for _ in range(50)])
    assert out.shape == (50, 64)
    expected = [random_tensor((3,), torch.int64, gen) for _ in range(40)]
    assert_bitwise_equal(reshapeops.cat([x.clone() for x in expected]), torch.cat(expected))


@pytest.fixture(params=[1, 2], ids=["1thread", "2threads"])
def threads(request):
    before = torch.get_num_threads()
    torch.set_num_threads(request.param)
    yield
    torch.set_num_threads(before)


@pytest.mark.parametrize("op", ["stack", "cat"])
def test_long_lists_scanned_in_parallel_runs(op, gen, threads):
    # 5,000 inputs are scanned by several threads in runs of 1,024; what a later run finds must win
    # or lose exactly as in one pass: promotion, the first mismatch, the first input needing autograd.
    fn, ref = getattr(reshapeops, op), getattr(torch, op)
    xs = [random_tensor((3,), torch.int16, gen) for _ in range(5000)]
    xs[3001] = xs[3001].to(torch.float64)
    xs[4500] = xs[4500].to(torch.int32)
    assert_bitwise_equal(fn(xs, 0), ref(xs, 0))
    assert_bitwise_equal(getattr(OPS, op).default(xs, 0), ref(xs, 0))  # the dispatcher's path scans alike
    out = torch.empty_like(ref(xs, 0))
    assert_bitwise_equal(fn(xs, 0, out=out), ref(xs, 0))
    shaped = list(xs)
    shaped[2500], shaped[4000] = random_tensor((3, 1), torch.int16, gen), random_tensor((5,), torch.int16, gen)
    with pytest.raises(RuntimeError) as ours:
        fn(shaped, 0)
    with pytest.raises(RuntimeError) as theirs:
        ref(shaped, 0)
    assert str(ours.value) == str(theirs.value)
    assert ("at entry 2500" if op == "stack" else "got 1 and 2") in str(ours.value)
    graded = list(xs)
    graded[3500] = graded[3500].to(torch.float32).requires_grad_()
    y = fn(graded, 0)
    assert y.grad_fn is not None
    assert_bitwise_equal(y.detach(), ref(graded, 0).detach())
    graded[4200] = "x"
    with pytest.raises(TypeError, match="expected Tensor as element 4200 in argument 0, but got str"):
        fn(graded, 0)
