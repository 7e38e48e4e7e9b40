"""The semantic half of the safety trigger: similarity to vetted prototype statements of danger.

The patterns in `assistant.safety` know words; this check knows meaning, in every language the
embedder covers. A message triggers when its nearest danger prototype is similar enough and nearer
than any calm anchor (a policy question, a professional routine, a figure of speech, an ordinary
worry). Prototypes and anchors are data (`assistant/data/safety_prototypes.toml`), written apart from
the evaluation lists; the two thresholds are settings tuned on the dev split of `eval/datasets/safety.jsonl`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.lexicon import read_toml
from assistant.vectors import unit_rows, unit_vector
from ingest.errors import PromptError

PROTOTYPES = Path(__file__).resolve().parent / "data" / "safety_prototypes.toml"
EmbedMany = Callable[[Sequence[str]], Sequence[Sequence[float]]]
EmbedOne = Callable[[str], Sequence[float]]


@dataclass(frozen=True)
class Prototypes:
    danger: list[tuple[str, str]]  # (category, text)
    calm: list[tuple[str, str]]


def load_prototypes(path: Path = PROTOTYPES) -> Prototypes:
    data = read_toml(path)

    def pairs(key: str) -> list[tuple[str, str]]:
        return [(str(t["category"]), str(text)) for t in data.get(key, []) for text in t.get("texts", [])]

    prototypes = Prototypes(pairs("danger"), pairs("calm"))
    if not prototypes.danger or not prototypes.calm:
        raise PromptError(f"{path}: needs [[danger]] and [[calm]] tables with texts.")
    return prototypes


@dataclass(frozen=True)
class SafetyVerdict:
    triggered: bool
    danger: float
    calm: float
    category: str


class SemanticSafety:
    """Nearest-prototype check over unit vectors (a few hundred prototypes: one matrix product)."""

    def __init__(
        self,
        prototypes: Prototypes,
        embed_many: EmbedMany,
        embed_one: EmbedOne,
        min_similarity: float,
        min_margin: float,
    ) -> None:
        self.prototypes = prototypes
        self.embed_one = embed_one
        self.min_similarity = min_similarity
        self.min_margin = min_margin
        self.danger = unit_rows(np.array(embed_many([t for _, t in prototypes.danger]), dtype=np.float32))
        self.calm = unit_rows(np.array(embed_many([t for _, t in prototypes.calm]), dtype=np.float32))

    def verdict(self, text: str) -> SafetyVerdict:
        q = unit_vector(self.embed_one(text))
        danger_sims = self.danger @ q
        best = int(np.argmax(danger_sims))
        danger, calm = float(danger_sims[best]), float(np.max(self.calm @ q))
        triggered = danger >= self.min_similarity and danger - calm >= self.min_margin
        return SafetyVerdict(triggered, round(danger, 4), round(calm, 4), self.prototypes.danger[best][0])

    def triggers(self, text: str) -> bool:
        return self.verdict(text).triggered
