"""Scoring batch outputs against the evaluation set (pure functions, no I/O).

Retrieval counts a hit when a retrieved passage of the right document contains an evidence string
(after normalisation), so the metrics do not depend on how the corpus was chunked.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from statistics import mean
from typing import Any

from eval.dataset import EvalItem, Evidence

KS = (1, 3, 5, 10)
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "‘": "'", "’": "'"})
# Only thousands groups are joined ("1 260" → "1260"); "8 20 29" (table cells) stays apart.
_DIGIT_SPACE = re.compile(r"(?<=\d)\s+(?=\d{3}(?!\d))")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def _plain(text: str) -> str:
    """`normalize` without joining digit groups."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).casefold()
    text = _DASHES.sub("-", text).translate(_QUOTES)
    return " ".join(text.split())


def normalize(text: str) -> str:
    """Casefold, NFKC, unify dashes and quotes, collapse whitespace, join digit groups (1 260 → 1260)."""
    return _DIGIT_SPACE.sub("", _plain(text))


class ItemScore(dict[str, Any]):
    """Per-item scores: a plain dict (serialises as it is) with a pydantic-like `model_dump()`.

    Keys: id, persona, split, answerable, followup, rank, "hit@1", "hit@3", "hit@5", "hit@10", "mrr@10",
    "ndcg@10", key_fact_accuracy, all_facts, citation_valid, citations_total,
    cited_evidence, refused, refusal_correct, latency_ms, search_latency_ms (None when the output has none).
    Retrieval and fact keys are None for unanswerable items.
    """

    def model_dump(self, by_alias: bool = True) -> dict[str, Any]:
        return dict(self)


EvidenceLike = EvalItem | Iterable[Evidence | dict[str, Any]]


def _evidence_pairs(evidence: EvidenceLike) -> list[tuple[str, str]]:
    """(document, normalised text) pairs from an item, Evidence models or plain dicts."""
    entries = evidence.evidence if isinstance(evidence, EvalItem) else evidence
    pairs: list[tuple[str, str]] = []
    for ev in entries:
        document, text = (ev.document, ev.text) if isinstance(ev, Evidence) else (ev["document"], ev["text"])
        pairs.append((str(document), normalize(str(text))))
    return pairs


def _contains(passage: dict[str, Any], pairs: Sequence[tuple[str, str]]) -> bool:
    text = normalize(str(passage.get("text", "")))
    return any(doc == passage.get("document") and ev and ev in text for doc, ev in pairs)


def contains_evidence(passage: dict[str, Any], evidence: EvidenceLike) -> bool:
    """True when the passage is from the evidence's document and contains its text (normalised)."""
    return _contains(passage, _evidence_pairs(evidence))


def evidence_rank(hits: Sequence[dict[str, Any]], evidence: EvidenceLike) -> int | None:
    """1-based rank of the first hit containing any evidence text of the same document; None if none does."""
    pairs = _evidence_pairs(evidence)
    for rank, hit in enumerate(hits, start=1):
        if _contains(hit, pairs):
            return rank
    return None


