"""API throughput on POST /api/v1/search with N concurrent clients on loopback (bounded in time).

    .venv/bin/python -m eval.bench.api_throughput [--clients 1,4,8] [--seconds 10] [--fake]

Starts the app with uvicorn on a free 127.0.0.1 port in this process, then drives it with httpx
clients from threads; every loop stops after --seconds.
"""

from __future__ import annotations

import argparse
import threading
import time

import httpx

from eval.bench.common import free_port, percentile, table, write_json

QUERIES = [
    "tiltak for ungdom som bruker rus",
    "helsestasjon for ungdom",
    "samarbeid med frivilligheten",
    "individuell plan og koordinator",
    "skolefravær",
    "foreldreveiledning for småbarnsforeldre",
]


def drive(url: str, clients: int, seconds: float) -> dict[str, float]:
    """`clients` threads posting searches until `seconds` have passed; request rate and latency."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(offset: int) -> None:
        with httpx.Client(timeout=30) as client:
            i = offset
            while time.monotonic() < deadline:
                t0 = time.perf_counter()
                response = client.post(url, json={"query": f"{QUERIES[i % len(QUERIES)]} {i}", "top_k": 8})
                with lock:
                    latencies.append((time.perf_counter() - t0) * 1000)
                    errors[0] += response.status_code != 200
                i += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "req_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", default="1,4,8")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--fake", action="store_true")
    args = parser.parse_args()

    import uvicorn

    from assistant import wiring
    from assistant.settings import Settings
    from web.api import create_app

    settings = wiring.resolve_paths(Settings())
    if args.fake:
        emb = settings.index.embedding.model_copy(update={"backend": "fake"})
        settings = settings.model_copy(update={"index": settings.index.model_copy(update={"embedding": emb})})
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(assistant=wiring.build_assistant(settings), mount_ui=False),
            host="127.0.0.1",
            port=port,
            log_level="error",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}/api/v1/search"

    rows = []
    report: dict[str, object] = {}
    for clients in [int(c) for c in args.clients.split(",")]:
        entry = drive(url, clients, args.seconds)
        report[str(clients)] = entry
        rows.append([clients, *entry.values()])
    server.should_exit = True
    thread.join(timeout=10)
    print(table(["clients", "requests", "errors", "req/s", "p50 ms", "p95 ms"], rows))
    print(f"\nwritten: {write_json('api-throughput' + ('-fake' if args.fake else ''), report)}")


if __name__ == "__main__":
    main()
