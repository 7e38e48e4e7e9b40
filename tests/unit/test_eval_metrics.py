"""eval.metrics on hand-made outputs: normalisation, evidence rank, per-item scores and aggregation."""

from __future__ import annotations

from typing import Any

import pytest

from eval.dataset import EvalItem, Evidence
from eval.metrics import (
    aggregate,
    citation_validity,
    cited_evidence,
    evidence_rank,
    fact_found,
    hit_at_k,
    key_fact_accuracy,
    normalize,
    reciprocal_rank,
    score_item,
)

KB = "kb.txt"
ITEM = EvalItem(
    id="fact-t1",
    question="Hvor mange saker kom inn til familieteamene i 2021?",
    split="dev",
    persona="fact",
    evidence=[Evidence(document=KB, text="i 2021 økte dette til 1260")],
    must=[["1260", "1 260"], ["familieteam"]],
    documents=[KB],
)
NEG = EvalItem(id="neg-t1", question="Hva er telefonnummeret?", split="test", persona="citizen", answerable=False)


def hit(text: str, node: str, document: str = KB) -> dict[str, Any]:
    return {"node_id": node, "document": document, "section": "", "text": text, "score": 1.0}


# The evidence is at rank 3: rank 2 has the text but from another document.
HITS = [
    hit("Noe helt annet.", "a"),
    hit("I 2021 ØKTE dette til 1 260.", "b", "other.txt"),
    hit("I 2020 kom det 728 saker inn til Familieteamene, og i 2021 økte dette til 1\u00a0260.", "c"),
    hit("Enda noe annet.", "d"),
]


def output(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "answer": "Familieteamene fikk 1 260 saker i 2021 [1].",
        "refused": False,
        "citations": [{"n": 1, "node_id": "c", "document": KB, "section": "", "text": HITS[2]["text"]}],
        "hits": HITS,
        "latency_ms": 10.0,
    }
    return {**base, **overrides}


def test_normalize() -> None:
    assert normalize("1 260") == normalize("1260") == "1260"
    assert normalize("A\u00a0B\u2009C\u202fD \n\t E") == "a b c d e"
    assert normalize("2017–2021 — x − y") == "2017-2021 - x - y"
    assert normalize("ＡＢＣ Økte") == "abc økte"  # NFKC + casefold


def test_evidence_rank_needs_text_and_document() -> None:
    assert evidence_rank(HITS, ITEM.evidence) == 3
    assert evidence_rank(HITS, [{"document": KB, "text": "i 2021 økte dette til 1 260"}]) == 3
    assert evidence_rank(HITS, ITEM) == 3
    assert evidence_rank(HITS[:2], ITEM.evidence) is None
    assert evidence_rank([], ITEM.evidence) is None


def test_score_item_rank_three() -> None:
    score = score_item(ITEM, output())
    assert score["rank"] == 3
    assert (score["hit@1"], score["hit@3"], score["hit@5"], score["hit@10"]) == (0.0, 1.0, 1.0, 1.0)
    assert score["mrr@10"] == pytest.approx(1 / 3)
    assert 0 < score["ndcg@10"] < 1
    assert score["key_fact_accuracy"] == 1.0 and score["all_facts"] is True
    assert score["cited_evidence"] is True and score["citation_valid"] == 1 and score["citations_total"] == 1
    assert score["refused"] is False and score["refusal_correct"] is True
    dumped = score.model_dump()
    for key in (
        "hit@1", "hit@3", "hit@5", "hit@10", "mrr@10", "ndcg@10", "key_fact_accuracy", "all_facts",
        "citation_valid", "citations_total", "cited_evidence", "refused", "refusal_correct", "latency_ms",
    ):  # fmt: skip
        assert key in dumped, key


def test_fact_matching_ignores_digit_spaces_and_case() -> None:
    assert score_item(ITEM, output(answer="FAMILIETEAM: 1260"))["key_fact_accuracy"] == 1.0
    half = score_item(ITEM, output(answer="Det kom 1 260 saker."))
    assert half["key_fact_accuracy"] == 0.5 and half["all_facts"] is False
    assert score_item(ITEM, output(answer="Ukjent."))["key_fact_accuracy"] == 0.0


def test_fake_citation_is_invalid() -> None:
    cites = [
        {"n": 1, "node_id": "c", "document": KB, "section": "", "text": HITS[2]["text"]},
        {"n": 2, "node_id": "fake-node", "document": KB, "section": "", "text": "oppdiktet"},
    ]
    score = score_item(ITEM, output(citations=cites))
    assert score["citation_valid"] == 1 and score["citations_total"] == 2
    assert aggregate([score])["overall"]["citation_validity"] == 0.5


