"""An API client over the real assistant (fake embedder, real corpus, real Chroma)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from web.api import create_app

ADMIN_KEY = "a-long-enough-test-admin-key"


@pytest.fixture(scope="session")
def api_assistant(fake_assistant):  # type: ignore[no-untyped-def]
    settings = fake_assistant.settings.model_copy(
        update={"api": fake_assistant.settings.api.model_copy(update={"admin_api_key": SecretStr(ADMIN_KEY)})}
    )
    fake_assistant.settings = settings
    return fake_assistant


@pytest.fixture(scope="session")
def client(api_assistant) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    app = create_app(assistant=api_assistant, mount_ui=False)
    with TestClient(app) as test_client:
        yield test_client
