"""The CI gate: key metrics of an evaluation run must not fall below thresholds kept in the repo."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from eval.report import overall

LOWER_IS_BETTER = {"false_refusal_rate", "latency_p50_ms", "latency_p95_ms"}


def check_gate(result: dict[str, Any], thresholds_path: Path, system: str = "veiviser") -> list[str]:
    """Failures as readable lines; empty when every threshold holds."""
    thresholds = tomllib.loads(thresholds_path.read_text(encoding="utf-8"))
    values = overall(result["systems"][system]["metrics"])
    failures: list[str] = []
    for name, limit in thresholds.get("min", {}).items():
        value = values.get(name)
        if value is None:
            failures.append(f"{name}: missing from the result")
        elif value < limit:
            failures.append(f"{name} = {value:.3f} < {limit}")
    for name, limit in thresholds.get("max", {}).items():
        value = values.get(name)
        if value is None:
            failures.append(f"{name}: missing from the result")
        elif value > limit:
            failures.append(f"{name} = {value:.3f} > {limit}")
    return failures
