"""Planners' workshop summaries: for a theme, the points each 2018 workshop made, every point cited.

Extractive by default: the workshops' own bullet points are selected by the theme's terms (in the
point itself or in the question it answers), near-duplicates merged, grouped per workshop, then
compared across workshops (what recurs, what only one raised). With an LLM backend the selected
points are also written up as prose, cited against the same numbered list.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from assistant import llm as llm_backend
from assistant.citations import cited_passage, validate_citations
from assistant.theme_export import link_lines
from assistant.themes import Theme, ThemeMap, ThemeMapper, point_key, point_nodes
from assistant.types import (
    Citation,
    CrossWorkshopTopic,
    SummaryPoint,
    ThemeLink,
    WorkshopSection,
    WorkshopSummary,
)
from index.lexical import families, stems
from ingest.errors import BackendUnavailable
from ingest.records import DocumentKind, DocumentMeta, Node
from ingest.text import answer_units, jaccard

if TYPE_CHECKING:
    from llama_index.core.llms import LLM

    from assistant.prompts import PromptSet
    from index.reader import KnowledgeIndex


class SummaryContext(Protocol):
    """What summaries need (the facade satisfies it)."""

    index: KnowledgeIndex
    prompts: PromptSet
    llm: LLM | None
    llm_gate: llm_backend.LLMGate

    def themes(self) -> ThemeMap: ...

    def theme_mapper(self) -> ThemeMapper: ...


# Words that belong to common planning themes, so that "tidlig innsats" also finds "forebygging".
THEME_TERMS: dict[str, tuple[str, ...]] = {
    "frivillighet": (
        "frivillig",
        "frivillige",
        "frivilligheten",
        "ideelle",
        "organisasjoner",
        "lag",
        "foreninger",
    ),
    "tidlig innsats": ("tidlig", "forebygging", "forebyggende", "lavterskel", "fange opp", "rask hjelp"),
    "kompetanse": ("kompetanse", "kompetanseheving", "fagfolk", "fagmiljø", "utdanning"),
    "organisering": (
        "organisering",
        "organisere",
        "organiseres",
        "beliggenhet",
        "struktur",
        "sentralt",
        "desentralt",
    ),
    "samarbeid": ("samarbeid", "samarbeide", "tverrfaglig", "tverrfaglighet", "samhandling", "samordning"),
    "barnehage og skole": ("barnehage", "barnehager", "skole", "skolene", "skoler"),
    "foreldre": ("foreldre", "foreldrekompetanse", "foreldreveiledning", "familier", "familieveiledning"),
    "fattigdom": ("fattigdom", "lavinntekt", "levekår", "utenforskap"),
    "rus og psykisk helse": ("rus", "rusbekjempelse", "psykisk", "psykiske", "psykiatri"),
}
MAX_POINTS_PER_WORKSHOP = 12
HEADING_WORDS = 3  # a heading is about the theme when its first words name it ("Kompetanse (Utdyping …)")
DUPLICATE_JACCARD = 0.6

Analyze = Callable[[str], list[str]]


@dataclass
class _Point:
    text: str
    node: Node
    terms: set[str]
    score: float


def theme_terms(theme: str, analyze: Analyze) -> set[str]:
    """The theme's own stems plus those of a known theme it names.

    Plain stems, not compound parts: "fagfolk" must not turn into "folk" (and match "folkevalgte").
    Points are analysed with compound splitting, so "kompetanseheving" in a point still matches.
    """
    words = [theme]
    folded = theme.casefold()
    for name, related in THEME_TERMS.items():
        if name in folded or folded in name:
            words.extend(related)
    return {t for w in words for t in stems(w)}


def select_points(nodes: Sequence[Node], wanted: set[str], analyze: Analyze) -> list[_Point]:
    """A workshop's points about the theme: the term in the point, or in the question it answers."""
    points: list[_Point] = []
    wanted = families(wanted)  # a word in any inflection («saksbehandlere», «saksbehandler»)
    for node in nodes:
        heading = node.section_path[-1] if node.section_path else ""
        heading_hit = bool(wanted & families(stems(" ".join(heading.split()[:HEADING_WORDS]))))
        for text in answer_units(node.text, node.kind.value):
            terms = set(analyze(text))
            own = len(wanted & families(terms))
            if not own and not heading_hit:
                continue
            score = own + (0.5 if heading_hit else 0.0)
            duplicate = next((p for p in points if jaccard(p.terms, terms) > DUPLICATE_JACCARD), None)
            if duplicate:
                if len(text) > len(duplicate.text):
                    duplicate.text, duplicate.terms = text, terms
                duplicate.score = max(duplicate.score, score)
                continue
            points.append(_Point(text, node, terms, score))
    points.sort(key=lambda p: (-p.score, p.node.position))
    return sorted(points[:MAX_POINTS_PER_WORKSHOP], key=lambda p: p.node.position)


