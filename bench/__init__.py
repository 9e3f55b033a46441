"""Benchmarks for Attune against the tests' fake Discord: `python -m bench` writes bench/RESULTS.md."""
