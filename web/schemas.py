"""Request and response bodies of the JSON API (versioned under /api/v1)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.types import ChatTurn, Citation

MAX_HISTORY = 20
MAX_TEXT = 20000  # hard cap before the assistant's own (configurable) question limit


class Filters(BaseModel):
    """Restrict retrieval: documents (file names), kinds, services, prevention levels."""

    model_config = ConfigDict(extra="forbid")

    documents: list[str] = Field(default_factory=list, max_length=20)
    kinds: list[Literal["workshop_report", "knowledge_base", "strategy"]] = Field(default_factory=list)
    services: list[str] = Field(default_factory=list, max_length=50)
    levels: list[Literal["universell", "selektert", "indikert"]] = Field(default_factory=list)

    def to_assistant(self) -> dict[str, list[str]]:
        return {
            "doc_id": list(self.documents),
            "doc_kind": list(self.kinds),
            "service": list(self.services),
            "level": list(self.levels),
        }


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(max_length=MAX_TEXT, description="The question (limit: settings api.max_question_chars).")
    history: list[ChatTurn] = Field(default_factory=list, max_length=MAX_HISTORY, description="Earlier turns.")
    filters: Filters | None = None


class AskResponse(BaseModel):
    answer: str
    refused: bool
    citations: list[Citation]
    safety_notice: str | None
    mode: str
    backend_error: str | None
    standalone_question: str
    latency_ms: float


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(max_length=MAX_TEXT)
    top_k: int = Field(default=8, ge=1, le=50)
    filters: Filters | None = None
    mode: Literal["hybrid", "dense", "lexical"] = "hybrid"


class ServicesRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    situation: str = Field(default="", max_length=MAX_TEXT, description="A situation; empty lists the catalog.")
    levels: list[Literal["universell", "selektert", "indikert"]] = Field(default_factory=list)
    roles: list[Literal["forebygge", "fange opp", "følge opp"]] = Field(default_factory=list)
    services: list[str] = Field(default_factory=list, max_length=50)
    limit: int = Field(default=25, ge=1, le=400)


class SummaryRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    theme: str = Field(max_length=MAX_TEXT)
    workshops: list[str] = Field(default_factory=list, max_length=10, description="Document ids; empty = all three.")
    format: Literal["json", "markdown"] = "json"


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(max_length=MAX_TEXT)
    answer: str = Field(max_length=50000)
    rating: Literal["up", "down"]
    comment: str = Field(default="", max_length=2000)
    citations: list[str] = Field(default_factory=list, max_length=50, description="Node ids of the cited passages.")
