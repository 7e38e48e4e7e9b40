"""Shared fixtures: offline environment, isolated data folders, fake and real embedders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

# The LLM fakes (fake_llm, fake_openai) are fixtures for every test.
pytest_plugins = ["tests.support.fixtures"]

ROOT = Path(__file__).resolve().parents[1]
# Passage vectors of the real model, kept across test runs (keyed by text and embedder, so a changed
# passage or model is embedded anew): the integration tests then re-embed nothing that is unchanged.
EMBEDDING_CACHE = ROOT / ".cache" / "test-embeddings.sqlite"
CORPUS = ROOT / "corpus"
MODEL_DIR = ROOT / "models" / "multilingual-e5-small"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's environment settings or writes outside tmp folders."""
    for key in list(os.environ):
        if key.startswith("VEIVISER_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("VEIVISER_ENVIRONMENT", "test")


@pytest.fixture
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture
def fake_index_config(tmp_path: Path):  # type: ignore[no-untyped-def]
    """An IndexConfig on the real corpus with the fake embedder, in a temporary data folder."""
    from index.config import EmbeddingConfig, IndexConfig

    return IndexConfig(data_dir=tmp_path / "data", corpus_dir=CORPUS, embedding=EmbeddingConfig(backend="fake"))


@pytest.fixture(scope="session")
def e5_model_dir() -> Path:
    """The converted multilingual-e5-small directory, built once per machine."""
    from index.e5_conversion import ensure_model

    return ensure_model(MODEL_DIR)


@pytest.fixture(scope="session")
def e5_embed_model(e5_model_dir: Path) -> Iterator[object]:
    """The real embedder (llama-index HuggingFaceEmbedding over the converted model), loaded once."""
    from index.config import EmbeddingConfig
    from index.embedding import build_embed_model

    yield build_embed_model(EmbeddingConfig(model=str(e5_model_dir)))


@pytest.fixture(scope="session")
def e5_assistant(e5_model_dir: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The real assistant: converted e5-small, embedded Chroma, the real corpus (built once a session)."""
    from assistant import wiring
    from assistant.settings import Settings
    from index.config import EmbeddingConfig, IndexConfig

    settings = Settings(
        index=IndexConfig(
            data_dir=tmp_path_factory.mktemp("e5-data"),
            corpus_dir=CORPUS,
            embedding=EmbeddingConfig(model=str(e5_model_dir)),
            embedding_cache=EMBEDDING_CACHE,
        )
    )
    return wiring.build_assistant(settings)


@pytest.fixture(scope="session")
def fake_assistant(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The assistant on the fake embedder (fast), for API and UI tests."""
    from assistant import wiring
    from assistant.settings import Settings
    from index.config import EmbeddingConfig, IndexConfig

    settings = Settings(
        index=IndexConfig(
            data_dir=tmp_path_factory.mktemp("fake-data"),
            corpus_dir=CORPUS,
            embedding=EmbeddingConfig(backend="fake"),
        )
    )
    return wiring.build_assistant(settings)
