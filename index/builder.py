"""Building the index: corpus → nodes → embeddings → Chroma + BM25 + catalog, incrementally.

Order of writes, so that an interrupted or killed ingest leaves the previous index fully served:
1. validate and parse the whole corpus (a bad file stops everything before any write);
2. embed the nodes the collection lacks (content-hash cache) and add them to Chroma; a rebuild fills a
   new collection beside the one being served (the old one is never emptied first);
3. write the lexical index, node store, catalog and node vectors into a fresh generation folder;
4. commit by atomically replacing the manifest (readers only trust ids the manifest lists, and running
   servers notice the new generation and reopen);
5. delete vectors no longer listed; keep the previous generation (folder and collection) for readers
   still on it, and delete anything older.
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import BaseModel

from index.config import IndexConfig
from index.embedding import EmbeddingCache, embed_with_cache, embedder_identity
from index.lexical import LexicalIndex
from index.manifest import DocumentEntry, IndexManifest, collection_name, read_manifest, write_manifest
from index.nodestore import (
    read_point_vectors,
    read_unit_vectors,
    read_vectors,
    stored_texts,
    write_generation,
)
from index.store import ChromaStore, index_text, make_chroma_client, to_text_node
from ingest.cards import is_card
from ingest.corpus import load_corpus
from ingest.errors import IngestRunning
from ingest.pipeline import parse_corpus
from ingest.records import DocumentKind, NodeKind, ParsedDocument
from ingest.text import answer_units

ProgressFn = Callable[[str, int, int], None]  # (stage, done, total)


class IngestReport(BaseModel):
    """The closing summary of an ingest."""

    collection: str
    documents: int
    nodes_by_kind: dict[str, int]
    catalog_rows: int
    services: int
    embeddings_computed: int
    nodes_added: int
    nodes_removed: int
    documents_changed: list[str]
    documents_removed: list[str]
    unchanged: bool
    seconds: float


def index_dir_for(config: IndexConfig, name: str) -> Path:
    return config.data_dir / "indexes" / name


@contextmanager
def ingest_lock(directory: Path) -> Iterator[None]:
    """One writer at a time per index folder (CLI and admin endpoint alike)."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IngestRunning("En annen indeksering kjører allerede; prøv igjen når den er ferdig.") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ingest(
    config: IndexConfig,
    embed_model: BaseEmbedding,
    *,
    rebuild: bool = False,
    progress: ProgressFn | None = None,
    identity: dict[str, Any] | None = None,
) -> IngestReport:
    """Bring the index for `config` + `embed_model` up to date with the corpus folder."""
    started = time.perf_counter()
    corpus = load_corpus(config.corpus_dir)  # raises CorpusError naming the file; nothing written yet
    parsed = parse_corpus(corpus, config.chunking)
    identity = identity or embedder_identity(config.embedding, embed_model)
    name = collection_name(identity, config.chunking, config.chroma.collection_prefix)
    index_dir = index_dir_for(config, name)

    with ingest_lock(index_dir):
        committed = read_manifest(index_dir)
        old = None if rebuild else committed
        generation = (committed.generation + 1) if committed else 1
        client = make_chroma_client(config.chroma, config.data_dir)
        if rebuild:
            # A new collection beside the served one; a leftover of a killed rebuild is not served: start it over.
            physical = name if committed is None else f"{name}-g{generation}"
            with contextlib.suppress(Exception):  # not there
                client.delete_collection(physical)
        else:
            physical = committed.store_name if committed else name
        store = ChromaStore(client, physical)
        existing = store.ids()

        new_docs = {p.meta.doc_id: p for p in parsed}
        changed = sorted(
            d
            for d, p in new_docs.items()
            if old is None or d not in old.documents or old.documents[d].sha256 != p.text_sha256
        )
        removed = sorted(set(old.documents) - set(new_docs)) if old else []
        wanted_ids = {n.node_id for p in parsed for n in p.nodes}
        served = index_dir / f"gen-{committed.generation}" if committed is not None else None
        # A generation written before its unit or point vectors existed, or by a parser that cut the text into
        # other units (the nodes may be the same), is upgraded by the next ingest.
        units, points = unit_texts(parsed), workshop_point_texts(parsed)
        stored = stored_texts(served) if served is not None else None
        has_units = stored is not None and set(units) <= stored[0] and set(points) <= stored[1]
        if old is not None and not changed and not removed and wanted_ids <= existing and has_units:
            return _report(name, parsed, 0, 0, 0, [], [], True, time.perf_counter() - started)

        nodes = [(p, n) for p in parsed for n in p.nodes]
        known = _known_vectors(index_dir, committed, store, [n.node_id for _, n in nodes if n.node_id in existing])
        missing = [(p, n) for p, n in nodes if n.node_id not in existing or n.node_id not in known]
        cache = EmbeddingCache(config.embedding_cache_path, _cache_key(identity))
        try:
            vectors, computed = embed_with_cache(
                embed_model,
                [index_text(n) for _, n in missing],
                cache,
                batch_size=config.embedding.batch_size,
                on_progress=(lambda k: progress("embed", k, len(missing))) if progress else None,
            )
            store.add([to_text_node(n, p.meta, v) for (p, n), v in zip(missing, vectors, strict=True)])
            known.update({n.node_id: v for (_, n), v in zip(missing, vectors, strict=True)})
            # Every answer unit (sentence, bullet, row) gets its vector here, so a question costs one embedding.
            unit_vectors, unit_computed = _text_vectors(
                units,
                read_unit_vectors(served) if served is not None else {},
                embed_model,
                cache,
                config.embedding.batch_size,
                _stage(progress, "units"),
            )
        finally:
            cache.close()
        # The workshop points as queries, for the theme map (their own cache: the same one the server's fixed
        # query texts use, so vectors computed there are not computed again here, nor the other way round).
        queries = EmbeddingCache(config.embedding_cache_path, query_cache_key(name))
        try:
            point_vectors, point_computed = _text_vectors(
                points,
                read_point_vectors(served) if served is not None else {},
                embed_model,
                queries,
                config.embedding.batch_size,
                _stage(progress, "points"),
                as_queries=True,
            )
        finally:
            queries.close()
        computed += unit_computed + point_computed

        # Document cards are found by meaning only: in the word index their titles, dates and themes would
        # shift every other passage's idf (measured on dev: one question lost its evidence).
        words = [n for _, n in nodes if not is_card(n)]
        lexical = LexicalIndex.build([n.node_id for n in words], [index_text(n) for n in words])
        folder = index_dir / f"gen-{generation}"
        shutil.rmtree(folder, ignore_errors=True)  # a leftover of a killed ingest
        write_generation(
            folder, parsed, lexical, {n.node_id: known[n.node_id] for _, n in nodes}, unit_vectors, point_vectors
        )
        manifest = IndexManifest(
            collection=name,
            store_collection=physical,
            generation=generation,
            embedder=identity,
            chunking=config.chunking.model_dump(),
            documents={
                p.meta.doc_id: DocumentEntry(
                    sha256=p.text_sha256,
                    title=p.meta.title,
                    kind=p.meta.kind.value,
                    node_ids=[n.node_id for n in p.nodes],
                    catalog_rows=len(p.catalog),
                )
                for p in parsed
            },
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            seconds=round(time.perf_counter() - started, 3),
        )
        write_manifest(index_dir, manifest)  # the commit point

        stale = sorted(existing - wanted_ids)
        store.delete(stale)
        _retire(client, index_dir, name, manifest, committed)
        return _report(
            name,
            parsed,
            computed,
            len(missing),
            len(stale),
            changed,
            removed,
            False,
            time.perf_counter() - started,
        )


