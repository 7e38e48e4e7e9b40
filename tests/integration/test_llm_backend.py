"""The LLM path over real HTTP: a fake OpenAI-compatible server, the real llama-index client code."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from assistant.llm import (
    build_llm,
    check_backend,
    condense_question,
    generate_answer,
    stream_answer,
    summarize_points,
)
from assistant.prompts import NO_SOURCE_MARKER, PromptSet, load_prompts
from assistant.settings import LLMConfig, Settings
from assistant.types import ChatTurn, Passage
from index.config import EmbeddingConfig, IndexConfig
from ingest.errors import BackendUnavailable
from tests.support.fake_openai_server import MODEL_ID, FakeOpenAI

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PASSAGES = [
    Passage(node_id="n1", document="d.txt", title="Dok", section="S", text="Ungdomstorget er for unge 13-25 år.")
]


@pytest.fixture(scope="module")
def prompts() -> PromptSet:
    return load_prompts()


def config(server: FakeOpenAI, timeout: float = 5.0, **extra: Any) -> LLMConfig:
    return LLMConfig(backend="openai", base_url=server.base_url, model=MODEL_ID, timeout_s=timeout, **extra)


def llm_for(server: FakeOpenAI, timeout: float = 5.0, **extra: Any) -> Any:
    llm = build_llm(config(server, timeout, **extra))
    assert llm is not None
    return llm


def test_plain_answer_sends_system_and_numbered_passages(fake_openai: FakeOpenAI, prompts: PromptSet) -> None:
    llm = llm_for(fake_openai, api_key=SecretStr("sk-test-123"), temperature=0.3, max_tokens=321)
    fake_openai.enqueue("Ungdomstorget er for unge mellom 13 og 25 år [1].")
    answer = generate_answer(llm, prompts, "Hvem er Ungdomstorget for?", PASSAGES)
    assert answer == "Ungdomstorget er for unge mellom 13 og 25 år [1]."
    body = fake_openai.requests[-1]
    assert body["model"] == MODEL_ID and body["temperature"] == 0.3 and body["max_tokens"] == 321
    assert not body.get("stream")
    system, user = body["messages"]
    assert system["role"] == "system" and NO_SOURCE_MARKER in system["content"]
    assert user["role"] == "user" and "[1] (Dok › S) Ungdomstorget er for unge 13-25 år." in user["content"]
    assert "Hvem er Ungdomstorget for?" in user["content"]
    assert fake_openai.headers[-1]["Authorization"] == "Bearer sk-test-123"


def test_streaming_deltas_reassemble_the_answer(fake_openai: FakeOpenAI, prompts: PromptSet) -> None:
    fake_openai.enqueue("En lang strømmet tekst med kilde [1].")
    deltas = list(stream_answer(llm_for(fake_openai), prompts, "Hvem?", PASSAGES))
    assert len(deltas) > 2
    assert "".join(deltas) == "En lang strømmet tekst med kilde [1]."
    assert fake_openai.requests[-1]["stream"] is True


def test_condense_returns_one_clean_question(fake_openai: FakeOpenAI, prompts: PromptSet) -> None:
    fake_openai.enqueue("Selvstendig spørsmål: «Hvilken aldersgruppe er Ungdomstorget for?»\nForklaring: …")
    history = [
        ChatTurn(role="user", content="Hva er Ungdomstorget?"),
        ChatTurn(role="assistant", content="Et lavterskeltilbud [1]."),
    ]
    question = condense_question(llm_for(fake_openai), prompts, history, "Hvilken aldersgruppe er det for?")
    assert question == "Hvilken aldersgruppe er Ungdomstorget for?"
    (message,) = fake_openai.requests[-1]["messages"]  # no system prompt for condensing
    assert message["role"] == "user"
    assert "Bruker: Hva er Ungdomstorget?" in message["content"]
    assert "Oppfølgingsspørsmål: Hvilken aldersgruppe er det for?" in message["content"]


def test_summary_prompt_carries_theme_and_points(fake_openai: FakeOpenAI, prompts: PromptSet) -> None:
    fake_openai.enqueue("Begge verkstedene ville ha mer frivillighet [1][2].")
    points = "Verksted A (2018-04-26):\n  - Mer frivillighet [1]\nVerksted B (2018-05-03):\n  - Frivillige i skolen [2]"
    text = summarize_points(llm_for(fake_openai), prompts, "frivillighet", points)
    assert text.endswith("[1][2].")
    user = fake_openai.requests[-1]["messages"][-1]["content"]
    assert "Tema: frivillighet" in user and "  - Frivillige i skolen [2]" in user


@pytest.mark.parametrize("call", ["answer", "stream", "condense", "summary"])
def test_http_500_becomes_backend_unavailable(fake_openai: FakeOpenAI, prompts: PromptSet, call: str) -> None:
    fake_openai.mode = "fail"
    llm = llm_for(fake_openai)
    with pytest.raises(BackendUnavailable, match="HTTP 500"):
        if call == "answer":
            generate_answer(llm, prompts, "Hvem?", PASSAGES)
        elif call == "stream":
            list(stream_answer(llm, prompts, "Hvem?", PASSAGES))
        elif call == "condense":
            condense_question(llm, prompts, [ChatTurn(role="user", content="Hei")], "Og?")
        else:
            summarize_points(llm, prompts, "tema", "- punkt [1]")
    assert len(fake_openai.requests) == 1  # no retries: the caller has a fallback


@pytest.mark.parametrize("stream", [False, True])
def test_timeout_becomes_backend_unavailable_in_time(fake_openai: FakeOpenAI, prompts: PromptSet, stream: bool) -> None:
    fake_openai.mode = "slow"
    fake_openai.slow_seconds = 10
    llm = llm_for(fake_openai, timeout=1.0)
    started = time.monotonic()
    with pytest.raises(BackendUnavailable, match="tidsavbrudd"):
        if stream:
            list(stream_answer(llm, prompts, "Hvem?", PASSAGES))
        else:
            generate_answer(llm, prompts, "Hvem?", PASSAGES)
    assert time.monotonic() - started < 2.0


def test_connection_refused_becomes_backend_unavailable(prompts: PromptSet) -> None:
    server = FakeOpenAI().start()
    llm = llm_for(server)
    server.stop()
    with pytest.raises(BackendUnavailable, match="kontakt"):
        generate_answer(llm, prompts, "Hvem?", PASSAGES)


def test_empty_output_becomes_backend_unavailable(fake_openai: FakeOpenAI, prompts: PromptSet) -> None:
    fake_openai.mode = "empty"
    llm = llm_for(fake_openai)
    with pytest.raises(BackendUnavailable, match="tomt svar"):
        generate_answer(llm, prompts, "Hvem?", PASSAGES)
    with pytest.raises(BackendUnavailable, match="tomt svar"):
        list(stream_answer(llm, prompts, "Hvem?", PASSAGES))


def test_a_stream_cut_off_midway_is_not_taken_as_a_whole_answer(fake_openai: FakeOpenAI, prompts: PromptSet) -> None:
    fake_openai.mode = "break"
    fake_openai.enqueue("Ungdomstorget er et tilbud for unge [1].")
    received: list[str] = []
    with pytest.raises(BackendUnavailable, match="avbrutt"):
        for delta in stream_answer(llm_for(fake_openai), prompts, "Hvem?", PASSAGES):
            received.append(delta)
    assert received == ["Ungdomstorget "]


def test_check_backend(fake_openai: FakeOpenAI) -> None:
    assert check_backend(config(fake_openai)) == (True, "språkmodellen svarer")
    ok, detail = check_backend(config(fake_openai).model_copy(update={"model": "annen-modell"}))
    assert ok and "annen-modell" in detail and MODEL_ID in detail
    fake_openai.mode = "fail"
    ok, detail = check_backend(config(fake_openai))
    assert not ok and "svarer ikke" in detail and "HTTP 500" in detail
    assert check_backend(LLMConfig()) == (True, "ingen språkmodell konfigurert (uttrekkende modus)")


def test_check_backend_when_nothing_listens() -> None:
    server = FakeOpenAI().start()
    cfg = config(server)
    server.stop()
    started = time.monotonic()
    ok, detail = check_backend(cfg)
    assert not ok and "svarer ikke" in detail
    assert time.monotonic() - started < 2.0


# -- the assistant end to end with the LLM backend ------------------------------------------------
@pytest.fixture(scope="module")
def assistant_llm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, FakeOpenAI]]:
    from assistant import wiring

    server = FakeOpenAI().start()
    settings = Settings(
        index=IndexConfig(
            data_dir=tmp_path_factory.mktemp("data"),
            corpus_dir=ROOT / "corpus",
            embedding=EmbeddingConfig(backend="fake"),
        ),
        llm=LLMConfig(backend="openai", base_url=server.base_url, model=MODEL_ID, timeout_s=2.0),
    )
    yield wiring.build_assistant(settings), server
    server.stop()


def test_ask_with_llm_validates_citations(assistant_llm: tuple[Any, FakeOpenAI]) -> None:
    assistant, fake = assistant_llm
    fake.mode = "ok"
    fake.enqueue("Ungdomstorget er en tverrfaglig arena [1] for unge [42].")
    answer = assistant.ask("Hva er Ungdomstorget?")
    assert answer.mode == "llm" and not answer.refused
    assert answer.answer == "Ungdomstorget er en tverrfaglig arena [1] for unge."
    assert answer.removed_citations == 1 and [c.n for c in answer.citations] == [1]
    assert answer.citations[0].node_id == answer.passages[0].node_id


def test_ask_falls_back_to_extractive_when_llm_fails(assistant_llm: tuple[Any, FakeOpenAI]) -> None:
    assistant, fake = assistant_llm
    fake.mode = "fail"
    answer = assistant.ask("Hva er Ungdomstorget?")
    assert answer.mode == "extractive" and answer.backend_error and "Språkmodellen svarte ikke" in answer.backend_error
    assert answer.citations and not answer.refused
    events = list(assistant.ask_stream("Hva er Ungdomstorget?"))
    assert events[0].type == "meta" and events[-1].type == "done"
    assert events[-1].answer.mode == "extractive"


def test_llm_sentinel_becomes_refusal_and_stream_works(assistant_llm: tuple[Any, FakeOpenAI]) -> None:
    assistant, fake = assistant_llm
    fake.mode = "ok"
    fake.enqueue(NO_SOURCE_MARKER)
    answer = assistant.ask("Hva er Ungdomstorget?")
    assert answer.refused and answer.answer == assistant.prompts.refusal
    fake.enqueue("Ungdomstorget samler tjenester for unge [1].")
    events = list(assistant.ask_stream("Hva er Ungdomstorget?"))
    deltas = "".join(e.text for e in events if e.type == "delta")
    assert deltas == "Ungdomstorget samler tjenester for unge [1]."
    assert events[-1].answer.citations[0].n == 1
