"""Prompt files: all load and validate; a broken one raises PromptError naming the file."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from assistant.prompts import (
    LEAD_PLACEHOLDERS,
    NO_SOURCE_MARKER,
    PROMPTS_DIR,
    TEMPLATE_PLACEHOLDERS,
    format_passages,
    load_prompts,
    placeholders,
)
from assistant.types import ChatTurn, Passage
from ingest.errors import PromptError

PASSAGES = [
    Passage(node_id="n1", document="hfu.txt", title="Helse for unge", section="Tilbud › HFU", text="HFU er for unge."),
    Passage(node_id="n2", document="plan.txt", section="", text="Tekst med {klammer} i."),
]


@pytest.fixture
def prompts_copy(tmp_path: Path) -> Path:
    """A writable copy of prompts/ to break."""
    target = tmp_path / "prompts"
    shutil.copytree(PROMPTS_DIR, target)
    return target


def test_every_template_loads_with_exactly_its_placeholders() -> None:
    prompts = load_prompts()
    for name, required in TEMPLATE_PLACEHOLDERS.items():
        assert placeholders(getattr(prompts, name.removesuffix(".md").replace(".", "_"))) == required, name
    assert set(prompts.leads) <= set(LEAD_PLACEHOLDERS) and "default" in prompts.leads


def test_the_sentinel_is_defined_once_and_reaches_the_llm_prompts() -> None:
    prompts = load_prompts()
    assert prompts.no_source_marker == NO_SOURCE_MARKER == "INGEN_KILDE"
    assert NO_SOURCE_MARKER in prompts.render_system()
    assert NO_SOURCE_MARKER in prompts.render_answer("Hva er HFU?", PASSAGES)
    assert NO_SOURCE_MARKER not in prompts.refusal
    for path in PROMPTS_DIR.iterdir():
        assert NO_SOURCE_MARKER not in path.read_text(encoding="utf-8"), f"{path.name} spells the marker out"


def test_fixed_texts_say_what_they_must() -> None:
    prompts = load_prompts()
    assert "finner ikke" in prompts.refusal and "Drammen kommune" in prompts.refusal
    assert not any(ch.isdigit() for ch in prompts.refusal)  # no invented phone numbers
    for number in ("113", "112", "116 111", "116 123"):
        assert number in prompts.safety_notice
        assert number in prompts.safety_notice_en
    assert "bokmål" in prompts.system and "[1]" in prompts.system


def test_format_passages_numbers_from_one_with_document_and_section() -> None:
    text = format_passages(PASSAGES)
    assert text == "[1] (Helse for unge › Tilbud › HFU) HFU er for unge.\n\n[2] (plan.txt) Tekst med {klammer} i."
    assert format_passages([]) == ""
    dated = PASSAGES[0].model_copy(update={"date": "2018-04-26"})
    assert format_passages([dated]).startswith("[1] (Helse for unge (26.04.2018) › Tilbud › HFU)")


def test_render_answer_condense_and_summary() -> None:
    prompts = load_prompts()
    answer = prompts.render_answer("  Hva er HFU? ", PASSAGES)
    assert "Spørsmål: Hva er HFU?" in answer and "[2] (plan.txt) Tekst med {klammer} i." in answer
    history = [ChatTurn(role="user", content="Hva er HFU?"), ChatTurn(role="assistant", content="Et tilbud [1].")]
    condense = prompts.render_condense(history, "Hvem er det for?")
    assert "Bruker: Hva er HFU?\nVeiviser: Et tilbud [1]." in condense and "Hvem er det for?" in condense
    summary = prompts.render_summary("frivillighet", "Verksted A:\n  - punkt [1]")
    assert "Tema: frivillighet" in summary and "  - punkt [1]" in summary


def test_leads_fill_their_placeholders_and_fall_back_to_default() -> None:
    prompts = load_prompts()
    assert prompts.lead("default", question="Hva er HFU?")
    assert "frivillighet" in prompts.lead("summary", theme="frivillighet")
    assert prompts.lead("finnes-ikke", question="x") == prompts.lead("default", question="x")
    with pytest.raises(PromptError, match=r"summary.*\{theme\}"):
        prompts.lead("summary")


@pytest.mark.parametrize(
    ("reply", "is_sentinel"),
    [
        ("INGEN_KILDE", True),
        (" INGEN_KILDE. ", True),
        ("**INGEN_KILDE**", True),
        ("INGEN_KILDE – dokumentene sier ikke noe om åpningstider.", True),
        ("Dokumentene sier ikke dette. INGEN_KILDE", True),
        ("HFU er for unge [1].", False),
        ("HFU er for unge [1]. Åpningstider: INGEN_KILDE", False),
        ("", False),
    ],
)
def test_is_no_source(reply: str, is_sentinel: bool) -> None:
    assert load_prompts().is_no_source(reply) is is_sentinel


def test_missing_and_unknown_placeholders_name_the_file(prompts_copy: Path) -> None:
    (prompts_copy / "answer.md").write_text("Spørsmål: {question} {ukjent} {no_source_marker}", encoding="utf-8")
    with pytest.raises(PromptError, match=r"answer\.md.*missing: \['passages'\].*unknown: \['ukjent'\]"):
        load_prompts(prompts_copy)


def test_a_fixed_text_may_not_have_placeholders(prompts_copy: Path) -> None:
    (prompts_copy / "safety_notice.md").write_text("Ring {nummer}.", encoding="utf-8")
    with pytest.raises(PromptError, match=r"safety_notice\.md.*unknown: \['nummer'\]"):
        load_prompts(prompts_copy)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("condense.md", "Historikk {history} og {", r"condense\.md: malformed placeholder"),
        ("summary.md", "{theme} {points} {}", r"summary\.md.*unknown: \['\{\}'\]"),
        ("system.md", "   \n", r"system\.md: prompt file is empty"),
        ("templates.toml", "[lead]\nservices = 'x'\n", r"templates\.toml: needs a \[lead\] table"),
        (
            "templates.toml",
            "[lead]\ndefault = 'Om {tema}:'\n",
            r"templates\.toml \[lead\] default.*unknown: \['tema'\]",
        ),
        ("templates.toml", "[lead]\ndefault = 'x'\nukjent = 'y'\n", r"templates\.toml: unknown lead 'ukjent'"),
        ("templates.toml", "[lead\n", r"templates\.toml: not valid TOML"),
        ("refusal.md", "Svar INGEN_KILDE.", r"refusal\.md: .*must not contain INGEN_KILDE"),
    ],
)
def test_broken_files_raise_prompt_error_naming_the_file(
    prompts_copy: Path, name: str, content: str, message: str
) -> None:
    (prompts_copy / name).write_text(content, encoding="utf-8")
    with pytest.raises(PromptError, match=message):
        load_prompts(prompts_copy)


@pytest.mark.parametrize("name", [*TEMPLATE_PLACEHOLDERS, "templates.toml"])
def test_a_missing_file_is_named(prompts_copy: Path, name: str) -> None:
    (prompts_copy / name).unlink()
    with pytest.raises(PromptError, match=re.escape(f"{name}: prompt file is missing")):
        load_prompts(prompts_copy)


def test_a_stray_marker_can_be_cut_from_a_partial_answer() -> None:
    prompts = load_prompts()
    assert prompts.without_marker("HFU er for unge [1].\nÅpningstider: **INGEN_KILDE**.") == (
        "HFU er for unge [1].\nÅpningstider:"
    )
    assert prompts.without_marker("HFU er for unge [1].") == "HFU er for unge [1]."
