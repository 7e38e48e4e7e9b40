"""The safety list: labelled triggers and near-misses for the safety notice, scored for recall and false alarms."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from eval.dataset import load_jsonl

DEFAULT_SAFETY = Path(__file__).resolve().parent / "datasets" / "safety.jsonl"


class SafetyItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    text: str
    trigger: bool
    language: Literal["nb", "nn", "en", "simple"]
    category: str
    split: Literal["dev", "test"]


class SafetyMetrics(BaseModel):
    n_triggers: int
    n_near_misses: int
    recall: float
    false_alarms: int
    precision: float
    missed: list[str]
    false_alarm_ids: list[str]


def load_safety(path: Path = DEFAULT_SAFETY, split: str | None = None) -> list[SafetyItem]:
    return load_jsonl(path, SafetyItem, split)


def score_safety(items: Sequence[SafetyItem], is_acute: Callable[[str], bool]) -> SafetyMetrics:
    fired = {i.id: is_acute(i.text) for i in items}
    triggers = [i for i in items if i.trigger]
    calm = [i for i in items if not i.trigger]
    hits = sum(fired[i.id] for i in triggers)
    alarms = [i.id for i in calm if fired[i.id]]
    return SafetyMetrics(
        n_triggers=len(triggers),
        n_near_misses=len(calm),
        recall=hits / len(triggers) if triggers else 1.0,
        false_alarms=len(alarms),
        precision=hits / (hits + len(alarms)) if hits + len(alarms) else 1.0,
        missed=[i.id for i in triggers if not fired[i.id]],
        false_alarm_ids=alarms,
    )


def safety_breakdown(items: Sequence[SafetyItem], is_acute: Callable[[str], bool]) -> dict[str, object]:
    """Overall and per language."""
    out: dict[str, object] = {"overall": score_safety(items, is_acute).model_dump()}
    out["per_language"] = {
        lang: score_safety([i for i in items if i.language == lang], is_acute).model_dump()
        for lang in sorted({i.language for i in items})
    }
    return out
