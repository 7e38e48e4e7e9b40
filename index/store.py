"""The Chroma edge: client (embedded or server), collection, and node <-> vector-store translation."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from llama_index.core.schema import TextNode

from index.config import ChromaConfig
from ingest.errors import StoreUnavailable
from ingest.records import DocumentMeta, Node

_UPSERT_BATCH = 500
# HNSW is approximate and its graph differs from build to build: a beam of 200 over this corpus' 724 vectors
# left a query's nearest passage (cosine 0.862, the next 0.857) out of the results in about one build in ten
# (measured; chroma-core/chroma#1737, #2025). A collection up to EXACT_SEARCH_LIMIT vectors is therefore searched
# with a beam as wide as the collection, which visits every vector (exact, and 2.5 ms here); a larger one with a
# beam of at least MIN_SEARCH_BEAM.
EXACT_SEARCH_LIMIT = 20_000
MIN_SEARCH_BEAM = 200
HNSW_CONFIGURATION = {"space": "cosine", "ef_search": MIN_SEARCH_BEAM, "ef_construction": MIN_SEARCH_BEAM}


T = TypeVar("T")


def make_chroma_client(config: ChromaConfig, data_dir: Path) -> Any:
    """A Chroma client by configuration; telemetry off; a server's calls bounded by `timeout_s`.
    Nothing is created remotely here."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if config.mode == "http":
            client = chromadb.HttpClient(host=config.host, port=config.port, ssl=config.ssl, settings=chroma_settings)
            _bound_http_timeout(client, config.timeout_s)
            return client
        path = config.path or (data_dir / "chroma")
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # chromadb raises plain Exceptions / ValueErrors on connect failures
        where = f"{config.host}:{config.port}" if config.mode == "http" else str(config.path or data_dir)
        raise StoreUnavailable(f"Chroma ({config.mode}) at {where} is not available: {exc}") from exc


def _bound_http_timeout(client: Any, seconds: float) -> None:
    """chromadb's HTTP client waits forever (httpx timeout=None): a stopped server would hang every search.
    Its session is not configurable, so the timeout is set on it here (checked by the fault tests)."""
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(seconds)


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


def to_where(filters: Mapping[str, Sequence[str]]) -> dict[str, Any] | None:
    """{'doc_id': ['a.txt'], 'level': ['selektert', 'indikert']} → a Chroma `where` (an AND of ORs)."""
    groups: list[dict[str, Any]] = []
    for key, values in filters.items():
        values = [v for v in values if v]
        if len(values) == 1:
            groups.append({key: {"$eq": values[0]}})
        elif values:
            groups.append({key: {"$in": list(values)}})
    if not groups:
        return None
    return groups[0] if len(groups) == 1 else {"$and": groups}


class ChromaStore:
    """One collection, used through llama-index's ChromaVectorStore."""

    def __init__(self, client: Any, name: str, create: bool = True) -> None:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.name = name
        self._client = client
        try:
            if create:
                self.collection = client.get_or_create_collection(
                    name, configuration={"hnsw": dict(HNSW_CONFIGURATION)}, embedding_function=None
                )
            else:
                self.collection = client.get_collection(name, embedding_function=None)
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
        """Top-k (node id, cosine similarity) for a query embedding: exact up to EXACT_SEARCH_LIMIT vectors.
        Only ids and distances travel (documents and metadata are read from the node store)."""
        count = self.count() or 1
        beam = count if count <= EXACT_SEARCH_LIMIT else max(k, MIN_SEARCH_BEAM)  # hnswlib: ef = max(ef, k)
        result = self.collection.query(
            query_embeddings=[list(embedding)], n_results=beam, where=to_where(filters or {}), include=["distances"]
        )
        ids = result["ids"][0] if result["ids"] else []
        distances = (result["distances"] or [[]])[0]
        # With cosine space the distance is 1 - cos.
        return [(nid, 1.0 - float(d)) for nid, d in zip(ids, distances, strict=True)][: max(1, k)]

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


class _StillDown(StoreUnavailable):
    """The store failed recently; not tried again yet."""


class ServedStore:
    """The readers' view of one collection: connected on first use, every call bounded by the client's
    timeout, and after a failure not tried again for `retry_after_s` (a down store costs one timeout, not one
    per request). Failures raise StoreUnavailable; `reason` says what is wrong until a call succeeds again."""

    def __init__(
        self, config: ChromaConfig, data_dir: Path, name: str, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.name = name
        self._config = config
        self._data_dir = data_dir
        self._clock = clock
        self._store: ChromaStore | None = None
        self._retry_at = 0.0
        self.reason: str | None = None
        self._lock = threading.Lock()

    def _connect(self) -> ChromaStore:
        with self._lock:
            if self._store is not None:
                return self._store
            if self.reason is not None and self._clock() < self._retry_at:
                raise _StillDown(self.reason)
        store = ChromaStore(make_chroma_client(self._config, self._data_dir), self.name, create=False)
        with self._lock:
            self._store = store
        return store

    def call(self, fn: Callable[[ChromaStore], T]) -> T:
        try:
            result = fn(self._connect())
        except _StillDown:
            raise
        except StoreUnavailable as exc:
            self._failed(exc)
            raise
        except Exception as exc:  # chromadb raises plain exceptions (connection, timeout, missing collection)
            self._failed(exc)
            raise StoreUnavailable(self.reason or str(exc)) from exc
        with self._lock:
            self.reason = None
        return result

    def _failed(self, exc: Exception) -> None:
        where = f"{self._config.host}:{self._config.port}" if self._config.mode == "http" else "innebygd"
        with self._lock:
            if self.reason is None or self._clock() >= self._retry_at:
                self.reason = f"Vektorlageret (Chroma, {where}) svarer ikke: {type(exc).__name__}: {exc}"[:300]
            self._retry_at = self._clock() + self._config.retry_after_s
            self._store = None  # reconnect next time (a restarted server, a recreated collection)

    def probe(self) -> bool:
        """True when the store answers now (tries at most once per `retry_after_s` while it is down)."""
        try:
            self.call(lambda s: s.count())
        except StoreUnavailable:
            return False
        return True

    def ids(self) -> set[str]:
        return self.call(lambda s: s.ids())

    def count(self) -> int:
        return self.call(lambda s: s.count())

    def query(
        self, embedding: Sequence[float], k: int, filters: Mapping[str, Sequence[str]] | None = None
    ) -> list[tuple[str, float]]:
        return self.call(lambda s: s.query(embedding, k, filters))

    def vectors(self, node_ids: Sequence[str]) -> dict[str, list[float]]:
        return self.call(lambda s: s.vectors(node_ids))
