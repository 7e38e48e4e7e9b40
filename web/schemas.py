"""Request and response bodies of the JSON API (versioned under /api/v1).

Requests forbid unknown fields. Text fields carry a hard cap here; the assistant applies the
configurable question limit (`api.max_question_chars`) and says in Norwegian what is wrong.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from assistant.types import ChatTurn, Citation, SearchFilters, ServiceGroup
from ingest.records import PreventionLevel, Role

MAX_HISTORY = 200  # hard cap of the request model; the assistant's limit is `api.max_history_turns`
MAX_TURN_CHARS = 8000
MAX_TEXT = 20000  # hard cap before the assistant's own (configurable, smaller) limit
# Control characters other than tab, newline and carriage return (a NUL or an ESC sequence is never text).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
Level = PreventionLevel
RoleName = Role
Name = Annotated[str, StringConstraints(max_length=200)]


Filters = SearchFilters


class AskRequest(BaseModel):
    """A question, the earlier turns of the conversation (stateless API) and optional filters."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"question": "Hva er Ungdomstorget?", "history": [], "filters": None}]},
    )

    question: str = Field(
        max_length=MAX_TEXT,
        description="The question. Not empty, no control characters, at most `api.max_question_chars` characters.",
    )
    history: list[ChatTurn] = Field(
        default_factory=list,
        max_length=MAX_HISTORY,
        description="Earlier turns, oldest first (at most `api.max_history_turns`, 20 by default); "
        "follow-ups are made stand-alone.",
    )
    filters: Filters | None = Field(default=None, description="Restrict the sources.")
    audience: Literal["citizen", "staff"] = Field(
        default="citizen", description="citizen: plain service answers; staff: with level, role and partners."
    )

    @field_validator("history")
    @classmethod
    def _turns_not_too_long(cls, history: list[ChatTurn]) -> list[ChatTurn]:
        for turn in history:
            if len(turn.content) > MAX_TURN_CHARS:
                raise ValueError(f"en tur i historikken er for lang (maks {MAX_TURN_CHARS} tegn)")
        return history


class AskResponse(BaseModel):
    """An answer with numbered citations ([1], [2] …) that point at passages of the documents."""

    answer: str = Field(description="The answer text with citation markers, or the refusal text.")
    refused: bool = Field(description="True when the documents do not answer the question ('Ikke i dokumentene').")
    citations: list[Citation] = Field(description="The cited passages, numbered as in the answer.")
    safety_notice: str | None = Field(description="Fixed notice with emergency numbers, shown first when present.")
    mode: str = Field(description="'extractive' (no LLM) or 'llm'.")
    backend_error: str | None = Field(description="Why the LLM was not used, when it failed (fallback answer).")
    standalone_question: str = Field(description="The question after follow-up condensing and spelling correction.")
    spelling_corrected: bool = Field(
        default=False, description="True when slips were mended: `standalone_question` is what was searched for."
    )
    latency_ms: float = Field(description="Time spent answering, in milliseconds.")
    degraded: bool = Field(
        default=False, description="True when the vector store did not answer and only the word index (BM25) was used."
    )
    degraded_notice: str | None = Field(default=None, description="A short notice shown when `degraded` is true.")
    intent: str = Field(default="", description="What the question asks for: situation, definition, quantity, …")
    language: str = Field(default="nb", description="The question's language: nb, nn, en or other.")
    audience: str = Field(default="citizen", description="The audience the answer was written for.")
    services: list[ServiceGroup] = Field(
        default_factory=list, description="For a situation: the services that fit (as the Tiltaksfinner shows them)."
    )


class SearchRequest(BaseModel):
    """Retrieval only: the ranked passages for a query."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(max_length=MAX_TEXT, description="The search text (same rules as a question).")
    top_k: int = Field(default=8, ge=1, le=50, strict=True, description="How many passages to return.")
    filters: Filters | None = Field(default=None, description="Restrict the sources.")
    mode: Literal["hybrid", "dense", "lexical"] = Field(
        default="hybrid", description="hybrid = dense + BM25 fused; or one of them alone."
    )


class ServicesRequest(BaseModel):
    """The service finder: a situation and/or filters over the catalog of measures."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"situation": "15-åring som ruser seg og skulker", "levels": ["indikert"]}]},
    )

    situation: str = Field(default="", max_length=MAX_TEXT, description="A situation; empty lists the catalog.")
    levels: list[Level] = Field(default_factory=list, max_length=3, description="Prevention levels.")
    roles: list[RoleName] = Field(default_factory=list, max_length=3, description="What the measure does.")
    services: list[Name] = Field(default_factory=list, max_length=50, description="Service names from the catalog.")
    limit: int = Field(default=10, ge=1, le=100, strict=True, description="At most this many services.")


class SummaryRequest(BaseModel):
    """What the 2018 political workshops said on a theme."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"theme": "frivillighet"}]})

    theme: str = Field(max_length=MAX_TEXT, description="The theme, e.g. 'frivillighet' or 'tidlig innsats'.")
    workshops: list[Name] = Field(
        default_factory=list, max_length=10, description="Workshop document ids; empty = all three workshops."
    )
    format: Literal["json", "markdown"] = Field(
        default="json", description="'markdown' answers text/markdown (the downloadable summary)."
    )


class ThemesRequest(BaseModel):
    """The theme map of the three 2018 workshops, with what the 2022 sources report against each theme."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["json", "markdown", "docx"] = Field(
        default="json", description="'markdown' answers text/markdown; 'docx' a Word document."
    )


class FeedbackRequest(BaseModel):
    """A thumbs up/down on one answer."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=MAX_TEXT, description="The question that was answered.")
    answer: str = Field(min_length=1, max_length=50000, description="The answer that was rated.")
    rating: Literal["up", "down"] = Field(description="Thumbs up or down.")
    comment: str = Field(default="", max_length=2000, description="Optional free text (masked when stored).")
    citations: list[Name] = Field(default_factory=list, max_length=50, description="Node ids of the cited passages.")

    @field_validator("question", "answer")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("kan ikke være tom")
        return value

    @field_validator("question", "answer", "comment", "citations")
    @classmethod
    def _no_control_characters(cls, value: str | list[str]) -> str | list[str]:
        for text in [value] if isinstance(value, str) else value:
            if CONTROL.search(text):
                raise ValueError("inneholder kontrolltegn; fjern dem og prøv igjen")
        return value


class FeedbackResponse(BaseModel):
    stored: bool = Field(description="True when the record was appended.")
    id: str = Field(description="Id of the stored record.")


class IngestResponse(BaseModel):
    collection: str = Field(description="The Chroma collection now served.")
    nodes: int = Field(description="Indexed passages (nodes).")
    built_at: str = Field(description="When the index was (re)built.")


class ErrorResponse(BaseModel):
    """Every 4xx/5xx answer: a Norwegian sentence saying what is wrong."""

    detail: str = Field(description="What went wrong and, where possible, what to do.")
