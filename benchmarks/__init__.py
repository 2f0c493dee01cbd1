"""The reshapeops benchmark suite: ``python -m benchmarks --help``."""
