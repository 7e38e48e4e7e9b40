"""The index manifest: what an index was built from, and the atomic switch to a new generation.

The collection name is a hash of the embedder identity, the chunking parameters and the parser
version, so a changed embedder or chunking always lands in a new collection and never mixes.
Corpus hashes are recorded per document and drive incremental updates.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from ingest.config import ChunkingConfig

MANIFEST_FILE = "manifest.json"
# Bump when the parser's (or the lexical analyzer's) output changes for the same input and parameters.
PARSER_VERSION = "5"


class DocumentEntry(BaseModel):
    """One indexed document: its content hash and its node ids."""

    sha256: str
    title: str
    kind: str
    node_ids: list[str]
    catalog_rows: int = 0


class IndexManifest(BaseModel):
    """Written last and atomically: an index is whatever its manifest says it is."""

    collection: str = Field(description="The index's name: a hash of embedder, chunking and parser.")
    store_collection: str = Field(
        default="", description="The Chroma collection holding its vectors (a rebuild fills a new one beside it)."
    )
    generation: int = Field(description="Folder of the current lexical/catalog files: gen-<n>.")
    embedder: dict[str, Any]
    chunking: dict[str, Any]
    parser_version: str = PARSER_VERSION
    documents: dict[str, DocumentEntry] = Field(default_factory=dict)
    built_at: str = ""
    seconds: float = 0.0

    @property
    def store_name(self) -> str:
        return self.store_collection or self.collection

    @property
    def node_ids(self) -> list[str]:
        return [nid for doc in self.documents.values() for nid in doc.node_ids]


def collection_name(embedder: dict[str, Any], chunking: ChunkingConfig, prefix: str = "veiviser") -> str:
    """Deterministic collection name for an embedder + chunking + parser version."""
    payload = json.dumps(
        {"embedder": embedder, "chunking": chunking.model_dump(), "parser": PARSER_VERSION},
        sort_keys=True,
        ensure_ascii=False,
    )
    return f"{prefix}-{hashlib.sha256(payload.encode()).hexdigest()[:12]}"


def write_json_atomic(path: Path, data: str) -> None:
    """Write a file so that readers see either the old or the new content, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_manifest(index_dir: Path) -> IndexManifest | None:
    """The manifest in an index folder, or None when none has been committed."""
    path = index_dir / MANIFEST_FILE
    if not path.is_file():
        return None
    return IndexManifest.model_validate_json(path.read_text(encoding="utf-8"))


def write_manifest(index_dir: Path, manifest: IndexManifest) -> None:
    write_json_atomic(index_dir / MANIFEST_FILE, manifest.model_dump_json(indent=2))
