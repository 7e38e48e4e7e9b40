"""Embedders: the real sentence-transformers model, a deterministic fake, and a content-hash cache.

Nothing here loads a model at import or construction of the config; `build_embed_model` is called
once by the composition root.
"""

from __future__ import annotations

import hashlib
import math
import re
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from index.config import EmbeddingConfig
from ingest.errors import ModelNotAvailableError

if TYPE_CHECKING:
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

FAKE_DIMENSION = 512
_WORD = re.compile(r"\w+", re.UNICODE)


def _fake_vector(text: str, dim: int) -> list[float]:
    """Bag of words (and character trigrams of long words) hashed into `dim` buckets, L2-normalised."""
    vec = np.zeros(dim, dtype=np.float32)
    for word in _WORD.findall(text.casefold()):
        features = [word] if len(word) < 7 else [word, *(word[i : i + 5] for i in range(0, len(word) - 4, 2))]
        for feature in features:
            digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
            bucket = int.from_bytes(digest[:4], "little") % dim
            sign = 1.0 if digest[4] & 1 else -1.0
            vec[bucket] += sign * (1.0 if feature == word else 0.5)
    norm = float(np.linalg.norm(vec))
    if norm == 0.0:
        vec[0] = 1.0
        norm = 1.0
    result: list[float] = (vec / norm).tolist()
    return result


class FakeEmbedding(BaseEmbedding):
    """Deterministic bag-of-words embedder that still ranks: for tests and model-free demos."""

    dimension: int = FAKE_DIMENSION

    @classmethod
    def class_name(cls) -> str:
        return "VeiviserFakeEmbedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        return _fake_vector(query, self.dimension)

    def _get_text_embedding(self, text: str) -> list[float]:
        return _fake_vector(text, self.dimension)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


def resolve_model_path(config: EmbeddingConfig, root: Path | None = None) -> str:
    """A relative model path is taken from the project root; a bare name is passed through."""
    candidate = Path(config.model)
    if not candidate.is_absolute() and root is not None:
        rooted = root / candidate
        if rooted.exists() or len(candidate.parts) > 1:
            return str(rooted)
    return config.model


_NATIVE_BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})


def cpu_has_native_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether the CPU multiplies bfloat16 in hardware (avx512_bf16 or AMX); False when that cannot be read."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("flags"):
            return bool(_NATIVE_BF16_FLAGS & set(line.partition(":")[2].split()))
    return False


def resolve_precision(config: EmbeddingConfig) -> str:
    """The precision the model runs in: the configured one, or for 'auto' bfloat16 on native hardware."""
    if config.precision != "auto":
        return config.precision
    return "bfloat16" if cpu_has_native_bf16() else "float32"


def _huggingface_class(precision: str) -> type[HuggingFaceEmbedding]:
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    if precision == "float32":
        return HuggingFaceEmbedding

    import torch

    class AutocastEmbedding(HuggingFaceEmbedding):
        """Every forward pass under CPU autocast: matrix products in bfloat16, norms and sums in float32."""

        def _embed(self, inputs: list[Any], prompt_name: str | None = None) -> list[list[float]]:
            with torch.autocast("cpu", dtype=torch.bfloat16):
                vectors: list[list[float]] = super()._embed(inputs, prompt_name=prompt_name)
            return vectors

    return AutocastEmbedding


def build_embed_model(config: EmbeddingConfig, root: Path | None = None) -> BaseEmbedding:
    """Load the configured embedder (the heavy step; call once from the composition root)."""
    if config.backend == "fake":
        return FakeEmbedding()
    model = resolve_model_path(config, root)
    if config.num_threads:
        import torch

        torch.set_num_threads(config.num_threads)
    embedding_class = _huggingface_class(resolve_precision(config))

    try:
        return embedding_class(
            model_name=model,
            query_instruction=config.query_prefix,
            text_instruction=config.passage_prefix,
            normalize=True,
            embed_batch_size=config.batch_size,
            max_length=config.max_seq_length,
            device="cpu",
        )
    except OSError as exc:  # missing directory or an offline hub miss
        raise ModelNotAvailableError(
            f"The embedding model {model!r} could not be loaded offline ({exc}). "
            "Build the default model with `python -m index.e5_conversion build`, or set "
            "VEIVISER_INDEX__EMBEDDING__MODEL to a local sentence-transformers directory."
        ) from exc


