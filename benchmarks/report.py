"""How results are shown: a table per op and mode, a summary, JSON, CSV and one PNG plot per op."""
import csv
import json
import math
import statistics

# Issue 3's per-case floors for calls into out= (% of copy, cases of at least 16 MB).
FLOORS = {"permute": 80.0, "stack": 85.0}
_PER_PASS = ("copy_gbs", "torch_gbs", "numpy_gbs", "ours_gbs", "reference_gbs", "pct_of_copy", "x_torch")


COLUMNS = ["case", "dtype", "MB", "copy GB/s", "torch GB/s", "numpy GB/s", "ours GB/s", "% of copy", "x torch"]


def _fmt(value, digits=1):
    return "-" if value is None else f"{value:.{digits}f}"


def print_table(rows, op, mode):
    chosen = [r for r in rows if r["op"] == op and r["mode"] == mode]
    if not chosen:
        return
    spread = any(r.get("pct_of_copy_min") != r.get("pct_of_copy_max") for r in chosen)
    title = "into out=" if mode == "out" else "allocating"
    of = "median of passes, each the median of rounds" if spread else "median of rounds"
    print(f"\n{op} — {title} (GB/s = bytes read + bytes written, {of})")
    width = max(len(r["case"]) for r in chosen)
    header = f"{'case':<{width}}  {'dtype':<8} {'MB':>6} {'copy':>7} {'torch':>7} {'numpy':>7} {'ours':>7} {'%copy':>6} {'xtorch':>7}"
    header += f" {'passes':>9}" if spread else ""
    print(header)
    print("-" * len(header))
    for r in chosen:
        line = (f"{r['case']:<{width}}  {r['dtype']:<8} {r['mb']:>6.0f} {_fmt(r['copy_gbs']):>7} "
                f"{_fmt(r['torch_gbs']):>7} {_fmt(r['numpy_gbs']):>7} {_fmt(r['ours_gbs']):>7} "
                f"{_fmt(r['pct_of_copy'], 0):>6} {_fmt(r['x_torch'], 2):>7}")
        if spread:
            line += f" {_fmt(r['pct_of_copy_min'], 0):>4}-{_fmt(r['pct_of_copy_max'], 0):<4}"
        print(line)


def print_tiny(rows):
    if not rows:
        return
    print("\ntiny tensors — microseconds per call (median), allocating")
    for r in rows:
        print(f"  {r['case']:<32} {r['dtype']:<8} torch {r['torch_us']:6.2f} us   ours {r['ours_us']:6.2f} us"
              f"   ratio {r['ours_us'] / r['torch_us']:.2f}")


def combine_passes(passes):
    """One row per case from the rows of several passes over the same list (in the same order): every
    measured column is the median over passes, % of copy and x torch the median of each pass's own
    ratio (taken within that pass's rounds); pct_of_copy_min and _max give the spread."""
    combined = []
    for same_case in zip(*passes):
        row = dict(same_case[0])
        for key in _PER_PASS:
            values = [r[key] for r in same_case if r[key] is not None]
            row[key] = statistics.median(values) if values else None
        pcts = [r["pct_of_copy"] for r in same_case]
        row["pct_of_copy_min"], row["pct_of_copy_max"] = min(pcts), max(pcts)
        combined.append(row)
    return combined


def under_floor(rows, op, min_mb=16):
    """Rows of `op` into out= of at least min_mb below its floor (none for an op without one)."""
    floor = FLOORS.get(op)
    if floor is None:
        return []
    return [r for r in rows if r["op"] == op and r["mode"] == "out" and r["mb"] >= min_mb
            and r["pct_of_copy"] < floor]


def print_pass(number, rows):
    """One pass of several: the copy's speed in it (the machine's spell) and each op's standing."""
    copies = [r["copy_gbs"] for r in rows if r["mode"] == "out"]
    line = f"pass {number}: copy {statistics.median(copies):.1f} GB/s (median over cases)"
    for s in summarize(rows):
        if s["mode"] == "out":
            line += f"; {s['op']} {s['geomean_pct_of_copy']:.1f}%"
            if s["under_floor"] is not None:
                line += f" ({s['under_floor']} under {FLOORS[s['op']]:.0f}%)"
    print(line, flush=True)


