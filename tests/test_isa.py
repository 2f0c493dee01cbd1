"""Every set of CPU kernels gives torch's bits, not only the best one this machine has.

The kernels' instruction set is chosen once per process, so each lower one (RESHAPEOPS_CPU_ISA caps
the choice) runs the kernel and exactness suites in a child process of its own.
"""
import os
import subprocess
import sys

import pytest

from reshapeops import _C

ORDER = ("portable", "avx2", "avx512", "avx512vbmi")
HERE = os.path.dirname(os.path.abspath(__file__))


def isa_in_use(env):
    probe = "from reshapeops import _C; print(_C.describe_plan([64, 64], [1, 64], [64, 1], 4)['isa'])"
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.mark.parametrize("isa", ["avx512", "avx2", "portable"])
def test_lower_instruction_sets_are_exact(isa):
    best = _C.describe_plan([64, 64], [1, 64], [64, 1], 4)["isa"]
    env = dict(os.environ, RESHAPEOPS_CPU_ISA=isa)
    expected = ORDER[min(ORDER.index(isa), ORDER.index(best))]
    assert isa_in_use(env) == expected
    if expected == best:
        pytest.skip(f"{isa} is not below this machine's best, {best}, which the other tests run")
    suites = [os.path.join(HERE, name) for name in ("test_kernels.py", "test_exact.py")]
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *suites],
                          env=env, cwd=os.path.dirname(HERE), capture_output=True, text=True)
    assert done.returncode == 0, f"RESHAPEOPS_CPU_ISA={isa}:\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}"
    assert " passed" in done.stdout.splitlines()[-1]
