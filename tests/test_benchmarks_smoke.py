"""The benchmark suite runs end to end on tiny cases and refuses to time a wrong result."""
import json
import time

import pytest
import torch

from benchmarks import __main__ as bench
from benchmarks import cases, peers, report
from benchmarks.timing import Clock, measure


def test_measure_returns_a_positive_median_per_callable():
    times = measure({"a": lambda: torch.ones(8).sum(), "b": lambda: None}, Clock("cpu"), rounds=3)
    assert set(times) == {"a", "b"}
    assert all(t > 0 for t in times.values())


def test_warm_peers_repeat_alike_and_cold_calls_each_follow_a_flush(monkeypatch):
    log = []

    def fast():
        log.append("fast")

    def slow():
        log.append("slow")
        time.sleep(1e-3)

    measure({"fast": fast, "slow": slow}, Clock("cpu", cache="warm"), rounds=3)
    assert log.count("fast") == log.count("slow") > 3  # the fast one's repeat count, given to both

    monkeypatch.setattr(Clock, "flush", lambda self: log.append("flush"))
    log.clear()
    measure({"fast": fast, "slow": slow}, Clock("cpu"), rounds=3)
    # A warm-up call each, then every timed call (two to size the repeats, three rounds) right after a flush.
    assert log[:6] == ["fast", "flush", "fast", "slow", "flush", "slow"]
    assert log[6::2] == ["flush"] * 6 and sorted(log[7::2]) == ["fast"] * 3 + ["slow"] * 3


def test_quick_permute_run_writes_well_formed_rows(tmp_path, monkeypatch):
    tiny = cases.Case("permute", "smoke", (2, 3, 64, 64), (0, 2, 3, 1))
    monkeypatch.setattr(cases, "cases_for", lambda size, ops: ([tiny], []))
    bench.main(["--op", "permute", "--rounds", "2", "--dtype-sizes", "1,4", "--out-dir", str(tmp_path), "--no-plot"])
    data = json.loads((tmp_path / "cpu-default.json").read_text())
    rows = data["rows"]
    assert {(r["dtype"], r["mode"]) for r in rows} == {("uint8", "out"), ("uint8", "alloc"),
                                                       ("float32", "out"), ("float32", "alloc")}
    for r in rows:
        assert r["ours_gbs"] > 0 and r["torch_gbs"] > 0 and r["copy_gbs"] > 0
        assert r["pct_of_copy"] == pytest.approx(100 * r["ours_gbs"] / r["copy_gbs"])
        assert r["kernel"]
    assert data["machine"]["cores"] >= 1
    assert data["machine"]["cache"] == "cold"
    assert (tmp_path / "cpu-default.csv").read_text().startswith("op,case,")
    bench.main(["--op", "permute", "--rounds", "1", "--dtype-sizes", "4", "--mode", "out", "--cache", "warm",
                "--out-dir", str(tmp_path), "--no-plot"])
    assert json.loads((tmp_path / "cpu-default-warm.json").read_text())["machine"]["cache"] == "warm"


def test_a_wrong_result_is_refused(monkeypatch):
    case = cases.Case("permute", "smoke", (4, 5), (1, 0))
    real_build = peers.build

    def build_with_wrong_check(*args, **kwargs):
        setup = real_build(*args, **kwargs)
        ours, expected = setup.check()
        setup.check = lambda: (ours.flip(0), expected)
        return setup

    monkeypatch.setattr(peers, "build", build_with_wrong_check)
    args = bench.parse_args(["--rounds", "1"])
    with pytest.raises(SystemExit, match="differs from torch"):
        bench.run_case(case, torch.float32, args, Clock("cpu"), torch.Generator().manual_seed(0))


def test_summary_counts_cases_slower_than_torch():
    rows = [dict(op="permute", mode="out", mb=64, pct_of_copy=p, x_torch=x) for p, x in [(90, 2.0), (50, 0.5)]]
    (s,) = report.summarize(rows)
    assert s["slower_than_torch"] == 1
    assert s["min_pct_of_copy"] == 50
    assert s["geomean_pct_of_copy"] == pytest.approx((90 * 50) ** 0.5)


def test_passes_keep_each_cases_median_ratio_and_its_spread():
    def row(case, copy, ours, torch_gbs):
        return dict(op="permute", case=case, mode="out", mb=64, copy_gbs=copy, ours_gbs=ours, torch_gbs=torch_gbs,
                    numpy_gbs=None, reference_gbs=None, pct_of_copy=100 * ours / copy, x_torch=ours / torch_gbs)

    passes = [[row("a", 40, 36, 9), row("b", 50, 30, 10)],
              [row("a", 80, 48, 12), row("b", 40, 30, 8)],
              [row("a", 60, 51, 10), row("b", 45, 45, 10)]]
    a, b = report.combine_passes(passes)
    assert (a["case"], b["case"]) == ("a", "b")
    # The median of each pass's own ratio (90, 60, 85), not the ratio of the median speeds (51 / 60).
    assert a["pct_of_copy"] == pytest.approx(85) and a["copy_gbs"] == 60 and a["ours_gbs"] == 48
    assert (a["pct_of_copy_min"], a["pct_of_copy_max"]) == pytest.approx((60, 90))
    assert b["pct_of_copy"] == pytest.approx(75) and b["x_torch"] == pytest.approx(3.75) and b["numpy_gbs"] is None
    (s,) = report.summarize([a, b])
    assert s["under_floor"] == 1  # b: 75% of copy, under the permute floor of 80%


