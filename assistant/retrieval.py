"""Hybrid retrieval: dense (Chroma) + lexical (BM25), fused by weighted reciprocal rank."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Protocol

from pydantic import BaseModel, Field

from assistant.query import expand_query
from assistant.settings import RetrievalConfig
from assistant.types import Passage
from ingest.errors import StoreUnavailable
from ingest.records import Node


class SearchIndex(Protocol):
    """What retrieval needs from an index (KnowledgeIndex satisfies it)."""

    def dense_search(
        self, query: str, k: int, filters: Mapping[str, Sequence[str]] | None = None
    ) -> list[tuple[str, float]]: ...

    def lexical_search(
        self, query: str, k: int, filters: Mapping[str, Sequence[str]] | None = None
    ) -> list[tuple[str, float]]: ...

    def node(self, node_id: str) -> Node | None: ...

    @property
    def card_ids(self) -> frozenset[str]: ...

    def title(self, doc_id: str) -> str: ...

    def date(self, doc_id: str) -> str: ...


class RankedHit(BaseModel):
    """A fused result with the ranks it had in each list (for explanations and tuning)."""

    node_id: str
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None


class SearchResult(BaseModel):
    query: str
    expanded_query: str
    passages: list[Passage]
    hits: list[RankedHit]
    dense_top_score: float = Field(default=0.0, description="Best cosine similarity among dense candidates.")
    latency_ms: float = 0.0
    degraded: bool = Field(
        default=False, description="True when the vector store did not answer and only the word index (BM25) was used."
    )


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], weights: Sequence[float], k: int = 60
) -> list[tuple[str, float]]:
    """Weighted RRF: score(d) = Σ w_i / (k + rank_i(d)), ranks from 1; ties broken by first appearance."""
    if len(rankings) != len(weights):
        raise ValueError("one weight per ranking")
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        if weight == 0:
            continue
        for rank, node_id in enumerate(ranking, start=1):
            scores[node_id] = scores.get(node_id, 0.0) + weight / (k + rank)
    order = {nid: i for i, nid in enumerate(nid for ranking in rankings for nid in ranking)}
    return sorted(scores.items(), key=lambda item: (-item[1], order[item[0]]))


def to_passage(node: Node, title: str, score: float, date: str = "") -> Passage:
    return Passage(
        node_id=node.node_id,
        document=node.doc_id,
        title=title,
        date=date,
        section=node.section,
        text=node.text,
        kind=node.kind.value,
        score=round(score, 6),
        metadata=dict(node.metadata),
    )


class HybridRetriever:
    """Dense + lexical retrieval over one index, fused by RRF."""

    def __init__(self, index: SearchIndex, config: RetrievalConfig) -> None:
        self.index = index
        self.config = config

    def search(
        self,
        query: str,
        top_k: int | None = None,
        filters: Mapping[str, Sequence[str]] | None = None,
        mode: str = "hybrid",
        cards: bool = True,
    ) -> SearchResult:
        """Search; mode is 'hybrid', 'dense' or 'lexical' (the latter two for baselines and tuning).
        `cards=False` leaves the document cards out of the candidates (before fusion, so they take no rank)."""
        started = time.perf_counter()
        cfg = self.config
        top_k = top_k or cfg.top_k
        expanded = expand_query(query) if cfg.query_expansion else query
        dense: list[tuple[str, float]] = []
        lexical: list[tuple[str, float]] = []
        degraded = False
        # Without cards, ask for as many more dense candidates as there are cards, so the list keeps its length.
        skip = frozenset() if cards else self.index.card_ids
        wanted = cfg.candidates + len(skip)
        if mode == "dense":
            dense = self.index.dense_search(query, wanted, filters)  # no fallback: StoreUnavailable
        elif mode == "hybrid" and cfg.dense_weight > 0:
            try:
                dense = self.index.dense_search(query, wanted, filters)
            except StoreUnavailable:
                degraded = True  # answer from the word index alone, and say so
        if mode in ("hybrid", "lexical") and cfg.lexical_weight > 0:
            lexical = self.index.lexical_search(expanded, cfg.candidates, filters)
        if skip:
            dense = [(nid, s) for nid, s in dense if nid not in skip][: cfg.candidates]
            lexical = [(nid, s) for nid, s in lexical if nid not in skip]
        dense_ids = [nid for nid, _ in dense]
        lexical_ids = [nid for nid, _ in lexical]
        if mode == "dense":
            fused = dense
        elif mode == "lexical":
            fused = lexical
        else:
            fused = reciprocal_rank_fusion([dense_ids, lexical_ids], [cfg.dense_weight, cfg.lexical_weight], cfg.rrf_k)
        dense_rank = {nid: i for i, nid in enumerate(dense_ids, start=1)}
        lexical_rank = {nid: i for i, nid in enumerate(lexical_ids, start=1)}
        hits: list[RankedHit] = []
        passages: list[Passage] = []
        for node_id, score in fused:
            node = self.index.node(node_id)
            if node is None:
                continue
            hits.append(
                RankedHit(
                    node_id=node_id,
                    score=score,
                    dense_rank=dense_rank.get(node_id),
                    lexical_rank=lexical_rank.get(node_id),
                )
            )
            passages.append(to_passage(node, self.index.title(node.doc_id), score, self.index.date(node.doc_id)))
            if len(passages) >= top_k:
                break
        return SearchResult(
            query=query,
            expanded_query=expanded,
            passages=passages,
            hits=hits,
            dense_top_score=dense[0][1] if dense else 0.0,
            latency_ms=round((time.perf_counter() - started) * 1000, 2),
            degraded=degraded,
        )
