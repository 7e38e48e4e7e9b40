"""Citations: parsed out of an answer and checked against the passages that were really given.

Pure functions, no I/O.

Numbering choice: numbers are NOT renumbered. `[n]` always means the n-th passage given to the
composer (the same numbering `format_passages` showed the LLM), so the API, the UI and the
evaluation can map a number to `Answer.passages[n-1]` without a second table, and a streamed
answer's deltas (already shown to the user) stay consistent with the final citation list.
Citations are returned in order of first use, so the list reads in the order of the text.

A marker naming no given passage is removed from the text (with the space before it) and counted;
a group such as `[1, 9]` keeps its valid part as `[1]`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.types import Citation, Passage

# [1], [1, 2], [1,2 og 3], [1-3], [1–3], [1][3]; not markdown links ([1](url)), checkboxes ([x]) or
# footnote-style [^1]. A range wider than this is read as its two ends, not expanded.
_NUMBER_LIST = r"\d{1,4}(?:\s*(?:[-–,]|og)\s*\d{1,4})*"
_MARKER = re.compile(rf"\[\s*({_NUMBER_LIST})\s*\](?!\()")
_SEPARATOR = re.compile(r"\s*(?:,|\bog\b)\s*")
_RANGE = re.compile(r"\s*[-–]\s*")
MAX_RANGE = 20

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def source_date(date: str) -> str:
    """A document's date as a reader writes it: «26.04.2018», «2022»; «udatert» when the source gives none."""
    found = _ISO_DATE.match(date.strip())
    if found:
        return f"{found.group(3)}.{found.group(2)}.{found.group(1)}"
    return date.strip() or "udatert"


def source_name(citation: Citation) -> str:
    """The cited document with its date, so a reader sees how old a figure is: «Oppvekstreformen … (2022)»."""
    return f"{citation.title or citation.document} ({source_date(citation.date)})"


def cited_passage(citation: Citation, kind: str = "prose") -> Passage:
    """The passage a citation points at, as the citation validator and the LLM prompt take it."""
    return Passage(
        node_id=citation.node_id,
        document=citation.document,
        title=citation.title,
        date=citation.date,
        section=citation.section,
        text=citation.text,
        kind=kind,
    )


# Placeholder left where a marker was removed, tidied up afterwards (never in model output).
_GONE = "\x00"


def _expand(group: str) -> list[int]:
    numbers: list[int] = []
    for part in _SEPARATOR.split(group.strip()):
        if not part:
            continue
        bounds = [int(x) for x in _RANGE.split(part) if x]
        if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] <= MAX_RANGE:
            numbers.extend(range(bounds[0], bounds[1] + 1))
        else:
            numbers.extend(bounds)
    return numbers


def parse_citation_numbers(text: str) -> list[int]:
    """All cited numbers in order of appearance, with repeats (`[1-3]` gives 1, 2, 3)."""
    return [n for match in _MARKER.finditer(text) for n in _expand(match.group(1))]


def _tidy(text: str) -> str:
    """Remove the placeholders of dropped markers without leaving double or stray spaces."""
    text = re.sub(rf"{_GONE}(?:[ \t]*{_GONE})*", _GONE, text)  # a run of dropped markers is one
    # Before punctuation or at the end of a line: drop the marker and the space before it.
    text = re.sub(rf"[ \t]*{_GONE}[ \t]*(?=[.,;:!?)]|$)", "", text, flags=re.M)
    # At the start of a line: keep the indentation, drop the space after.
    text = re.sub(rf"^([ \t]*){_GONE}[ \t]*", r"\1", text, flags=re.M)
    # Between words: one space.
    return re.sub(rf"([ \t]*){_GONE}([ \t]*)", lambda m: " " if m.group(1) or m.group(2) else "", text)


def validate_citations(answer: str, passages: Sequence[Passage]) -> tuple[str, list[Citation], int]:
    """(text without invalid markers, citations in order of first use, number of invalid numbers removed)."""
    removed = 0

    def keep_valid(match: re.Match[str]) -> str:
        nonlocal removed
        numbers = _expand(match.group(1))
        valid = [n for n in dict.fromkeys(numbers) if 1 <= n <= len(passages)]
        removed += sum(1 for n in numbers if not 1 <= n <= len(passages))
        if not valid:
            return _GONE
        if len(valid) == len(set(numbers)):
            return match.group(0)  # all valid: keep the marker as the model wrote it
        return "".join(f"[{n}]" for n in valid)

    text = answer.replace(_GONE, "")
    # Removing a marker can join its neighbours into a new one ("[[7]9]" → "[9]"): repeat until stable.
    while True:
        cleaned = _tidy(_MARKER.sub(keep_valid, text))
        if cleaned == text:
            break
        text = cleaned
    text = text.strip()
    citations = [
        Citation(
            n=n, node_id=p.node_id, document=p.document, title=p.title, date=p.date, section=p.section, text=p.text
        )
        for n in dict.fromkeys(parse_citation_numbers(text))
        for p in (passages[n - 1],)
    ]
    return text, citations, removed
