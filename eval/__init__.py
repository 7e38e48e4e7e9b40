"""Evaluation: datasets, runner, metrics, reports and benchmarks."""
