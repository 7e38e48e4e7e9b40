"""Session fixtures of the browser tests: one app server and one headless Chromium for every module."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.common import ADMIN_KEY, ARGS, ARTIFACTS, CHROMIUM, free_port


@pytest.fixture(scope="session")
def base_url(fake_assistant: Any) -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian chromium is missing (/usr/bin/chromium): `apt-get install -y chromium` or `make browser-deps`"
        )
    import uvicorn
    from pydantic import SecretStr

    from eval.ui_view import evaluate_for_ui, latest_for_ui
    from tests.api.conftest import with_settings
    from web.api import create_app
    from web.ui_types import Evaluator

    port = free_port()
    assistant = with_settings(fake_assistant, admin_api_key=SecretStr(ADMIN_KEY))
    config = uvicorn.Config(
        create_app(assistant=assistant, evaluator=Evaluator(run=evaluate_for_ui, latest=latest_for_ui)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser(base_url: str) -> Iterator[Any]:
    """One headless Chromium for the session (each module opens its own context and page)."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call" and report.failed:
        page = getattr(item, "funcargs", {}).get("page")
        if page is not None and not page.is_closed():  # what the page showed when the test failed
            with contextlib.suppress(Exception):
                page.screenshot(path=str(ARTIFACTS / f"failed-{item.name}.png"), full_page=True)
    return report
