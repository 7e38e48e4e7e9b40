"""No number in an answer that its cited passages do not hold, over every question of the evaluation sets.

The extractive answer copies its lines from the passages, so a number in a cited line must occur in what that
line cites. The only numbers an answer may add are metadata it labels as such: a workshop's date from the
manifest («Barnevernspolitikk (2018-04-12)») and a link's similarity («(likhet 0.31)»).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATASETS = [
    ROOT / "eval" / "datasets" / name
    for name in ("veiviser.jsonl", "questions-multilingual.jsonl", "questions-english.jsonl")
]
_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_LABELS = re.compile(r"\((?:likhet|similarity) \d\.\d+\)|\(\d{4}-\d{2}-\d{2}\)|\(\d{2}\.\d{2}\.\d{4}\)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def questions() -> list[str]:
    found: list[str] = []
    for path in DATASETS:
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                found.append(json.loads(line)["question"])
    return found


def ungrounded_numbers(answer: str, cited: dict[int, str]) -> list[str]:
    """The numbers of cited lines that none of the passages they cite holds."""
    missing = []
    for line in answer.splitlines():
        numbers = [int(n) for group in _MARKER.findall(line) for n in group.split(",")]
        if not numbers:
            continue
        text = _LABELS.sub(" ", _MARKER.sub(" ", line))
        sources = " ".join(cited.get(n, "") for n in numbers)
        missing += [n for n in _NUMBER.findall(text) if n not in sources]
    return missing


def test_the_checker_finds_an_invented_number() -> None:
    cited = {1: "Det kom 1260 saker i 2021.", 2: "Ungdomstorget er for unge 13-25 år."}
    assert ungrounded_numbers("Svar:\n- Det kom 1260 saker i 2021. [1]\n- 13-25 år [2]", cited) == []
    assert ungrounded_numbers("Svar:\n- Det kom 1300 saker i 2021. [1]", cited) == ["1300"]
    assert ungrounded_numbers("- Unge 13-25 år [1]", cited) == ["13", "25"]  # cited to the wrong passage
    assert ungrounded_numbers("- **Oppvekst (2018-04-26)**: Mer samarbeid [1]\n- Tema [2] (likhet 0.31)", cited) == []


@pytest.mark.parametrize("audience", ["citizen", "staff"])
def test_no_number_in_an_answer_that_its_cited_passage_does_not_hold(fake_assistant, audience: str) -> None:  # type: ignore[no-untyped-def]
    asked = questions()
    assert len(asked) > 200
    problems = []
    for question in asked:
        answer = fake_assistant.ask(question, audience=audience)
        cited = {c.n: c.text for c in answer.citations}
        missing = ungrounded_numbers(answer.answer, cited)
        if missing:
            problems.append(f"{question!r}: {missing}")
    assert problems == []