def _known_vectors(
    index_dir: Path, committed: IndexManifest | None, store: ChromaStore, node_ids: list[str]
) -> dict[str, list[float]]:
    """Vectors of nodes the collection already holds: from the committed generation's file, else from Chroma."""
    known: dict[str, list[float]] = {}
    if committed is not None:
        known = read_vectors(index_dir / f"gen-{committed.generation}", set(node_ids))
    lacking = [nid for nid in node_ids if nid not in known]
    if lacking:
        known.update(store.vectors(lacking))
    return known


def unit_texts(parsed: list[ParsedDocument]) -> list[str]:
    """The answer units of every node but the cards (the extractive composer's lines), each once."""
    return list(
        dict.fromkeys(
            unit for p in parsed for n in p.nodes if not is_card(n) for unit in answer_units(n.text, n.kind.value)
        )
    )


def workshop_point_texts(parsed: list[ParsedDocument]) -> list[str]:
    """Every answer unit of the workshop reports' prose (the theme map's points are among them), each once."""
    return list(
        dict.fromkeys(
            unit.strip()
            for p in parsed
            if p.meta.kind == DocumentKind.WORKSHOP_REPORT
            for n in p.nodes
            if n.kind == NodeKind.PROSE and not is_card(n)
            for unit in answer_units(n.text, n.kind.value)
            if unit.strip()
        )
    )


