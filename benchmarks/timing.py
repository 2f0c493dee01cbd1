"""How time is measured: peers interleaved round by round, medians reported.

Machines here are shared and noisy. Timing each peer in its own burst lets a quiet or busy spell
favour one of them; instead every round runs every peer once (in a rotating order), and each peer's
median over the rounds is kept. A call that takes under a few milliseconds is repeated inside its
round so the timer's resolution does not matter.
"""
import statistics
import time

import torch


class Clock:
    """Wall time on the CPU; CUDA events (with synchronization) on a GPU."""

    def __init__(self, device):
        self.cuda = device == "cuda"

    def time(self, fn, repeat):
        if self.cuda:
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            for _ in range(repeat):
                fn()
            end.record()
            end.synchronize()
            return start.elapsed_time(end) / 1e3 / repeat
        begin = time.perf_counter()
        for _ in range(repeat):
            fn()
        return (time.perf_counter() - begin) / repeat


def measure(fns, clock, rounds, min_seconds=2e-3):
    """Median seconds per call of each callable in `fns` (a dict), measured interleaved."""
    repeat = {}
    for name, fn in fns.items():
        fn()  # warm-up: code paths, allocator, page tables
        once = max(clock.time(fn, 1), 1e-7)
        repeat[name] = max(1, int(min_seconds / once))
    samples = {name: [] for name in fns}
    names = list(fns)
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            samples[name].append(clock.time(fns[name], repeat[name]))
    return {name: statistics.median(values) for name, values in samples.items()}
