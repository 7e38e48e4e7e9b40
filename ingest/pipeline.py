"""From a document's text to nodes and catalog records."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.cards import CARD_METADATA, CARD_SECTION, document_card
from ingest.chunking import block_units, chunk_units
from ingest.config import ChunkingConfig
from ingest.corpus import CorpusDocument
from ingest.ids import node_id
from ingest.records import DocumentMeta, Node, NodeKind, ParsedDocument, PreventionLevel, ServiceMeasure
from ingest.structure import Block, parse_structure
from ingest.tables import (
    cells,
    is_numeric_table,
    parse_law_rows,
    parse_measure_rows,
    render_law,
    render_measure,
    render_table,
)

_APPENDIX = re.compile(r"Vedlegg (\d)")
CAPTION_CHARS = 220


@dataclass
class _Draft:
    kind: NodeKind
    text: str
    section_path: tuple[str, ...]
    metadata: dict[str, str] = field(default_factory=dict)
    measure: ServiceMeasure | None = None  # catalog record waiting for its node id


# «8. Referanser», «Litteraturliste», «Kilder»: the heading of a document's reference list.
_REFERENCES = re.compile(
    r"^\s*(?:\d+(?:\.\d+)*\.?\s+)?(?:referanser|referansar|litteratur(?:liste)?|kildeliste|kilder|bibliografi|"
    r"references)\s*$",
    re.I,
)


def appendix_of(path: Sequence[str]) -> tuple[str, int] | None:
    """('Vedlegg 2', index of that heading in the path) when the path is inside an appendix."""
    for i, title in enumerate(path):
        match = _APPENDIX.search(title)
        if match and re.match(r"^\d+\.\d+\s", title):
            return f"Vedlegg {match.group(1)}", i
    return None


def _service(path: Sequence[str], appendix_index: int) -> str:
    below = path[appendix_index + 1 :]
    return below[-1] if below else ""


def _caption(previous: list[Block]) -> str:
    for block in reversed(previous[-3:]):
        if block.kind in ("paragraph", "bullet") and block.lines:
            text = block.lines[-1]
            return text if len(text) <= CAPTION_CHARS else text[: CAPTION_CHARS - 1].rstrip() + "…"
    return ""


def _measure_drafts(
    service: str, path: tuple[str, ...], block: Block, level: PreventionLevel | None, doc_id: str
) -> tuple[list[_Draft], PreventionLevel | None]:
    rows, level = parse_measure_rows(block.raw, level)
    drafts = []
    for row in rows:
        draft = _Draft(
            NodeKind.TABLE_ROW,
            render_measure(service, row),
            path,
            {
                "appendix": "Vedlegg 2",
                "service": service,
                "level": row.level.value if row.level else "",
                "roles": ",".join(r.value for r in row.roles),
                "partners": row.partners,
                "municipality": "Drammen",
            },
        )
        draft.measure = ServiceMeasure(
            service=service,
            level=row.level,
            measure=row.measure,
            roles=tuple(row.roles),
            partners=row.partners,
            appendix="Vedlegg 2",
            municipality="Drammen",
            node_id="",
            doc_id=doc_id,
        )
        drafts.append(draft)
    return drafts, level


def _municipality_drafts(path: tuple[str, ...], block: Block, doc_id: str) -> list[_Draft]:
    drafts = []
    for line in block.raw:
        parts = [*cells(line), "", ""]
        municipality, measure, description = parts[0], parts[1], " ".join(p for p in parts[2:] if p)
        if municipality.lower() == "kommune" or not (measure or description):
            continue
        text = f"Kommune: {municipality} · Tiltak: {measure}" + (
            f" · Beskrivelse: {description}" if description else ""
        )
        draft = _Draft(
            NodeKind.TABLE_ROW,
            text,
            path,
            {"appendix": "Vedlegg 3", "service": measure, "municipality": municipality},
        )
        draft.measure = ServiceMeasure(
            service=measure or municipality,
            level=None,
            measure=f"{measure}: {description}" if description else measure,
            appendix="Vedlegg 3",
            municipality=municipality,
            node_id="",
            doc_id=doc_id,
        )
        drafts.append(draft)
    return drafts


def parse_document(meta: DocumentMeta, text: str, chunking: ChunkingConfig | None = None) -> ParsedDocument:
    """Nodes (prose chunks, appendix rows, small tables) and catalog records of one document."""
    import hashlib

    chunking = chunking or ChunkingConfig()
    blocks = parse_structure(text)
    drafts: list[_Draft] = []
    prose: list[Block] = []
    seen: list[Block] = []
    levels: dict[str, PreventionLevel | None] = {}

    def flush() -> None:
        if prose:
            for chunk in chunk_units(block_units(prose), chunking):
                drafts.append(_Draft(NodeKind.PROSE, chunk, prose[0].section_path))
            prose.clear()

    for block in blocks:
        if any(_REFERENCES.match(title) for title in block.section_path):
            continue  # a reference list names sources; it answers nothing (as footnote lines, dropped in parsing)
        if block.kind != "table":
            if prose and prose[-1].section_path != block.section_path:
                flush()
            prose.append(block)
            seen.append(block)
            continue
        flush()
        path = block.section_path
        appendix = appendix_of(path)
        if appendix and appendix[0] == "Vedlegg 2" and _service(path, appendix[1]):
            service = _service(path, appendix[1])
            new, levels[service] = _measure_drafts(service, path, block, levels.get(service), meta.doc_id)
            drafts.extend(new)
        elif appendix and appendix[0] == "Vedlegg 3":
            drafts.extend(_municipality_drafts(path, block, meta.doc_id))
        elif appendix and appendix[0] == "Vedlegg 1" and _service(path, appendix[1]):
            service = _service(path, appendix[1])
            for row in parse_law_rows(block.raw):
                drafts.append(
                    _Draft(
                        NodeKind.TABLE_ROW,
                        render_law(service, row),
                        path,
                        {"appendix": "Vedlegg 1", "service": service},
                    )
                )
        else:
            caption = _caption(seen) if is_numeric_table(block.raw) else ""
            rows = render_table(block.raw, caption)
            for chunk in chunk_units(rows, chunking):
                drafts.append(_Draft(NodeKind.TABLE, chunk, path, {"appendix": appendix[0]} if appendix else {}))
        seen.append(block)
    flush()
    # Last, so that adding the card moves no other node (their ids hold their position).
    sections = [b.section_path[0] for b in blocks if b.section_path and not _REFERENCES.match(b.section_path[0])]
    card = document_card(meta, sections)
    drafts.append(_Draft(NodeKind.PROSE, card, (CARD_SECTION,), dict(CARD_METADATA)))

    nodes: list[Node] = []
    catalog: list[ServiceMeasure] = []
    for position, draft in enumerate(d for d in drafts if d.text.strip()):
        nid = node_id(meta.doc_id, position, draft.text)
        nodes.append(
            Node(
                node_id=nid,
                doc_id=meta.doc_id,
                kind=draft.kind,
                text=draft.text,
                section_path=draft.section_path,
                position=position,
                metadata={k: v for k, v in draft.metadata.items() if v},
            )
        )
        if draft.measure is not None:
            catalog.append(draft.measure.model_copy(update={"node_id": nid}))
    return ParsedDocument(
        meta=meta, nodes=nodes, catalog=catalog, text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest()
    )


def parse_corpus(documents: Sequence[CorpusDocument], chunking: ChunkingConfig | None = None) -> list[ParsedDocument]:
    parsed = []
    for doc in documents:
        result = parse_document(doc.meta, doc.text, chunking)
        parsed.append(result.model_copy(update={"text_sha256": doc.sha256}))
    return parsed
