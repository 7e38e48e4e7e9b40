"""Records the assistant passes between retrieval, answering and the edges (API, UI, batch)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ingest.records import DocumentKind, PreventionLevel

Name = Annotated[str, StringConstraints(max_length=200)]


class SearchFilters(BaseModel):
    """Restrict retrieval; every list is an OR of values, and the lists are combined with AND."""

    model_config = ConfigDict(extra="forbid")

    documents: list[Name] = Field(
        default_factory=list, max_length=20, description="Document ids (corpus file names), e.g. 'strategi.txt'."
    )
    kinds: list[DocumentKind] = Field(default_factory=list, max_length=3, description="Document kinds.")
    services: list[Name] = Field(
        default_factory=list, max_length=50, description="Service names from the catalog, e.g. 'Uteteam'."
    )
    levels: list[PreventionLevel] = Field(default_factory=list, max_length=3, description="Prevention levels.")

    def index_filters(self) -> dict[str, list[str]]:
        """The node fields the index filters on, without empty lists."""
        fields = {
            "doc_id": list(self.documents),
            "doc_kind": [k.value for k in self.kinds],
            "service": list(self.services),
            "level": [lvl.value for lvl in self.levels],
        }
        return {key: values for key, values in fields.items() if values}


class Passage(BaseModel):
    """A retrieved node with the context needed to show and cite it."""

    model_config = ConfigDict(frozen=True)

    node_id: str
    document: str = Field(description="Corpus file name (the document id).")
    title: str = Field(default="", description="Document title from the manifest.")
    date: str = Field(default="", description="The document's date from the manifest (how old the source is).")
    section: str = Field(default="", description="Section path joined with ' › '.")
    text: str
    kind: str = Field(default="prose", description="Node kind: prose, table_row or table.")
    score: float = Field(default=0.0, description="Fused retrieval score (higher is better).")
    metadata: dict[str, str] = Field(default_factory=dict)


class Citation(BaseModel):
    """A numbered citation in an answer, mapped to the passage it points at."""

    model_config = ConfigDict(frozen=True)

    n: int = Field(ge=1, description="The number used in the answer text, e.g. 1 for [1].")
    node_id: str
    document: str
    title: str = ""
    date: str = Field(default="", description="The document's date (2018 workshop, 2022 knowledge base …).")
    section: str = ""
    text: str


class ChatTurn(BaseModel):
    """One earlier turn of a conversation (the history travels with each request)."""

    model_config = ConfigDict(frozen=True)

    role: Literal["user", "assistant"]
    content: str


class Answer(BaseModel):
    """What `ask` returns."""

    question: str
    standalone_question: str = Field(description="The question after follow-up condensing and spelling correction.")
    spelling_corrected: bool = Field(
        default=False, description="True when slips were mended: `standalone_question` is what was searched for."
    )
    answer: str
    refused: bool = False
    citations: list[Citation] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list, description="The passages given to the composer.")
    hits: list[Passage] = Field(
        default_factory=list, description="The top retrieved passages (at least 10), for evaluation tools."
    )
    refusal_reason: str = Field(default="", description="Why the refusal rule refused (for logs and evaluation).")
    safety_notice: str | None = Field(default=None, description="Fixed notice shown first on acute danger.")
    mode: Literal["extractive", "llm"] = "extractive"
    backend_error: str | None = Field(default=None, description="Why the LLM was not used, when it failed.")
    removed_citations: int = Field(default=0, description="Citations dropped because they named no given passage.")
    latency_ms: float = 0.0
    degraded: bool = Field(
        default=False, description="True when the vector store did not answer and only the word index (BM25) was used."
    )
    degraded_notice: str | None = Field(default=None, description="A short notice shown when `degraded` is true.")
    intent: str = Field(default="", description="What the question asks for (question analysis).")
    language: str = Field(default="nb", description="The question's language: nb, nn, en or other.")
    audience: Literal["citizen", "staff"] = "citizen"
    services: list[ServiceGroup] = Field(
        default_factory=list, description="For a situation: the services that fit, as the finder ranks them."
    )


class ServiceMatch(BaseModel):
    """One catalog measure offered for a situation, with its citation."""

    service: str
    level: str | None
    measure: str
    roles: list[str]
    partners: str
    appendix: str
    municipality: str = "Drammen"
    score: float = 0.0
    matched_terms: list[str] = Field(default_factory=list, description="Words the situation and the row share.")
    citation: Citation


class ServiceGroup(BaseModel):
    """A service with its best-fitting measures, and why it fits."""

    service: str
    measures: list[ServiceMatch]
    score: float = Field(default=0.0, description="The service's aggregated score for the situation.")
    why: list[str] = Field(default_factory=list, description="Lay words linked to the rows, and shared words.")


class ServiceFinderResult(BaseModel):
    """The service finder's answer: matching measures grouped by service."""

    situation: str = ""
    filters: dict[str, list[str]] = Field(default_factory=dict)
    groups: list[ServiceGroup] = Field(default_factory=list)
    total: int = 0
    safety_notice: str | None = None
    latency_ms: float = 0.0
    degraded: bool = Field(
        default=False, description="True when the vector store did not answer and only the word index (BM25) was used."
    )


class SummaryPoint(BaseModel):
    """A workshop's own point, cited."""

    text: str
    n: int = Field(description="Citation number in the summary's citation list.")
    document: str


class WorkshopSection(BaseModel):
    document: str
    title: str
    date: str
    points: list[SummaryPoint]


class CrossWorkshopTopic(BaseModel):
    """A topic raised by several workshops (recurring) or only one (unique)."""

    label: str
    documents: list[str]
    points: list[SummaryPoint]


class ThemeLink(BaseModel):
    """A 2022 passage or catalog row that addresses a theme (in the theme map, and in a workshop summary)."""

    kind: str = Field(description="'knowledge_base' (prose) or 'measure' (a Vedlegg 2 row).")
    text: str = Field(description="The passage's sentence nearest the theme, or the row's measure.")
    node_id: str = ""
    service: str = ""
    level: str = ""
    similarity: float = Field(
        description="Nearness of the theme and the passage's nearest sentence (or the row): the cosine of the "
        "theme's centroid and the sentence's vector (both centred), blended with the cosine of their character "
        "n-grams by `themes.link_word_weight` (higher: nearer)."
    )
    n: int = Field(description="Citation number in the source list of the map or summary it is part of.")


class WorkshopSummary(BaseModel):
    theme: str
    workshops: list[WorkshopSection]
    recurring: list[CrossWorkshopTopic] = Field(default_factory=list)
    unique: list[CrossWorkshopTopic] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    in_2022: list[ThemeLink] = Field(
        default_factory=list, description="What the 2022 sources report against the themes the points belong to."
    )
    text: str = Field(default="", description="LLM-written summary when a backend is used, else empty.")
    mode: Literal["extractive", "llm"] = "extractive"
    backend_error: str | None = None
    markdown: str = ""
    latency_ms: float = 0.0
    degraded: bool = Field(
        default=False, description="True when the vector store did not answer and only the word index (BM25) was used."
    )


class StreamEvent(BaseModel):
    """One event of a streamed answer: meta first, then deltas, then done with the full Answer."""

    type: Literal["meta", "delta", "done"]
    text: str = ""
    answer: Answer | None = None
    safety_notice: str | None = None


Answer.model_rebuild()
