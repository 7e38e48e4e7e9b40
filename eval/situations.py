"""The situation slice: situations → the services that fit, scored on the finder and on the chat.

Metrics (per item, then averaged):
- must@3: a must service among the finder's first 3 services;
- precision@5: the share of the first (up to) 5 services shown that are must or acceptable;
- best@10: a best measure among the first 10 measures, counted in the order shown (groups in order,
  measures within each group);
- chat_names_must: the chat answer names a must service (name, inflection or alias);
- chat_refused: the chat refused the situation (every item is answerable);
- chat_plain: a citizen's answer has no raw row syntax («Tjeneste: … · Nivå: …») and no level or role terms,
  and every service line of it is cited (staff answers keep level, role and partners);
- safety_recall / safety_false_alarms: the notice on acute items / on the others.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from statistics import mean
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from assistant.types import Answer, ServiceFinderResult
from eval.dataset import load_jsonl
from eval.metrics import normalize, percentile

DEFAULT_SITUATIONS = Path(__file__).resolve().parent / "datasets" / "situations.jsonl"


class SituationItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    situation: str = Field(min_length=3)
    split: Literal["dev", "test"]
    persona: Literal["citizen", "staff"]
    language: Literal["nb", "nn", "en", "simple"]
    must: list[str] = Field(min_length=1, max_length=2)
    acceptable: list[str] = Field(default_factory=list, max_length=6)
    best_measures: list[str] = Field(min_length=1)
    acute: bool = False


class SituationScore(BaseModel):
    id: str
    split: str
    persona: str
    language: str
    acute: bool
    services: list[str]
    must_at_3: bool
    precision_at_5: float
    best_at_10: bool
    chat_names_must: bool | None = None
    chat_refused: bool | None = None
    chat_plain: bool | None = None  # citizens only: plain words, every service line cited
    safety_notice: bool | None = None
    finder_latency_ms: float = 0.0
    ask_latency_ms: float | None = None


class SituationMetrics(BaseModel):
    n: int
    must_at_3: float
    precision_at_5: float
    best_at_10: float
    chat_names_must: float | None
    chat_refusal_rate: float | None
    chat_plain_rate: float | None = None
    safety_recall: float | None
    safety_false_alarms: int | None
    finder_p50_ms: float | None
    ask_p50_ms: float | None


class Finder(Protocol):
    def find_services(self, situation: str) -> ServiceFinderResult: ...


class Chat(Protocol):
    def ask(self, question: str, *, audience: Literal["citizen", "staff"] = "citizen") -> Answer: ...


def load_situations(path: Path = DEFAULT_SITUATIONS, split: str | None = None) -> list[SituationItem]:
    return load_jsonl(path, SituationItem, split)


def validate_situations(items: Sequence[SituationItem], catalog: Mapping[str, Sequence[str]]) -> list[str]:
    """Problems: unknown services, overlaps, best measures that start no measure of a listed service."""
    problems: list[str] = []
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            problems.append(f"{item.id}: duplicate id")
        seen.add(item.id)
        for service in (*item.must, *item.acceptable):
            if service not in catalog:
                problems.append(f"{item.id}: unknown service {service!r}")
        if set(item.must) & set(item.acceptable):
            problems.append(f"{item.id}: a service is both must and acceptable")
        listed = [m for s in (*item.must, *item.acceptable) for m in catalog.get(s, ())]
        for best in item.best_measures:
            if not any(normalize(m).startswith(normalize(best)) for m in listed):
                problems.append(f"{item.id}: best measure {best!r} starts no measure of its services")
    return problems


_WORD_EDGE = r"(?<![\wæøå]){}(?![\wæøå])"


def names_service(text: str, names: Sequence[str]) -> bool:
    """True when any of the names (a service's name, inflections and aliases) occurs as whole words."""
    plain = normalize(text)
    return any(re.search(_WORD_EDGE.format(re.escape(normalize(n))), plain) for n in names if n.strip())


def shown_measures(result: ServiceFinderResult) -> list[str]:
    return [m.measure for group in result.groups for m in group.measures]


def score_situation(
    item: SituationItem,
    result: ServiceFinderResult,
    answer: Answer | None,
    aliases: Mapping[str, Sequence[str]],
    finder_ms: float = 0.0,
    ask_ms: float | None = None,
) -> SituationScore:
    services = [g.service for g in result.groups]
    fitting = set(item.must) | set(item.acceptable)
    top5 = services[:5]
    wanted = [normalize(b) for b in item.best_measures]
    measures = [normalize(m) for m in shown_measures(result)[:10]]
    score = SituationScore(
        id=item.id,
        split=item.split,
        persona=item.persona,
        language=item.language,
        acute=item.acute,
        services=services[:10],
        must_at_3=bool(set(services[:3]) & set(item.must)),
        precision_at_5=sum(s in fitting for s in top5) / len(top5) if top5 else 0.0,
        best_at_10=any(m.startswith(b) for m in measures for b in wanted),
        finder_latency_ms=finder_ms,
        ask_latency_ms=ask_ms,
    )
    if answer is not None:
        names = [n for s in item.must for n in (s, *aliases.get(s, ()))]
        score.chat_refused = answer.refused
        score.chat_names_must = (not answer.refused) and names_service(answer.answer, names)
        score.safety_notice = answer.safety_notice is not None
        if item.persona == "citizen" and not answer.refused:
            score.chat_plain = plain_for_citizens(answer.answer)
    return score


# What staff read and citizens should not: the index's row syntax and the prevention levels and roles.
# The level words as adjectives only: «Dette kan indikere at …» is plain Norwegian, «indikerte tiltak» is not.
# (A row's own text may say «fange opp og følge opp elever»; the role *labels* are a list in brackets.)
_STAFF_WORDS = re.compile(
    r"(?-i:(?:Tjeneste|Kommune|Nivå|Tiltak|Rolle|Samarbeid|Beskrivelse): )|\b(?:universell|selektert|indikert)e?\b|"
    r"\((?:forebygge|fange opp|følge opp)(?:, (?:forebygge|fange opp|følge opp))*[;)]",
    re.I,
)
_SERVICE_LINE = re.compile(r"^\s*-\s+\*\*[^*]+\*\*:")


def plain_for_citizens(text: str) -> bool:
    """No row syntax and no level or role terms; every service line («- **Service**: …») carries a citation."""
    if _STAFF_WORDS.search(text):
        return False
    return all(re.search(r"\[\d+\]", line) for line in text.splitlines() if _SERVICE_LINE.match(line))


def aggregate_situations(scores: Sequence[SituationScore]) -> SituationMetrics:
    chat = [s for s in scores if s.chat_names_must is not None]
    acute = [s for s in chat if s.acute]
    plain = [s for s in chat if s.chat_plain is not None]
    calm = [s for s in chat if not s.acute]
    return SituationMetrics(
        n=len(scores),
        must_at_3=mean(float(s.must_at_3) for s in scores) if scores else 0.0,
        precision_at_5=mean(s.precision_at_5 for s in scores) if scores else 0.0,
        best_at_10=mean(float(s.best_at_10) for s in scores) if scores else 0.0,
        chat_names_must=mean(float(bool(s.chat_names_must)) for s in chat) if chat else None,
        chat_refusal_rate=mean(float(bool(s.chat_refused)) for s in chat) if chat else None,
        chat_plain_rate=mean(float(bool(s.chat_plain)) for s in plain) if plain else None,
        safety_recall=mean(float(bool(s.safety_notice)) for s in acute) if acute else None,
        safety_false_alarms=sum(bool(s.safety_notice) for s in calm) if chat else None,
        finder_p50_ms=percentile([s.finder_latency_ms for s in scores], 50),
        ask_p50_ms=percentile([s.ask_latency_ms for s in chat if s.ask_latency_ms is not None], 50),
    )


def run_situations(
    finder: Finder, chat: Chat | None, items: Sequence[SituationItem], aliases: Mapping[str, Sequence[str]]
) -> list[SituationScore]:
    scores: list[SituationScore] = []
    for item in items:
        started = time.perf_counter()
        result = finder.find_services(item.situation)
        finder_ms = (time.perf_counter() - started) * 1000
        answer, ask_ms = None, None
        if chat is not None:
            started = time.perf_counter()
            answer = chat.ask(item.situation, audience=item.persona)
            ask_ms = (time.perf_counter() - started) * 1000
        scores.append(score_situation(item, result, answer, aliases, finder_ms, ask_ms))
    return scores


def breakdown(scores: Sequence[SituationScore]) -> dict[str, Any]:
    """Overall, per split, persona and language."""
    out: dict[str, Any] = {"overall": aggregate_situations(scores).model_dump()}
    for key in ("split", "persona", "language"):
        groups = sorted({getattr(s, key) for s in scores})
        out[f"per_{key}"] = {
            g: aggregate_situations([s for s in scores if getattr(s, key) == g]).model_dump() for g in groups
        }
    return out


def situation_table(metrics: Mapping[str, Any]) -> str:
    """A Markdown table of the overall and per-language situation metrics."""
    keys = ("n", "must_at_3", "precision_at_5", "best_at_10", "chat_names_must", "chat_refusal_rate", "chat_plain_rate")
    rows = [("alle", metrics["overall"]), *sorted(metrics.get("per_language", {}).items())]
    lines = ["| del | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for name, block in rows:
        cells = [f"{block[k]:.3f}" if isinstance(block[k], float) else str(block[k]) for k in keys]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
