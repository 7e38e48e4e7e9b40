"""Load under faults: N clients on POST /api/v1/ask for S seconds against a real `app.py serve` process
with its vectors in a real `chroma run` server; then the same while Chroma is killed and restarted halfway.

    .venv/bin/python -m eval.bench.load [--clients 16] [--seconds 60] [--fake]

Prints per phase: requests, errors by status, degraded answers, p50/p95/p99 latency, and the API process's
resident memory before and after. The target (issue: faults never take answers down) is 0 errors in the
first phase and 0 × 5xx in the second.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx

from eval.bench.common import ROOT, free_port, percentile, table, write_json
from eval.bench.processes import cli, rss_mb, start_api, start_chroma, stop, veiviser_env

QUESTIONS = [
    "Hva er Ungdomstorget?",
    "Sønnen min på 14 har begynt å røyke hasj. Hvor kan vi få hjelp?",
    "Hvilke tiltak finnes for barn som skulker skolen?",
    "Hvor stor andel av barnevernets undersøkelser ble henlagt i 2020?",
    "What is Ungdomstorget?",
    "Hva sa verkstedene om frivillighet?",
    "Jeg er 16 og tror jeg er gravid. Hvor kan jeg gå?",
    "Hvem er ordfører i Drammen?",
]


def drive(url: str, clients: int, seconds: float, halfway: Callable[[], None] | None = None) -> dict[str, object]:
    """`clients` threads asking until `seconds` have passed; `halfway` runs once at the midpoint."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    degraded = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(offset: int) -> None:
        with httpx.Client(timeout=60) as client:
            i = offset
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    response = client.post(url, json={"question": QUESTIONS[i % len(QUESTIONS)]})
                    status = response.status_code
                    flagged = status == 200 and bool(response.json().get("degraded"))
                except httpx.HTTPError:
                    status, flagged = 0, False  # no answer at all
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
                    statuses[status] += 1
                    degraded[0] += flagged
                i += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    if halfway is not None:
        time.sleep(seconds / 2)
        halfway()
    for t in threads:
        t.join()
    return {
        "requests": len(latencies),
        "ok": statuses[200],
        "errors_5xx": sum(n for s, n in statuses.items() if s >= 500),
        "errors_other": sum(n for s, n in statuses.items() if s != 200 and s < 500),
        "degraded": degraded[0],
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--fake", action="store_true", help="The fake embedder (no model; faster start).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="veiviser-load-") as tmp:
        work = Path(tmp)
        chroma_port, api_port = free_port(), free_port()
        chroma = start_chroma(work / "chroma", chroma_port)
        env = veiviser_env(
            work / "data",
            fake=args.fake,
            INDEX__CHROMA__MODE="http",
            INDEX__CHROMA__PORT=str(chroma_port),
            # The passage vectors are cached by text and model: the repository's cache makes the ingest quick.
            INDEX__EMBEDDING_CACHE=str(ROOT / "data" / "embedding-cache.sqlite"),
        )
        api = None
        try:
            done = cli(env, "ingest")
            if done.returncode != 0:
                raise SystemExit(done.stderr)
            api = start_api(env, api_port, work / "api.log")
            url = f"http://127.0.0.1:{api_port}/api/v1/ask"
            httpx.post(url, json={"question": QUESTIONS[0]}, timeout=120)  # warm
            rows = []
            for phase in ("steady", "chroma killed and restarted halfway"):
                before = rss_mb(api.pid)

                def restart() -> None:
                    nonlocal chroma
                    chroma.kill()
                    chroma.wait(timeout=20)
                    time.sleep(args.seconds / 8)  # down for a while
                    chroma = start_chroma(work / "chroma", chroma_port)

                result = drive(url, args.clients, args.seconds, restart if phase != "steady" else None)
                rows.append(
                    {
                        "phase": phase,
                        **result,
                        "rss_before_mb": round(before, 1),
                        "rss_after_mb": round(rss_mb(api.pid), 1),
                    }
                )
        finally:
            if api is not None:
                stop(api)
            stop(chroma)
    headers = list(rows[0])
    embedder = "fake" if args.fake else "e5-small"
    print(f"{args.clients} clients × {args.seconds:.0f} s on POST /api/v1/ask ({embedder} embedder)")
    print(table(headers, [[r[h] for h in headers] for r in rows]))
    print(
        f"→ {write_json('load', {'clients': args.clients, 'seconds': args.seconds, 'fake': args.fake, 'phases': rows})}"
    )


if __name__ == "__main__":
    main()
