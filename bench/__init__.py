"""Benchmarks of the real bot on the console transport; `python -m bench` writes BENCHMARKS.md."""
