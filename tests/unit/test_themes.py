"""The theme map's parts: B-cubed scoring, characteristic labels, the exports."""

from __future__ import annotations

import io

import pytest

from assistant.theme_export import raised_phrase, to_docx, to_markdown
from assistant.themes import Theme, ThemeMap, ThemePoint, label_words
from assistant.types import Citation, ThemeLink
from eval.themes import bcubed


def test_bcubed_of_perfect_and_merged_clusterings() -> None:
    gold = ["a", "a", "b", "b"]
    assert bcubed([0, 0, 1, 1], gold) == (1.0, 1.0)
    precision, recall = bcubed([0, 0, 0, 0], gold)
    assert precision == pytest.approx(0.5) and recall == 1.0
    precision, recall = bcubed([0, 1, 2, 3], gold)
    assert precision == 1.0 and recall == pytest.approx(0.5)


def test_labels_are_the_groups_own_words() -> None:
    def analyze(text: str) -> list[str]:
        return [text.casefold()[:6]]

    labels = label_words(
        [
            ["frivillige lag", "frivillige organisasjoner", "samarbeid"],
            ["arbeid først", "arbeid til alle", "samarbeid"],
        ],
        analyze,
        top=1,
    )
    assert labels == ["frivillige", "arbeid"]


def theme_map() -> ThemeMap:
    workshops = {"a.txt": "Rapport – Barnevern", "b.txt": "Rapport – Oppvekst", "c.txt": "Rapport – Helse"}
    citations = [
        Citation(
            n=1,
            node_id="n1",
            document="a.txt",
            title="Rapport – Barnevern",
            date="2018-04-12",
            section="Frivillighet",
            text="x",
        ),
        Citation(n=2, node_id="n2", document="k.txt", title="Kunnskapsgrunnlag", date="2022", section="5.1", text="y"),
    ]
    point = ThemePoint(text="Samarbeid med frivilligheten", document="a.txt", heading="Frivillighet", n=1)
    link = ThemeLink(kind="knowledge_base", text="Frivillig sektor er en viktig merverdi.", similarity=0.31, n=2)
    themes = [
        Theme(
            id="tema-01",
            label="frivilligheten, frivillige",
            workshops={"a.txt": 3, "b.txt": 2, "c.txt": 4},
            raised_in=3,
            representative=[point],
            points=[point, point.model_copy(update={"text": "Frivillige lag"})],
            links=[link],
        ),
        Theme(
            id="tema-02",
            label="bolig",
            workshops={"a.txt": 0, "b.txt": 0, "c.txt": 2},
            raised_in=1,
            representative=[point.model_copy(update={"text": "Bolig for alle", "document": "c.txt"})],
            points=[point.model_copy(update={"text": "Bolig for alle", "document": "c.txt"})] * 2,
        ),
    ]
    return ThemeMap(
        workshops=workshops,
        themes=themes,
        gaps=["tema-02"],
        citations=citations,
        distance_threshold=0.95,
        min_link_similarity=0.15,
    )


def test_markdown_has_the_table_the_points_the_links_the_gaps_and_the_sources() -> None:
    text = to_markdown(theme_map())
    assert "| Tema | Barnevern | Oppvekst | Helse |" in text and "| frivilligheten, frivillige | 3 | 2 | 4 |" in text
    assert "Tatt opp i alle 3 verkstedene" in text and "Bare tatt opp i «Helse»" in text
    assert "- Frivillig sektor er en viktig merverdi. [2] (likhet 0.31)" in text
    assert "Ingen tiltak eller omtale funnet i 2022-kildene." in text
    assert "## Tema uten treff i 2022-kildene\n\n- bolig" in text
    # every source says how old it is
    assert "1. Rapport – Barnevern (12.04.2018) › Frivillighet" in text
    assert text.rstrip().endswith("2. Kunnskapsgrunnlag (2022) › 5.1")


