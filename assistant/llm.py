"""The LLM edge: any OpenAI-compatible server through llama-index's OpenAILike, or none.

Every failure to get an answer (connection refused, timeout, an HTTP error status, a stream that
breaks off, empty output) becomes `BackendUnavailable`, so callers fall back to the extractive
composer and say why. Programming errors are not swallowed. llama-index and the openai client are
imported on first use, not at import (importing them costs seconds).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING, TypeVar

import httpx

from assistant.prompts import PromptSet
from assistant.settings import LLMConfig
from assistant.types import ChatTurn, Passage
from ingest.errors import BackendUnavailable

if TYPE_CHECKING:
    from llama_index.core.base.llms.types import ChatMessage
    from llama_index.core.llms import LLM

# Readiness checks must answer fast even when generation is allowed to be slow.
CHECK_TIMEOUT_S = 5.0
# A condensed question is one line; labels a model may put before it.
_QUESTION_LABEL = re.compile(r"^\s*(?:\*\*)?(?:selvstendig\s+)?spørsmål\s*:\s*(?:\*\*)?\s*", re.I)


T = TypeVar("T")
# Below this much time left in a request's LLM budget a call is not started.
MIN_CALL_S = 0.5


class LLMGate:
    """At most `max_concurrent` LLM calls at once, and one deadline per request across all its calls.

    A call past either limit raises BackendUnavailable at once, so the caller answers extractively: a hung or
    overloaded LLM server never holds the request workers (and with them the health routes) hostage. A call
    that overruns the deadline is left to finish in the background on its slot, so the slots count what the
    LLM server is really doing."""

    def __init__(self, config: LLMConfig) -> None:
        self.deadline_s = config.deadline_s
        self._slots = threading.BoundedSemaphore(config.max_concurrent)

    def deadline(self) -> float:
        """A new request's deadline (monotonic seconds)."""
        return time.monotonic() + self.deadline_s

    def call(self, fn: Callable[[], T], deadline: float) -> T:
        """fn() on a slot, waiting at most until the deadline."""
        remaining = deadline - time.monotonic()
        if remaining < MIN_CALL_S:
            raise BackendUnavailable("tidsfristen for språkmodellen er brukt opp")
        if not self._slots.acquire(blocking=False):
            raise BackendUnavailable("språkmodellen er opptatt med andre forespørsler")
        result: Future[T] = Future()

        def run() -> None:
            try:
                result.set_result(fn())
            except BaseException as exc:  # handed to the waiting caller
                result.set_exception(exc)
            finally:
                self._slots.release()

        threading.Thread(target=run, name="veiviser-llm", daemon=True).start()
        try:
            return result.result(timeout=remaining)
        except FutureTimeout as exc:
            raise BackendUnavailable("tidsavbrudd: språkmodellen svarte ikke innen fristen") from exc

    def stream(self, open_stream: Callable[[], Iterator[str]], deadline: float) -> Iterator[str]:
        """The deltas of a stream on a slot; stops with BackendUnavailable when the deadline passes."""
        if deadline - time.monotonic() < MIN_CALL_S:
            raise BackendUnavailable("tidsfristen for språkmodellen er brukt opp")
        if not self._slots.acquire(blocking=False):
            raise BackendUnavailable("språkmodellen er opptatt med andre forespørsler")
        try:
            for delta in open_stream():
                yield delta
                if time.monotonic() > deadline:
                    raise BackendUnavailable("tidsavbrudd: språkmodellen svarte ikke innen fristen")
        finally:
            self._slots.release()


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
        timeout=min(config.timeout_s, config.deadline_s),
        # Fail fast: the caller has a fallback, and llama-index waits >= 4 s between retries.
        max_retries=0,
        context_window=config.context_window,
        is_chat_model=True,
        is_function_calling_model=False,
    )


def describe_failure(exc: BaseException) -> str:
    """A short Norwegian reason for a failed LLM call (shown in `backend_error`)."""
    import openai

    if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException):
        return "tidsavbrudd: språkmodellen svarte ikke i tide"
    if isinstance(exc, openai.APIConnectionError | httpx.TransportError):
        return "får ikke kontakt med språkmodelltjeneren"
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        if status in (401, 403):
            return f"HTTP {status} fra språkmodelltjeneren (sjekk API-nøkkelen)"
        if status == 404:
            return "HTTP 404 fra språkmodelltjeneren (sjekk adressen og modellnavnet)"
        return f"HTTP {status} fra språkmodelltjeneren"
    return f"feil fra språkmodelltjeneren ({type(exc).__name__})"


