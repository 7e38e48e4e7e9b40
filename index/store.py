"""The Chroma edge: client (embedded or server), collection, and node <-> vector-store translation."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from llama_index.core.schema import TextNode
from llama_index.core.vector_stores.types import (
    FilterCondition,
    FilterOperator,
    MetadataFilter,
    MetadataFilters,
    VectorStoreQuery,
)

from index.config import ChromaConfig
from ingest.errors import StoreUnavailable
from ingest.records import DocumentMeta, Node

_UPSERT_BATCH = 500
# HNSW is approximate and its graph differs from process to process, so a narrow beam misses
# near-boundary neighbours (measured: different top-10s for the same vectors in different runs).
# Searching with a beam of at least this size makes the results stable at this corpus' scale.
MIN_SEARCH_BEAM = 200
HNSW_CONFIGURATION = {"space": "cosine", "ef_search": MIN_SEARCH_BEAM, "ef_construction": MIN_SEARCH_BEAM}


def make_chroma_client(config: ChromaConfig, data_dir: Path) -> Any:
    """A Chroma client by configuration; telemetry off. Nothing is created remotely here."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if config.mode == "http":
            return chromadb.HttpClient(host=config.host, port=config.port, ssl=config.ssl, settings=chroma_settings)
        path = config.path or (data_dir / "chroma")
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # chromadb raises plain Exceptions / ValueErrors on connect failures
        where = f"{config.host}:{config.port}" if config.mode == "http" else str(config.path or data_dir)
        raise StoreUnavailable(f"Chroma ({config.mode}) at {where} is not available: {exc}") from exc


def node_metadata(node: Node, meta: DocumentMeta) -> dict[str, str | int]:
    """Flat metadata stored with each vector (Chroma accepts str/int/float/bool only)."""
    flat: dict[str, str | int] = {
        "doc_id": node.doc_id,
        "title": meta.title,
        "doc_kind": meta.kind.value,
        "node_kind": node.kind.value,
        "section": node.section,
        "position": node.position,
    }
    for key, value in node.metadata.items():
        flat.setdefault(key, value)
    return flat


def index_text(node: Node) -> str:
    """The text that is embedded and BM25-indexed: the innermost headings give prose its topic."""
    if node.kind.value == "prose" and node.section_path:
        context = " › ".join(node.section_path[-2:])
        return f"{context}\n{node.text}"
    return node.text


def to_text_node(node: Node, meta: DocumentMeta, embedding: Sequence[float]) -> TextNode:
    """A llama-index TextNode carrying our id, text, metadata and the precomputed embedding."""
    return TextNode(
        id_=node.node_id,
        text=node.text,
        metadata=node_metadata(node, meta),
        embedding=list(embedding),
        excluded_embed_metadata_keys=["doc_id", "position", "doc_kind", "node_kind"],
        excluded_llm_metadata_keys=["doc_id", "position", "doc_kind", "node_kind"],
    )


def to_metadata_filters(filters: Mapping[str, Sequence[str]]) -> MetadataFilters | None:
    """{'doc_id': ['a.txt'], 'level': ['selektert', 'indikert']} → llama-index filters (AND of ORs)."""
    groups: list[MetadataFilter | MetadataFilters] = []
    for key, values in filters.items():
        values = [v for v in values if v]
        if not values:
            continue
        if len(values) == 1:
            groups.append(MetadataFilter(key=key, value=values[0], operator=FilterOperator.EQ))
        else:
            groups.append(MetadataFilter(key=key, value=list(values), operator=FilterOperator.IN))
    if not groups:
        return None
    return MetadataFilters(filters=groups, condition=FilterCondition.AND)


class ChromaStore:
    """One collection, used through llama-index's ChromaVectorStore."""

    def __init__(self, client: Any, name: str) -> None:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.name = name
        self._client = client
        try:
            self.collection = client.get_or_create_collection(
                name, configuration={"hnsw": dict(HNSW_CONFIGURATION)}, embedding_function=None
            )
        except Exception as exc:
            raise StoreUnavailable(f"Chroma collection {name!r} could not be opened: {exc}") from exc
        self.vector_store = ChromaVectorStore(chroma_collection=self.collection)

    def ids(self) -> set[str]:
        return set(self.collection.get(include=[])["ids"])

    def count(self) -> int:
        return int(self.collection.count())

    def add(self, nodes: Sequence[TextNode]) -> None:
        for start in range(0, len(nodes), _UPSERT_BATCH):
            self.vector_store.add(list(nodes[start : start + _UPSERT_BATCH]))

    def delete(self, node_ids: Sequence[str]) -> None:
        ids = list(node_ids)
        for start in range(0, len(ids), _UPSERT_BATCH):
            self.collection.delete(ids=ids[start : start + _UPSERT_BATCH])

    def query(
        self, embedding: Sequence[float], k: int, filters: Mapping[str, Sequence[str]] | None = None
    ) -> list[tuple[str, float]]:
        """Top-k (node id, cosine similarity) for a query embedding."""
        count = self.count() or 1
        beam = max(1, min(max(k, MIN_SEARCH_BEAM), count))  # hnswlib searches with ef = max(ef, k)
        query = VectorStoreQuery(
            query_embedding=list(embedding), similarity_top_k=beam, filters=to_metadata_filters(filters or {})
        )
        result = self.vector_store.query(query, include=["distances", "metadatas", "documents"])
        ids = result.ids or []
        # ChromaVectorStore reports exp(-distance); with cosine space distance = 1 - cos.
        sims = [1.0 - (-math.log(s)) if s > 0 else -1.0 for s in (result.similarities or [])]
        return list(zip(ids, sims, strict=True))[: max(1, k)]

    def vectors(self, node_ids: Sequence[str]) -> dict[str, list[float]]:
        """The stored vectors of these nodes (those the collection has)."""
        ids = list(dict.fromkeys(node_ids))
        out: dict[str, list[float]] = {}
        for start in range(0, len(ids), _UPSERT_BATCH):
            got = self.collection.get(ids=ids[start : start + _UPSERT_BATCH], include=["embeddings"])
            for nid, vec in zip(got["ids"], got["embeddings"], strict=True):
                out[nid] = [float(x) for x in vec]
        return out

    def drop(self) -> None:
        self._client.delete_collection(self.name)
