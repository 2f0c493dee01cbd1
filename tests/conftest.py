"""Shared fixtures: import the extension built in *this* checkout, and seed every test afresh.

Each session draws a random base seed (or takes RESHAPEOPS_SEED), each test derives its own seed from
it and its node id, and a failing test reports both, so `RESHAPEOPS_SEED=<base> pytest <nodeid>`
replays the exact bits that failed.
"""
import os
import sys
import zlib

import pytest
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The shared venv has an editable install of another checkout; make sure this one wins.
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import reshapeops  # noqa: E402

assert os.path.dirname(os.path.abspath(reshapeops.__file__)) == os.path.join(ROOT, "reshapeops"), (
    f"imported reshapeops from {reshapeops.__file__}, not from this checkout ({ROOT})"
)

BASE_SEED = int(os.environ.get("RESHAPEOPS_SEED", int.from_bytes(os.urandom(6), "little")))


def seed_for(nodeid):
    return (BASE_SEED + zlib.crc32(nodeid.encode())) % (2**63)


def pytest_report_header(config):
    return f"reshapeops: {reshapeops.__file__}; RESHAPEOPS_SEED={BASE_SEED}"


@pytest.fixture
def gen(request):
    """A torch.Generator seeded for this test; the seed is shown if the test fails."""
    seed = seed_for(request.node.nodeid)
    request.node.user_properties.append(("seed", seed))
    g = torch.Generator()
    g.manual_seed(seed)
    return g


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        report.sections.append(
            ("reshapeops seed",
             f"RESHAPEOPS_SEED={BASE_SEED} (this test's generator seed: {seed_for(item.nodeid)})"),
        )


def pytest_configure(config):
    # complex32 and deprecated-quantized notices are torch's, not ours; they would bury real warnings.
    config.addinivalue_line("filterwarnings", "ignore:ComplexHalf support is experimental")
