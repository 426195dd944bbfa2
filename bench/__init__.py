"""Benchmarks run by `enforcelink bench <name>`; each module registers itself (see enforcelink.demo.benchkit)."""
