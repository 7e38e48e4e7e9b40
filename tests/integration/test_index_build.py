"""Ingest the real corpus into a temporary embedded Chroma (fake embedder: fast and deterministic).

Checks counts by kind, catalog, metadata, stable ids, incremental behaviour and failure safety.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from index.builder import ingest
from index.config import EmbeddingConfig, IndexConfig
from index.embedding import FakeEmbedding
from index.nodestore import POINT_TEXTS_FILE, UNIT_TEXTS_FILE
from index.reader import KnowledgeIndex
from index.store import ChromaStore
from ingest.errors import CorpusError, IndexNotBuiltError, IngestRunning, StoreUnavailable
from ingest.text import answer_units

ROOT = Path(__file__).resolve().parents[2]


class CountingEmbedding(FakeEmbedding):
    calls: int = 0
    fail_after: int | None = None

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        if self.fail_after is not None and self.calls + len(texts) > self.fail_after:
            raise RuntimeError("embedder crashed")
        self.calls += len(texts)
        return super()._get_text_embeddings(texts)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", target)
    return target


@pytest.fixture
def config(tmp_path: Path, corpus_copy: Path) -> IndexConfig:
    return IndexConfig(data_dir=tmp_path / "data", corpus_dir=corpus_copy, embedding=EmbeddingConfig(backend="fake"))


def test_full_ingest_counts_catalog_and_metadata(config: IndexConfig) -> None:
    report = ingest(config, FakeEmbedding())
    assert report.documents == 5
    assert report.nodes_by_kind["prose"] > 150
    assert report.nodes_by_kind["table_row"] > 300
    assert report.catalog_rows > 250
    assert report.services >= 31
    index = KnowledgeIndex.open(config, FakeEmbedding())
    assert index.store.count() == sum(report.nodes_by_kind.values())
    assert len(index.nodes) == index.store.count()
    services = {m.service for m in index.catalog if m.appendix == "Vedlegg 2"}
    assert {"Uteteam", "Helsestasjonstjenesten", "NAV", "Fastlegene", "Skole"} <= services
    row = next(
        n for n in index.nodes.values() if n.kind.value == "table_row" and n.metadata.get("service") == "Uteteam"
    )
    assert row.text.startswith("Tjeneste: Uteteam")
    assert row.metadata["appendix"] == "Vedlegg 2"
    # Chroma holds the same metadata, so filters work on the dense side too.
    hits = index.dense_search("uteteam ungdom", 5, {"service": ["Uteteam"]})
    assert hits and all(index.nodes[nid].metadata.get("service") == "Uteteam" for nid, _ in hits)
    lexical = index.lexical_search("uteteam ungdom", 5, {"service": ["Uteteam"]})
    assert lexical and all(index.nodes[nid].metadata.get("service") == "Uteteam" for nid, _ in lexical)


def test_ids_are_stable_and_reingest_embeds_nothing(config: IndexConfig) -> None:
    embedder = CountingEmbedding()
    first = ingest(config, embedder)
    ids_first = set(KnowledgeIndex.open(config, embedder).nodes)
    calls = embedder.calls
    second = ingest(config, embedder)
    assert second.unchanged and second.embeddings_computed == 0 and embedder.calls == calls
    assert set(KnowledgeIndex.open(config, embedder).nodes) == ids_first
    rebuilt = ingest(config, embedder, rebuild=True)
    assert rebuilt.embeddings_computed == 0  # the content-hash cache serves a rebuild
    assert set(KnowledgeIndex.open(config, embedder).nodes) == ids_first
    assert first.nodes_added == len(ids_first)


def test_changed_file_replaces_exactly_its_nodes(config: IndexConfig, corpus_copy: Path) -> None:
    embedder = CountingEmbedding()
    ingest(config, embedder)
    before = KnowledgeIndex.open(config, embedder)
    target = "fagmiljoenes-strategi-oppvekstpolitikk.txt"
    others = {nid for nid, n in before.nodes.items() if n.doc_id != target}
    path = corpus_copy / target
    path.write_text(
        path.read_text(encoding="utf-8") + "\n\nEt nytt avsnitt om leksehjelp på biblioteket i Drammen.\n",
        encoding="utf-8",
    )
    report = ingest(config, embedder)
    assert report.documents_changed == [target]
    assert 0 < report.embeddings_computed <= 3
    after = KnowledgeIndex.open(config, embedder)
    assert others <= set(after.nodes)
    assert any("leksehjelp på biblioteket" in n.text for n in after.nodes.values() if n.doc_id == target)
    assert after.store.count() == len(after.nodes)


def test_removed_file_disappears(config: IndexConfig, corpus_copy: Path) -> None:
    ingest(config, FakeEmbedding())
    target = "fagmiljoenes-strategi-oppvekstpolitikk.txt"
    (corpus_copy / target).unlink()
    manifest = (corpus_copy / "manifest.toml").read_text(encoding="utf-8")
    start = manifest.index(f'file = "{target}"')
    block_start = manifest.rfind("[[documents]]", 0, start)
    block_end = manifest.find("[[documents]]", start)
    (corpus_copy / "manifest.toml").write_text(
        manifest[:block_start] + (manifest[block_end:] if block_end > 0 else ""), encoding="utf-8"
    )
    report = ingest(config, FakeEmbedding())
    assert report.documents_removed == [target]
    index = KnowledgeIndex.open(config, FakeEmbedding())
    assert all(n.doc_id != target for n in index.nodes.values())
    assert index.store.count() == len(index.nodes)


def test_bad_file_fails_and_leaves_index_untouched(config: IndexConfig, corpus_copy: Path) -> None:
    ingest(config, FakeEmbedding())
    before = KnowledgeIndex.open(config, FakeEmbedding())
    (corpus_copy / "fagmiljoenes-strategi-oppvekstpolitikk.txt").write_bytes(b"\xff\xfe ugyldig")
    with pytest.raises(CorpusError, match=r"fagmiljoenes-strategi-oppvekstpolitikk\.txt"):
        ingest(config, FakeEmbedding())
    after = KnowledgeIndex.open(config, FakeEmbedding())
    assert after.manifest == before.manifest and set(after.nodes) == set(before.nodes)


def test_interrupted_ingest_keeps_previous_index_usable(config: IndexConfig, corpus_copy: Path) -> None:
    embedder = CountingEmbedding()
    ingest(config, embedder)
    before = KnowledgeIndex.open(config, embedder)
    path = corpus_copy / "arbeidsverksted-oppvekstpolitikk-2018-04-26.txt"
    path.write_text(
        path.read_text(encoding="utf-8") + "\n\nNytt avsnitt om frivillighet i Drammen.\n", encoding="utf-8"
    )
    embedder.fail_after = embedder.calls
    with pytest.raises(RuntimeError, match="embedder crashed"):
        ingest(config, embedder)
    after = KnowledgeIndex.open(config, embedder)
    assert after.manifest == before.manifest
    assert set(after.nodes) == set(before.nodes)
    result = after.dense_search("frivillighet", 10)
    assert result and all(nid in after.nodes for nid, _ in result)


def test_open_without_index_says_what_to_do(config: IndexConfig) -> None:
    with pytest.raises(IndexNotBuiltError, match="ingest"):
        KnowledgeIndex.open(config, FakeEmbedding())


def test_crash_after_vectors_written_hides_orphans(
    config: IndexConfig, corpus_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Vectors added but the commit never happened: readers ignore them, the next ingest cleans up."""
    ingest(config, FakeEmbedding())
    before = KnowledgeIndex.open(config, FakeEmbedding())
    path = corpus_copy / "fagmiljoenes-strategi-oppvekstpolitikk.txt"
    path.write_text(
        path.read_text(encoding="utf-8") + "\n\nOrphan-avsnitt om sommerskole og leirskole.\n",
        encoding="utf-8",
    )

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("index.builder.write_generation", crash)
    with pytest.raises(OSError, match="disk full"):
        ingest(config, FakeEmbedding())
    after = KnowledgeIndex.open(config, FakeEmbedding())
    assert after.store.count() > len(after.nodes)  # the orphan vectors are there…
    hits = after.dense_search("Orphan-avsnitt sommerskole leirskole", 20)
    assert all(nid in before.nodes for nid, _ in hits)  # …but never returned
    monkeypatch.undo()
    ingest(config, FakeEmbedding())
    final = KnowledgeIndex.open(config, FakeEmbedding())
    assert final.store.count() == len(final.nodes)


