"""Page size and layout copies: each default permute case into out=, with its input and output on 4 KB
pages and again on 2 MB pages, timed in one process, interleaved, from cold caches.

    python -m benchmarks.pages [--dtype-sizes 1,4] [--rounds 9] [--out FILE]

A transpose writes a few lines to each of hundreds of destination rows per tile; rows a page or more
apart each lie on a page of their own, and every one of those pages needs a translation: on 4 KB
pages, far more than the TLB holds. On 2 MB pages a whole 64 MB tensor takes 32 entries. A plain copy
walks each page from end to end and barely notices. Which pages a tensor gets is the
allocator's choice: torch's CPU allocator asks for 2 MB pages when THP_MEM_ALLOC_ENABLE=1 is set
(and transparent huge pages are in "madvise" or "always" mode), numpy does so by default for large
arrays, and reshapeops does it for the large outputs it allocates. Here the buffers are mapped
directly, advised one way or the other, so both page sizes are measured side by side in one run.
"""
import argparse
import json
import mmap
import sys

import torch

import reshapeops

from . import cases, machine, peers
from .timing import Clock, measure

_HUGE = 2 << 20


class PagedBuffers:
    """Anonymous private mappings, each advised for 2 MB pages or against them; keeps them alive."""

    def __init__(self):
        self._maps = []

    def tensor(self, shape, dtype, huge):
        nbytes = torch.empty((), dtype=dtype).element_size()
        for s in shape:
            nbytes *= s
        m = mmap.mmap(-1, nbytes + _HUGE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        m.madvise(mmap.MADV_HUGEPAGE if huge else mmap.MADV_NOHUGEPAGE)
        self._maps.append(m)
        raw = torch.frombuffer(m, dtype=torch.uint8)
        start = -raw.data_ptr() % _HUGE  # 2 MB aligned, so the first and last pages can be huge too
        return raw[start:start + nbytes].view(dtype).view(shape)


def huge_page_kb():
    """AnonHugePages of this process (KB): whether the advice was taken."""
    with open("/proc/self/smaps_rollup") as f:
        for line in f:
            if line.startswith("AnonHugePages:"):
                return int(line.split()[1])
    return 0


def run_case(case, dtype, buffers, clock, rounds, generator):
    data = peers.random_tensor(case.shape, dtype, "cpu", generator)
    out_shape = [case.shape[d] for d in case.arg]
    sides = {}
    for huge in (False, True):
        x = buffers.tensor(case.shape, dtype, huge)
        x.copy_(data)
        out = buffers.tensor(out_shape, dtype, huge)
        out.fill_(0)
        twin = buffers.tensor(case.shape, dtype, huge)
        twin.fill_(0)
        reshapeops.permute(x, case.arg, out=out)
        expected = data.permute(case.arg).contiguous()
        if not peers.bitwise_equal(out, expected):
            raise AssertionError(f"{case.label} {dtype}: result differs from torch's")
        sides[huge] = (x, out, twin)
    fns = {}
    for huge, (x, out, twin) in sides.items():
        fns[("ours", huge)] = lambda x=x, out=out: reshapeops.permute(x, case.arg, out=out)
        fns[("copy", huge)] = lambda x=x, twin=twin: twin.copy_(x)
    gbs = {key: 2 * data.nbytes / t / 1e9 for key, t in measure(fns, clock, rounds).items()}
    return {
        "case": case.label, "dtype": str(dtype).replace("torch.", ""), "mbytes": data.nbytes / 1e6,
        "ours_4k_gbs": gbs[("ours", False)], "copy_4k_gbs": gbs[("copy", False)],
        "ours_2m_gbs": gbs[("ours", True)], "copy_2m_gbs": gbs[("copy", True)],
        "pct_of_copy_4k": 100 * gbs[("ours", False)] / gbs[("copy", False)],
        "pct_of_copy_2m": 100 * gbs[("ours", True)] / gbs[("copy", True)],
    }


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.pages", description=__doc__.splitlines()[0])
    p.add_argument("--dtype-sizes", default="1,2,4,8", help="element sizes in bytes")
    p.add_argument("--rounds", type=int, default=9, help="interleaved rounds per case (median kept)")
    p.add_argument("--out", default=None, help="also write the rows and the machine to this JSON file")
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.dtype_sizes.split(",")]
    buffers, clock, generator = PagedBuffers(), Clock("cpu"), torch.Generator().manual_seed(0)
    permutes, _ = cases.cases_for("default", ("permute",))
    rows = []
    print(f"{'case':40} {'dtype':8} {'4 KB pages':>22} {'2 MB pages':>22}  2 MB / 4 KB")
    for case in permutes:
        for es in sizes:
            row = run_case(case, cases.DTYPES[es], buffers, clock, args.rounds, generator)
            rows.append(row)
            print(f"{case.label[:40]:40} {row['dtype']:8} "
                  f"{row['ours_4k_gbs']:6.1f} GB/s ({row['pct_of_copy_4k']:4.0f}%) "
                  f"{row['ours_2m_gbs']:6.1f} GB/s ({row['pct_of_copy_2m']:4.0f}%)  "
                  f"{row['ours_2m_gbs'] / row['ours_4k_gbs']:5.2f}x", flush=True)
    huge_kb = huge_page_kb()
    if huge_kb == 0:
        print("warning: no 2 MB pages were given (transparent huge pages off?); both columns are 4 KB pages",
              file=sys.stderr)
    if args.out:
        info = machine.describe("cpu")
        info["huge_pages_kb"] = huge_kb
        with open(args.out, "w") as f:
            json.dump({"machine": info, "rows": rows}, f, indent=1)
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