def _text_vectors(
    texts: list[str],
    previous: Mapping[str, np.ndarray],
    embed_model: BaseEmbedding,
    cache: EmbeddingCache,
    batch_size: int,
    on_progress: Callable[[int, int], None] | None = None,
    as_queries: bool = False,
) -> tuple[dict[str, list[float]], int]:
    """Vectors of texts: the committed generation's (`previous`), then the cache's, then computed (as queries
    when asked). Returns (text → vector, number computed)."""
    vectors = {t: previous[t].tolist() for t in texts if t in previous}
    missing = [t for t in texts if t not in vectors]
    computed_vectors, computed = embed_with_cache(
        embed_model,
        missing,
        cache,
        batch_size=batch_size,
        on_progress=(lambda k: on_progress(k, len(missing))) if on_progress else None,
        as_queries=as_queries,
    )
    vectors.update(zip(missing, computed_vectors, strict=True))
    return {t: vectors[t] for t in texts}, computed


def _stage(progress: ProgressFn | None, stage: str) -> Callable[[int, int], None] | None:
    return (lambda done, total: progress(stage, done, total)) if progress else None


def query_cache_key(collection: str) -> str:
    """The embedding cache's key for texts embedded as queries over one collection's embedder."""
    return f"query:{collection}"


def _retire(client: Any, index_dir: Path, name: str, current: IndexManifest, previous: IndexManifest | None) -> None:
    """Delete generations older than the previous one: readers still on the previous one finish on it."""
    keep_folders = {f"gen-{current.generation}"} | ({f"gen-{previous.generation}"} if previous else set())
    for folder in index_dir.glob("gen-*"):
        if folder.name not in keep_folders:
            shutil.rmtree(folder, ignore_errors=True)
    keep = {current.store_name} | ({previous.store_name} if previous else set())
    with contextlib.suppress(Exception):  # listing is best effort; a leftover is deleted next time
        for collection in client.list_collections():
            found = getattr(collection, "name", collection)
            if (found == name or str(found).startswith(f"{name}-g")) and found not in keep:
                client.delete_collection(found)


def _cache_key(identity: dict[str, Any]) -> str:
    return "|".join(f"{k}={identity[k]}" for k in sorted(identity))


def _report(
    name: str,
    parsed: list[ParsedDocument],
    computed: int,
    added: int,
    removed_nodes: int,
    changed: list[str],
    removed_docs: list[str],
    unchanged: bool,
    seconds: float,
) -> IngestReport:
    by_kind = {k.value: 0 for k in NodeKind}
    for p in parsed:
        for n in p.nodes:
            by_kind[n.kind.value] += 1
    catalog = [m for p in parsed for m in p.catalog]
    return IngestReport(
        collection=name,
        documents=len(parsed),
        nodes_by_kind=by_kind,
        catalog_rows=len(catalog),
        services=len({(m.appendix, m.service) for m in catalog}),
        embeddings_computed=computed,
        nodes_added=added,
        nodes_removed=removed_nodes,
        documents_changed=changed,
        documents_removed=removed_docs,
        unchanged=unchanged,
        seconds=round(seconds, 3),
    )
