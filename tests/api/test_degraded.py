"""Faults in-process: the vector store unreachable (answers degraded, never 500), and a generation
committed by another writer (the server follows it without a restart). The same faults with real
processes (a killed and stopped `chroma run`, a killed rebuild) are in tests/faults/."""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.facade import Assistant
from index.config import ChromaConfig
from index.store import ServedStore
from tests.support.net import free_port
from web.api import create_app

API = "/api/v1"
CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def store_down(api_assistant: Any) -> Any:
    """The API's assistant with its vectors in a Chroma server that is not there."""
    index = copy.copy(api_assistant.index)
    config = ChromaConfig(mode="http", port=free_port(), timeout_s=0.5, retry_after_s=0.2)
    index.store = ServedStore(config, index.store._data_dir, index.manifest.store_name)
    return Assistant(index, api_assistant.settings, api_assistant.prompts, api_assistant.llm)


def test_store_down_answers_from_bm25_and_says_so(store_down: Any) -> None:
    with TestClient(create_app(assistant=store_down, mount_ui=False)) as client:
        search = client.post(f"{API}/search", json={"query": "Hva er Ungdomstorget?"})
        assert search.status_code == 200 and search.json()["degraded"] is True and search.json()["passages"]
        ask = client.post(f"{API}/ask", json={"question": "Hva er Ungdomstorget?"})
        body = ask.json()
        assert ask.status_code == 200 and body["degraded"] is True and body["citations"]
        assert "ordsøk" in body["degraded_notice"]
        english = client.post(f"{API}/ask", json={"question": "What is Ungdomstorget?"}).json()
        assert english["degraded"] is True and "word search" in english["degraded_notice"]
        situation = client.post(f"{API}/ask", json={"question": "Sønnen min på 14 røyker hasj. Hvor får vi hjelp?"})
        assert situation.status_code == 200 and situation.json()["degraded"] is True
        assert situation.json()["services"], "the finder's vectors come with the generation"
        finder = client.post(f"{API}/services", json={"situation": "Sønnen min på 14 røyker hasj"})
        assert finder.status_code == 200 and finder.json()["degraded"] is False and finder.json()["groups"]
        dense = client.post(f"{API}/search", json={"query": "Ungdomstorget", "mode": "dense"})
        assert dense.status_code == 503 and "Chroma" in dense.json()["detail"]
        ready = client.get(f"{API}/readyz")
        assert ready.status_code == 200 and ready.json()["ready"] and ready.json()["degraded"] is True
        assert any("Chroma" in r for r in ready.json()["reasons"])
        stream = client.post(f"{API}/chat/stream", json={"question": "Hva er Ungdomstorget?"}).text
        assert '"degraded": true' in stream.split("event: done")[1]


def test_store_down_costs_one_timeout_then_fails_fast(store_down: Any) -> None:
    store = store_down.index.store
    store.probe()
    started = time.perf_counter()
    for _ in range(20):
        store_down.search("Hva er Ungdomstorget?")
    assert time.perf_counter() - started < 5  # 20 searches, not 20 timeouts of 0.5 s… plus retries every 0.2 s


def test_healthy_store_is_not_degraded(client: TestClient) -> None:
    body = client.get(f"{API}/readyz").json()
    assert body["degraded"] is False and body["reasons"] == [] and body["vector_store"] == "svarer"
    assert client.post(f"{API}/search", json={"query": "Ungdomstorget"}).json()["degraded"] is False


def test_server_follows_a_generation_committed_by_another_writer(tmp_path: Path) -> None:
    from assistant import wiring
    from assistant.settings import APIConfig, Settings
    from index.builder import ingest
    from index.config import EmbeddingConfig, IndexConfig
    from index.embedding import FakeEmbedding

    settings = Settings(
        index=IndexConfig(data_dir=tmp_path / "data", corpus_dir=CORPUS, embedding=EmbeddingConfig(backend="fake")),
        api=APIConfig(reload_interval_s=0.2),
    )
    assistant = wiring.build_assistant(settings)
    with TestClient(create_app(assistant=assistant, mount_ui=False)) as client:
        before = client.get(f"{API}/readyz").json()["index"]
        ingest(settings.index, FakeEmbedding(), rebuild=True)  # what `app.py ingest --rebuild` does elsewhere
        deadline = time.monotonic() + 30
        while client.get(f"{API}/readyz").json()["index"]["generation"] == before["generation"]:
            assert client.post(f"{API}/search", json={"query": "Ungdomstorget"}).status_code == 200
            assert time.monotonic() < deadline, "the server never reopened the index"
            time.sleep(0.1)
        after = client.get(f"{API}/readyz").json()["index"]
        assert after["store_collection"] != before["store_collection"]
        response = client.post(f"{API}/search", json={"query": "Ungdomstorget"})
        assert response.status_code == 200 and response.json()["degraded"] is False and response.json()["passages"]


def test_a_broken_corpus_never_stops_serving(tmp_path: Path) -> None:
    """An emptied corpus file: the server still starts on the last good index, /readyz names the file,
    and /admin/ingest answers 422 naming it (nothing stored is lost)."""
    import shutil

    from pydantic import SecretStr

    from assistant import wiring
    from assistant.settings import APIConfig, Settings
    from index.config import EmbeddingConfig, IndexConfig

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = Settings(
        index=IndexConfig(data_dir=tmp_path / "data", corpus_dir=corpus, embedding=EmbeddingConfig(backend="fake")),
        api=APIConfig(admin_api_key=SecretStr("a-long-enough-test-admin-key")),
    )
    wiring.build_assistant(settings)  # the last good index
    broken = next(corpus.glob("*.txt"))
    broken.write_text("", encoding="utf-8")
    assistant = wiring.build_assistant(settings)  # a restart: serves, does not crash-loop
    assert assistant.index.corpus_problem and broken.name in assistant.index.corpus_problem
    with TestClient(create_app(assistant=assistant, mount_ui=False)) as client:
        ready = client.get(f"{API}/readyz")
        assert ready.status_code == 200 and broken.name in ready.json()["corpus"]
        assert client.post(f"{API}/ask", json={"question": "Hva er Ungdomstorget?"}).json()["citations"]
        ingest = client.post(f"{API}/admin/ingest", headers={"X-API-Key": "a-long-enough-test-admin-key"})
        assert ingest.status_code == 422 and broken.name in ingest.json()["detail"]
        assert client.post(f"{API}/search", json={"query": "Ungdomstorget"}).json()["passages"]
