"""Benchmarks: scripts that print figures and write JSON (not timed tests)."""
