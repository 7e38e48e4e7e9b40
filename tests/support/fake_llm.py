"""A scripted fake llama-index LLM, in the manner of simonw/llm's mock model.

    llm = FakeLLM()
    llm.enqueue("Ungdomstorget er for unge [1].")        # next reply
    llm.enqueue_error(httpx.ConnectError("nede"))         # next call raises (→ BackendUnavailable)
    ... code under test calls llm.chat / llm.complete / llm.stream_chat ...
    assert "Ungdomstorget" in llm.last_prompt             # what the model was asked

Replies are consumed in order by any kind of call. With nothing enqueued a call fails loudly
(AssertionError) unless `default_reply` is set, so a test never passes on an unplanned LLM call.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from typing import Any

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.llms import CustomLLM
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from pydantic import Field, PrivateAttr

_TOKENS = re.compile(r"\S+\s*|\s+")


class FakeLLM(CustomLLM):
    """Returns enqueued replies (or raises enqueued errors) and records every prompt it receives."""

    default_reply: str | None = Field(default=None, description="Reply when nothing is enqueued; None = fail.")
    model_name: str = Field(default="fake-llm")

    _script: deque[str | BaseException] = PrivateAttr(default_factory=deque)
    _prompts: list[str] = PrivateAttr(default_factory=list)
    _messages: list[list[ChatMessage]] = PrivateAttr(default_factory=list)
    _calls: list[str] = PrivateAttr(default_factory=list)

    # -- scripting ---------------------------------------------------------------------------
    def enqueue(self, *texts: str) -> FakeLLM:
        """Script the next replies, one per call, in order."""
        self._script.extend(texts)
        return self

    def enqueue_error(self, error: BaseException) -> FakeLLM:
        """Script the next call to raise `error` (e.g. httpx.ConnectError, openai.APITimeoutError)."""
        self._script.append(error)
        return self

    @property
    def pending(self) -> int:
        """Replies and errors not consumed yet."""
        return len(self._script)

    # -- what was asked ----------------------------------------------------------------------
    @property
    def prompts(self) -> list[str]:
        """Every prompt received, in order (chat messages rendered as `role: content` lines)."""
        return list(self._prompts)

    @property
    def last_prompt(self) -> str:
        assert self._prompts, "FakeLLM was never called"
        return self._prompts[-1]

    @property
    def messages(self) -> list[list[ChatMessage]]:
        """The message lists of chat calls, in order."""
        return list(self._messages)

    @property
    def last_messages(self) -> list[ChatMessage]:
        assert self._messages, "FakeLLM.chat / stream_chat was never called"
        return self._messages[-1]

    @property
    def calls(self) -> list[str]:
        """Kinds of call received: 'chat', 'stream_chat', 'complete', 'stream_complete'."""
        return list(self._calls)

    # -- llama-index LLM interface -------------------------------------------------------------
    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(context_window=8192, num_output=700, is_chat_model=True, model_name=self.model_name)

    def _next(self, kind: str, prompt: str) -> str:
        self._calls.append(kind)
        self._prompts.append(prompt)
        if self._script:
            item = self._script.popleft()
            if isinstance(item, BaseException):
                raise item
            return item
        if self.default_reply is not None:
            return self.default_reply
        raise AssertionError(f"FakeLLM: {kind} called with no reply enqueued; prompt was:\n{prompt}")

    @staticmethod
    def _render(messages: Sequence[ChatMessage]) -> str:
        return "\n".join(f"{m.role.value}: {m.content or ''}" for m in messages)

    @staticmethod
    def _tokens(text: str) -> list[str]:
        return _TOKENS.findall(text)

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        self._messages.append(list(messages))
        text = self._next("chat", self._render(messages))
        return ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text))

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        self._messages.append(list(messages))
        # The reply (or error) is taken when the stream is consumed, as a real client fails then.
        prompt = self._render(messages)

        def gen() -> ChatResponseGen:
            text = ""
            for token in self._tokens(self._next("stream_chat", prompt)):
                text += token
                yield ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text), delta=token)

        return gen()

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text=self._next("complete", prompt))

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        def gen() -> CompletionResponseGen:
            text = ""
            for token in self._tokens(self._next("stream_complete", prompt)):
                text += token
                yield CompletionResponse(text=text, delta=token)

        return gen()
