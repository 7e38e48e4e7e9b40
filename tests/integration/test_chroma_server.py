"""Chroma server mode: a real `chroma run` on loopback, ingest into it over HTTP, search it."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from index.builder import ingest
from index.config import ChromaConfig, EmbeddingConfig, IndexConfig
from index.embedding import FakeEmbedding
from index.reader import KnowledgeIndex
from tests.support.net import free_port
from tests.support.processes import start_chroma, stop

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    port = free_port()
    proc = start_chroma(tmp_path_factory.mktemp("chroma-server"), port)
    try:
        yield "127.0.0.1", port
    finally:
        stop(proc)


def server_config(tmp_path: Path, host: str, port: int) -> IndexConfig:
    return IndexConfig(
        data_dir=tmp_path / "data",
        corpus_dir=ROOT / "corpus",
        embedding=EmbeddingConfig(backend="fake"),
        chroma=ChromaConfig(mode="http", host=host, port=port),
    )


def test_ingest_and_search_through_chroma_server(chroma_server: tuple[str, int], tmp_path: Path) -> None:
    host, port = chroma_server
    config = server_config(tmp_path, host, port)
    report = ingest(config, FakeEmbedding())
    assert report.nodes_added > 0
    index = KnowledgeIndex.open(config, FakeEmbedding())
    assert index.store.count() == len(index.nodes)
    hits = index.dense_search("Uteteam oppsøkende arbeid blant ungdom", 5)
    assert hits and all(nid in index.nodes for nid, _ in hits)
    again = ingest(config, FakeEmbedding())
    assert again.unchanged and again.embeddings_computed == 0
    # The collection lives on the server: the embedded store folder was never created.
    assert not (tmp_path / "data" / "chroma").exists()


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    from ingest.errors import StoreUnavailable

    config = server_config(tmp_path, "127.0.0.1", free_port())
    with pytest.raises(StoreUnavailable, match="not available"):
        ingest(config, FakeEmbedding())


def test_two_api_processes_answer_from_one_chroma_server(chroma_server: tuple[str, int], tmp_path: Path) -> None:
    """Scale-out: ingest into the server once, then two separate API processes answer from it."""
    host, port = chroma_server
    data_dir = tmp_path / "shared-data"
    env = {
        "PATH": "/usr/bin:/bin",
        "HF_HUB_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "VEIVISER_INDEX__CHROMA__MODE": "http",
        "VEIVISER_INDEX__CHROMA__HOST": host,
        "VEIVISER_INDEX__CHROMA__PORT": str(port),
        "VEIVISER_INDEX__EMBEDDING__BACKEND": "fake",
        "VEIVISER_INDEX__DATA_DIR": str(data_dir),
        "VEIVISER_INDEX__CORPUS_DIR": str(ROOT / "corpus"),
    }
    python = sys.executable
    subprocess.run([python, str(ROOT / "app.py"), "ingest"], env=env, check=True, capture_output=True, timeout=300)
    ports = [free_port(), free_port()]
    procs = [
        subprocess.Popen(
            [python, str(ROOT / "app.py"), "serve", "--host", "127.0.0.1", "--port", str(p)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for p in ports
    ]
    try:
        answers = []
        for p in ports:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{p}/api/v1/readyz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "API process did not become ready"
                time.sleep(0.5)
            response = httpx.post(
                f"http://127.0.0.1:{p}/api/v1/ask", json={"question": "Hva er Ungdomstorget?"}, timeout=60
            )
            assert response.status_code == 200
            answers.append(response.json())
        assert answers[0]["citations"] and answers[0]["answer"] == answers[1]["answer"]
        assert not (data_dir / "chroma").exists()  # both read the server, not an embedded store
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=20)
