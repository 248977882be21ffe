"""Benchmarks (issue 11); run each as `python bench/<name>.py`."""