def ndcg_at_10(hits: Sequence[dict[str, Any]], evidence: EvidenceLike) -> float:
    """Binary-gain nDCG@10: every hit containing evidence counts as relevant."""
    pairs = _evidence_pairs(evidence)
    gains = [1.0 if _contains(h, pairs) else 0.0 for h in hits[:10]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sum(1.0 / math.log2(i + 2) for i in range(int(sum(gains)))) if any(gains) else 0.0
    return dcg / ideal if ideal else 0.0


def _fact_pattern(alternative: str) -> re.Pattern[str] | None:
    """A normalised alternative; one that starts or ends with a digit may not touch another digit there
    (so "14" does not match "14 000" and "75" does not match "1975")."""
    alt = normalize(alternative)
    if not alt:
        return None
    left = r"(?<!\d)" if alt[0].isdigit() else ""
    right = r"(?!\d)" if alt[-1].isdigit() else ""
    return re.compile(left + re.escape(alt) + right)


_GROUP_BEFORE = re.compile(r"(?:^|\D)\d{1,3} $")
_GROUP_AFTER = re.compile(r" \d{3}(?!\d)")


def _found_ungrouped(pattern: re.Pattern[str], text: str) -> bool:
    """A match in the unjoined text that is not part of a grouped number ("260" in "1 260", "14" in "14 000")."""
    for match in pattern.finditer(text):
        value = match.group()
        if value[0].isdigit() and _GROUP_BEFORE.search(text[: match.start()]):
            continue
        if value[-1].isdigit() and _GROUP_AFTER.match(text, match.end()):
            continue
        return True
    return False


def fact_found(answer: str, alternatives: Sequence[str]) -> bool:
    """Any alternative occurs in the answer (case-, dash-, quote- and space-insensitive; numbers whole).

    The answer is tried with thousands groups joined ("1 260" → "1260") and, failing that, unjoined, so
    a number right after a year ("i 2020 728 saker") is still found.
    """
    joined, plain = normalize(answer), _plain(answer)
    patterns = [p for p in map(_fact_pattern, alternatives) if p is not None]
    return any(p.search(joined) or _found_ungrouped(p, plain) for p in patterns)


def key_fact_accuracy(answer: str, must: Sequence[Sequence[str]]) -> tuple[float, bool]:
    """(fraction of facts found, all facts found); each fact is a list of alternatives. No facts: (1.0, True)."""
    if not must:
        return 1.0, True
    found = [fact_found(answer, alternatives) for alternatives in must]
    return sum(found) / len(found), all(found)


def hit_at_k(rank: int | None, k: int) -> float:
    """1.0 when the first relevant hit is within the top k, else 0.0."""
    return 1.0 if rank is not None and rank <= k else 0.0


def reciprocal_rank(rank: int | None, k: int = 10) -> float:
    """1/rank for a relevant hit within the top k (MRR@k per item), else 0.0."""
    return 1.0 / rank if rank is not None and 0 < rank <= k else 0.0


def citation_validity(citations: Sequence[dict[str, Any]], passages: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """(valid, total): a citation is valid when its node_id is one of the passages given to the model."""
    given = {p.get("node_id") for p in passages}
    return sum(1 for c in citations if c.get("node_id") in given), len(citations)


def cited_evidence(citations: Sequence[dict[str, Any]], evidence: EvidenceLike) -> bool:
    """True when some cited passage (same document) contains an evidence text."""
    pairs = _evidence_pairs(evidence)
    return any(_contains(c, pairs) for c in citations)


_MARKER = re.compile(r"\[(\d+)\]")


def line_precision(answer: str, citations: Sequence[dict[str, Any]], item: EvalItem) -> float | None:
    """Share of the answer's cited lines that are on the question: the line states a key fact, or a passage it
    cites holds the evidence. None for an answer with no cited line."""
    by_number = {int(c.get("n", 0)): c for c in citations}
    pairs = _evidence_pairs(item)
    facts = [alt for group in item.must for alt in group]
    lines = [line for line in answer.splitlines() if _MARKER.search(line)]
    if not lines:
        return None
    on = 0
    for line in lines:
        cited = [by_number[int(n)] for n in _MARKER.findall(line) if int(n) in by_number]
        on += any(_contains(c, pairs) for c in cited) or (bool(facts) and fact_found(line, facts))
    return on / len(lines)


def score_item(item: EvalItem, output: dict[str, Any]) -> ItemScore:
    """Per-item scores (a flat dict, so results serialise as they are).

    `output`: {answer, refused, citations: [{n, node_id, document, section, text}],
    hits: [{node_id, document, section, text, score}] (ranked), latency_ms}.
    A citation is valid when its node_id is among the item's (first 10) hits.
    """
    hits = list(output.get("hits", []))[:10]
    citations = list(output.get("citations", []))
    answer = str(output.get("answer", ""))
    refused = bool(output.get("refused", False))
    valid, total = citation_validity(citations, hits)
    search_latency = output.get("search_latency_ms")
    score = ItemScore(
        {
            "id": item.id,
            "persona": item.persona,
            "split": item.split,
            "intent": str(output.get("intent") or "–"),
            "answerable": item.answerable,
            "followup": bool(item.history),
            "rank": None,
            **{f"hit@{k}": None for k in KS},
            "mrr@10": None,
            "ndcg@10": None,
            "key_fact_accuracy": None,
            "all_facts": None,
            "citation_valid": valid,
            "citations_total": total,
            "cited_evidence": None,
            "line_precision": None,
            "refused": refused,
            "refusal_correct": None,
            "latency_ms": float(output.get("latency_ms", 0.0) or 0.0),
            "search_latency_ms": float(search_latency) if search_latency is not None else None,
        }
    )
    if item.answerable:
        rank = evidence_rank(hits, item)
        accuracy, all_found = key_fact_accuracy(answer, item.must) if not refused else (0.0, False)
        score.update(
            {
                "rank": rank,
                **{f"hit@{k}": hit_at_k(rank, k) for k in KS},
                "mrr@10": reciprocal_rank(rank, 10),
                "ndcg@10": ndcg_at_10(hits, item),
                "key_fact_accuracy": accuracy,
                "all_facts": all_found,
                "cited_evidence": (not refused) and cited_evidence(citations, item),
                "line_precision": None if refused else line_precision(answer, citations, item),
                "refusal_correct": not refused,
            }
        )
    else:
        score["refusal_correct"] = refused
    return score


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for an empty list."""
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
    block["citation_validity"] = sum(s["citation_valid"] for s in scores) / total_citations if total_citations else None
    block["cited_evidence_rate"] = mean(float(s["cited_evidence"]) for s in answered) if answered else None
    precisions = [float(s["line_precision"]) for s in answered if s.get("line_precision") is not None]
    block["line_precision"] = mean(precisions) if precisions else None
    block["refusal_accuracy"] = mean(float(s["refused"]) for s in unanswerable) if unanswerable else None
    block["false_refusal_rate"] = mean(float(s["refused"]) for s in answerable) if answerable else None
    latencies = [float(s["latency_ms"]) for s in scores if s.get("latency_ms") is not None]
    block["latency_p50_ms"] = percentile(latencies, 50)
    block["latency_p95_ms"] = percentile(latencies, 95)
    searches = [float(s["search_latency_ms"]) for s in scores if s.get("search_latency_ms") is not None]
    block["search_latency_p50_ms"] = percentile(searches, 50)
    block["search_latency_p95_ms"] = percentile(searches, 95)
    return block


def aggregate(scores: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Overall, per persona, per intent (as the question analysis read the question) and per split (and
    follow-ups) metric blocks."""

    def groups(key: str) -> list[str]:
        return sorted({s[key] for s in scores})

    scores = [{"followup": False, "intent": "–", **s} for s in scores]
    return {
        "overall": _block(scores),
        "per_persona": {p: _block([s for s in scores if s["persona"] == p]) for p in groups("persona")},
        "per_intent": {p: _block([s for s in scores if s["intent"] == p]) for p in groups("intent")},
        "per_split": {p: _block([s for s in scores if s["split"] == p]) for p in groups("split")},
        "followups": _block([s for s in scores if s["followup"]]) if any(s["followup"] for s in scores) else None,
    }
