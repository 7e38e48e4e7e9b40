"""Service finder filtering/grouping and workshop summary selection/clustering (pure parts)."""

from __future__ import annotations

from assistant.service_finder import matches_filters
from assistant.summaries import select_points, theme_terms
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


def test_recurring_and_unique_come_from_the_theme_map() -> None:
    from assistant.summaries import by_theme
    from assistant.themes import Theme, ThemeMap, ThemePoint

    a = SummaryPoint(text="Mer samarbeid med frivillige organisasjoner", n=1, document="a.txt")
    b = SummaryPoint(text="Gratis leksehjelp på biblioteket", n=2, document="b.txt")
    loose = SummaryPoint(text="Noe ingen tema har", n=3, document="b.txt")

    def theme(tid: str, label: str, point: SummaryPoint, workshops: dict[str, int]) -> Theme:
        p = ThemePoint(text=point.text, document=point.document, heading="", n=point.n)
        return Theme(
            id=tid,
            label=label,
            workshops=workshops,
            raised_in=sum(1 for v in workshops.values() if v),
            representative=[p],
            points=[p],
        )

    theme_map = ThemeMap(
        workshops={"a.txt": "A", "b.txt": "B", "c.txt": "C"},
        themes=[
            # Raised by all three workshops, though the summary selected a point from one only.
            theme("tema-01", "frivillighet", a, {"a.txt": 2, "b.txt": 1, "c.txt": 3}),
            theme("tema-02", "leksehjelp", b, {"a.txt": 0, "b.txt": 1, "c.txt": 0}),
        ],
        distance_threshold=0.9,
        min_link_similarity=0.1,
    )
    recurring, unique = by_theme(theme_map, {"a.txt": [a], "b.txt": [b, loose]})
    assert [(t.label, t.documents) for t in recurring] == [("frivillighet", ["a.txt", "b.txt", "c.txt"])]
    assert sorted(t.label for t in unique) == ["Noe ingen tema har", "leksehjelp"]


def test_a_summarys_2022_links_come_from_its_own_points(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    """The linker is applied to the summary's points (not to the broader themes they fall into): the points are
    looked up in the theme map, their links come nearest first, at most the limit, renumbered for the summary."""
    from assistant.summaries import links_2022

    mapper = fake_assistant.theme_mapper()
    chosen = mapper.points[:5]
    points = [SummaryPoint(text=f" {p.text.upper()} ", n=i, document=p.document) for i, p in enumerate(chosen)]
    assert mapper.point_indices([(p.document, p.text) for p in points]) == [0, 1, 2, 3, 4]  # spacing and case aside
    saved = mapper.min_link_similarity
    try:
        mapper.min_link_similarity = -1.0  # every target qualifies: the order and the limit decide
        nearest = [target.node_id for target, _ in mapper.links([0, 1, 2, 3, 4])]
        numbers: dict[str, int] = {}
        links = links_2022(mapper, points, lambda node_id: numbers.setdefault(node_id, 100 + len(numbers)), limit=2)
    finally:
        mapper.min_link_similarity = saved
    assert len(nearest) > 2 and [link.node_id for link in links] == nearest[:2]
    assert links[0].similarity >= links[1].similarity
    assert [link.n for link in links] == [100, 101] and list(numbers) == nearest[:2]  # only the links shown are cited