LINKS_SHOWN = 6  # the 2022 lines under a summary


def by_theme(
    theme_map: ThemeMap, points: dict[str, list[SummaryPoint]]
) -> tuple[list[CrossWorkshopTopic], list[CrossWorkshopTopic]]:
    """The summary's points grouped by the theme map's themes. «Recurring» and «only one workshop» come from the
    theme map (which workshops raised the theme at all), not from the wording of the points selected here."""
    theme_of = {point_key(p.document, p.text): t for t in theme_map.themes for p in t.points}
    grouped: dict[str, list[SummaryPoint]] = {}
    themes: dict[str, Theme | None] = {}
    for doc_points in points.values():
        for point in doc_points:
            theme = theme_of.get(point_key(point.document, point.text))
            key = theme.id if theme is not None else f"punkt-{point.document}-{point.n}-{point.text[:40]}"
            grouped.setdefault(key, []).append(point)
            themes[key] = theme
    recurring: list[CrossWorkshopTopic] = []
    unique: list[CrossWorkshopTopic] = []
    for key, members in grouped.items():
        theme = themes[key]
        if theme is not None:
            docs = sorted(d for d, count in theme.workshops.items() if count)
            label = theme.label
        else:
            docs, label = sorted({p.document for p in members}), min((p.text for p in members), key=len)
        topic = CrossWorkshopTopic(label=label, documents=docs, points=members)
        (recurring if len(docs) > 1 else unique).append(topic)
    recurring.sort(key=lambda t: (-len(t.documents), -len(t.points), t.label))
    unique.sort(key=lambda t: (-len(t.points), t.label))
    return recurring, unique


def links_2022(
    mapper: ThemeMapper, points: Sequence[SummaryPoint], cite: Callable[[str], int], limit: int = LINKS_SHOWN
) -> list[ThemeLink]:
    """What the 2022 sources report against the summary's own points: the theme map's linker applied to them (their
    centroid and words), so the links answer the theme asked («tidlig innsats»), not the broader themes its points
    fall into. At most `limit`, rows and passages nearest first (a long list would bury them)."""
    return mapper.theme_links(mapper.point_indices([(p.document, p.text) for p in points]), cite, limit)


def to_markdown(summary: WorkshopSummary) -> str:
    lines = [f"# Oppsummering av verkstedene: {summary.theme}", ""]
    if summary.text:
        lines += [summary.text, ""]
    for section in summary.workshops:
        lines.append(f"## {section.title} ({section.date})" if section.date else f"## {section.title}")
        if not section.points:
            lines.append("_Verkstedet sa ikke noe om dette temaet._")
        lines += [f"- {p.text} [{p.n}]" for p in section.points]
        lines.append("")
    if summary.recurring:
        lines += ["## Går igjen i flere verksteder", ""]
        for topic in summary.recurring:
            refs = "".join(f"[{n}]" for n in sorted({p.n for p in topic.points}))
            lines.append(f"- {topic.label} ({len(topic.documents)} verksteder) {refs}")
        lines.append("")
    if summary.unique:
        lines += ["## Tatt opp av bare ett verksted", ""]
        titles = {s.document: s.title for s in summary.workshops}
        for topic in summary.unique:
            refs = "".join(f"[{n}]" for n in sorted({p.n for p in topic.points}))
            lines.append(f"- {topic.label} – {titles.get(topic.documents[0], topic.documents[0])} {refs}")
        lines.append("")
    lines += ["## I 2022-kildene", ""]
    lines += link_lines(summary.in_2022, "Ingen tiltak eller omtale funnet i 2022-kildene for disse temaene.")
    lines.append("")
    lines += ["## Kilder", ""]
    lines += [f"- [{c.n}] {c.title} › {c.section} (node {c.node_id})" for c in summary.citations]
    return "\n".join(lines).rstrip() + "\n"


