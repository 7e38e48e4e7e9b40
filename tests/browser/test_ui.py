"""The UI in headless Chromium: chat with sources, the service finder and the summary tab; screenshots saved."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.net import free_port

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def base_url(fake_assistant) -> Iterator[str]:  # type: ignore[no-untyped-def]
    import uvicorn

    from web.api import create_app

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(assistant=fake_assistant), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(base_url: str):  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (/usr/bin/chromium); run `make browser-deps`")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1200, "height": 1000})
        page = context.new_page()
        page.goto(f"{base_url}/ui/", wait_until="domcontentloaded")
        page.get_by_label("Spørsmålet ditt", exact=True).wait_for(timeout=60000)
        yield page
        browser.close()


def open_tab(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("tab", name=name).click()


def test_chat_shows_answer_and_sources(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Spørsmålet ditt", exact=True).fill("Hva er Ungdomstorget?")
    page.get_by_role("button", name="Spør").click()
    sources = page.locator("#sources")
    sources.get_by_text("[1]", exact=False).first.wait_for(timeout=30000)
    assert "Ungdomstorg" in page.locator("#chat").inner_text()
    assert "Oppvekstreformen" in sources.inner_text() or "Rapport fra politisk" in sources.inner_text()
    page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)


def test_refusal_is_shown_plainly(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Spørsmålet ditt", exact=True).fill("Hva er telefonnummeret til helsestasjonen?")
    page.get_by_role("button", name="Spør").click()
    page.locator("#chat").get_by_text("Ikke i dokumentene", exact=False).wait_for(timeout=30000)


def test_service_finder_table(page) -> None:  # type: ignore[no-untyped-def]
    open_tab(page, "Tiltaksfinner")
    page.get_by_label("Beskriv situasjonen", exact=True).fill("ungdom som ruser seg og skulker")
    page.get_by_role("button", name="Finn tiltak").click()
    page.get_by_text("tiltak fra", exact=False).wait_for(timeout=30000)
    table_text = page.locator("#measures").inner_text()
    assert "Tjeneste" in table_text and "Vedlegg 2" in table_text
    page.screenshot(path=str(ARTIFACTS / "tiltaksfinner.png"), full_page=True)


def test_summary_tab(page) -> None:  # type: ignore[no-untyped-def]
    open_tab(page, "Verkstedoppsummering")
    page.get_by_label("Tema", exact=True).fill("frivillighet")
    page.get_by_role("button", name="Oppsummer").click()
    page.locator("#summary").get_by_text("Kilder", exact=False).wait_for(timeout=30000)
    text = page.locator("#summary").inner_text()
    assert "Barnevernspolitikk" in text and "[1]" in text
    page.screenshot(path=str(ARTIFACTS / "verkstedoppsummering.png"), full_page=True)


def test_evaluation_tab_and_phone_width(page) -> None:  # type: ignore[no-untyped-def]
    open_tab(page, "Evaluering")
    page.screenshot(path=str(ARTIFACTS / "evaluering.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    open_tab(page, "Chat")
    assert page.get_by_label("Spørsmålet ditt", exact=True).is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
    page.screenshot(path=str(ARTIFACTS / "chat-mobil.png"), full_page=True)
