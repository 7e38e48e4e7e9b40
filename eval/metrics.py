"""Scoring batch outputs against the evaluation set (pure functions, no I/O).

Retrieval counts a hit when a retrieved passage of the right document contains an evidence string
(after normalisation), so the metrics do not depend on how the corpus was chunked.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from statistics import mean
from typing import Any

from eval.dataset import EvalItem

KS = (1, 3, 5, 10)
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "‘": "'", "’": "'"})
_DIGIT_SPACE = re.compile(r"(?<=\d)\s+(?=\d)")


def normalize(text: str) -> str:
    """Casefold, NFKC, unify dashes and quotes, collapse whitespace, join digit groups (1 260 → 1260)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _DASHES.sub("-", text).translate(_QUOTES)
    text = " ".join(text.split())
    return _DIGIT_SPACE.sub("", text)


def contains_evidence(passage: dict[str, Any], item: EvalItem) -> bool:
    text = normalize(str(passage.get("text", "")))
    return any(ev.document == passage.get("document") and normalize(ev.text) in text for ev in item.evidence)


def evidence_rank(hits: Sequence[dict[str, Any]], item: EvalItem) -> int | None:
    """1-based rank of the first hit containing evidence; None when no hit does."""
    for rank, hit in enumerate(hits, start=1):
        if contains_evidence(hit, item):
            return rank
    return None


def ndcg_at_10(hits: Sequence[dict[str, Any]], item: EvalItem) -> float:
    gains = [1.0 if contains_evidence(h, item) else 0.0 for h in hits[:10]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sum(1.0 / math.log2(i + 2) for i in range(int(sum(gains)))) if any(gains) else 0.0
    return dcg / ideal if ideal else 0.0


def fact_found(answer: str, alternatives: Sequence[str]) -> bool:
    text = normalize(answer)
    return any(normalize(alt) in text for alt in alternatives)


def score_item(item: EvalItem, output: dict[str, Any]) -> dict[str, Any]:
    """Per-item scores (a flat dict, so results serialise as they are)."""
    hits = list(output.get("hits", []))[:10]
    citations = list(output.get("citations", []))
    answer = str(output.get("answer", ""))
    refused = bool(output.get("refused", False))
    hit_ids = {h.get("node_id") for h in hits}
    valid = sum(1 for c in citations if c.get("node_id") in hit_ids)
    score: dict[str, Any] = {
        "id": item.id,
        "persona": item.persona,
        "split": item.split,
        "answerable": item.answerable,
        "followup": bool(item.history),
        "refused": refused,
        "citations_total": len(citations),
        "citations_valid": valid,
        "latency_ms": float(output.get("latency_ms", 0.0)),
    }
    if item.answerable:
        rank = evidence_rank(hits, item)
        found = [fact_found(answer, alts) for alts in item.must] if not refused else [False] * len(item.must)
        score.update(
            {
                "rank": rank,
                **{f"hit@{k}": float(rank is not None and rank <= k) for k in KS},
                "mrr@10": 1.0 / rank if rank else 0.0,
                "ndcg@10": ndcg_at_10(hits, item),
                "key_fact_accuracy": sum(found) / len(found),
                "all_facts": all(found),
                "cited_evidence": (not refused) and any(contains_evidence(c, item) for c in citations),
                "refusal_correct": not refused,
            }
        )
    else:
        score["refusal_correct"] = refused
    return score


def _percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def _block(scores: Sequence[dict[str, Any]]) -> dict[str, Any]:
    answerable = [s for s in scores if s["answerable"]]
    unanswerable = [s for s in scores if not s["answerable"]]
    answered = [s for s in answerable if not s["refused"]]
    total_citations = sum(s["citations_total"] for s in scores)
    block: dict[str, Any] = {"n": len(scores), "n_answerable": len(answerable), "n_unanswerable": len(unanswerable)}
    for key in (*(f"hit@{k}" for k in KS), "mrr@10", "ndcg@10", "key_fact_accuracy"):
        block[key] = mean(s[key] for s in answerable) if answerable else None
    block["all_facts_rate"] = mean(float(s["all_facts"]) for s in answerable) if answerable else None
    block["citation_validity"] = (
        sum(s["citations_valid"] for s in scores) / total_citations if total_citations else None
    )
    block["cited_evidence_rate"] = mean(float(s["cited_evidence"]) for s in answered) if answered else None
    block["refusal_accuracy"] = mean(float(s["refused"]) for s in unanswerable) if unanswerable else None
    block["false_refusal_rate"] = mean(float(s["refused"]) for s in answerable) if answerable else None
    latencies = [s["latency_ms"] for s in scores]
    block["latency_p50_ms"] = _percentile(latencies, 50)
    block["latency_p95_ms"] = _percentile(latencies, 95)
    return block


def aggregate(scores: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Overall, per persona and per split (and follow-ups) metric blocks."""

    def groups(key: str) -> list[str]:
        return sorted({s[key] for s in scores})

    return {
        "overall": _block(scores),
        "per_persona": {p: _block([s for s in scores if s["persona"] == p]) for p in groups("persona")},
        "per_split": {p: _block([s for s in scores if s["split"] == p]) for p in groups("split")},
        "followups": _block([s for s in scores if s["followup"]]) if any(s["followup"] for s in scores) else {},
    }
