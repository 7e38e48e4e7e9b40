"""Evaluation metrics on hand-made outputs, the dataset's validity and coverage, and the CI gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.dataset import DEFAULT_DATASET, EvalItem, load_dataset, validate_dataset
from eval.gate import check_gate
from eval.metrics import aggregate, evidence_rank, normalize, score_item
from tests.unit.test_ingest_corpus import SERVICES

ITEM = EvalItem(
    id="t1",
    question="Hvor mange saker?",
    split="dev",
    persona="fact",
    evidence=[{"document": "kb.txt", "text": "i 2021 økte dette til 1260"}],
    must=[["1260", "1 260"], ["Familieteam"]],
    documents=["kb.txt"],
)
NEG = EvalItem(id="n1", question="Telefon?", split="test", persona="citizen", answerable=False)


def hit(text: str, node: str, document: str = "kb.txt") -> dict[str, object]:
    return {"node_id": node, "document": document, "section": "", "text": text, "score": 1.0}


HITS = [
    hit("annet", "a"),
    hit("I 2021 ØKTE dette til 1 260.", "b", "other.txt"),
    hit("og i 2021 økte  dette til 1 260 saker", "c"),
]


def test_normalize_and_evidence_rank() -> None:
    assert normalize("I 2021 økte\u00a0dette til 1\u202f260 – «ja»") == 'i 2021 økte dette til 1260 - "ja"'
    assert evidence_rank(HITS, ITEM) == 3  # rank 2 has the text but in another document


def test_score_item_retrieval_facts_and_citations() -> None:
    output = {
        "answer": "Familieteamene fikk 1 260 saker [1].",
        "refused": False,
        "citations": [{"node_id": "c", "document": "kb.txt", "text": HITS[2]["text"]}, {"node_id": "fake", "text": ""}],
        "hits": HITS,
        "latency_ms": 12.0,
    }
    score = score_item(ITEM, output)
    assert (score["hit@1"], score["hit@3"], score["mrr@10"]) == (0.0, 1.0, pytest.approx(1 / 3))
    assert score["key_fact_accuracy"] == 1.0 and score["all_facts"]
    assert score["citation_valid"] == 1 and score["citations_total"] == 2 and "citations_valid" not in score
    assert score["cited_evidence"]
    half = score_item(ITEM, {**output, "answer": "1260 saker"})
    assert half["key_fact_accuracy"] == 0.5 and not half["all_facts"]


def test_refusals_and_aggregate() -> None:
    answered = score_item(
        ITEM, {"answer": "1260 Familieteam", "refused": False, "citations": [], "hits": HITS, "latency_ms": 10}
    )
    false_refusal = score_item(ITEM, {"answer": "Nei", "refused": True, "citations": [], "hits": [], "latency_ms": 30})
    refused = score_item(NEG, {"answer": "Nei", "refused": True, "citations": [], "hits": [], "latency_ms": 20})
    block = aggregate([answered, false_refusal, refused])
    overall = block["overall"]
    assert overall["refusal_accuracy"] == 1.0 and overall["false_refusal_rate"] == 0.5
    assert overall["key_fact_accuracy"] == 0.5 and overall["hit@10"] == 0.5
    assert overall["latency_p50_ms"] == 20 and overall["latency_p95_ms"] == 30
    assert set(block["per_persona"]) == {"fact", "citizen"}


def test_metrics_per_intent_as_the_analysis_read_the_question() -> None:
    from eval.report import group_table

    out = {"answer": "1260 Familieteam", "refused": False, "citations": [], "hits": HITS, "latency_ms": 10}
    quantity = score_item(ITEM, {**out, "intent": "quantity"})
    unknown = score_item(NEG, {**out, "refused": True})  # an output without an intent (a baseline) counts as «–»
    block = aggregate([quantity, unknown])
    assert set(block["per_intent"]) == {"quantity", "–"}
    assert block["per_intent"]["quantity"]["key_fact_accuracy"] == 1.0
    table = group_table({"systems": {"veiviser": {"metrics": block}}}, "intent")
    assert table.splitlines()[0].startswith("| intent | n | hit@5") and "| quantity |" in table


def test_real_dataset_is_valid_and_covers_the_brief() -> None:
    items = load_dataset(DEFAULT_DATASET)
    assert validate_dataset(DEFAULT_DATASET) == []
    assert len(items) >= 120
    personas = {p: sum(1 for i in items if i.persona == p) for p in ("fact", "staff", "citizen", "planner")}
    assert (
        personas["fact"] >= 30 and personas["staff"] >= 35 and personas["citizen"] >= 20 and personas["planner"] >= 20
    )
    assert sum(1 for i in items if i.history) >= 10
    assert sum(1 for i in items if not i.answerable) >= 15
    assert {i.service for i in items if i.service} == SERVICES
    assert {i.split for i in items} == {"dev", "test"}


def test_validator_reports_bad_evidence(tmp_path: Path) -> None:
    line = ITEM.model_copy(
        update={
            "evidence": [{"document": "kunnskapsgrunnlag-oppvekstreformen-2022.txt", "text": "finnes ikke i teksten"}]
        }
    )
    path = tmp_path / "d.jsonl"
    path.write_text(line.model_dump_json() + "\n", encoding="utf-8")
    problems = validate_dataset(path)
    assert any("found nowhere" in p for p in problems) and any("unknown document kb.txt" in p for p in problems)
    path.write_text('{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 1"):
        load_dataset(path)


def test_gate(tmp_path: Path) -> None:
    result = {"systems": {"veiviser": {"metrics": {"overall": {"hit@5": 0.7, "false_refusal_rate": 0.2}}}}}
    gate = tmp_path / "gate.toml"
    gate.write_text('[min]\n"hit@5" = 0.6\n[max]\nfalse_refusal_rate = 0.1\n', encoding="utf-8")
    assert check_gate(result, gate) == ["false_refusal_rate = 0.200 > 0.1"]


def test_gate_reads_slice_metrics_by_dotted_name(tmp_path: Path) -> None:
    result = {
        "systems": {"veiviser": {"metrics": {"overall": {"hit@5": 0.9}}}},
        "situations": {"overall": {"must_at_3": 0.7}, "per_language": {"en": {"must_at_3": 0.9}}},
        "safety": {"overall": {"recall": 1.0, "false_alarms": 5}},
    }
    gate = tmp_path / "gate.toml"
    gate.write_text(
        '[min]\n"situations.must_at_3" = 0.8\n"situations.en.must_at_3" = 0.8\n"safety.recall" = 1.0\n'
        '[max]\n"safety.false_alarms" = 3\n"situations.missing" = 1\n',
        encoding="utf-8",
    )
    assert check_gate(result, gate) == [
        "situations.must_at_3 = 0.700 < 0.8",
        "safety.false_alarms = 5.000 > 3",
        "situations.missing: missing from the result",
    ]


def test_eval_result_is_typed_and_round_trips(tmp_path: Path) -> None:
    from eval.metrics import aggregate, score_item
    from eval.results import EvalResult, SystemMetrics, SystemResult

    item = load_dataset(DEFAULT_DATASET)[0]
    score = score_item(item, {"answer": "", "refused": True, "citations": [], "hits": []})
    result = EvalResult(created="2026-12-02T00:00:00+00:00", dataset="d.jsonl", split="dev", items=1)
    result.systems["veiviser"] = SystemResult(metrics=SystemMetrics.model_validate(aggregate([score])))
    path = tmp_path / "result.json"
    result.save(path)
    loaded = EvalResult.load(path)
    assert loaded.systems["veiviser"].metrics.overall.hit_at_5 == result.systems["veiviser"].metrics.overall.hit_at_5
    data = loaded.to_dict()
    assert "hit@5" in data["systems"]["veiviser"]["metrics"]["overall"]
    assert "citations_valid" not in json.dumps(data)
