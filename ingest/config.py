"""Chunking parameters (part of the settings and of the index fingerprint)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ChunkingConfig(BaseModel):
    """How prose is split into nodes. Any change here forces a new index collection."""

    max_chars: int = Field(default=1400, ge=200, le=8000, description="Upper bound for a prose node's text.")
    min_chars: int = Field(
        default=200, ge=0, description="Short trailing pieces below this merge into the previous node."
    )
    overlap_sentences: int = Field(
        default=0, ge=0, le=5, description="Sentences repeated at the start of the next node."
    )
