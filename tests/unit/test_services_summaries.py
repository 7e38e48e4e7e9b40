"""Service finder filtering/grouping and workshop summary selection/clustering (pure parts)."""

from __future__ import annotations

from assistant.service_finder import matches_filters
from assistant.summaries import cross_workshop, select_points, theme_terms
from assistant.types import SummaryPoint
from index.lexical import NorwegianAnalyzer
from ingest.records import Node, NodeKind, PreventionLevel, Role, ServiceMeasure

ANALYZE = NorwegianAnalyzer().terms


def measure(service: str, level: PreventionLevel | None, roles: tuple[Role, ...]) -> ServiceMeasure:
    return ServiceMeasure(
        service=service, level=level, measure="m", roles=roles, appendix="Vedlegg 2", node_id="n", doc_id="d"
    )


def test_filters_need_one_of_each_asked_value() -> None:
    m = measure("Uteteam", PreventionLevel.SELEKTERT, (Role.FOLGE_OPP,))
    assert matches_filters(m, [], [], [])
    assert matches_filters(m, ["selektert", "indikert"], ["følge opp"], ["Uteteam"])
    assert not matches_filters(m, ["universell"], [], [])
    assert not matches_filters(m, [], ["forebygge"], [])
    assert not matches_filters(m, [], [], ["NAV"])
    assert not matches_filters(measure("X", None, ()), ["selektert"], [], [])


def node(text: str, heading: str, position: int) -> Node:
    return Node(
        node_id=f"n{position}",
        doc_id="w.txt",
        kind=NodeKind.PROSE,
        text=text,
        section_path=(heading,),
        position=position,
    )


def test_theme_terms_include_related_words() -> None:
    terms = theme_terms("tidlig innsats", ANALYZE)
    assert {"tid", "innsat", "forebygg", "lavterskel"} <= terms
    assert theme_terms("parkering", ANALYZE) == set(ANALYZE("parkering"))


def test_select_points_by_point_or_heading_and_merge_duplicates() -> None:
    nodes = [
        node(
            "- Mer samarbeid med frivillige\n- Bedre veier\n- Mer samarbeid med frivillige lag",
            "Hva bør vi gjøre?",
            0,
        ),
        node("- Koordinatorstillinger til skolene", "Frivillighet", 1),
    ]
    points = select_points(nodes, theme_terms("frivillighet", ANALYZE), ANALYZE)
    texts = [p.text for p in points]
    assert "Bedre veier" not in texts
    assert "Koordinatorstillinger til skolene" in texts  # the heading is about the theme
    assert sum("samarbeid med frivillige" in t for t in texts) == 1  # near-duplicates merged, longer kept
    assert "Mer samarbeid med frivillige lag" in texts


def test_cross_workshop_recurring_and_unique() -> None:
    a = SummaryPoint(text="Mer samarbeid med frivillige organisasjoner", n=1, document="a.txt")
    b = SummaryPoint(text="Samarbeid med frivillige organisasjoner må styrkes", n=2, document="b.txt")
    c = SummaryPoint(text="Gratis leksehjelp på biblioteket", n=3, document="b.txt")
    terms = {id(p): set(ANALYZE(p.text)) for p in (a, b, c)}
    recurring, unique = cross_workshop({"a.txt": [a], "b.txt": [b, c]}, terms)
    assert len(recurring) == 1 and recurring[0].documents == ["a.txt", "b.txt"]
    assert [t.label for t in unique] == ["Gratis leksehjelp på biblioteket"]
