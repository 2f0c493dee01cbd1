"""python -m benchmarks: reshapeops against torch, numpy and a plain copy, in one run.

Every case is first checked bit for bit against torch (a benchmark of a wrong result is worthless),
then all peers are timed interleaved, round by round; medians are reported. See benchmarks/README.md.
"""
import argparse
import os
import sys
import time

import torch

from . import cases as case_lists
from . import first_touch, machine, peers, report
from .timing import Clock, measure

OPS = ("permute", "stack", "reshape", "cat")


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    p.add_argument("--op", choices=OPS + ("all",), default="all")
    size = p.add_mutually_exclusive_group()
    size.add_argument("--quick", dest="size", action="store_const", const="quick", help="about a minute")
    size.add_argument("--full", dest="size", action="store_const", const="full", help="4x larger inputs")
    p.set_defaults(size="default")
    p.add_argument("--dtype-sizes", default=None, help="element sizes in bytes, e.g. 1,4 (default: the list's)")
    p.add_argument("--mode", choices=("out", "alloc", "both"), default="both")
    p.add_argument("--cache", choices=("cold", "warm"), default="cold",
                   help="empty the last-level cache before every timed call (default), or repeat calls warm")
    p.add_argument("--rounds", type=int, default=7, help="interleaved rounds per case (median kept)")
    p.add_argument("--passes", type=int, default=1,
                   help="time the whole list this many times over and keep each case's median pass")
    p.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    p.add_argument("--first-touch", action="store_true", help="also measure page-fault cost (CPU)")
    p.add_argument("--reference", action="store_true", help="also time the naive copy on permutes (CPU)")
    p.add_argument("--out-dir", default=os.path.join(os.path.dirname(__file__), "results"))
    p.add_argument("--no-plot", action="store_true")
    return p.parse_args(argv)


def _gbs(nbytes, seconds):
    return 2 * nbytes / seconds / 1e9 if seconds else None


def run_case(case, dtype, args, clock, generator):
    setup = peers.build(case, dtype, args.device, generator, with_reference=args.reference)
    ours, expected = setup.check()
    if not peers.bitwise_equal(ours, expected):
        raise SystemExit(f"reshapeops differs from torch on {case.label} [{dtype}]: refusing to time it")
    modes = ("out", "alloc") if args.mode == "both" else (args.mode,)
    fns = {f"copy {name}": fn for name, fn in setup.ceiling.items()}
    for mode in modes:
        fns[f"torch {mode}"] = setup.torch[mode]
        fns[f"ours {mode}"] = setup.ours[mode]
        if mode in setup.numpy:
            fns[f"numpy {mode}"] = setup.numpy[mode]
    if setup.reference is not None:
        fns["reference"] = setup.reference
    t = measure(fns, clock, args.rounds)
    t["copy"] = min(t[f"copy {name}"] for name in setup.ceiling)
    rows = []
    for mode in modes:
        ours_gbs, torch_gbs = _gbs(setup.nbytes, t[f"ours {mode}"]), _gbs(setup.nbytes, t[f"torch {mode}"])
        copy_gbs = _gbs(setup.nbytes, t["copy"])
        rows.append({
            "op": case.op, "case": case.name, "dtype": str(dtype).replace("torch.", ""),
            "element_size": torch.empty((), dtype=dtype).element_size(), "mode": mode,
            "mb": setup.nbytes / 1e6, "kernel": setup.kernel,
            "copy_gbs": copy_gbs, "torch_gbs": torch_gbs,
            "numpy_gbs": _gbs(setup.nbytes, t[f"numpy {mode}"]) if f"numpy {mode}" in t else None,
            "ours_gbs": ours_gbs, "pct_of_copy": 100 * ours_gbs / copy_gbs, "x_torch": ours_gbs / torch_gbs,
            "reference_gbs": _gbs(setup.nbytes, t["reference"]) if "reference" in t else None,
        })
    return rows


def run_tiny(case, args, generator):
    """Per-call cost of tiny tensors: their bytes are nothing, so caches stay warm and calls repeat."""
    dtype = torch.float32
    setup = peers.build(case, dtype, args.device, generator)
    clock = Clock(args.device, cache="warm")
    t = measure({"torch": setup.torch["alloc"], "ours": setup.ours["alloc"]}, clock, args.rounds, 5e-3)
    return {"op": case.op, "case": case.name, "dtype": "float32", "torch_us": t["torch"] * 1e6,
            "ours_us": t["ours"] * 1e6}


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: no GPU is visible")
    if args.threads:
        torch.set_num_threads(args.threads)
    ops = OPS if args.op == "all" else (args.op,)
    cases, tiny_cases = case_lists.cases_for(args.size, ops)
    sizes = case_lists.LISTS[args.size]["sizes"]
    if args.dtype_sizes:
        sizes = tuple(int(s) for s in args.dtype_sizes.split(","))
    clock, generator = Clock(args.device, args.cache), torch.Generator().manual_seed(int(time.time()))
    info = machine.describe(args.device)
    info["cache"] = args.cache
    info["passes"] = args.passes
    print(f"reshapeops benchmarks: {args.size} list on {machine.where(info)} "
          f"({info['threads']} threads), torch {info['torch']}, {args.cache} caches")

    passes = []
    started = time.time()
    for number in range(1, args.passes + 1):
        rows = []
        for case in cases:
            for size in sizes:
                rows += run_case(case, case_lists.DTYPES[size], args, clock, generator)
            print(f"  {case.label} ({time.time() - started:.0f} s)", flush=True)
        passes.append(rows)
        if args.passes > 1:
            report.print_pass(number, rows)
    rows = report.combine_passes(passes)
    tiny = [run_tiny(c, args, generator) for c in tiny_cases]

    for op in ops:
        for mode in ("out", "alloc"):
            report.print_table(rows, op, mode)
    report.print_tiny(tiny)
    summary = report.summarize(rows)
    report.print_summary(summary)
    touch = first_touch.run() if args.first_touch and args.device == "cpu" else None
    if touch:
        info["first_touch"] = touch

    os.makedirs(args.out_dir, exist_ok=True)
    stem = os.path.join(args.out_dir, f"{args.device}-{args.size}" + ("-warm" if args.cache == "warm" else ""))
    report.write_json(stem + ".json", info, rows, tiny, summary, passes)
    report.write_csv(stem + ".csv", rows)
    written = [stem + ".json", stem + ".csv"]
    if not args.no_plot:
        for op in ops:
            if report.plot(f"{stem}-{op}.png", rows, op, "out", info):
                written.append(f"{stem}-{op}.png")
    print("\nwrote " + ", ".join(written))


if __name__ == "__main__":
    main()