def test_word_document_holds_the_same_content() -> None:
    from docx import Document

    document = Document(io.BytesIO(to_docx(theme_map())))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "frivilligheten, frivillige" in paragraphs and "Frivillig sektor er en viktig merverdi. [2]" in paragraphs
    assert document.tables[0].rows[1].cells[3].text == "4"
    assert raised_phrase(theme_map().themes[0], theme_map().workshops).startswith("Tatt opp i alle")


def test_points_without_stored_vectors_go_through_the_injected_embedder(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    """A generation written before the point vectors: the composition root's embedder (wiring.cached_query_embedder,
    through the on-disk cache) embeds the points, so a second process reads them instead of embedding them again."""
    calls: list[int] = []

    def embed(texts):  # type: ignore[no-untyped-def]
        calls.append(len(texts))
        return [fake_assistant.index.query_embedding(t) for t in texts]

    index = fake_assistant.index
    stored, index._point_vectors = index._point_vectors, {}
    try:
        assistant = fake_assistant.rebuilt()
        assistant.embed_queries = embed
        assert assistant.rebuilt().embed_queries is embed  # a new generation keeps it
        theme_map = assistant.themes()
    finally:
        index._point_vectors = stored
    assert calls and sum(calls) >= sum(len(t.points) for t in theme_map.themes)


def test_the_theme_map_reads_the_points_vectors_from_the_generation(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    """No embedding at query time: a fresh assistant on the same generation builds the map from stored vectors."""
    from assistant.facade import Assistant

    def no_embedding(texts):  # type: ignore[no-untyped-def]
        raise AssertionError(f"embedded {len(texts)} points at query time")

    fresh = Assistant(fake_assistant.index, fake_assistant.settings, fake_assistant.prompts, embed_queries=no_embedding)
    fresh.index.query_embedding = no_embedding  # type: ignore[method-assign]
    try:
        built = fresh.themes()
    finally:
        del fresh.index.query_embedding
    assert built.themes and built.themes == fake_assistant.themes().themes


def test_a_2022_passage_is_shown_as_one_line_cut_after_a_sentence() -> None:
    from assistant.theme_export import LINK_CHARS
    from ingest.text import one_line

    passage = "Tiltakene samsvarer med behovene.\n- Utvikle samarbeid med frivilligheten.\n- Lage en plattform. " * 8
    line = one_line(passage, LINK_CHARS)
    assert "\n" not in line and len(line) <= LINK_CHARS + 2
    assert line.endswith(". …") and line.startswith("Tiltakene samsvarer med behovene. Utvikle samarbeid")
    assert one_line("Kort tekst.", LINK_CHARS) == "Kort tekst."


def test_a_theme_links_each_passage_once_by_its_nearest_sentence(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    """A passage is scored and shown by its one sentence nearest the theme (a long passage's whole vector blurs it),
    at most once, most similar first, above the threshold, each text once, no heading, and every prose link of the
    map is a sentence of its cited passage."""
    import numpy as np

    from assistant.themes import PROSE_LINKS, LinkTarget

    mapper = fake_assistant.theme_mapper()
    saved = mapper._targets, mapper.min_link_similarity
    targets = [
        LinkTarget("p1", "Fjern setning om noe helt annet enn temaet.", row=False),
        LinkTarget("p1", "Nær setning som handler om akkurat dette temaet.", row=False),
        LinkTarget("p2", "Middels setning som handler om noe av temaet.", row=False),
        LinkTarget("p3", "Under terskelen og altså ikke lenket til temaet.", row=False),
        LinkTarget("r1", "Et tiltak.", row=True),
        LinkTarget("p4", "En kort overskrift", row=False),  # a heading, not a statement
        LinkTarget("p5", "Middels  setning som handler om noe av temaet.", row=False),  # says what p2 says
    ]
    matrix = np.array(
        [[0.0, 1.0], [1.0, 0.0], [0.8, 0.6], [0.1, -0.99], [0.6, 0.8], [0.99, 0.1], [0.7, 0.7]], dtype=np.float32
    )
    try:
        mapper._targets, mapper.min_link_similarity = (targets, matrix), 0.2
        links = mapper.nearest(matrix @ np.array([1.0, 0.0], dtype=np.float32))
    finally:
        mapper._targets, mapper.min_link_similarity = saved
    assert [(t.node_id, t.text, round(s, 2)) for t, s in links] == [
        ("p1", "Nær setning som handler om akkurat dette temaet.", 1.0),
        ("p2", "Middels setning som handler om noe av temaet.", 0.8),
        ("r1", "Et tiltak.", 0.6),
    ]

    theme_map = fake_assistant.themes()
    sources = {c.n: c.text for c in theme_map.citations}
    prose = [link for t in theme_map.themes for link in t.links if link.kind == "knowledge_base"]

    def words(text: str) -> str:
        return " ".join(text.replace("…", " ").replace("- ", " ").split())

    assert prose and all(words(link.text)[:60] in words(sources[link.n]) for link in prose)
    assert any(len(link.text) < len(sources[link.n].strip()) for link in prose)
    assert all(sum(link.kind == "knowledge_base" for link in t.links) <= PROSE_LINKS for t in theme_map.themes)
    assert all(
        [link.similarity for link in t.links] == sorted((link.similarity for link in t.links), reverse=True)
        for t in theme_map.themes
    )


def test_a_links_nearness_blends_meaning_with_shared_words(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    """With `link_word_weight` 0 a target's nearness is the cosine to the theme's centroid alone; with more weight,
    a target sharing the points' words (character n-grams) outranks one that is only near in meaning."""
    import numpy as np

    from assistant.themes import LinkTarget

    mapper = fake_assistant.theme_mapper()
    saved = mapper._targets, mapper.vectors, mapper._target_words, mapper._point_words, mapper.link_word_weight
    targets = [LinkTarget("near", "Nær i mening.", row=False), LinkTarget("words", "Samme ord.", row=False)]
    try:
        mapper._targets = (targets, np.array([[1.0, 0.0], [0.6, 0.8]], dtype=np.float32))
        mapper.vectors = np.array([[1.0, 0.0], [0.8, 0.6]], dtype=np.float32)
        mapper._target_words = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=np.float32)
        mapper._point_words = np.array([[1.0, 0.0], [1.0, 0.0]], dtype=np.float32)
        mapper.link_word_weight = 0.0
        meaning = mapper.link_scores([0, 1])
        mapper.link_word_weight = 0.8
        blended = mapper.link_scores([0, 1])
        assert mapper.link_scores([]).tolist() == [0.0, 0.0]
    finally:
        mapper._targets, mapper.vectors, mapper._target_words, mapper._point_words, mapper.link_word_weight = saved
    centroid = np.array([0.9, 0.3]) / np.linalg.norm([0.9, 0.3])
    assert np.allclose(meaning, [centroid[0], 0.6 * centroid[0] + 0.8 * centroid[1]], atol=1e-5)
    assert meaning[0] > meaning[1] and blended[1] > blended[0]
    assert np.allclose(blended, 0.2 * meaning + 0.8 * np.array([0.0, 1.0]), atol=1e-5)


def test_a_workshop_s_participant_lists_are_not_its_points(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    """«FO v/Ann Skjellum (D)» says who took part, not what was said: neither the theme map nor a summary
    shows it as a point."""
    from assistant.themes import point_nodes, workshop_points

    index = fake_assistant.index
    workshops = [m.doc_id for m in fake_assistant.workshops()]
    listed = {n.node_id for n in index.nodes.values() if n.doc_id in workshops and "Ann Skjellum" in n.text}
    assert listed  # the report does name who took part
    assert not listed & {n.node_id for doc_id in workshops for n in point_nodes(index, doc_id)}
    assert not any("Skjellum" in p.text for p in workshop_points(index))
    summary = fake_assistant.summarize("bolig")
    assert not any("Skjellum" in p.text for w in summary.workshops for p in w.points)
