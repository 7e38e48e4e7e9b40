"""Retrieval latency and memory at 10k and 100k synthetic nodes, in a temporary embedded Chroma.

    .venv/bin/python -m eval.bench.scale [--sizes 10000,100000] [--fake]

Synthetic nodes are made from the corpus' own sentences (three random sentences each). Their vectors
are the normalised mean of the real embeddings of those sentences plus a little noise, so the vector
space has the corpus' shape without embedding 100k passages on a 2-core machine.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import numpy as np

from eval.bench.common import ROOT, peak_rss_mb, percentile, table, write_json
from ingest.text import split_sentences

QUERIES = [
    "tiltak for ungdom som bruker rus",
    "helsestasjon for gravide og småbarnsforeldre",
    "samarbeid med frivillige organisasjoner",
    "individuell plan og koordinator",
    "barnevernet og tidlig innsats",
    "skolefravær hos elever",
    "lavinntektsfamilier og fritidsaktiviteter",
    "psykisk helse blant barn og unge",
]


def corpus_sentences() -> list[str]:
    from ingest.corpus import load_corpus
    from ingest.pipeline import parse_corpus

    sentences: set[str] = set()
    for parsed in parse_corpus(load_corpus(ROOT / "corpus")):
        for node in parsed.nodes:
            for s in split_sentences(node.text):
                if 40 <= len(s) <= 300:
                    sentences.add(s.strip())
    return sorted(sentences)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--fake", action="store_true", help="Fake embedder instead of the real model.")
    parser.add_argument("--base", type=int, default=600, help="Corpus sentences embedded for real.")
    args = parser.parse_args()

    from llama_index.core.schema import TextNode

    from assistant import wiring
    from assistant.settings import Settings
    from index.config import ChromaConfig
    from index.lexical import LexicalIndex
    from index.store import ChromaStore, make_chroma_client

    settings = wiring.resolve_paths(Settings())
    if args.fake:
        emb_cfg = settings.index.embedding.model_copy(update={"backend": "fake"})
        settings = settings.model_copy(update={"index": settings.index.model_copy(update={"embedding": emb_cfg})})
    embedder = wiring.load_embedder(settings).model
    rng = random.Random(7)
    sentences = corpus_sentences()
    base = rng.sample(sentences, min(args.base, len(sentences)))
    t0 = time.perf_counter()
    base_vectors = np.asarray(embedder.get_text_embedding_batch(base), dtype=np.float32)
    embed_s = time.perf_counter() - t0
    query_vectors = [embedder.get_query_embedding(q) for q in QUERIES]
    dim = base_vectors.shape[1]

    rows = []
    report: dict[str, object] = {
        "base_sentences": len(base),
        "base_embed_s": round(embed_s, 1),
        "dim": dim,
        "sizes": {},
    }
    for size in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            picks = [rng.sample(range(len(base)), 3) for _ in range(size)]
            texts = [" ".join(base[i] for i in p) for p in picks]
            vectors = base_vectors[[p for p in picks]].mean(axis=1)
            vectors += np.random.default_rng(size).normal(0, 0.01, vectors.shape).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            ids = [f"syn-{i:06d}" for i in range(size)]
            t0 = time.perf_counter()
            store = ChromaStore(
                make_chroma_client(ChromaConfig(path=Path(tmp) / "chroma"), Path(tmp)), "veiviser-scale"
            )
            store.add(
                [
                    TextNode(id_=i, text=t, metadata={"doc_id": "synthetic"}, embedding=v.tolist())
                    for i, t, v in zip(ids, texts, vectors, strict=True)
                ]
            )
            chroma_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            lexical = LexicalIndex.build(ids, texts)
            bm25_s = time.perf_counter() - t0
            dense_ms, lexical_ms = [], []
            for _ in range(5):
                for q, qv in zip(QUERIES, query_vectors, strict=True):
                    t0 = time.perf_counter()
                    store.query(qv, 40)
                    dense_ms.append((time.perf_counter() - t0) * 1000)
                    t0 = time.perf_counter()
                    lexical.search(q, 40)
                    lexical_ms.append((time.perf_counter() - t0) * 1000)
            disk_mb = sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file()) / 1e6
            entry = {
                "chroma_write_s": round(chroma_s, 1),
                "bm25_build_s": round(bm25_s, 1),
                "dense_p50_ms": round(percentile(dense_ms, 50), 2),
                "dense_p95_ms": round(percentile(dense_ms, 95), 2),
                "bm25_p50_ms": round(percentile(lexical_ms, 50), 2),
                "bm25_p95_ms": round(percentile(lexical_ms, 95), 2),
                "peak_rss_mb": round(peak_rss_mb(), 0),
                "chroma_disk_mb": round(disk_mb, 1),
            }
            report["sizes"][str(size)] = entry  # type: ignore[index]
            rows.append([size, *entry.values()])
    print(
        table(
            [
                "nodes",
                "chroma write s",
                "bm25 build s",
                "dense p50",
                "dense p95",
                "bm25 p50",
                "bm25 p95",
                "peak RSS MB",
                "disk MB",
            ],
            rows,
        )
    )
    print(f"\nwritten: {write_json('scale' + ('-fake' if args.fake else ''), report)}")


if __name__ == "__main__":
    main()