def summarize_workshops(assistant: SummaryContext, theme: str, workshops: list[str]) -> WorkshopSummary:
    started = time.perf_counter()
    analyze: Analyze = assistant.index.lexical.analyzer.terms
    wanted = theme_terms(theme, analyze)
    documents: list[DocumentMeta] = [
        d
        for d in assistant.index.documents.values()
        if (d.doc_id in workshops) or (not workshops and d.kind == DocumentKind.WORKSHOP_REPORT)
    ]
    documents.sort(key=lambda d: d.date or "9999")
    citations: dict[str, Citation] = {}
    sections: list[WorkshopSection] = []
    terms: dict[int, set[str]] = {}
    by_doc: dict[str, list[SummaryPoint]] = {}
    for meta in documents:
        points = []
        for point in select_points(point_nodes(assistant.index, meta.doc_id), wanted, analyze):
            citation = citations.get(point.node.node_id)
            if citation is None:
                citation = Citation(
                    n=len(citations) + 1,
                    node_id=point.node.node_id,
                    document=meta.doc_id,
                    title=meta.title,
                    date=meta.date,
                    section=point.node.section,
                    text=point.node.text,
                )
                citations[point.node.node_id] = citation
            summary_point = SummaryPoint(text=point.text, n=citation.n, document=meta.doc_id)
            terms[id(summary_point)] = point.terms
            points.append(summary_point)
        by_doc[meta.doc_id] = points
        sections.append(WorkshopSection(document=meta.doc_id, title=meta.title, date=meta.date, points=points))
    theme_map = assistant.themes()
    recurring, unique = by_theme(theme_map, by_doc)

    def cite(node_id: str) -> int:
        if node_id not in citations:
            node = assistant.index.nodes[node_id]
            citations[node_id] = Citation(
                n=len(citations) + 1,
                node_id=node_id,
                document=node.doc_id,
                title=assistant.index.title(node.doc_id),
                date=assistant.index.date(node.doc_id),
                section=node.section,
                text=node.text,
            )
        return citations[node_id].n

    links = links_2022(assistant.theme_mapper(), [p for section in sections for p in section.points], cite)
    summary = WorkshopSummary(
        theme=theme,
        workshops=sections,
        recurring=recurring,
        unique=unique,
        citations=list(citations.values()),
        in_2022=links,
    )
    if assistant.llm is not None and citations:
        summary = _llm_write_up(assistant, summary)
    summary.markdown = to_markdown(summary)
    summary.latency_ms = round((time.perf_counter() - started) * 1000, 2)
    return summary


def _llm_write_up(assistant: SummaryContext, summary: WorkshopSummary) -> WorkshopSummary:
    """Prose from the LLM over the numbered points; citations validated against the same list."""
    lines: list[str] = []
    for section in summary.workshops:
        lines.append(f"{section.title} ({section.date}):")
        lines += [f"  - {p.text} [{p.n}]" for p in section.points]
    passages = [cited_passage(c) for c in summary.citations]
    if assistant.llm is None:
        return summary
    llm = assistant.llm
    try:
        text = assistant.llm_gate.call(
            lambda: llm_backend.summarize_points(llm, assistant.prompts, summary.theme, "\n".join(lines)),
            assistant.llm_gate.deadline(),
        )
    except BackendUnavailable as exc:
        return summary.model_copy(update={"backend_error": f"Språkmodellen svarte ikke ({exc})."})
    clean, _, _ = validate_citations(text, passages)
    return summary.model_copy(update={"text": clean, "mode": "llm"})
