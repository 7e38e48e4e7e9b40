"""Deterministic follow-up rewrite (used when no LLM backend is configured).

`Hvilken aldersgruppe er det for?` after `Hva er Ungdomstorget?` becomes
`Hvilken aldersgruppe er det for? (Ungdomstorget)`: the subject of the earlier user turn is carried
into the stand-alone question so that retrieval finds it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.types import ChatTurn

_ANAPHORA = re.compile(
    r"\b(det|den|dette|denne|disse|de|dem|der|dit|deres|dens|hen|han|hun|tilbudet|tjenesten|ordningen|"
    r"tiltaket|stedet|samme|også|mer|flere|andre)\b|^(og|men|hva med|hvordan med|enn)\b",
    re.I,
)
_WORD = re.compile(r"[\wÆØÅæøå-]+")
_QUESTION_WORDS = {
    "hva",
    "hvem",
    "hvor",
    "hvordan",
    "hvilke",
    "hvilken",
    "hvilket",
    "når",
    "hvorfor",
    "kan",
    "er",
    "finnes",
    "fins",
    "gjelder",
    "sier",
    "har",
    "gir",
    "jeg",
    "meg",
    "vi",
    "oss",
    "du",
    "dere",
    "noe",
    "noen",
    "om",
    "for",
    "til",
    "med",
    "og",
    "i",
    "på",
    "av",
    "en",
    "et",
    "ei",
    "the",
    "kommune",
    "kommunen",
    "drammen",
}


def is_followup(question: str, history: Sequence[ChatTurn], content_terms: Callable[[str], list[str]]) -> bool:
    """A question needs its history when it refers back or is too thin to stand alone."""
    if not any(turn.role == "user" for turn in history):
        return False
    if _ANAPHORA.search(question):
        return True
    return len(content_terms(question)) <= 1


def subject_of(history: Sequence[ChatTurn]) -> str:
    """Content words of the most recent user turn, as written (the conversation's subject)."""
    for turn in reversed(history):
        if turn.role == "user":
            words = [w for w in _WORD.findall(turn.content) if w.casefold() not in _QUESTION_WORDS and len(w) > 2]
            return " ".join(words)
    return ""


def rewrite_followup(question: str, history: Sequence[ChatTurn], content_terms: Callable[[str], list[str]]) -> str:
    """The stand-alone question for retrieval: the question plus the earlier subject when needed."""
    if not is_followup(question, history, content_terms):
        return question
    subject = subject_of(history)
    if not subject:
        return question
    present = {w.casefold() for w in _WORD.findall(question)}
    carried = " ".join(w for w in subject.split() if w.casefold() not in present)
    return f"{question} ({carried})" if carried else question
