"""Opening a built index for reading: dense (Chroma), lexical (BM25), nodes and catalog."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from index.builder import index_dir_for
from index.config import IndexConfig
from index.embedding import embedder_identity
from index.lexical import LexicalIndex
from index.manifest import IndexManifest, collection_name, read_manifest
from index.nodestore import (
    read_catalog,
    read_documents,
    read_lexical,
    read_nodes,
    read_point_vectors,
    read_unit_vectors,
    read_vector_matrix,
)
from index.store import ServedStore
from ingest.cards import is_card
from ingest.corpus import load_corpus
from ingest.errors import IndexNotBuiltError
from ingest.records import DocumentMeta, Node, ServiceMeasure

# Filter keys accepted by search: node metadata keys plus the document's id and kind.
FILTER_KEYS = ("doc_id", "doc_kind", "node_kind", "service", "level", "appendix")


class KnowledgeIndex:
    """A read-only view of one committed index generation."""

    def __init__(
        self,
        manifest: IndexManifest,
        documents: Sequence[DocumentMeta],
        nodes: Sequence[Node],
        catalog: Sequence[ServiceMeasure],
        lexical: LexicalIndex,
        store: ServedStore,
        embed_model: BaseEmbedding,
        vectors: tuple[dict[str, int], np.ndarray] | None = None,
        unit_vectors: Mapping[str, np.ndarray] | None = None,
        point_vectors: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        self.manifest = manifest
        self.documents = {d.doc_id: d for d in documents}
        self.nodes = {n.node_id: n for n in nodes}
        self.card_ids = frozenset(nid for nid, n in self.nodes.items() if is_card(n))
        self.catalog = list(catalog)
        self.lexical = lexical
        self.store = store
        self.embed_model = embed_model
        self._vectors = vectors
        self._unit_vectors = dict(unit_vectors or {})
        self._point_vectors = dict(point_vectors or {})
        self._folded_text: str | None = None  # every node's text, folded, for `mentions` (built on first use)
        self.corpus_problem: str | None = None  # set when the corpus could not be read; this index is served
        self._query_cache: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls, config: IndexConfig, embed_model: BaseEmbedding, identity: dict[str, Any] | None = None
    ) -> KnowledgeIndex:
        """Open the index built for this embedder and chunking; IndexNotBuiltError if there is none."""
        identity = identity or embedder_identity(config.embedding, embed_model)
        name = collection_name(identity, config.chunking, config.chroma.collection_prefix)
        index_dir = index_dir_for(config, name)
        manifest = read_manifest(index_dir)
        if manifest is None:
            raise IndexNotBuiltError(
                f"No index has been built for this embedder and chunking (collection {name}). "
                "Run `python app.py ingest` first."
            )
        generation = index_dir / f"gen-{manifest.generation}"
        # The store is reached on first use: a Chroma server that is down makes answers degraded, not impossible.
        store = ServedStore(config.chroma, config.data_dir, manifest.store_name)
        return cls(
            manifest,
            read_documents(generation),
            read_nodes(generation),
            read_catalog(generation),
            read_lexical(generation),
            store,
            embed_model,
            read_vector_matrix(generation),
            read_unit_vectors(generation),
            read_point_vectors(generation),
        )

    # -- lookups ---------------------------------------------------------------------------
    def node(self, node_id: str) -> Node | None:
        return self.nodes.get(node_id)

    def title(self, doc_id: str) -> str:
        meta = self.documents.get(doc_id)
        return meta.title if meta else doc_id

    def date(self, doc_id: str) -> str:
        """The document's date as the manifest gives it («2018-04-26», «2022»), empty when unknown."""
        meta = self.documents.get(doc_id)
        return meta.date if meta else ""

    def node_field(self, node: Node, key: str) -> str:
        if key == "doc_id":
            return node.doc_id
        if key == "doc_kind":
            meta = self.documents.get(node.doc_id)
            return meta.kind.value if meta else ""
        if key == "node_kind":
            return node.kind.value
        return node.metadata.get(key, "")

    def matching_ids(self, filters: Mapping[str, Sequence[str]]) -> list[str] | None:
        """Node ids satisfying all filters (None = no filter)."""
        active = {k: set(v) for k, v in filters.items() if v}
        if not active:
            return None
        return [
            nid
            for nid, node in self.nodes.items()
            if all(self.node_field(node, key) in values for key, values in active.items())
        ]

    def is_stale(self, config: IndexConfig) -> bool:
        """True when the corpus folder no longer matches what was indexed."""
        current = {d.meta.doc_id: d.sha256 for d in load_corpus(config.corpus_dir)}
        indexed = {doc_id: entry.sha256 for doc_id, entry in self.manifest.documents.items()}
        return current != indexed

    # -- retrieval -------------------------------------------------------------------------
    def query_embedding(self, query: str) -> list[float]:
        with self._lock:
            cached = self._query_cache.get(query)
            if cached is not None:
                self._query_cache.move_to_end(query)
                return cached
        vector = self.embed_model.get_query_embedding(query)
        with self._lock:
            self._query_cache[query] = vector
            if len(self._query_cache) > 1024:
                self._query_cache.popitem(last=False)
        return vector

    def unit_vector(self, text: str) -> np.ndarray | None:
        """The unit-length vector of an answer unit (ingest.text.answer_units) of a committed node; None for
        other text and for a generation written without unit vectors."""
        return self._unit_vectors.get(text)

    def point_vector(self, text: str) -> np.ndarray | None:
        """The unit-length query vector of a workshop point (an answer unit of a workshop report's prose), stored
        at ingest for the theme map; None for other text and for a generation written without them."""
        return self._point_vectors.get(text.strip())

    def vectors(self, node_ids: Sequence[str]) -> dict[str, list[float]]:
        """Stored vectors of committed nodes (for derived rankings such as the service finder): from the
        generation's own copy, from Chroma for a generation written without one."""
        wanted = [nid for nid in node_ids if nid in self.nodes]
        if self._vectors is not None:
            rows, matrix = self._vectors
            return {nid: matrix[rows[nid]].tolist() for nid in wanted if nid in rows}
        return self.store.vectors(wanted)

    def mentions(self, phrase: str) -> bool:
        """Whether a committed node's text holds the phrase (case and spacing aside)."""
        if self._folded_text is None:
            self._folded_text = "\n".join(" ".join(n.text.casefold().split()) for n in self.nodes.values())
        return " ".join(phrase.casefold().split()) in self._folded_text

    def clear_query_cache(self) -> None:
        with self._lock:
            self._query_cache.clear()

    def dense_search(
        self, query: str, k: int, filters: Mapping[str, Sequence[str]] | None = None
    ) -> list[tuple[str, float]]:
        """Top-k by cosine similarity, restricted to node ids the committed manifest lists.
        StoreUnavailable when the vector store does not answer (the retriever then answers degraded)."""
        chroma_filters = {key: list(v) for key, v in (filters or {}).items() if v}
        hits = self.store.query(self.query_embedding(query), k + 10, chroma_filters)
        return [(nid, score) for nid, score in hits if nid in self.nodes][:k]

    def lexical_search(
        self, query: str, k: int, filters: Mapping[str, Sequence[str]] | None = None
    ) -> list[tuple[str, float]]:
        allowed = self.matching_ids(filters or {})
        return self.lexical.search(query, k, allowed=allowed)
