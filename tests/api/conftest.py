"""An API client over the real assistant (fake embedder, real corpus, real Chroma)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from web.api import create_app

ADMIN_KEY = "a-long-enough-test-admin-key"


def with_settings(assistant: Any, **api: Any) -> Any:
    """A new Assistant on the same index with changed API settings (the session assistant is shared)."""

    settings = assistant.settings.model_copy(update={"api": assistant.settings.api.model_copy(update=api)})
    return assistant.rebuilt(settings=settings)


@pytest.fixture(scope="session")
def api_assistant(fake_assistant):  # type: ignore[no-untyped-def]
    return with_settings(fake_assistant, admin_api_key=SecretStr(ADMIN_KEY))


@pytest.fixture(scope="session")
def client(api_assistant) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    app = create_app(assistant=api_assistant, mount_ui=False)
    with TestClient(app) as test_client:
        yield test_client