def _all_served(index: KnowledgeIndex) -> bool:
    """Every node the manifest lists has its vector in the collection the manifest names."""
    return index.store.ids() >= set(index.nodes) and bool(index.dense_search("helsestasjon", 5))


def test_failed_rebuild_leaves_the_served_index_whole(config: IndexConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild fills a new collection beside the served one; dying before the commit changes nothing."""
    ingest(config, FakeEmbedding())
    served = KnowledgeIndex.open(config, FakeEmbedding())
    real_add = ChromaStore.add

    def dies_part_way(self: ChromaStore, nodes: list[object]) -> None:
        real_add(self, nodes[:200])  # type: ignore[arg-type]
        raise RuntimeError("killed")

    monkeypatch.setattr(ChromaStore, "add", dies_part_way)
    with pytest.raises(RuntimeError, match="killed"):
        ingest(config, FakeEmbedding(), rebuild=True)
    monkeypatch.undo()
    assert _all_served(served)
    reopened = KnowledgeIndex.open(config, FakeEmbedding())
    assert reopened.manifest.generation == served.manifest.generation
    assert _all_served(reopened)


def test_rebuild_switches_generations_and_keeps_the_previous_one(config: IndexConfig) -> None:
    ingest(config, FakeEmbedding())
    first = KnowledgeIndex.open(config, FakeEmbedding())
    ingest(config, FakeEmbedding(), rebuild=True)
    second = KnowledgeIndex.open(config, FakeEmbedding())
    assert second.manifest.generation == first.manifest.generation + 1
    assert second.manifest.store_name != first.manifest.store_name
    assert _all_served(second)
    assert _all_served(first)  # a reader still on the previous generation finishes on it
    ingest(config, FakeEmbedding(), rebuild=True)
    third = KnowledgeIndex.open(config, FakeEmbedding())
    assert _all_served(third) and _all_served(second)
    with pytest.raises(StoreUnavailable):  # two generations back: retired
        first.store.count()
    folders = sorted(p.name for p in (config.data_dir / "indexes").glob("*/gen-*"))
    assert folders == [f"gen-{second.manifest.generation}", f"gen-{third.manifest.generation}"]


def test_generation_carries_node_vectors(config: IndexConfig) -> None:
    """The finder's vectors come from the generation's own copy, identical to what Chroma holds."""
    ingest(config, FakeEmbedding())
    index = KnowledgeIndex.open(config, FakeEmbedding())
    some = list(index.nodes)[:5]
    local = index.vectors(some)
    stored = index.store.vectors(some)
    assert set(local) == set(some)
    for nid in some:
        assert local[nid] == pytest.approx(stored[nid], abs=1e-6)


def test_dense_search_is_exact(config: IndexConfig) -> None:
    """Chroma's approximate graph once left a query's nearest passage out of a beam of 200: at this scale the
    dense search must return exactly the nearest vectors, with and without a filter."""
    ingest(config, FakeEmbedding())
    index = KnowledgeIndex.open(config, FakeEmbedding())
    ids = list(index.nodes)
    matrix = np.array([index.vectors(ids)[nid] for nid in ids])
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    uteteam = {nid for nid in ids if index.nodes[nid].metadata.get("service") == "Uteteam"}
    assert uteteam
    for query in ("røyker hasj", "skolefravær og angst", "barnehage i Drammen", "foreldreveiledning"):
        q = np.array(index.query_embedding(query))
        cosines = matrix @ (q / np.linalg.norm(q))
        for filters, allowed in (({}, set(ids)), ({"service": ["Uteteam"]}, uteteam)):
            found = index.dense_search(query, 20, filters)
            cosine = {nid: float(c) for c, nid in zip(cosines, ids, strict=True) if nid in allowed}
            best = sorted(cosine.values(), reverse=True)[:20]
            assert len(found) == len(best) and {nid for nid, _ in found} <= set(allowed), query
            # The 20 best cosines (the fake embedder ties often, so the ids among equals may differ).
            assert [s for _, s in found] == pytest.approx(best, abs=1e-5), query
            assert all(s == pytest.approx(cosine[nid], abs=1e-5) for nid, s in found), query


def test_generation_carries_a_vector_for_every_answer_unit(config: IndexConfig) -> None:
    """Answer lines are chosen by meaning without embedding them per question: each unit of each node (but the
    cards) has its vector in the generation; a generation written before them gets them on the next ingest."""
    embedder = CountingEmbedding()
    ingest(config, embedder)
    index = KnowledgeIndex.open(config, embedder)
    units = {u for n in index.nodes.values() if n.node_id not in index.card_ids for u in answer_units(n.text, n.kind)}
    assert len(units) > len(index.nodes)  # prose passages hold several sentences
    assert all(index.unit_vector(u) is not None for u in units)
    some = next(iter(units))
    assert float(index.unit_vector(some) @ index.unit_vector(some)) == pytest.approx(1.0, abs=1e-5)
    assert index.unit_vector("Ingen node har denne setningen.") is None
    generation = config.data_dir / "indexes" / index.manifest.collection / f"gen-{index.manifest.generation}"
    (generation / UNIT_TEXTS_FILE).unlink()  # as written by a version without unit vectors
    calls = embedder.calls
    upgraded = ingest(config, embedder)
    assert not upgraded.unchanged and embedder.calls == calls  # the embedding cache serves them
    assert KnowledgeIndex.open(config, embedder).unit_vector(some) is not None
    # A parser that cuts the same nodes into other units («Pr.» + «31.12.21 …» → one sentence): the units it
    # now makes get their vectors on the next ingest, though no node changed.
    index = KnowledgeIndex.open(config, embedder)
    generation = config.data_dir / "indexes" / index.manifest.collection / f"gen-{index.manifest.generation}"
    texts = json.loads((generation / UNIT_TEXTS_FILE).read_text(encoding="utf-8"))
    (generation / UNIT_TEXTS_FILE).write_text(json.dumps([*texts[:-1], "En gammel enhet."]), encoding="utf-8")
    assert KnowledgeIndex.open(config, embedder).unit_vector(texts[-1]) is None
    again = ingest(config, embedder)
    assert not again.unchanged and KnowledgeIndex.open(config, embedder).unit_vector(texts[-1]) is not None
    assert ingest(config, embedder).unchanged


def test_generation_carries_the_workshop_points_as_queries(config: IndexConfig) -> None:
    """The theme map needs no embedder at query time: every workshop point's query vector is in the generation
    (the query prefix, not the passage one); a generation written before them gets them on the next ingest."""
    from assistant.themes import workshop_points

    class QueryCounting(FakeEmbedding):
        queries: int = 0

        def _get_query_embedding(self, query: str) -> list[float]:
            self.queries += 1
            return [-x for x in super()._get_query_embedding(query)]  # unlike the passage vector

    embedder = QueryCounting()
    ingest(config, embedder)
    index = KnowledgeIndex.open(config, embedder)
    points = workshop_points(index)
    assert len(points) > 100 and embedder.queries > 100
    for point in points[:20]:
        stored = index.point_vector(point.text)
        assert stored is not None
        assert stored == pytest.approx(np.asarray(embedder.get_query_embedding(point.text)), abs=1e-5)
    assert index.point_vector("Ingen verksted sa dette.") is None
    generation = config.data_dir / "indexes" / index.manifest.collection / f"gen-{index.manifest.generation}"
    (generation / POINT_TEXTS_FILE).unlink()  # as written by a version without point vectors
    asked = embedder.queries
    upgraded = ingest(config, embedder)
    assert not upgraded.unchanged and embedder.queries == asked  # the query cache serves them
    assert KnowledgeIndex.open(config, embedder).point_vector(points[0].text) is not None


def test_concurrent_ingest_is_refused(config: IndexConfig) -> None:
    from index.builder import index_dir_for, ingest_lock
    from index.embedding import embedder_identity
    from index.manifest import collection_name

    identity = embedder_identity(config.embedding, FakeEmbedding())
    name = collection_name(identity, config.chunking, config.chroma.collection_prefix)
    with ingest_lock(index_dir_for(config, name)), pytest.raises(IngestRunning, match="allerede"):
        ingest(config, FakeEmbedding())
