"""The evaluation result as typed models: one key per metric, the same JSON as `result.json` on disk.

`run_eval` builds an `EvalResult`; reports, the gate, `eval compare` and the UI's Evaluation tab read it
(`to_dict()` gives the JSON form the report functions format).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from eval.safety_list import SafetyMetrics
from eval.situations import SituationMetrics, SituationScore


class MetricBlock(BaseModel):
    """Question-set metrics over a group of items (None where the group has no item it applies to)."""

    model_config = ConfigDict(populate_by_name=True)

    n: int = 0
    n_answerable: int = 0
    n_unanswerable: int = 0
    hit_at_1: float | None = Field(default=None, alias="hit@1")
    hit_at_3: float | None = Field(default=None, alias="hit@3")
    hit_at_5: float | None = Field(default=None, alias="hit@5")
    hit_at_10: float | None = Field(default=None, alias="hit@10")
    mrr_at_10: float | None = Field(default=None, alias="mrr@10")
    ndcg_at_10: float | None = Field(default=None, alias="ndcg@10")
    key_fact_accuracy: float | None = None
    all_facts_rate: float | None = None
    citation_validity: float | None = None
    cited_evidence_rate: float | None = None
    line_precision: float | None = Field(
        default=None, description="Share of an answer's cited lines that carry the evidence or a key fact."
    )
    refusal_accuracy: float | None = None
    false_refusal_rate: float | None = None
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None
    search_latency_p50_ms: float | None = None
    search_latency_p95_ms: float | None = None


class SystemMetrics(BaseModel):
    overall: MetricBlock
    per_persona: dict[str, MetricBlock] = Field(default_factory=dict)
    per_intent: dict[str, MetricBlock] = Field(default_factory=dict)
    per_split: dict[str, MetricBlock] = Field(default_factory=dict)
    followups: MetricBlock | None = None


class SystemResult(BaseModel):
    metrics: SystemMetrics
    items: list[dict[str, Any]] = Field(default_factory=list, description="Per-item scores and the answer given.")


class SituationReport(BaseModel):
    overall: SituationMetrics
    per_split: dict[str, SituationMetrics] = Field(default_factory=dict)
    per_persona: dict[str, SituationMetrics] = Field(default_factory=dict)
    per_language: dict[str, SituationMetrics] = Field(default_factory=dict)
    items: list[SituationScore] = Field(default_factory=list)


class SafetyReport(BaseModel):
    overall: SafetyMetrics
    per_language: dict[str, SafetyMetrics] = Field(default_factory=dict)


class EvalResult(BaseModel):
    created: str
    dataset: str
    split: str
    items: int
    settings: dict[str, Any] = Field(default_factory=dict)
    index: dict[str, Any] = Field(default_factory=dict)
    systems: dict[str, SystemResult] = Field(default_factory=dict)
    situations: SituationReport | None = None
    safety: SafetyReport | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (metric names as written in reports: hit@5, mrr@10 …)."""
        return self.model_dump(by_alias=True, exclude_none=False)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> EvalResult:
        return cls.model_validate_json(path.read_text(encoding="utf-8"))
