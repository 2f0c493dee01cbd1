"""explain*: the plan in words, with fields that match the planner."""
import torch

import reshapeops


def test_permute_nchw_to_nhwc_is_a_batched_transpose():
    x = torch.randn(8, 3, 16, 16)
    e = reshapeops.explain(x, (0, 2, 3, 1))
    (step,) = e.steps
    assert e.moves_data and step.kernel == "transpose"
    assert step.sizes == (8, 256, 3) and step.tile is not None
    assert e.bytes_read == e.bytes_written == x.numel() * 4
    text = str(e)
    for words in ("folded shape [8, 256, 3]", "kernel transpose", "tile", "read", "written", "ceiling", "memcpy"):
        assert words in text


def test_identity_permute_is_one_memcpy():
    e = reshapeops.explain(torch.randn(4, 5), (0, 1))
    assert e.steps[0].kernel == "contiguous" and e.steps[0].sizes == (20,)


def test_broadcast_source_reads_less_than_it_writes():
    e = reshapeops.explain(torch.randn(5, 1).expand(5, 7), (1, 0))
    assert e.bytes_read == 5 * 4 and e.bytes_written == 35 * 4


def test_reshape_as_view_says_no_data_moves():
    e = reshapeops.explain_reshape(torch.randn(2, 3, 4), (6, -1))
    assert not e.moves_data and "no data moves" in str(e)


def test_reshape_copy_names_the_blocking_dims():
    x = torch.randn(2, 3, 4).transpose(1, 2)  # sizes (2, 4, 3), strides (12, 1, 4)
    e = reshapeops.explain_reshape(x, (2, 12))
    assert e.moves_data and "merge input dims 1 and 2" in e.reason


def test_view_ops_move_nothing():
    x = torch.randn(2, 1, 3)
    for op, args in [("view", (6,)), ("squeeze", (1,)), ("unsqueeze", (0,)), ("transpose", (0, 2))]:
        e = reshapeops.explain_view(x, op, *args)
        assert not e.moves_data and "no data moves" in str(e)


def test_stack_and_cat():
    a, b = torch.randn(3, 4), torch.randn(3, 4)
    assert "one parallel pass" in str(reshapeops.explain_cat([a, b], 1))
    e = reshapeops.explain_stack([a, b.t().contiguous().t()], 0)
    assert [s.kernel for s in e.steps] == ["contiguous", "transpose"]
    assert e.bytes_written == 2 * 12 * 4
