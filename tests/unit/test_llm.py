"""The LLM edge with the scripted fake LLM: prompts sent, replies cleaned, failures typed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import openai
import pytest

from assistant.llm import (
    BackendUnavailable,
    build_llm,
    condense_question,
    describe_failure,
    generate_answer,
    stream_answer,
    summarize_points,
)
from assistant.prompts import NO_SOURCE_MARKER, PromptSet, load_prompts
from assistant.settings import LLMConfig
from assistant.types import ChatTurn, Passage
from tests.support.fake_llm import FakeLLM

ROOT = Path(__file__).resolve().parents[2]
PASSAGES = [Passage(node_id="n1", document="d.txt", title="Dok", section="S", text="HFU er for unge 13-25 år.")]
REQUEST = httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions")


@pytest.fixture(scope="module")
def prompts() -> PromptSet:
    return load_prompts()


def test_no_backend_means_no_llm() -> None:
    assert build_llm(LLMConfig()) is None


def test_build_llm_passes_the_config_and_touches_no_network() -> None:
    from llama_index.llms.openai_like import OpenAILike

    # Port 9 (discard) on loopback: nothing listens, so any connection attempt would fail loudly.
    config = LLMConfig(
        backend="openai", base_url="http://127.0.0.1:9/v1", model="m", timeout_s=7, max_tokens=99, context_window=4096
    )
    llm = build_llm(config)
    assert isinstance(llm, OpenAILike)
    assert (llm.api_base, llm.model, llm.timeout, llm.max_tokens, llm.max_retries) == (
        "http://127.0.0.1:9/v1",
        "m",
        7.0,
        99,
        0,
    )
    assert llm.metadata.is_chat_model and llm.metadata.context_window == 4096


def test_importing_the_edges_loads_no_llm_library() -> None:
    code = (
        "import sys, assistant.llm, assistant.prompts, assistant.citations, assistant.safety; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'llama_index', 'openai', 'torch'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_generate_answer_sends_system_and_numbered_passages(fake_llm: FakeLLM, prompts: PromptSet) -> None:
    fake_llm.enqueue("  HFU er for unge [1].  ")
    assert generate_answer(fake_llm, prompts, "Hvem er HFU for?", PASSAGES) == "HFU er for unge [1]."
    system, user = fake_llm.last_messages
    assert system.role.value == "system" and NO_SOURCE_MARKER in (system.content or "")
    assert "[1] (Dok › S) HFU er for unge 13-25 år." in (user.content or "")
    assert fake_llm.calls == ["chat"]


def test_stream_yields_deltas_and_holds_back_leading_whitespace(fake_llm: FakeLLM, prompts: PromptSet) -> None:
    fake_llm.enqueue("  \n HFU er for unge [1].")
    deltas = list(stream_answer(fake_llm, prompts, "Hvem?", PASSAGES))
    assert deltas[0] == "HFU " and "".join(deltas) == "HFU er for unge [1]."
    assert fake_llm.calls == ["stream_chat"]


@pytest.mark.parametrize("reply", ["", "   \n  "])
def test_empty_replies_are_backend_unavailable(fake_llm: FakeLLM, prompts: PromptSet, reply: str) -> None:
    fake_llm.enqueue(reply, reply)
    with pytest.raises(BackendUnavailable, match="tomt svar"):
        generate_answer(fake_llm, prompts, "Hvem?", PASSAGES)
    stream = stream_answer(fake_llm, prompts, "Hvem?", PASSAGES)
    with pytest.raises(BackendUnavailable, match="tomt svar"):
        next(stream)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (httpx.ConnectError("refused", request=REQUEST), "kontakt"),
        (openai.APIConnectionError(request=REQUEST), "kontakt"),
        (openai.APITimeoutError(request=REQUEST), "tidsavbrudd"),
        (httpx.ReadTimeout("slow", request=REQUEST), "tidsavbrudd"),
        (
            openai.InternalServerError("boom", response=httpx.Response(503, request=REQUEST), body=None),
            "HTTP 503",
        ),
        (
            openai.AuthenticationError("nei", response=httpx.Response(401, request=REQUEST), body=None),
            "API-nøkkelen",
        ),
        (openai.NotFoundError("nei", response=httpx.Response(404, request=REQUEST), body=None), "modellnavnet"),
    ],
)
def test_backend_failures_become_backend_unavailable(
    fake_llm: FakeLLM, prompts: PromptSet, error: Exception, reason: str
) -> None:
    assert reason in describe_failure(error)
    fake_llm.enqueue_error(error).enqueue_error(error).enqueue_error(error)
    with pytest.raises(BackendUnavailable, match=reason) as info:
        generate_answer(fake_llm, prompts, "Hvem?", PASSAGES)
    assert info.value.__cause__ is error and info.value.reason == str(info.value)
    with pytest.raises(BackendUnavailable, match=reason):
        list(stream_answer(fake_llm, prompts, "Hvem?", PASSAGES))
    with pytest.raises(BackendUnavailable, match=reason):
        condense_question(fake_llm, prompts, [], "Hvem?")


def test_programming_errors_are_not_swallowed(fake_llm: FakeLLM, prompts: PromptSet) -> None:
    fake_llm.enqueue_error(TypeError("a bug"))
    with pytest.raises(TypeError):
        generate_answer(fake_llm, prompts, "Hvem?", PASSAGES)


@pytest.mark.parametrize(
    "reply",
    [
        "Hvilken aldersgruppe er HFU for?",
        '"Hvilken aldersgruppe er HFU for?"',
        "Spørsmål: Hvilken aldersgruppe er HFU for?",
        "**Selvstendig spørsmål:** «Hvilken aldersgruppe er HFU for?»\n\nDette gjør spørsmålet klart.",
        "\n  Hvilken aldersgruppe er HFU for?  \n",
    ],
)
def test_condense_returns_the_bare_question(fake_llm: FakeLLM, prompts: PromptSet, reply: str) -> None:
    fake_llm.enqueue(reply)
    history = [ChatTurn(role="user", content="Hva er HFU?"), ChatTurn(role="assistant", content="Et tilbud [1].")]
    assert condense_question(fake_llm, prompts, history, "Hvem er det for?") == "Hvilken aldersgruppe er HFU for?"
    (message,) = fake_llm.last_messages  # the answering rules (system prompt) do not apply here
    assert "Bruker: Hva er HFU?" in (message.content or "") and "Hvem er det for?" in (message.content or "")


def test_condense_with_only_a_label_is_backend_unavailable(fake_llm: FakeLLM, prompts: PromptSet) -> None:
    fake_llm.enqueue("Spørsmål:")
    with pytest.raises(BackendUnavailable, match="tomt svar"):
        condense_question(fake_llm, prompts, [], "Hvem?")


def test_summarize_points_sends_theme_and_points(fake_llm: FakeLLM, prompts: PromptSet) -> None:
    fake_llm.enqueue("Mer frivillighet [1].")
    assert (
        summarize_points(fake_llm, prompts, "frivillighet", "A:\n  - Mer frivillighet [1]") == "Mer frivillighet [1]."
    )
    assert "Tema: frivillighet" in fake_llm.last_prompt and "  - Mer frivillighet [1]" in fake_llm.last_prompt


def test_the_fake_llm_fails_loudly_when_not_scripted(fake_llm: FakeLLM, prompts: PromptSet) -> None:
    with pytest.raises(AssertionError, match="no reply enqueued"):
        generate_answer(fake_llm, prompts, "Hvem?", PASSAGES)
    assert FakeLLM(default_reply="ok").complete("x").text == "ok"
    fake_llm.enqueue("a b c")
    assert [r.delta for r in fake_llm.stream_complete("p")] == ["a ", "b ", "c"]
    assert fake_llm.pending == 0 and fake_llm.prompts[-1] == "p"