def embedder_identity(config: EmbeddingConfig, embed_model: BaseEmbedding) -> dict[str, Any]:
    """What identifies the vectors an embedder produces (recorded in the index manifest)."""
    if isinstance(embed_model, FakeEmbedding):
        return {"backend": "fake", "model": "fake-bow", "dimension": embed_model.dimension}
    dimension = len(embed_model.get_text_embedding("dimensjon"))
    model_name = str(getattr(embed_model, "model_name", config.model))
    provenance = Path(model_name) / "PROVENANCE.json"
    fingerprint = hashlib.sha256(provenance.read_bytes()).hexdigest()[:16] if provenance.is_file() else model_name
    return {
        "backend": config.backend,
        "model": Path(model_name).name if Path(model_name).exists() else model_name,
        "fingerprint": fingerprint,
        "dimension": dimension,
        "query_prefix": config.query_prefix,
        "passage_prefix": config.passage_prefix,
        "max_seq_length": config.max_seq_length,
        "precision": resolve_precision(config),
    }


class EmbeddingCache:
    """Passage embeddings keyed by sha256(embedder key + text), in SQLite: never embed the same text twice."""

    def __init__(self, path: Path, embedder_key: str) -> None:
        self._path = path
        self._key = embedder_key
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(str(path), check_same_thread=False)
            self._conn.execute("CREATE TABLE IF NOT EXISTS emb (k TEXT PRIMARY KEY, v BLOB NOT NULL)")
            self._conn.commit()
        except (OSError, sqlite3.Error):
            # A read-only data folder: readers go on without a persistent cache (an ingest fails on its own
            # writes with a clear message). An in-memory cache keeps the same interface.
            self._conn = sqlite3.connect(":memory:", check_same_thread=False)
            self._conn.execute("CREATE TABLE emb (k TEXT PRIMARY KEY, v BLOB NOT NULL)")

    def _hash(self, text: str) -> str:
        return hashlib.sha256(f"{self._key}\x1f{text}".encode()).hexdigest()

    def get_many(self, texts: Sequence[str]) -> list[list[float] | None]:
        keys = [self._hash(t) for t in texts]
        found: dict[str, list[float]] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(f"SELECT k, v FROM emb WHERE k IN ({marks})", chunk).fetchall()
                for k, v in rows:
                    found[k] = np.frombuffer(v, dtype=np.float32).tolist()
        return [found.get(k) for k in keys]

    def put_many(self, texts: Sequence[str], vectors: Sequence[Sequence[float]]) -> None:
        rows = [(self._hash(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in zip(texts, vectors, strict=True)]
        with self._lock:
            try:
                self._conn.executemany("INSERT OR REPLACE INTO emb (k, v) VALUES (?, ?)", rows)
                self._conn.commit()
            except sqlite3.OperationalError:  # read-only file: a cache that cannot keep is still correct
                self._conn.rollback()

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def query_batch(embed_model: BaseEmbedding, texts: list[str]) -> list[list[float]]:
    """Texts embedded as queries (with the query prefix): one forward pass for the batch when the model is
    llama-index's sentence-transformers wrapper, else one query at a time (the same vectors either way)."""
    batch = getattr(embed_model, "_embed", None)
    if callable(batch):
        vectors: list[list[float]] = batch(texts, prompt_name="query")
        return vectors
    return [embed_model.get_query_embedding(t) for t in texts]


def embed_with_cache(
    embed_model: BaseEmbedding,
    texts: Sequence[str],
    cache: EmbeddingCache | None,
    batch_size: int = 16,
    on_progress: Callable[[int], None] | None = None,
    as_queries: bool = False,
) -> tuple[list[list[float]], int]:
    """Embed passages (or, `as_queries`, queries; give those a cache of their own), reusing cached vectors;
    returns (vectors, number actually computed).

    Missing texts are embedded in batches sorted by length, which keeps padding (and time) low.
    """
    cached: list[list[float] | None] = cache.get_many(texts) if cache else [None] * len(texts)
    missing = [i for i, v in enumerate(cached) if v is None]
    if on_progress and len(texts) > len(missing):
        on_progress(len(texts) - len(missing))
    missing.sort(key=lambda i: len(texts[i]))
    for start in range(0, len(missing), batch_size):
        batch_idx = missing[start : start + batch_size]
        batch_texts = [texts[i] for i in batch_idx]
        if as_queries:
            vectors = query_batch(embed_model, batch_texts)
        else:
            vectors = embed_model.get_text_embedding_batch(batch_texts)
        if cache:
            cache.put_many(batch_texts, vectors)
        for i, vec in zip(batch_idx, vectors, strict=True):
            cached[i] = vec
        if on_progress:
            on_progress(len(batch_idx))
    result: list[list[float]] = []
    for v in cached:
        assert v is not None
        result.append(v)
    return result, len(missing)


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two vectors."""
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0
