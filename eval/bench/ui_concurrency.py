"""How many UI requests to work on at once (Gradio's queue concurrency, `api.ui_concurrency`).

    .venv/bin/python -m eval.bench.ui_concurrency [--jobs 16] [--limits 1,2,4,8] [--fake]

For each limit: the app (API + UI) under uvicorn on loopback, `--jobs` Tiltaksfinner requests sent at once
through Gradio's own client; prints the wall time for all of them and the p50/p95 latency a user waits.
"""

from __future__ import annotations

import argparse
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from assistant.facade import Assistant
from eval.bench.common import free_port, percentile, table, write_json

SITUATIONS = [
    "Sønnen min på 14 har begynt å røyke hasj",
    "Datteren vår skulker skolen og sitter bare på rommet",
    "Treåringen biter og slår i barnehagen",
    "Vi har nettopp kommet til Norge og barna trenger hjelp med språket",
]


def run_limit(assistant: Assistant, limit: int, jobs: int) -> dict[str, float]:
    import uvicorn
    from gradio_client import Client

    from web.api import create_app

    settings = assistant.settings
    api = settings.api.model_copy(update={"ui_concurrency": limit})
    tuned = assistant.rebuilt(settings=settings.model_copy(update={"api": api}))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(assistant=tuned), host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.1)
    try:
        client = Client(f"http://127.0.0.1:{port}/ui/", verbose=False)
        client.predict(SITUATIONS[0], [], [], [], api_name="/find")  # warm

        def one(i: int) -> float:
            started = time.perf_counter()
            client.predict(SITUATIONS[i % len(SITUATIONS)], [], [], [], api_name="/find")
            return (time.perf_counter() - started) * 1000

        started = time.perf_counter()
        with ThreadPoolExecutor(jobs) as pool:
            latencies = list(pool.map(one, range(jobs)))
        wall = time.perf_counter() - started
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    return {
        "limit": limit,
        "wall_s": round(wall, 2),
        "p50_ms": round(percentile(latencies, 50), 0),
        "p95_ms": round(percentile(latencies, 95), 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=16)
    parser.add_argument("--limits", default="1,2,4,8")
    parser.add_argument("--fake", action="store_true")
    args = parser.parse_args()
    from assistant.settings import load_settings
    from assistant.wiring import build_assistant, resolve_paths

    settings = resolve_paths(load_settings())
    if args.fake:
        emb = settings.index.embedding.model_copy(update={"backend": "fake"})
        settings = settings.model_copy(update={"index": settings.index.model_copy(update={"embedding": emb})})
    assistant = build_assistant(settings)
    rows = [run_limit(assistant, int(n), args.jobs) for n in args.limits.split(",")]
    headers = list(rows[0])
    print(f"{args.jobs} Tiltaksfinner requests at once through the UI queue")
    print(table(headers, [[r[h] for h in headers] for r in rows]))
    print(f"→ {write_json('ui_concurrency', {'jobs': args.jobs, 'rows': rows})}")


if __name__ == "__main__":
    main()
