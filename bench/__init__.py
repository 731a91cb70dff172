"""Benchmarks; run each as a module, e.g. `python -m bench.slots` (`make bench`)."""
