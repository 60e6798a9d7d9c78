"""Benchmarks: scale generator runs and timings (``make bench``)."""
