"""The LLM edge: any OpenAI-compatible server through llama-index's OpenAILike, or none.

Every failure (connection refused, timeout, HTTP error, empty output) becomes BackendUnavailable,
so callers fall back to the extractive composer and say so.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import httpx
from llama_index.core.base.llms.types import ChatMessage, MessageRole
from llama_index.core.llms import LLM

from assistant.prompts import PromptSet
from assistant.settings import LLMConfig
from assistant.types import ChatTurn, Passage


class BackendUnavailable(RuntimeError):
    """The LLM server could not give an answer (down, slow, erroring or empty)."""


def build_llm(config: LLMConfig) -> LLM | None:
    """The configured LLM client, or None for the embedded extractive mode. No network here."""
    if config.backend == "none":
        return None
    from llama_index.llms.openai_like import OpenAILike

    return OpenAILike(
        model=config.model,
        api_base=config.base_url,
        api_key=config.api_key.get_secret_value(),
        temperature=config.temperature,
        max_tokens=config.max_tokens,
        timeout=config.timeout_s,
        max_retries=0,
        context_window=config.context_window,
        is_chat_model=True,
        is_function_calling_model=False,
    )


def _messages(prompts: PromptSet, user: str) -> list[ChatMessage]:
    return [
        ChatMessage(role=MessageRole.SYSTEM, content=prompts.render_system()),
        ChatMessage(role=MessageRole.USER, content=user),
    ]


def _chat(llm: LLM, messages: list[ChatMessage]) -> str:
    try:
        response = llm.chat(messages)
    except Exception as exc:  # openai/httpx raise many types; all mean "no answer"
        raise BackendUnavailable(_describe(exc)) from exc
    text = (response.message.content or "").strip()
    if not text:
        raise BackendUnavailable("tomt svar fra språkmodellen")
    return text


def _describe(exc: Exception) -> str:
    name = type(exc).__name__
    if "Timeout" in name:
        return "tidsavbrudd"
    if "Connection" in name:
        return "får ikke kontakt med tjeneren"
    status = getattr(exc, "status_code", None)
    return f"HTTP {status}" if status else name


def generate_answer(llm: LLM, prompts: PromptSet, question: str, passages: Sequence[Passage]) -> str:
    return _chat(llm, _messages(prompts, prompts.render_answer(question, passages)))


def stream_answer(llm: LLM, prompts: PromptSet, question: str, passages: Sequence[Passage]) -> Iterator[str]:
    """Token deltas; BackendUnavailable if the stream cannot start or breaks off."""
    messages = _messages(prompts, prompts.render_answer(question, passages))
    produced = False
    try:
        for chunk in llm.stream_chat(messages):
            delta = chunk.delta or ""
            if delta:
                produced = True
                yield delta
    except Exception as exc:
        raise BackendUnavailable(_describe(exc)) from exc
    if not produced:
        raise BackendUnavailable("tomt svar fra språkmodellen")


def condense_question(llm: LLM, prompts: PromptSet, history: Sequence[ChatTurn], question: str) -> str:
    text = _chat(llm, [ChatMessage(role=MessageRole.USER, content=prompts.render_condense(history, question))])
    return text.splitlines()[0].strip().strip('"«»')


def summarize_points(llm: LLM, prompts: PromptSet, theme: str, points: str) -> str:
    return _chat(llm, _messages(prompts, prompts.render_summary(theme, points)))


def check_backend(config: LLMConfig) -> tuple[bool, str]:
    """Readiness: (reachable, detail) from GET {base_url}/models."""
    if config.backend == "none":
        return True, "ingen språkmodell konfigurert (uttrekkende modus)"
    headers: dict[str, Any] = {"Authorization": f"Bearer {config.api_key.get_secret_value()}"}
    try:
        response = httpx.get(
            f"{config.base_url.rstrip('/')}/models", headers=headers, timeout=min(config.timeout_s, 5.0)
        )
    except httpx.HTTPError as exc:
        return False, f"språkmodellen svarer ikke ({type(exc).__name__})"
    if response.status_code >= 400:
        return False, f"språkmodellen svarte HTTP {response.status_code}"
    return True, "språkmodellen svarer"
