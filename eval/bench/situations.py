"""Situation latency: the finder and the chat's situation answer over the situation slice, each question
with a cold query cache (the embedding is computed every time), p50/p95/max.

    .venv/bin/python -m eval.bench.situations [--limit N]

Uses the project's index (builds it when missing). The target is p50 ≤ 300 ms for both on 2 cores.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from eval.bench.common import peak_rss_mb, percentile, table, write_json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=0, help="Only the first N situations.")
    args = parser.parse_args()

    from assistant import wiring
    from assistant.settings import Settings
    from eval.situations import load_situations

    assistant = wiring.build_assistant(wiring.resolve_paths(Settings()))
    items = load_situations()
    if args.limit:
        items = items[: args.limit]
    finder_ms: list[float] = []
    ask_ms: list[float] = []
    for item in items:
        assistant.index.clear_query_cache()
        started = time.perf_counter()
        assistant.find_services(item.situation)
        finder_ms.append((time.perf_counter() - started) * 1000)
        assistant.index.clear_query_cache()
        started = time.perf_counter()
        assistant.ask(item.situation, audience=item.persona)
        ask_ms.append((time.perf_counter() - started) * 1000)
    rows: list[list[Any]] = [["situations", len(items)]]
    for name, values in (("finder", finder_ms), ("situation ask", ask_ms)):
        rows += [
            [f"{name} p50 (ms)", round(percentile(values, 50), 1)],
            [f"{name} p95 (ms)", round(percentile(values, 95), 1)],
            [f"{name} max (ms)", round(max(values), 1)],
        ]
    rows.append(["peak RSS (MB)", round(peak_rss_mb(), 0)])
    print(table(["measure", "value"], rows))
    path = write_json("situations", {r[0]: r[1] for r in rows})
    print(f"\nwritten: {path}")


if __name__ == "__main__":
    main()
