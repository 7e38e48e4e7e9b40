"""Citation parsing and validation against the passages that were really given."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.citations import parse_citation_numbers, validate_citations
from assistant.types import Passage

PASSAGES = [
    Passage(node_id=f"id{i}", document=f"d{i}.txt", title=f"Dok {i}", section=f"S{i}", text=f"tekst {i}")
    for i in range(1, 4)
]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("Svar [1].", [1]),
        ("Svar [1, 2].", [1, 2]),
        ("Svar [1,2 og 3].", [1, 2, 3]),
        ("Svar [1][3].", [1, 3]),
        ("Svar [1-3].", [1, 2, 3]),
        ("Svar [2–4].", [2, 3, 4]),
        ("Svar [ 2 ].", [2]),
        ("A [2]. B [1]. C [2].", [2, 1, 2]),
        ("Et bredt spenn [1-500] leses som endene.", [1, 500]),
        ("Ingen kilder her.", []),
        ("En [lenke](https://drammen.kommune.no) og [1](https://x.no).", []),
        ("Sjekkliste: [x] ferdig, [ ] ikke, [a] ukjent, [^1] fotnote.", []),
    ],
)
def test_parse_citation_numbers(text: str, numbers: list[int]) -> None:
    assert parse_citation_numbers(text) == numbers


def test_valid_citations_map_to_the_passages_given() -> None:
    text, citations, removed = validate_citations("Første [2]. Andre [1, 3].", PASSAGES)
    assert text == "Første [2]. Andre [1, 3]."  # all valid: the text is untouched
    assert removed == 0
    assert [c.n for c in citations] == [2, 1, 3]  # order of first use
    first = citations[0]
    assert (first.node_id, first.document, first.title, first.section, first.text) == (
        "id2",
        "d2.txt",
        "Dok 2",
        "S2",
        "tekst 2",
    )


def test_citations_are_unique_and_not_renumbered() -> None:
    text, citations, _ = validate_citations("B [3] A [1] B igjen [3] og [1-3].", PASSAGES)
    assert [c.n for c in citations] == [3, 1, 2]
    assert "[3]" in text and "[1-3]" in text


@pytest.mark.parametrize(
    ("answer", "expected", "removed"),
    [
        ("Svar [1]. Mer [7]. Begge [2, 9].", "Svar [1]. Mer. Begge [2].", 2),
        ("Påstand [0] og mer [4].", "Påstand og mer.", 2),
        ("Påstand [7][8].", "Påstand.", 2),
        ("Påstand [7] [8], og så videre [2].", "Påstand, og så videre [2].", 2),
        ("[9] Starter med ugyldig.", "Starter med ugyldig.", 1),
        ("- punkt [5]\n  - underpunkt [1]\n  - [6] tredje", "- punkt\n  - underpunkt [1]\n  - tredje", 2),
        ("Tall [1-4] delvis.", "Tall [1][2][3] delvis.", 1),
        ("Slutt [12]", "Slutt", 1),
    ],
)
def test_markers_outside_the_passages_are_removed_and_counted(answer: str, expected: str, removed: int) -> None:
    text, citations, count = validate_citations(answer, PASSAGES)
    assert text == expected
    assert count == removed
    assert all(1 <= c.n <= len(PASSAGES) for c in citations)


def test_no_passages_means_no_citations() -> None:
    text, citations, removed = validate_citations("Svar [1].", [])
    assert (text, citations, removed) == ("Svar.", [], 1)


def test_links_and_checkboxes_survive_validation() -> None:
    answer = "Se [nettsiden](https://drammen.kommune.no) og [x] her [1]."
    text, citations, removed = validate_citations(answer, PASSAGES)
    assert text == answer and removed == 0 and [c.n for c in citations] == [1]


@given(st.text(alphabet=st.sampled_from(list("ab [],-12345790\n.")), max_size=60))
def test_validated_text_only_cites_given_passages(answer: str) -> None:
    text, citations, _ = validate_citations(answer, PASSAGES)
    assert all(1 <= n <= len(PASSAGES) for n in parse_citation_numbers(text))
    assert [c.n for c in citations] == list(dict.fromkeys(parse_citation_numbers(text)))
    assert "\x00" not in text


def test_a_marker_joined_by_removal_is_validated_too() -> None:
    text, citations, removed = validate_citations("Rart [[7]9] og [[8]2].", PASSAGES)
    assert parse_citation_numbers(text) == [2]
    assert [c.n for c in citations] == [2] and removed == 3
