"""The ops called from several Python threads at once give the same results as one thread."""
from concurrent.futures import ThreadPoolExecutor

import torch

import reshapeops
from _bits import assert_bitwise


def _work(seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(4, 16, 24, 8, generator=g)
    return [
        reshapeops.permute(x, (0, 3, 1, 2)),
        reshapeops.reshape(x.transpose(1, 2), (4, -1)),
        reshapeops.stack([x, x.transpose(1, 2).contiguous().transpose(1, 2)], dim=2),
        reshapeops.cat([x, x[:, :3]], dim=1),
        reshapeops.rearrange(x, "b h w c -> b (c w) h"),
    ]


def test_concurrent_calls_match_serial():
    seeds = list(range(8)) * 4
    serial = [_work(s) for s in seeds]
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(_work, seeds))
    for mine, theirs in zip(concurrent, serial):
        for a, b in zip(mine, theirs):
            assert_bitwise(a, b)


def test_enabled_mode_is_per_thread():
    x = torch.randn(3, 4, 5)
    with reshapeops.enabled(), ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: x.permute(2, 0, 1).contiguous(), range(8)))
    for r in results:
        assert_bitwise(r, x.permute(2, 0, 1).contiguous())
