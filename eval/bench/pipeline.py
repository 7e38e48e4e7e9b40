"""Ingest and query latency: cold ingest, warm re-ingest, search and ask p50/p95 over the eval questions.

    .venv/bin/python -m eval.bench.pipeline [--fake] [--limit N]

Cold ingest uses a fresh data folder (no embedding cache); warm re-ingest runs on it again.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from eval.bench.common import peak_rss_mb, percentile, table, write_json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fake", action="store_true", help="Use the fake embedder (no model).")
    parser.add_argument("--limit", type=int, default=0, help="Only the first N eval questions.")
    args = parser.parse_args()

    from assistant import wiring
    from assistant.settings import Settings
    from eval.dataset import load_dataset
    from eval.runner import DEFAULT_DATASET

    with tempfile.TemporaryDirectory() as tmp:
        settings = wiring.resolve_paths(Settings())
        index_cfg = settings.index.model_copy(update={"data_dir": Path(tmp)})
        if args.fake:
            index_cfg = index_cfg.model_copy(
                update={"embedding": index_cfg.embedding.model_copy(update={"backend": "fake"})}
            )
        settings = settings.model_copy(update={"index": index_cfg})
        started = time.perf_counter()
        embedder = wiring.load_embedder(settings)
        load_s = time.perf_counter() - started
        cold = wiring.run_ingest(settings, embedder, show_progress=False)
        warm = wiring.run_ingest(settings, embedder, show_progress=False)
        assistant = wiring.build_assistant(settings)

        items = [i for i in load_dataset(DEFAULT_DATASET) if not i.history]
        if args.limit:
            items = items[: args.limit]
        for item in items[:3]:  # warm-up: first calls pay one-off costs
            assistant.ask(item.question)
        search_ms, ask_ms = [], []
        # Each pass starts with an empty query-embedding cache, so both pay for embedding the query.
        assistant.index.clear_query_cache()
        for item in items:
            t0 = time.perf_counter()
            assistant.search(item.question)
            search_ms.append((time.perf_counter() - t0) * 1000)
        assistant.index.clear_query_cache()
        for item in items:
            t0 = time.perf_counter()
            assistant.ask(item.question)
            ask_ms.append((time.perf_counter() - t0) * 1000)

    nodes = sum(cold.nodes_by_kind.values())
    rows: list[list[Any]] = [
        ["model load (s)", round(load_s, 2)],
        ["cold ingest (s)", cold.seconds],
        ["cold embeddings computed", cold.embeddings_computed],
        ["cold passages / s", round(cold.embeddings_computed / cold.seconds, 1) if cold.seconds else 0],
        ["warm re-ingest (s)", warm.seconds],
        ["warm embeddings computed", warm.embeddings_computed],
        ["nodes", nodes],
        ["questions", len(items)],
        ["search p50 (ms)", round(percentile(search_ms, 50), 1)],
        ["search p95 (ms)", round(percentile(search_ms, 95), 1)],
        ["ask p50 (ms)", round(percentile(ask_ms, 50), 1)],
        ["ask p95 (ms)", round(percentile(ask_ms, 95), 1)],
        ["peak RSS (MB)", round(peak_rss_mb(), 0)],
    ]
    print(table(["measure", "value"], rows))
    path = write_json("pipeline" + ("-fake" if args.fake else ""), {r[0]: r[1] for r in rows})
    print(f"\nwritten: {path}")


if __name__ == "__main__":
    main()
