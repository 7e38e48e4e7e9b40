"""Building the assistant from settings: embedder, index, prompts and the optional LLM.

The composition root (`app.py`), the API's lifespan and admin ingest, and the benchmarks all build
through these functions, so nothing imports `app.py`.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.facade import Assistant
from assistant.settings import Settings
from ingest.errors import CorpusError, IndexNotBuiltError, IngestRunning, StoreUnavailable

logger = logging.getLogger("veiviser.index")

if TYPE_CHECKING:
    from assistant.intent_semantic import SemanticRouter
    from assistant.safety_semantic import SemanticSafety
    from index.builder import IngestReport
    from index.reader import KnowledgeIndex

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Embedder:
    """A loaded embedding model and the identity the index manifest records for it."""

    model: Any
    identity: dict[str, Any]


def resolve_paths(settings: Settings) -> Settings:
    """Relative data, corpus and model paths are taken from the project root, not the cwd."""
    cfg = settings.index
    updates: dict[str, Any] = {}
    if not cfg.data_dir.is_absolute():
        updates["data_dir"] = PROJECT_ROOT / cfg.data_dir
    if not cfg.corpus_dir.is_absolute():
        updates["corpus_dir"] = PROJECT_ROOT / cfg.corpus_dir
    emb = cfg.embedding
    if (
        emb.backend == "sentence-transformers"
        and not Path(emb.model).is_absolute()
        and (PROJECT_ROOT / emb.model).parent.exists()
    ):
        updates["embedding"] = emb.model_copy(update={"model": str(PROJECT_ROOT / emb.model)})
    if not updates:
        return settings
    return settings.model_copy(update={"index": cfg.model_copy(update=updates)})


def load_embedder(settings: Settings) -> Embedder:
    """Load the embedding model, building the default e5-small directory when it is missing."""
    from index.embedding import build_embed_model, embedder_identity

    emb = settings.index.embedding
    if emb.backend == "sentence-transformers" and emb.build_if_missing:
        path = Path(emb.model)
        if path.is_absolute() and path.parent == PROJECT_ROOT / "models" and not path.exists():
            from index.e5_conversion import ensure_model

            ensure_model(path)
    model = build_embed_model(emb)
    return Embedder(model=model, identity=embedder_identity(emb, model))


def run_ingest(
    settings: Settings, embedder: Embedder, rebuild: bool = False, show_progress: bool = True
) -> IngestReport:
    """Ingest the corpus (incremental unless rebuild) with a progress bar on stderr."""
    from tqdm import tqdm

    from index.builder import ingest

    bars: dict[str, Any] = {}
    labels = {
        "embed": ("Embedder avsnitt", "avsnitt"),
        "units": ("Embedder setninger", "setninger"),
        "points": ("Embedder verkstedpunkter", "punkter"),
    }

    def progress(stage: str, done: int, total: int) -> None:
        if not show_progress:
            return
        if stage not in bars:
            desc, unit = labels.get(stage, (stage, "stk"))
            bars[stage] = tqdm(total=total, desc=desc, unit=unit, file=sys.stderr)
        bars[stage].update(done)

    try:
        return ingest(settings.index, embedder.model, rebuild=rebuild, progress=progress, identity=embedder.identity)
    finally:
        for bar in bars.values():
            bar.close()


def format_report(report: IngestReport) -> str:
    """The ingest summary as one Norwegian line."""
    kinds = ", ".join(f"{k}: {v}" for k, v in report.nodes_by_kind.items())
    state = "uendret" if report.unchanged else "oppdatert"
    return (
        f"Indeks {report.collection} {state}: {report.documents} dokumenter, noder ({kinds}), "
        f"{report.catalog_rows} tiltak i katalogen fra {report.services} tjenester, "
        f"{report.embeddings_computed} embeddinger beregnet, {report.nodes_added} noder lagt til, "
        f"{report.nodes_removed} fjernet, {report.seconds:.1f} s."
    )


def open_index(settings: Settings, embedder: Embedder, ensure: bool = True) -> KnowledgeIndex:
    """Open the index; with ensure, ingest first when it is missing or stale. A corpus that cannot be read
    never stops a built index from being served: the problem is logged and kept for /readyz."""
    from index.reader import KnowledgeIndex

    index: KnowledgeIndex | None = None
    try:
        index = KnowledgeIndex.open(settings.index, embedder.model, identity=embedder.identity)
        if not ensure:
            return index
        try:
            stale = index.is_stale(settings.index)
        except CorpusError as exc:
            index.corpus_problem = str(exc)
            logger.warning("Korpuset kan ikke leses (%s); den siste gode indeksen brukes.", exc)
            return index
        if not stale:
            return index
    except IndexNotBuiltError:
        if not ensure:
            raise
    try:
        report = run_ingest(settings, embedder)
    except (OSError, sqlite3.Error, IngestRunning, StoreUnavailable) as exc:
        if index is None:
            raise
        # The index is older than the corpus but whole: serve it, and say why it was not brought up to date.
        index.corpus_problem = f"Endringer i korpuset er ikke indeksert ennå ({type(exc).__name__}: {exc})."
        logger.warning("Indeksen kunne ikke oppdateres (%s); den forrige brukes.", exc)
        return index
    print(format_report(report), file=sys.stderr)
    return KnowledgeIndex.open(settings.index, embedder.model, identity=embedder.identity)


def build_assistant(settings: Settings, ensure_index: bool = True) -> Assistant:
    """The one place that builds the assistant: embedder, index, prompts and the optional LLM."""
    from assistant.llm import build_llm
    from assistant.prompts import load_prompts

    embedder = load_embedder(settings)
    index = open_index(settings, embedder, ensure=ensure_index)
    assistant = Assistant(
        index,
        settings,
        load_prompts(),
        build_llm(settings.llm),
        build_semantic_safety(settings, index),
        build_semantic_router(settings, index),
        embed_queries=cached_query_embedder(settings, index),
    )
    assistant.warm_up()
    return assistant


def cached_query_embedder(settings: Settings, index: KnowledgeIndex) -> Callable[[Sequence[str]], list[list[float]]]:
    """Embed fixed texts as queries through the on-disk cache (opened per call: the assistant lives long)."""

    def embed_many(texts: Sequence[str]) -> list[list[float]]:
        with cached_queries(settings, index) as embed:
            return embed(texts)

    return embed_many


def build_semantic_safety(settings: Settings, index: KnowledgeIndex) -> SemanticSafety | None:
    """The semantic safety check over the index's embedder (prototype vectors cached on disk)."""
    from assistant.safety_semantic import SemanticSafety, load_prototypes

    config = settings.safety
    if not config.semantic:
        return None
    with cached_queries(settings, index) as embed_many:
        return SemanticSafety(
            load_prototypes(), embed_many, index.query_embedding, config.min_similarity, config.min_margin
        )


