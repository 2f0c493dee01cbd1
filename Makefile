# Two commands do all the set-up: `make test` and `make bench`.
# They create .venv (seeing system packages, so an installed torch is used as is), install what is
# missing (torch==2.13.0 only if no torch is importable), build the extension against that torch,
# then run the tests or the benchmark suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEPS := $(VENV)/.deps-installed
BUILT := $(VENV)/.extension-built
PLOTTING := $(VENV)/.plotting-installed
SOURCES := setup.py $(shell find csrc -name '*.cpp' -o -name '*.h' -o -name '*.cu' -o -name '*.cuh')
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: test bench build clean

test: $(BUILT)
	$(PY) -m pytest -q $(PYTEST_ARGS) tests

bench: $(BUILT) $(PLOTTING)
	$(PY) -m benchmarks $(BENCH_ARGS)

build: $(BUILT)

$(DEPS):
	$(PYTHON) -m venv --system-site-packages $(VENV)
	$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install "torch==2.13.0"
	$(PY) -m pip install "setuptools>=64" wheel ninja pybind11 numpy pytest hypothesis einops
	touch $@

# Only the benchmark plots need matplotlib; the tests do not.
$(PLOTTING): $(DEPS)
	$(PY) -m pip install matplotlib
	touch $@

$(BUILT): $(DEPS) $(SOURCES)
	$(PY) -m pip install --no-build-isolation --no-deps -e .
	touch $@

clean:
	rm -rf build reshapeops/*.so *.egg-info $(BUILT) $(PLOTTING)
