"""Benchmarks (run as scripts or as `python -m bench.NAME`)."""
