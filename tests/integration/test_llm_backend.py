"""The LLM path over real HTTP: a fake OpenAI-compatible server, the real llama-index client code."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.llm import (
    BackendUnavailable,
    build_llm,
    check_backend,
    condense_question,
    generate_answer,
    stream_answer,
)
from assistant.prompts import load_prompts
from assistant.settings import LLMConfig, Settings
from assistant.types import ChatTurn, Passage
from index.config import EmbeddingConfig, IndexConfig
from tests.support.fake_openai_server import FakeOpenAI

ROOT = Path(__file__).resolve().parents[2]
PASSAGES = [
    Passage(node_id="n1", document="d.txt", title="Dok", section="S", text="Ungdomstorget er for unge 13-25 år.")
]


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


def config(fake: FakeOpenAI, timeout: float = 5.0) -> LLMConfig:
    return LLMConfig(backend="openai", base_url=fake.base_url, model="fake-model", timeout_s=timeout)


def test_answer_condense_and_stream(fake: FakeOpenAI) -> None:
    llm = build_llm(config(fake))
    prompts = load_prompts()
    fake.enqueue("Ungdomstorget er for unge mellom 13 og 25 år [1].")
    assert generate_answer(llm, prompts, "Hvem er Ungdomstorget for?", PASSAGES).endswith("[1].")
    sent = fake.requests[-1]["messages"]
    assert sent[0]["role"] == "system" and "INGEN_KILDE" in sent[0]["content"]
    assert "[1] (Dok › S) Ungdomstorget er for unge 13-25 år." in sent[1]["content"]
    fake.enqueue("Hvilken aldersgruppe er Ungdomstorget for?")
    history = [ChatTurn(role="user", content="Hva er Ungdomstorget?")]
    assert (
        condense_question(llm, prompts, history, "Hvilken aldersgruppe er det for?")
        == "Hvilken aldersgruppe er Ungdomstorget for?"
    )
    fake.enqueue("En lang strømmet tekst med kilde [1].")
    deltas = list(stream_answer(llm, prompts, "Hvem?", PASSAGES))
    assert len(deltas) > 2 and "".join(deltas) == "En lang strømmet tekst med kilde [1]."
    assert fake.requests[-1]["stream"] is True


def test_server_error_and_timeout_become_backend_unavailable(fake: FakeOpenAI) -> None:
    prompts = load_prompts()
    fake.mode = "fail"
    with pytest.raises(BackendUnavailable):
        generate_answer(build_llm(config(fake)), prompts, "Hvem?", PASSAGES)
    with pytest.raises(BackendUnavailable):
        list(stream_answer(build_llm(config(fake)), prompts, "Hvem?", PASSAGES))
    fake.mode = "slow"
    fake.slow_seconds = 4
    started = time.monotonic()
    with pytest.raises(BackendUnavailable, match="tidsavbrudd"):
        generate_answer(build_llm(config(fake, timeout=1.0)), prompts, "Hvem?", PASSAGES)
    assert time.monotonic() - started < 3.5


def test_check_backend(fake: FakeOpenAI) -> None:
    assert check_backend(config(fake))[0]
    fake.mode = "fail"
    assert not check_backend(config(fake))[0]
    assert check_backend(LLMConfig())[0]  # no LLM configured is ready


@pytest.fixture(scope="module")
def assistant_llm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, FakeOpenAI]]:
    import app

    server = FakeOpenAI().start()
    settings = Settings(
        index=IndexConfig(
            data_dir=tmp_path_factory.mktemp("data"),
            corpus_dir=ROOT / "corpus",
            embedding=EmbeddingConfig(backend="fake"),
        ),
        llm=LLMConfig(backend="openai", base_url=server.base_url, model="fake-model", timeout_s=2.0),
    )
    yield app.build_services(settings), server
    server.stop()


def test_ask_with_llm_validates_citations(assistant_llm: tuple[object, FakeOpenAI]) -> None:
    assistant, fake = assistant_llm
    fake.mode = "ok"
    fake.enqueue("Ungdomstorget er en tverrfaglig arena [1] for unge [42].")
    answer = assistant.ask("Hva er Ungdomstorget?")  # type: ignore[attr-defined]
    assert answer.mode == "llm" and not answer.refused
    assert answer.answer == "Ungdomstorget er en tverrfaglig arena [1] for unge."
    assert answer.removed_citations == 1 and [c.n for c in answer.citations] == [1]
    assert answer.citations[0].node_id == answer.passages[0].node_id


def test_ask_falls_back_to_extractive_when_llm_fails(assistant_llm: tuple[object, FakeOpenAI]) -> None:
    assistant, fake = assistant_llm
    fake.mode = "fail"
    answer = assistant.ask("Hva er Ungdomstorget?")  # type: ignore[attr-defined]
    assert answer.mode == "extractive" and answer.backend_error and "Språkmodellen svarte ikke" in answer.backend_error
    assert answer.citations and not answer.refused
    events = list(assistant.ask_stream("Hva er Ungdomstorget?"))  # type: ignore[attr-defined]
    assert events[0].type == "meta" and events[-1].type == "done"
    assert events[-1].answer.mode == "extractive"


def test_llm_sentinel_becomes_refusal_and_stream_works(assistant_llm: tuple[object, FakeOpenAI]) -> None:
    assistant, fake = assistant_llm
    fake.mode = "ok"
    fake.enqueue("INGEN_KILDE")
    answer = assistant.ask("Hva er Ungdomstorget?")  # type: ignore[attr-defined]
    assert answer.refused and "finner ikke" in answer.answer
    fake.enqueue("Ungdomstorget samler tjenester for unge [1].")
    events = list(assistant.ask_stream("Hva er Ungdomstorget?"))  # type: ignore[attr-defined]
    deltas = "".join(e.text for e in events if e.type == "delta")
    assert deltas == "Ungdomstorget samler tjenester for unge [1]."
    assert events[-1].answer.citations[0].n == 1