def build_semantic_router(settings: Settings, index: KnowledgeIndex) -> SemanticRouter | None:
    """The semantic half of situation routing over the index's embedder (prototype vectors cached on disk)."""
    from assistant.intent_semantic import SemanticRouter, load_intent_prototypes

    config = settings.answer
    if not config.semantic_routing:
        return None
    with cached_queries(settings, index) as embed_many:
        return SemanticRouter(
            load_intent_prototypes(), embed_many, index.query_embedding, config.situation_min_probability
        )


@contextmanager
def cached_queries(settings: Settings, index: KnowledgeIndex) -> Iterator[Callable[[Sequence[str]], list[list[float]]]]:
    """Embed fixed texts (prototypes) as queries, through the on-disk cache when it is writable."""
    from index.builder import query_cache_key
    from index.embedding import EmbeddingCache, embed_with_cache

    cache = EmbeddingCache(settings.index.embedding_cache_path, query_cache_key(index.manifest.collection))
    batch_size = settings.index.embedding.batch_size

    def embed_many(texts: Sequence[str]) -> list[list[float]]:
        # The same cached, batched path the ingest uses for the workshop points (kept when the cache is writable).
        return embed_with_cache(index.embed_model, texts, cache, batch_size=batch_size, as_queries=True)[0]

    try:
        yield embed_many
    finally:
        cache.close()


def reingest(assistant: Assistant) -> Assistant:
    """Re-ingest with the assistant's loaded embedder and return an assistant on the new index."""
    settings = assistant.settings
    embedder = Embedder(model=assistant.index.embed_model, identity=dict(assistant.index.manifest.embedder))
    try:
        run_ingest(settings, embedder, show_progress=False)
    except CorpusError as exc:
        assistant.index.corpus_problem = str(exc)  # the last good index goes on serving; /readyz says why
        raise
    return _reopened(assistant)


def reopen_if_changed(assistant: Assistant) -> Assistant | None:
    """An assistant on the newest committed generation when another process committed one since this
    assistant's index was opened; None when it is current. Requests in flight finish on the old one."""
    from index.builder import index_dir_for
    from index.manifest import read_manifest

    loaded = assistant.index.manifest
    committed = read_manifest(index_dir_for(assistant.settings.index, loaded.collection))
    if committed is None or (committed.generation, committed.store_name, committed.built_at) == (
        loaded.generation,
        loaded.store_name,
        loaded.built_at,
    ):
        return None
    return _reopened(assistant)


def _reopened(assistant: Assistant) -> Assistant:
    """The same embedder, prompts, LLM and safety check on the committed index generation."""
    from index.reader import KnowledgeIndex

    settings = assistant.settings
    index = KnowledgeIndex.open(
        settings.index, assistant.index.embed_model, identity=dict(assistant.index.manifest.embedder)
    )
    fresh = assistant.rebuilt(index=index)
    fresh.warm_up()
    return fresh
