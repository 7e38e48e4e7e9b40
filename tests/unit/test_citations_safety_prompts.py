"""Citation parsing/validation, the safety trigger and the prompt files."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.citations import parse_citation_numbers, validate_citations
from assistant.prompts import PromptError, load_prompts
from assistant.safety import detect_acute_danger
from assistant.types import Passage

PASSAGES = [
    Passage(node_id=f"id{i}", document="d.txt", title="Dok", section=f"S{i}", text=f"tekst {i}") for i in range(1, 4)
]


def test_parse_numbers_in_every_form() -> None:
    assert parse_citation_numbers("A [1]. B [2, 3]. C [1-3] D [4][5]") == [1, 2, 3, 1, 2, 3, 4, 5]
    assert parse_citation_numbers("en [lenke](https://x.no) og [x] og [ ]") == []


def test_validate_removes_citations_to_passages_not_given() -> None:
    text, citations, removed = validate_citations("Svar [1]. Mer [7]. Begge [2, 9].", PASSAGES)
    assert text == "Svar [1]. Mer. Begge [2]."
    assert [c.n for c in citations] == [1, 2]
    assert citations[0].node_id == "id1" and citations[1].section == "S2"
    assert removed == 2


def test_validate_keeps_order_of_first_use_without_duplicates() -> None:
    _, citations, removed = validate_citations("B [3] A [1] B igjen [3]", PASSAGES)
    assert [c.n for c in citations] == [3, 1] and removed == 0
    assert validate_citations("Ingen kilder.", PASSAGES)[1] == []


@pytest.mark.parametrize(
    "question",
    [
        "Pappa slår meg når han er full, hva skal jeg gjøre?",
        "Jeg vil ikke leve lenger",
        "Jeg tenker på selvmord",
        "Venninnen min blir slått av kjæresten sin",
        "Barnet mitt er utsatt for overgrep",
        "Jeg kutter meg selv",
        "Jeg er redd for stefar, han truer oss",
        "Eleven min forteller om vold hjemme",
        "Noen er bevisstløs her nå",
        "Hun har tatt en overdose",
        "Jeg ble voldtatt i helgen",
        "Mamma blir mishandlet",
        "Jeg har lyst til å ta livet av meg",
    ],
)
def test_safety_triggers(question: str) -> None:
    assert detect_acute_danger(question)


@pytest.mark.parametrize(
    "question",
    [
        "Hva sier kunnskapsgrunnlaget om forebygging av vold i nære relasjoner?",
        "Hvilke tiltak mot seksuelle overgrep har skolehelsetjenesten?",
        "Hvor mange barn er utsatt for omsorgssvikt i Drammen?",
        "Hva er kommunens plan for forebygging av omsorgssvikt?",
        "Hva betyr selvmordsforebygging i strategien?",
        "Hva er Ungdomstorget?",
        "Hvilke tilbud finnes for gravide?",
        "Hva sa verkstedene om rus?",
        "Hvordan samarbeider skolen med barnevernet?",
        "Hva er statistikken for vold blant unge?",
        "Hva gjør NoK Drammen?",
    ],
)
def test_safety_near_misses(question: str) -> None:
    assert not detect_acute_danger(question)


def test_prompts_load_and_render() -> None:
    prompts = load_prompts()
    assert "113" in prompts.safety_notice and "116 111" in prompts.safety_notice and "116 123" in prompts.safety_notice
    assert prompts.no_source_marker in prompts.render_system()
    rendered = prompts.render_answer("Hva er HFU?", PASSAGES[:2])
    assert "[1] (Dok › S1) tekst 1" in rendered and "[2]" in rendered and "Hva er HFU?" in rendered
    assert prompts.is_no_source(" INGEN_KILDE. ") and not prompts.is_no_source("Svar med kilde [1].")


def test_broken_prompt_names_the_file(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[2] / "prompts"
    for f in source.iterdir():
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "answer.md").write_text("Spørsmål: {question} {ukjent}", encoding="utf-8")
    with pytest.raises(PromptError, match=r"answer\.md.*missing.*passages.*unknown.*ukjent"):
        load_prompts(tmp_path)
    (tmp_path / "answer.md").unlink()
    with pytest.raises(PromptError, match=r"answer\.md: prompt file is missing"):
        load_prompts(tmp_path)
