"""Records the assistant passes between retrieval, answering and the edges (API, UI, batch)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Passage(BaseModel):
    """A retrieved node with the context needed to show and cite it."""

    model_config = ConfigDict(frozen=True)

    node_id: str
    document: str = Field(description="Corpus file name (the document id).")
    title: str = Field(default="", description="Document title from the manifest.")
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
    standalone_question: str = Field(description="The question after follow-up condensing.")
    answer: str
    refused: bool = False
    citations: list[Citation] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list, description="The passages given to the composer.")
    safety_notice: str | None = Field(default=None, description="Fixed notice shown first on acute danger.")
    mode: Literal["extractive", "llm"] = "extractive"
    backend_error: str | None = Field(default=None, description="Why the LLM was not used, when it failed.")
    removed_citations: int = Field(default=0, description="Citations dropped because they named no given passage.")
    latency_ms: float = 0.0
