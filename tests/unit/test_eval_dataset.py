"""The evaluation dataset: the real file validates and covers the brief; the validator catches bad items."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from eval.dataset import DEFAULT_DATASET, ROOT, SERVICES, EvalItem, load_dataset, main, validate_dataset

CORPUS = ROOT / "corpus"
KB = "kunnskapsgrunnlag-oppvekstreformen-2022.txt"


@pytest.fixture(scope="module")
def items() -> list[EvalItem]:
    return load_dataset(DEFAULT_DATASET)


def test_real_dataset_has_no_problems() -> None:
    assert validate_dataset(DEFAULT_DATASET, CORPUS) == []


@pytest.mark.parametrize(
    "name",
    [
        "questions-multilingual.jsonl",
        "questions-english.jsonl",
        "questions-crosslingual.jsonl",
        "questions-typos.jsonl",
        "measures.jsonl",
    ],
)
def test_the_other_question_sets_have_no_problems(name: str) -> None:
    assert validate_dataset(DEFAULT_DATASET.parent / name, CORPUS) == []


def test_the_english_set_asks_its_norwegian_items_with_their_labels() -> None:
    norwegian = {item.id: item for item in load_dataset(DEFAULT_DATASET)}
    rows = [
        json.loads(line)
        for line in (DEFAULT_DATASET.parent / "questions-english.jsonl").read_text("utf-8").splitlines()
    ]
    assert len(rows) >= 40
    for row in rows:
        source = norwegian[row["source"]]
        assert row["split"] == source.split == "dev" and row["language"] == "en"
        assert row.get("must", []) == source.must and row["answerable"] == source.answerable


def test_minimum_counts(items: list[EvalItem]) -> None:
    assert len(items) >= 130
    personas = Counter(i.persona for i in items)
    assert personas["fact"] >= 30 and personas["staff"] >= 35
    assert personas["citizen"] >= 20 and personas["planner"] >= 20
    prefixes = Counter(i.id.split("-")[0] for i in items)
    assert prefixes["fact"] >= 30 and prefixes["fu"] >= 10 and prefixes["neg"] >= 18
    assert sum(1 for i in items if not i.answerable) >= 18
    two_doc_planner = [i for i in items if i.persona == "planner" and len(set(i.documents)) >= 2]
    assert len(two_doc_planner) >= 4


def test_splits_are_roughly_40_60_within_each_persona(items: list[EvalItem]) -> None:
    for persona in ("fact", "staff", "citizen", "planner"):
        splits = Counter(i.split for i in items if i.persona == persona)
        share = splits["dev"] / (splits["dev"] + splits["test"])
        assert 0.3 <= share <= 0.5, (persona, splits)


def test_every_service_has_a_staff_item(items: list[EvalItem]) -> None:
    covered = {i.service for i in items if i.persona == "staff" and i.service}
    assert set(SERVICES) - covered == set()
    assert covered <= set(SERVICES)
    assert len(SERVICES) == 31


def test_every_document_is_used(items: list[EvalItem]) -> None:
    used = {d for i in items for d in i.documents}
    assert used == {p.name for p in CORPUS.glob("*.txt")}
    workshops_and_strategy = used - {KB}
    for doc in workshops_and_strategy:
        assert sum(1 for i in items if i.persona == "planner" and doc in i.documents) >= 3, doc


def test_followups_are_elliptical_with_a_prior_exchange(items: list[EvalItem]) -> None:
    followups = [i for i in items if i.history]
    assert len(followups) >= 10
    for item in followups:
        assert item.id.startswith("fu-")
        assert [t.role for t in item.history][:2] == ["user", "assistant"]
        assert len(item.question) < 90, item.id


def write(tmp_path: Path, *rows: dict[str, object]) -> Path:
    path = tmp_path / "d.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


GOOD = {
    "id": "fact-x1",
    "question": "Hvor mange saker kom inn til familieteamene i 2021?",
    "history": [],
    "split": "dev",
    "persona": "fact",
    "answerable": True,
    "evidence": [{"document": KB, "text": "I 2020 kom det 728 saker inn til Familieteamene"}],
    "must": [["728"]],
    "documents": [KB],
}


def test_a_good_tmp_item_passes(tmp_path: Path) -> None:
    assert validate_dataset(write(tmp_path, GOOD), CORPUS) == []


def test_bogus_evidence_and_unknown_documents_are_reported(tmp_path: Path) -> None:
    bogus = {**GOOD, "evidence": [{"document": KB, "text": "Dette står ikke i noen av dokumentene"}]}
    problems = validate_dataset(write(tmp_path, bogus), CORPUS)
    assert any("fact-x1" in p and "nowhere" in p for p in problems)
    unknown = {
        **GOOD,
        "documents": ["finnes-ikke.txt"],
        "evidence": [{"document": "finnes-ikke.txt", "text": "x" * 30}],
    }
    assert any("unknown document" in p for p in validate_dataset(write(tmp_path, unknown), CORPUS))


def test_duplicates_and_format_rules_are_reported(tmp_path: Path) -> None:
    dup = {**GOOD, "id": "fact-x2"}
    problems = validate_dataset(write(tmp_path, GOOD, GOOD, dup), CORPUS)
    assert any("duplicate id" in p for p in problems) and any("duplicate question" in p for p in problems)
    short = {**GOOD, "evidence": [{"document": KB, "text": "728 saker"}]}
    assert any("chars" in p for p in validate_dataset(write(tmp_path, short), CORPUS))
    bad_service = {**GOOD, "id": "svc-x", "persona": "staff", "service": "Tannlegen"}
    assert any("unknown service" in p for p in validate_dataset(write(tmp_path, bad_service), CORPUS))


def test_model_rules_and_line_numbers(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        EvalItem.model_validate({**GOOD, "must": []})
    with pytest.raises(ValueError):
        EvalItem.model_validate({**GOOD, "id": "neg-x", "answerable": False})
    with pytest.raises(ValueError):
        EvalItem.model_validate({**GOOD, "surprise": 1})
    neg = EvalItem.model_validate(
        {"id": "neg-x", "question": "Hva koster SFO?", "split": "test", "persona": "citizen", "answerable": False}
    )
    assert neg.history == [] and neg.evidence == [] and neg.documents == []
    path = write(tmp_path, GOOD, {"id": "broken"})
    with pytest.raises(ValueError, match="line 2"):
        load_dataset(path)
    assert [i.id for i in load_dataset(write(tmp_path, GOOD), split="dev")] == ["fact-x1"]
    assert load_dataset(write(tmp_path, GOOD), split="test") == []


def test_history_turns_convert_to_chat_turns(items: list[EvalItem]) -> None:
    from assistant.types import ChatTurn

    turns = [ChatTurn.model_validate(t.model_dump()) for i in items for t in i.history]
    assert turns and all(t.role in ("user", "assistant") for t in turns)


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--dataset", str(write(tmp_path, GOOD)), "--corpus", str(CORPUS)]) == 0
    bogus = {**GOOD, "evidence": [{"document": KB, "text": "Dette står ikke i noen av dokumentene"}]}
    assert main(["validate", "--dataset", str(write(tmp_path, bogus)), "--corpus", str(CORPUS)]) == 1
    assert "PROBLEM" in capsys.readouterr().out


def test_the_typo_slice_is_the_question_set_with_slips() -> None:
    """eval/datasets/questions-typos.jsonl is what eval.typos makes of the question set: same items and gold,
    other questions, the same file on every run."""
    from eval.typos import OUTPUT, slip, with_typos

    source = [json.loads(line) for line in DEFAULT_DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]
    typed = [json.loads(line) for line in OUTPUT.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert [i["id"] for i in typed] == [i["id"] for i in source]
    for original, changed in zip(source, typed, strict=True):
        assert changed["question"] == with_typos(original["question"], original["id"])
        assert {k: v for k, v in changed.items() if k != "question"} == {
            k: v for k, v in original.items() if k != "question"
        }
    assert sum(t["question"] != s["question"] for t, s in zip(typed, source, strict=True)) >= 0.95 * len(source)
    assert [slip("barnevernet", kind, 3) for kind in range(4)] == [
        "barnvernet",  # the fifth letter dropped
        "barnveernet",  # the fifth and sixth swapped
        "barneevernet",  # the fifth doubled
        "barnevernit",  # the fourth vowel for its neighbour
    ]


def test_the_situation_typo_slice_is_the_situations_with_slips() -> None:
    """eval/datasets/situations-typos.jsonl is what eval.typos makes of the situations (regenerate it when they
    change: `python -m eval.typos --dataset eval/datasets/situations.jsonl --output …situations-typos.jsonl`)."""
    from eval.typos import OUTPUT, with_typos

    source_path, typed_path = DEFAULT_DATASET.parent / "situations.jsonl", OUTPUT.parent / "situations-typos.jsonl"
    source = [json.loads(line) for line in source_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    typed = [json.loads(line) for line in typed_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert [t["id"] for t in typed] == [s["id"] for s in source]
    for original, changed in zip(source, typed, strict=True):
        assert changed == {**original, "situation": with_typos(original["situation"], original["id"])}