def test_refusal_counting_and_aggregate() -> None:
    answered = score_item(ITEM, output(latency_ms=10.0))
    false_refusal = score_item(
        ITEM, output(answer="Jeg finner ikke dette.", refused=True, citations=[], hits=[], latency_ms=30.0)
    )
    right_refusal = score_item(
        NEG, output(answer="Det står ikke i dokumentene.", refused=True, citations=[], latency_ms=20.0)
    )
    wrong_answer = score_item(NEG, output(refused=False, latency_ms=40.0))
    assert false_refusal["refusal_correct"] is False and false_refusal["key_fact_accuracy"] == 0.0
    assert right_refusal["refusal_correct"] is True and right_refusal["hit@5"] is None
    assert wrong_answer["refusal_correct"] is False

    result = aggregate([answered, false_refusal, right_refusal, wrong_answer])
    overall = result["overall"]
    assert overall["n"] == 4
    assert overall["refusal_accuracy"] == 0.5
    assert overall["false_refusal_rate"] == 0.5
    # Retrieval and key facts only over the two answerable items.
    assert overall["hit@3"] == 0.5 and overall["hit@1"] == 0.0
    assert overall["mrr@10"] == pytest.approx(1 / 6)
    assert overall["key_fact_accuracy"] == 0.5 and overall["all_facts_rate"] == 0.5
    # Cited evidence: only answerable, non-refused items count (one, and it cites the evidence).
    assert overall["cited_evidence_rate"] == 1.0
    # Citations over all items: answered (1 valid) + wrong_answer (1, valid: node c is among its hits).
    assert overall["citation_validity"] == 1.0
    assert overall["latency_p50_ms"] == 20.0 and overall["latency_p95_ms"] == 40.0
    assert set(result["per_persona"]) == {"fact", "citizen"}
    assert result["per_persona"]["citizen"]["hit@1"] is None
    assert result["per_persona"]["citizen"]["refusal_accuracy"] == 0.5
    assert result["per_persona"]["fact"]["refusal_accuracy"] is None
    assert set(result["per_split"]) == {"dev", "test"}
    for block in (overall, *result["per_persona"].values(), *result["per_split"].values()):
        for key in (
            "n", "hit@1", "hit@3", "hit@5", "hit@10", "mrr@10", "ndcg@10", "key_fact_accuracy", "all_facts_rate",
            "citation_validity", "cited_evidence_rate", "refusal_accuracy", "false_refusal_rate",
            "latency_p50_ms", "latency_p95_ms",
        ):  # fmt: skip
            assert key in block, key


def test_unanswerable_item_keeps_facts_out() -> None:
    score = score_item(NEG, output(refused=True))
    assert score["key_fact_accuracy"] is None and score["rank"] is None
    assert aggregate([score])["overall"]["key_fact_accuracy"] is None


def test_rank_helpers() -> None:
    assert [hit_at_k(3, k) for k in (1, 3, 5, 10)] == [0.0, 1.0, 1.0, 1.0]
    assert hit_at_k(None, 10) == 0.0 and hit_at_k(11, 10) == 0.0
    assert reciprocal_rank(3) == pytest.approx(1 / 3)
    assert reciprocal_rank(None) == 0.0 and reciprocal_rank(11) == 0.0 and reciprocal_rank(1) == 1.0


def test_numbers_match_whole_and_with_grouping_spaces() -> None:
    assert fact_found("Det kom 1\u202f260 saker.", ["1260"])
    assert fact_found("Det kom 1260 saker.", ["1 260"])
    assert fact_found("I 2021 1 260 saker", ["1260"])  # a year before the number does not glue to it
    assert fact_found("I 2020 728 saker", ["728"])
    assert not fact_found("Det kom 1 260 saker", ["260"])
    assert not fact_found("Over 14 000 barn", ["14"])  # part of a bigger number is not the number
    assert not fact_found("Siden 1975", ["75"])
    assert fact_found("omtrent 75%", ["75"]) and fact_found("34,1 %", ["34,1"])
    assert not fact_found("14 prosent", ["4 prosent"])
    assert fact_found("1. januar 2022", ["1. januar 2022"]) and not fact_found("21. januar 2022", ["1. januar 2022"])


def test_key_fact_accuracy() -> None:
    must = [["1260", "1 260"], ["familieteam"]]
    assert key_fact_accuracy("Familieteamene fikk 1 260 saker.", must) == (1.0, True)
    assert key_fact_accuracy("Det kom 1260 saker.", must) == (0.5, False)
    assert key_fact_accuracy("Vet ikke.", must) == (0.0, False)
    assert key_fact_accuracy("hva som helst", []) == (1.0, True)


def test_citation_helpers() -> None:
    cites = [
        {"n": 1, "node_id": "c", "document": KB, "section": "", "text": HITS[2]["text"]},
        {"n": 2, "node_id": "zzz", "document": KB, "section": "", "text": "oppdiktet"},
    ]
    assert citation_validity(cites, HITS) == (1, 2)
    assert citation_validity([], HITS) == (0, 0)
    assert cited_evidence(cites, ITEM) and cited_evidence(cites, ITEM.evidence)
    assert not cited_evidence(cites[1:], ITEM)
    # Right text, wrong document: not the evidence.
    assert not cited_evidence([{**cites[0], "document": "other.txt"}], ITEM)


def test_search_latency_is_optional() -> None:
    plain = score_item(ITEM, output())
    assert plain["search_latency_ms"] is None
    timed = [score_item(ITEM, output(search_latency_ms=v)) for v in (5.0, 7.0, 9.0)]
    block = aggregate([plain, *timed])["overall"]
    assert block["search_latency_p50_ms"] == 7.0 and block["search_latency_p95_ms"] == 9.0
    assert aggregate([plain])["overall"]["search_latency_p50_ms"] is None
