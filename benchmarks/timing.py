"""How time is measured: peers interleaved round by round, medians reported, caches cold or warm.

Machines here are shared and noisy. Timing each peer in its own burst lets a quiet or busy spell
favour one of them; instead every round runs every peer once (in a rotating order), and each peer's
median over the rounds is kept.

Cold (the default): before every timed call the last-level cache is emptied by reading a buffer four
times its size, so each call reads its inputs from memory and writes its output to memory: the
bandwidth the issue's targets are about, and how HPTT's benchmark times its transposes. The buffer is
read, not written, so the lines it leaves are clean and evicting them costs the timed call nothing.
It is read in pieces, each piece twice (see Clock.flush).

Warm: calls are repeated back to back within a round, and every peer of a case repeats the same
number of times. Repeating each peer until it had run for 2 ms instead favoured the faster peers at
sizes near the cache: the copy ran eight times in a row with its 32 MB mostly in a 32 MB L3, while a
slower peer ran once, right after the others had evicted its inputs.
"""
import statistics
import time

import torch

from reshapeops import _C  # the cache size, as the kernels' streaming thresholds see it

# Four times the cache, read in 16 pieces, each piece twice. The cache's replacement is not LRU: it
# keeps lines that were used more than once, and a buffer read once, however large, streams past
# them. Data a benchmark reads round after round (a case's input, the copy's source) stayed cached:
# a 16-32 MB tensor read twice, then a 128 MB buffer read once, was read again at 117-122 GB/s on two
# threads (the memory gives about 75). Lines read a second time while still cached are kept like
# the benchmark's, and displace them: after the pieces read twice the same tensor was read at 76-79
# GB/s, as after reading 1 GB once (69-74 GB/s), in 1.6-3 ms instead of 14.
_FLUSH_FACTOR = 4
_FLUSH_PIECES = 16


class Clock:
    """Wall time on the CPU; CUDA events (with synchronization) on a GPU. `cache`: "cold" or "warm"."""

    def __init__(self, device, cache="cold"):
        self.cuda = device == "cuda"
        self.cold = cache == "cold"
        self._flush_buffer = None
        self._flush_pieces = ()
        if self.cold:
            if self.cuda:
                l2 = torch.cuda.get_device_properties(torch.cuda.current_device()).L2_cache_size
                self._flush_buffer = torch.empty(_FLUSH_FACTOR * l2, dtype=torch.uint8, device="cuda")
            else:
                words = _FLUSH_FACTOR * _C.last_level_cache_bytes() // 8
                self._flush_buffer = torch.ones(words, dtype=torch.int64)
                self._flush_pieces = self._flush_buffer.chunk(_FLUSH_PIECES)

    def flush(self):
        if self.cuda:
            self._flush_buffer.zero_()  # writes: a GPU's L2 has no cheaper way to be emptied
        else:
            for piece in self._flush_pieces:
                piece.sum()
                piece.sum()

    def time(self, fn, repeat):
        if self.cold:
            self.flush()
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
    """Median seconds per call of each callable in `fns` (a dict), measured interleaved. With a cold
    clock every sample is one call; with a warm one, every peer repeats as often as the fastest
    needs to fill `min_seconds`."""
    once = {}
    for name, fn in fns.items():
        fn()  # warm-up: code paths, allocator, page tables
        once[name] = max(clock.time(fn, 1), 1e-7)
    repeat = 1 if clock.cold else max(1, int(min_seconds / min(once.values())))
    samples = {name: [] for name in fns}
    names = list(fns)
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            samples[name].append(clock.time(fns[name], repeat))
    return {name: statistics.median(values) for name, values in samples.items()}
