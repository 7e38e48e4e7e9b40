"""The LLM gate: one deadline per request across calls, and a cap on concurrent calls."""

from __future__ import annotations

import threading
import time

import pytest

from assistant.llm import LLMGate
from assistant.settings import LLMConfig
from ingest.errors import BackendUnavailable


def gate(deadline_s: float = 1.0, max_concurrent: int = 2) -> LLMGate:
    return LLMGate(LLMConfig(deadline_s=deadline_s, max_concurrent=max_concurrent))


def test_a_call_within_the_deadline_returns_its_value() -> None:
    g = gate()
    assert g.call(lambda: 42, g.deadline()) == 42


def test_errors_of_the_call_reach_the_caller() -> None:
    g = gate()

    def fails() -> None:
        raise BackendUnavailable("HTTP 500 fra språkmodelltjeneren")

    with pytest.raises(BackendUnavailable, match="HTTP 500"):
        g.call(fails, g.deadline())


def test_a_hung_call_ends_at_the_deadline() -> None:
    g = gate(deadline_s=0.8)
    release = threading.Event()
    started = time.monotonic()
    with pytest.raises(BackendUnavailable, match="innen fristen"):
        g.call(lambda: release.wait(10), g.deadline())
    assert time.monotonic() - started < 1.5
    release.set()


def test_one_deadline_across_calls() -> None:
    g = gate(deadline_s=0.8)
    deadline = g.deadline()
    g.call(lambda: time.sleep(0.45), deadline)
    with pytest.raises(BackendUnavailable):  # 0.35 s left: the second call cannot take 0.45 s
        g.call(lambda: time.sleep(0.45), deadline)
    time.sleep(0.3)
    with pytest.raises(BackendUnavailable, match="brukt opp"):  # under MIN_CALL_S left: not started
        g.call(lambda: 1, deadline)


def test_calls_past_the_limit_are_refused_at_once_and_slots_come_back() -> None:
    g = gate(deadline_s=5, max_concurrent=2)
    release = threading.Event()
    workers = [threading.Thread(target=lambda: g.call(lambda: release.wait(5), g.deadline())) for _ in range(2)]
    for w in workers:
        w.start()
    time.sleep(0.2)
    started = time.monotonic()
    with pytest.raises(BackendUnavailable, match="opptatt"):
        g.call(lambda: 1, g.deadline())
    assert time.monotonic() - started < 0.1
    release.set()
    for w in workers:
        w.join()
    assert g.call(lambda: 7, g.deadline()) == 7


def test_a_stream_stops_at_the_deadline_and_frees_its_slot() -> None:
    g = gate(deadline_s=0.6, max_concurrent=1)

    def slow() -> object:
        for word in ("a", "b", "c", "d", "e"):
            time.sleep(0.25)
            yield word

    got: list[str] = []
    with pytest.raises(BackendUnavailable, match="innen fristen"):
        for delta in g.stream(slow, g.deadline()):  # type: ignore[arg-type]
            got.append(delta)
    assert 1 <= len(got) < 5
    assert g.call(lambda: 1, g.deadline()) == 1
