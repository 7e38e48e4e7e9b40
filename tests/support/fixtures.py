"""Pytest fixtures for the LLM fakes; the root conftest imports them so every test can use them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fake_llm import FakeLLM
from tests.support.fake_openai_server import FakeOpenAI


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A fresh OpenAI-compatible server on 127.0.0.1 (free port), stopped after the test."""
    server = FakeOpenAI().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_llm() -> FakeLLM:
    """A scripted llama-index LLM: `fake_llm.enqueue("svar [1]")`, then assert on `fake_llm.last_prompt`."""
    return FakeLLM()