def summarize(rows, min_mb=16):
    """Per op and mode: geometric mean and minimum of % of copy over cases of at least min_mb, how
    many cases are slower than torch, and (into out=, for ops with a floor) how many are under it."""
    summary = []
    for key in sorted({(r["op"], r["mode"]) for r in rows}):
        chosen = [r for r in rows if (r["op"], r["mode"]) == key and r["mb"] >= min_mb]
        if not chosen:
            continue
        pcts = [r["pct_of_copy"] for r in chosen]
        summary.append({
            "op": key[0], "mode": key[1], "cases": len(chosen),
            "geomean_pct_of_copy": math.exp(sum(math.log(p) for p in pcts) / len(pcts)),
            "min_pct_of_copy": min(pcts),
            "slower_than_torch": sum(1 for r in chosen if r["x_torch"] < 1.0),
            "geomean_x_torch": math.exp(sum(math.log(r["x_torch"]) for r in chosen) / len(chosen)),
            "under_floor": (len(under_floor(chosen, key[0], min_mb))
                            if key[1] == "out" and key[0] in FLOORS else None),
        })
    return summary


def print_summary(summary):
    print("\nsummary (cases of >= 16 MB)")
    for s in summary:
        print(f"  {s['op']:<8} {s['mode']:<6} {s['cases']:>3} cases: geomean {s['geomean_pct_of_copy']:5.1f}% of copy, "
              f"min {s['min_pct_of_copy']:5.1f}%, geomean {s['geomean_x_torch']:5.2f}x torch, "
              f"slower than torch: {s['slower_than_torch']}"
              + (f", under the {FLOORS[s['op']]:.0f}% floor: {s['under_floor']}" if s["under_floor"] is not None else ""))


def write_json(path, machine, rows, tiny, summary, passes=None):
    """`passes`: each pass's own rows, kept when there were several."""
    data = {"machine": machine, "summary": summary, "rows": rows, "tiny": tiny}
    if passes and len(passes) > 1:
        data["passes"] = [{"summary": summarize(p), "rows": p} for p in passes]
    with open(path, "w") as f:
        json.dump(data, f, indent=1)


def write_csv(path, rows):
    if not rows:
        return
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def plot(path, rows, op, mode, machine):
    """Bandwidth per case for torch, numpy and reshapeops, with the copy ceiling marked per case."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"(matplotlib is not installed: no plot {path})")
        return False
    chosen = [r for r in rows if r["op"] == op and r["mode"] == mode]
    if not chosen:
        return False
    labels = [f"{r['case']} [{r['dtype']}]" for r in chosen]
    x = range(len(chosen))
    fig, ax = plt.subplots(figsize=(max(8, 0.32 * len(chosen)), 6))
    width = 0.27
    ax.bar([i - width for i in x], [r["torch_gbs"] for r in chosen], width, label="torch")
    ax.bar(list(x), [r["numpy_gbs"] or 0 for r in chosen], width, label="numpy")
    ax.bar([i + width for i in x], [r["ours_gbs"] for r in chosen], width, label="reshapeops")
    ax.scatter(list(x), [r["copy_gbs"] for r in chosen], marker="_", s=200, color="black", zorder=3,
               label="contiguous copy (ceiling)")
    ax.set_xticks(list(x))
    ax.set_xticklabels(labels, rotation=90, fontsize=7)
    ax.set_ylabel("GB/s (read + written)")
    where = machine.get("gpu") or f"{machine['cpu']}, {machine['threads']} threads"
    if "cache" in machine:
        where += f", {machine['cache']} caches"
    ax.set_title(f"{op}, {'into out=' if mode == 'out' else 'allocating'} — {where}")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True