def test_floors_count_only_calls_into_out_of_ops_that_have_one():
    rows = [dict(op=op, mode=mode, mb=mb, pct_of_copy=p, x_torch=2.0)
            for op, mode, mb, p in [("permute", "out", 64, 79.9), ("permute", "out", 64, 80.0),
                                    ("permute", "out", 4, 10.0), ("permute", "alloc", 64, 10.0),
                                    ("stack", "out", 16, 84.9), ("cat", "out", 64, 10.0)]]
    assert [len(report.under_floor(rows, op)) for op in ("permute", "stack", "cat")] == [1, 1, 0]
    under = {(s["op"], s["mode"]): s["under_floor"] for s in report.summarize(rows)}
    assert under == {("cat", "out"): None, ("permute", "alloc"): None, ("permute", "out"): 1, ("stack", "out"): 1}


def test_several_passes_are_written_with_each_passes_rows(tmp_path, monkeypatch, capsys):
    tiny = cases.Case("permute", "smoke", (2, 3, 64, 64), (0, 2, 3, 1))
    monkeypatch.setattr(cases, "cases_for", lambda size, ops: ([tiny], []))
    bench.main(["--op", "permute", "--rounds", "1", "--passes", "3", "--dtype-sizes", "2", "--mode", "out",
                "--out-dir", str(tmp_path), "--no-plot"])
    data = json.loads((tmp_path / "cpu-default.json").read_text())
    assert data["machine"]["passes"] == 3 and len(data["passes"]) == 3
    (row,) = data["rows"]
    pcts = sorted(p["rows"][0]["pct_of_copy"] for p in data["passes"])
    assert row["pct_of_copy"] == pytest.approx(pcts[1])
    assert (row["pct_of_copy_min"], row["pct_of_copy_max"]) == pytest.approx((pcts[0], pcts[2]))
    assert [line.startswith(f"pass {n}: copy ") for n, line in
            enumerate((l for l in capsys.readouterr().out.splitlines() if l.startswith("pass ")), 1)] == [True] * 3


def test_page_size_run_writes_rows_for_both_page_sizes(tmp_path, monkeypatch):
    from benchmarks import pages

    tiny = cases.Case("permute", "smoke", (3, 64, 40), (2, 0, 1))
    monkeypatch.setattr(cases, "cases_for", lambda size, ops: ([tiny], []))
    out = tmp_path / "pages.json"
    pages.main(["--dtype-sizes", "1,8", "--rounds", "2", "--out", str(out)])
    data = json.loads(out.read_text())
    assert [r["dtype"] for r in data["rows"]] == ["uint8", "float64"]
    for r in data["rows"]:
        for side in ("4k", "2m"):
            assert r[f"ours_{side}_gbs"] > 0 and r[f"copy_{side}_gbs"] > 0
            assert r[f"pct_of_copy_{side}"] == pytest.approx(100 * r[f"ours_{side}_gbs"] / r[f"copy_{side}_gbs"])
    assert data["machine"]["transparent_huge_pages"]["mode"] in ("always", "madvise", "never", "unknown")


def test_page_size_run_refuses_a_wrong_result(monkeypatch):
    from benchmarks import pages

    def wrong_permute(x, dims, *, out):
        out.copy_(x.permute(dims).flip(0))

    monkeypatch.setattr(pages.reshapeops, "permute", wrong_permute)
    case = cases.Case("permute", "smoke", (4, 6), (1, 0))
    with pytest.raises(AssertionError, match="differs from torch"):
        pages.run_case(case, torch.int16, pages.PagedBuffers(), Clock("cpu"), 1, torch.Generator().manual_seed(0))


def test_the_machine_is_named_by_its_cpu_identity_and_caches():
    import shutil
    import subprocess

    from benchmarks import machine

    info = machine.describe("cpu")
    caches = info["cpu_caches"]
    if caches and shutil.which("getconf"):  # the C library's figure, read another way than from sysfs
        l1d = subprocess.run(["getconf", "LEVEL1_DCACHE_SIZE"], capture_output=True, text=True).stdout.strip()
        if l1d.isdigit() and int(l1d) > 0:
            assert caches["L1d"] == f"{int(l1d) // 1024}K"
    line = machine.where(info)
    assert line.startswith(info["cpu"])
    assert all(f"{level} {size}" in line for level, size in caches.items())
    assert machine.where({"cpu": "x", "gpu": "NVIDIA H100"}) == "NVIDIA H100"
    assert machine.where({"cpu": "x", "cpu_identity": "", "cpu_caches": {}}) == "x"
