"""Domain records produced by ingestion: documents, nodes and the service catalog.

These are plain, frozen pydantic models so that the index, the assistant and the API can
pass them around and serialise them without translation.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class DocumentKind(StrEnum):
    """What sort of document a corpus file is (from the corpus manifest)."""

    WORKSHOP_REPORT = "workshop_report"
    KNOWLEDGE_BASE = "knowledge_base"
    STRATEGY = "strategy"


class NodeKind(StrEnum):
    """What a retrievable node was made from."""

    PROSE = "prose"  # paragraphs and bullet lists within one section
    TABLE_ROW = "table_row"  # one row of an appendix table (a measure), rendered as text
    TABLE = "table"  # a small table (e.g. years in one row, values in the next) kept whole


class PreventionLevel(StrEnum):
    """Prevention level of a measure (universell / selektert / indikert)."""

    UNIVERSELL = "universell"
    SELEKTERT = "selektert"
    INDIKERT = "indikert"


class Role(StrEnum):
    """The role a measure plays: prevent, detect ("fange opp"), follow up."""

    FOREBYGGE = "forebygge"
    FANGE_OPP = "fange opp"
    FOLGE_OPP = "følge opp"


class DocumentMeta(BaseModel):
    """One corpus document as described by the corpus manifest."""

    model_config = ConfigDict(frozen=True)

    doc_id: str = Field(description="File name relative to the corpus folder; the stable document id.")
    title: str
    kind: DocumentKind
    date: str = Field(default="", description="ISO date or year as stated; empty when the source gives none.")
    theme: str = ""


# How a node's section path is joined for display (Node.section, Passage.section).
SECTION_SEPARATOR = " › "


class Node(BaseModel):
    """A retrievable unit of text with the context needed to cite it."""

    model_config = ConfigDict(frozen=True)

    node_id: str = Field(description="Stable id: hash of document id + position + text.")
    doc_id: str
    kind: NodeKind
    text: str = Field(description="The text that is embedded, indexed and shown as the citation.")
    section_path: tuple[str, ...] = Field(default=(), description="Headings from outermost to innermost.")
    position: int = Field(description="Order of the node within its document, from 0.")
    metadata: dict[str, str] = Field(
        default_factory=dict,
        description="Extra flat metadata, e.g. service/level/appendix for table rows.",
    )

    @property
    def section(self) -> str:
        """The section path joined for display."""
        return SECTION_SEPARATOR.join(self.section_path)


class ServiceMeasure(BaseModel):
    """One measure (tiltak) from the appendix tables of the knowledge base."""

    model_config = ConfigDict(frozen=True)

    service: str = Field(description="The service (tjeneste), e.g. 'Uteteam'; for Vedlegg 3 the municipality.")
    level: PreventionLevel | None = Field(description="Prevention level; None where the table gives none.")
    measure: str = Field(description="The measure (tiltak) as written, cleaned of residue.")
    roles: tuple[Role, ...] = Field(default=(), description="Columns marked with an x.")
    partners: str = Field(default="", description="'I samarbeid med?' column, cleaned.")
    appendix: str = Field(description="'Vedlegg 2' (Drammen) or 'Vedlegg 3' (other municipalities).")
    municipality: str = Field(default="Drammen")
    node_id: str = Field(description="Id of the TABLE_ROW node this record was read from.")
    doc_id: str


class ParsedDocument(BaseModel):
    """Everything ingestion produces for one document."""

    meta: DocumentMeta
    nodes: list[Node]
    catalog: list[ServiceMeasure] = Field(default_factory=list)
    text_sha256: str = Field(description="Hash of the raw file text, used for incremental indexing.")