def _backend_errors() -> tuple[type[BaseException], ...]:
    import openai

    # OpenAIError covers connection, timeout and status errors; httpx errors can escape a stream.
    return (openai.OpenAIError, httpx.HTTPError)


def _messages(prompts: PromptSet, user: str, with_system: bool = True) -> list[ChatMessage]:
    from llama_index.core.base.llms.types import ChatMessage, MessageRole

    messages = [ChatMessage(role=MessageRole.USER, content=user)]
    if with_system:
        messages.insert(0, ChatMessage(role=MessageRole.SYSTEM, content=prompts.render_system()))
    return messages


def _chat(llm: LLM, messages: list[ChatMessage]) -> str:
    try:
        response = llm.chat(messages)
    except _backend_errors() as exc:
        raise BackendUnavailable(describe_failure(exc)) from exc
    text = (response.message.content or "").strip()
    if not text:
        raise BackendUnavailable("tomt svar fra språkmodellen")
    return text


def generate_answer(llm: LLM, prompts: PromptSet, question: str, passages: Sequence[Passage]) -> str:
    """The LLM's cited answer over the numbered passages (citations not yet validated)."""
    return _chat(llm, _messages(prompts, prompts.render_answer(question, passages)))


def stream_answer(llm: LLM, prompts: PromptSet, question: str, passages: Sequence[Passage]) -> Iterator[str]:
    """Token deltas of the answer; BackendUnavailable if the stream cannot start, breaks off or is empty.

    Leading whitespace-only deltas are held back, so an empty reply raises before anything is yielded.
    A stream of OpenAI chunks that ends without a `finish_reason` was cut off (the server or the
    connection died) and raises too, after the deltas already given.
    """
    messages = _messages(prompts, prompts.render_answer(question, passages))
    pending = ""
    started = False
    openai_chunks = finished = False
    try:
        for chunk in llm.stream_chat(messages):
            choices = getattr(chunk.raw, "choices", None)
            if choices is not None:
                openai_chunks = True
                finished = finished or any(getattr(c, "finish_reason", None) for c in choices)
            delta = chunk.delta or ""
            if not delta:
                continue
            if not started:
                pending += delta
                if not pending.strip():
                    continue
                delta, started = pending.lstrip(), True
            yield delta
    except _backend_errors() as exc:
        raise BackendUnavailable(describe_failure(exc)) from exc
    if not started:
        raise BackendUnavailable("tomt svar fra språkmodellen")
    if openai_chunks and not finished:
        raise BackendUnavailable("svaret fra språkmodellen ble avbrutt underveis")


def condense_question(llm: LLM, prompts: PromptSet, history: Sequence[ChatTurn], question: str) -> str:
    """One stand-alone question from a follow-up and the conversation so far."""
    # No system prompt: its "answer only from passages / say INGEN_KILDE" rules do not apply here.
    text = _chat(llm, _messages(prompts, prompts.render_condense(history, question), with_system=False))
    for line in text.splitlines():
        candidate = _QUESTION_LABEL.sub("", line).strip().strip("\"'«»“”*").strip()
        if candidate:
            return candidate
    raise BackendUnavailable("tomt svar fra språkmodellen")


def summarize_points(llm: LLM, prompts: PromptSet, theme: str, points_text: str) -> str:
    """A cited prose summary of numbered workshop points (citations not yet validated)."""
    return _chat(llm, _messages(prompts, prompts.render_summary(theme, points_text)))


def check_backend(config: LLMConfig) -> tuple[bool, str]:
    """Readiness: (reachable, detail) from GET {base_url}/models with a short timeout."""
    if config.backend == "none":
        return True, "ingen språkmodell konfigurert (uttrekkende modus)"
    url = f"{config.base_url.rstrip('/')}/models"
    headers = {"Authorization": f"Bearer {config.api_key.get_secret_value()}"}
    try:
        response = httpx.get(url, headers=headers, timeout=min(config.timeout_s, CHECK_TIMEOUT_S))
    except httpx.HTTPError as exc:
        return False, f"språkmodellen svarer ikke på {url} ({type(exc).__name__})"
    if response.status_code >= 400:
        return False, f"språkmodellen svarer ikke som forventet: HTTP {response.status_code} fra {url}"
    try:
        models = [str(m.get("id")) for m in response.json().get("data", []) if isinstance(m, dict)]
    except (ValueError, AttributeError):
        return False, f"språkmodellen svarer ikke som forventet: {url} ga ikke en modelliste (JSON)"
    if models and config.model not in models:
        # llama.cpp and Ollama accept any name; vLLM needs an exact one. Reachable, but say so.
        return True, f"språkmodellen svarer, men modellen «{config.model}» er ikke i listen ({', '.join(models[:5])})"
    return True, "språkmodellen svarer"
