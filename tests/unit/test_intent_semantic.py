"""The semantic half of situation routing: its prototypes come from dev only, and it separates by meaning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.intent_semantic import PROTOTYPES, IntentPrototypes, SemanticRouter, load_intent_prototypes
from eval.intent_prototypes import DATASETS, dev_prototypes, render
from index.embedding import FakeEmbedding
from ingest.errors import PromptError


def test_the_prototypes_file_is_what_the_dev_splits_give() -> None:
    assert PROTOTYPES.read_text(encoding="utf-8") == render(*dev_prototypes()), (
        "regenerate with `python -m eval.intent_prototypes`"
    )


def test_no_test_item_is_a_prototype() -> None:
    prototypes = load_intent_prototypes()
    used = set(prototypes.situation) | set(prototypes.question)
    for name, field in (("veiviser", "question"), ("situations", "situation"), ("questions-multilingual", "question")):
        for line in (DATASETS / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("split") == "test":
                assert row[field].strip() not in used, row["id"]


def test_a_router_separates_situations_from_questions_by_meaning() -> None:
    fake = FakeEmbedding()
    situations = [f"sønnen min {w} og jeg er redd, hvor får vi hjelp" for w in ("røyker", "skulker", "gråter", "slåss")]
    questions = [f"hvor mange {w} var det i 2021 ifølge rapporten" for w in ("saker", "barn", "elever", "familier")]
    router = SemanticRouter(
        IntentPrototypes(situations, questions),
        lambda texts: [fake.get_query_embedding(t) for t in texts],
        fake.get_query_embedding,
        min_probability=0.5,
    )
    assert router.is_situation("datteren min røyker og jeg er redd, hvor får vi hjelp")
    assert not router.is_situation("hvor mange elever var det i 2021 ifølge rapporten")
    assert 0.0 <= router.probability("noe helt annet") <= 1.0


def test_a_bad_prototypes_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "p.toml"
    bad.write_text('[situation]\ntexts = ["a"]\n', encoding="utf-8")
    with pytest.raises(PromptError, match="at least"):
        load_intent_prototypes(bad)
