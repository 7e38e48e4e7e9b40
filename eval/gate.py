"""The CI gate: key metrics of an evaluation run must not fall below thresholds kept in the repo."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from eval.report import overall


def slice_values(result: dict[str, Any]) -> dict[str, float]:
    """Slice metrics as dotted names: situations.must_at_3, situations.en.must_at_3, safety.recall …"""
    values: dict[str, float] = {}
    for name in ("situations", "safety"):
        block = result.get(name)
        if not isinstance(block, dict):
            continue
        for key, value in overall(block.get("overall", {})).items():
            values[f"{name}.{key}"] = value
        for language, sub in block.get("per_language", {}).items():
            for key, value in overall(sub).items():
                values[f"{name}.{language}.{key}"] = value
    return values


def check_gate(result: dict[str, Any], thresholds_path: Path, system: str = "veiviser") -> list[str]:
    """Failures as readable lines; empty when every threshold holds."""
    thresholds = tomllib.loads(thresholds_path.read_text(encoding="utf-8"))
    values = {**overall(result["systems"][system]["metrics"]), **slice_values(result)}
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
