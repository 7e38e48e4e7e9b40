"""Citations: parsed out of an answer and checked against the passages that were really given.

Numbers keep their meaning: `[n]` is the n-th passage given, so a UI can map it without renumbering.
A marker naming no given passage is removed from the text and counted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.types import Citation, Passage

# [1], [1, 2], [1-3], [1–3]; not markdown links ([text](url)) or checkboxes ([x]).
_MARKER = re.compile(r"\[(\d+(?:\s*[-–,]\s*\d+)*)\](?!\()")


def _expand(group: str) -> list[int]:
    numbers: list[int] = []
    for part in re.split(r"\s*,\s*", group):
        if re.search(r"[-–]", part):
            lo, hi = (int(x) for x in re.split(r"\s*[-–]\s*", part))
            if hi >= lo and hi - lo <= 20:
                numbers.extend(range(lo, hi + 1))
            else:
                numbers.extend([lo, hi])
        elif part:
            numbers.append(int(part))
    return numbers


def parse_citation_numbers(text: str) -> list[int]:
    """All cited numbers in order of appearance (with repeats)."""
    return [n for match in _MARKER.finditer(text) for n in _expand(match.group(1))]


def validate_citations(answer: str, passages: Sequence[Passage]) -> tuple[str, list[Citation], int]:
    """(text without invalid markers, citations in order of first use, number of markers removed)."""
    removed = 0

    def keep_valid(match: re.Match[str]) -> str:
        nonlocal removed
        numbers = _expand(match.group(1))
        valid = [n for n in numbers if 1 <= n <= len(passages)]
        removed += len(numbers) - len(valid)
        return "".join(f"[{n}]" for n in dict.fromkeys(valid))

    text = _MARKER.sub(keep_valid, answer)
    text = re.sub(r"[ \t]+([.,;:!?])", r"\1", text)
    text = re.sub(r"[ \t]{2,}", " ", text).strip()
    citations: list[Citation] = []
    for n in dict.fromkeys(parse_citation_numbers(text)):
        p = passages[n - 1]
        citations.append(
            Citation(n=n, node_id=p.node_id, document=p.document, title=p.title, section=p.section, text=p.text)
        )
    return text, citations, removed
