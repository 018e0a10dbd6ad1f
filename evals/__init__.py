"""Evaluation suite and benchmarks on top of the assistant."""
