"""The UI in headless Chromium (Debian package): chat with sources, safety notice and feedback,
the service finder, the workshop summary, the evaluation tab; a screenshot of each tab.

The app runs once per session (tests/browser/conftest.py); screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.common import (
    ADMIN_KEY,
    ARTIFACTS,
    ROOT,
    WAIT_MS,
    open_tab,
    record_csp_violations,
    ui_page,
    wait_for_live,
)

pytestmark = pytest.mark.browser
CSP_VIOLATIONS: list[str] = []


@pytest.fixture(scope="module")
def page(browser: Any, base_url: str) -> Iterator[Any]:
    # Every Content-Security-Policy violation of the whole module (checked by the last test).
    with ui_page(browser, base_url, {"width": 1200, "height": 1000}, CSP_VIOLATIONS) as page:
        yield page


def download(page: Any, component: str, name: str) -> bytes:
    """The bytes behind a gr.File component's download link."""
    link = page.locator(f'{component} a[download="{name}"]')
    link.wait_for(timeout=WAIT_MS)
    response = page.request.get(link.get_attribute("href"))
    assert response.ok
    return bytes(response.body())


def new_conversation(page: Any) -> None:
    page.get_by_role("button", name="Ny samtale").click()
    page.locator("#sources").get_by_text("vises her", exact=False).wait_for(timeout=WAIT_MS)


def ask(page: Any, question: str) -> None:
    box = page.get_by_label("Spørsmålet ditt", exact=True)
    box.fill(question)
    box.press("Enter")  # keyboard use: Enter sends


def test_root_redirects_to_the_ui(page: Any, base_url: str) -> None:
    assert page.url == f"{base_url}/ui/"
    assert page.title() == "Veiviser – Drammen kommune"


def test_chat_shows_answer_and_sources(page: Any) -> None:
    ask(page, "Hva er Ungdomstorget?")
    sources = page.locator("#sources")
    sources.get_by_text("[1]", exact=False).first.wait_for(timeout=WAIT_MS)
    assert "Ungdomstorg" in page.locator("#chat").inner_text()
    assert "[1]" in page.locator("#chat").inner_text()
    text = sources.inner_text()
    assert "Kilder" in text and "›" in text and "node " in text
    assert "Oppvekstreformen" in text or "Rapport fra politisk" in text
    assert not page.locator("#safety-notice .vv-notice").is_visible()
    page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)


def test_thumbs_up_is_saved_as_feedback(page: Any, fake_assistant: Any) -> None:
    from web.feedback import feedback_path

    path = feedback_path(fake_assistant.settings.index.data_dir)
    before = path.read_text(encoding="utf-8").count("\n") if path.exists() else 0
    page.locator("#chat").get_by_role("button", name="Like").last.click()
    page.locator("#feedback-status").get_by_text("Takk", exact=False).wait_for(timeout=WAIT_MS)
    # The file is shared with the session's API tests: the UI's records are the ones this test looks at (a
    # clean CI run once found two new lines here; the message shows them if it happens again).
    added = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[before:]]
    from_ui = [r for r in added if r["source"] == "ui"]
    assert len(from_ui) == 1, added
    record = from_ui[0]
    assert record["rating"] == "up" and record["question"] == "Hva er Ungdomstorget?"
    assert record["citations"] and "[1]" in record["answer"]


def test_typed_html_is_shown_as_text(page: Any) -> None:
    new_conversation(page)
    ask(page, "Hva er <b>Ungdomstorget</b>? <img src=x onerror=\"document.title='pwned'\">")
    chat = page.locator("#chat")
    chat.get_by_text("<b>Ungdomstorget</b>", exact=False).first.wait_for(timeout=WAIT_MS)
    wait_for_live(page, "#answer-live", "Nytt svar:")  # the answer is complete before the next test asks
    assert chat.locator("b", has_text="Ungdomstorget").count() == 0 and chat.locator("img[src=x]").count() == 0
    assert page.title() == "Veiviser – Drammen kommune"


def test_safety_notice_is_shown_first(page: Any) -> None:
    new_conversation(page)
    ask(page, "Pappa slår meg, hvor kan jeg få hjelp?")
    notice = page.locator("#safety-notice [role=alert]")
    notice.wait_for(timeout=WAIT_MS)
    assert "116 111" in notice.inner_text()
    page.locator("#sources").get_by_role("heading", name="Kilder").wait_for(timeout=WAIT_MS)
    page.screenshot(path=str(ARTIFACTS / "chat-sikkerhet.png"), full_page=False)


def test_situation_is_answered_with_service_cards(page: Any) -> None:
    new_conversation(page)
    page.get_by_label("Ansatt", exact=True).check()
    ask(page, "Sønnen min på 14 har begynt å røyke hasj. Hvor kan vi få hjelp?")
    cards = page.locator("#answer-services article.vv-card")
    cards.first.wait_for(timeout=WAIT_MS)
    assert cards.count() >= 3
    assert "Tiltaksfinneren" in page.locator("#chat").inner_text()
    assert any(level in cards.first.inner_text() for level in ("universell", "selektert", "indikert", "uten nivå"))
    page.get_by_label("Innbygger", exact=True).check()
    page.screenshot(path=str(ARTIFACTS / "chat-tjenester.png"), full_page=True)


def test_refusal_is_shown_plainly(page: Any) -> None:
    new_conversation(page)
    ask(page, "Hva er telefonnummeret til helsestasjonen?")
    page.locator("#chat").get_by_text("Ikke i dokumentene", exact=False).wait_for(timeout=WAIT_MS)
    page.locator("#sources").get_by_text("Ingen kilder", exact=False).wait_for(timeout=WAIT_MS)
    assert not page.locator("#safety-notice .vv-notice").is_visible()


def test_service_finder_cards_and_table(page: Any) -> None:
    open_tab(page, "Tiltaksfinner")
    situation = page.get_by_label("Beskriv situasjonen", exact=True)
    situation.fill("ungdom som ruser seg og skulker")
    page.get_by_role("button", name="Finn tiltak").click()
    page.locator("#finder-status").get_by_text("tiltak fra", exact=False).wait_for(timeout=WAIT_MS)
    cards = page.locator("#finder-cards article.vv-card")
    cards.first.wait_for(timeout=WAIT_MS)
    first = cards.first.inner_text()
    assert "Hvorfor:" in first and "Kilde:" in first and "[1]" in first
    assert any(level in first for level in ("universell", "selektert", "indikert", "uten nivå"))
    page.get_by_text("Tabellvisning og nedlasting").click()
    table_text = page.locator("#measures").inner_text()
    for header in ("Tjeneste", "Nivå", "Tiltak", "Roller", "Samarbeid", "Kilde"):
        assert header in table_text
    assert "Oppvekstreformen" in table_text and "Vedlegg 2" in table_text
    csv_text = download(page, "#measures-csv", "tiltak.csv").decode("utf-8-sig")
    assert csv_text.startswith("Tjeneste;Nivå;Tiltak;Roller;Samarbeid;Kilde")
    page.screenshot(path=str(ARTIFACTS / "tiltaksfinner.png"), full_page=True)


def test_service_finder_filters(page: Any) -> None:
    page.get_by_label("Beskriv situasjonen", exact=True).fill("")
    page.get_by_label("Tjeneste", exact=True).click()
    page.get_by_role("option", name="Uteteam", exact=True).click()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Finn tiltak").click()
    page.locator("#finder-status").get_by_text("fra 1 tjenester", exact=False).wait_for(timeout=WAIT_MS)
    assert page.locator("#finder-cards article.vv-card").count() == 1
    grid = page.locator("#measures [role=grid]")
    assert int(grid.get_attribute("aria-rowcount") or 0) - 1 >= 3  # header row + at least three measures
    text = grid.inner_text()
    assert "Uteteam" in text and "Skolehelsetjenesten" not in text and "Helsestasjon" not in text


def test_summary_tab(page: Any) -> None:
    open_tab(page, "Verkstedoppsummering")
    page.get_by_label("Tema", exact=True).fill("frivillighet")
    page.get_by_role("button", name="Oppsummer").click()
    summary = page.locator("#summary")
    summary.get_by_text("Kilder", exact=False).first.wait_for(timeout=WAIT_MS)
    text = summary.inner_text()
    assert "Barnevernspolitikk" in text and "Oppvekstpolitikk" in text and "[1]" in text
    markdown = download(page, "#summary-md", "verkstedoppsummering.md").decode("utf-8")
    assert markdown.startswith("# Oppsummering") and "[1]" in markdown
    page.screenshot(path=str(ARTIFACTS / "verkstedoppsummering.png"), full_page=True)


def test_theme_map_tab(page: Any) -> None:
    open_tab(page, "Temakart")
    page.get_by_role("button", name="Vis temakartet").click()
    page.locator("#theme-heatmap img").wait_for(timeout=90000)
    table = page.locator("#theme-table").inner_text()
    assert "Tema" in table and "Barnevernspolitikk" in table
    themes = page.locator("#theme-details details")
    assert themes.count() >= 10  # each theme folded behind its heading
    themes.first.locator("summary").click()
    assert "I 2022-kildene" in themes.first.inner_text()
    assert len(download(page, "#themes-docx", "veiviser-temakart.docx")) > 1000
    page.screenshot(path=str(ARTIFACTS / "temakart.png"), full_page=True)


def test_evaluation_tab_runs_an_uploaded_set(page: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    dataset = ROOT / "eval" / "datasets" / "veiviser.jsonl"
    upload = tmp_path_factory.mktemp("eval") / "mitt-sett.jsonl"
    upload.write_text("".join(dataset.read_text(encoding="utf-8").splitlines(keepends=True)[:3]), encoding="utf-8")
    open_tab(page, "Evaluering")
    page.locator("#eval-metrics").get_by_text("Ingen evaluering", exact=False).or_(
        page.locator("#eval-metrics").get_by_text("Siste kjøring", exact=False)
    ).first.wait_for(timeout=WAIT_MS)  # the latest report (or that there is none) is shown to everyone
    assert not page.locator("#eval-upload").is_visible()  # no upload without the key
    page.get_by_role("button", name="Kjør evaluering").click()  # without the key: refused, nothing run
    page.locator("#eval-metrics").get_by_text("administratornøkkel", exact=False).wait_for(timeout=WAIT_MS)
    page.get_by_label("Administratornøkkel").fill(ADMIN_KEY)
    page.locator("#eval-upload").wait_for(timeout=WAIT_MS)  # shown once the key is accepted
    page.locator("#eval-upload input[type=file]").set_input_files(str(upload))
    page.locator('#eval-upload a[download="mitt-sett.jsonl"]').wait_for(timeout=WAIT_MS)  # the uploaded file
    page.get_by_role("button", name="Kjør evaluering").click()
    page.locator("#eval-metrics").get_by_text("Per persona", exact=False).wait_for(timeout=90000)
    assert "3 spørsmål" in page.locator("#eval-metrics").inner_text()
    assert page.locator("#eval-plots img").count() >= 2
    page.screenshot(path=str(ARTIFACTS / "evaluering.png"), full_page=True)


def test_readable_on_a_phone(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_tab(page, "Chat")
    assert page.get_by_label("Spørsmålet ditt", exact=True).is_visible()
    assert page.get_by_role("button", name="Spør").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    page.screenshot(path=str(ARTIFACTS / "chat-mobil.png"), full_page=True)


def test_api_docs_load_without_a_cdn(page: Any, base_url: str) -> None:
    response = page.request.get(f"{base_url}/docs")
    assert "cdn." not in response.text() and "content-security-policy" in response.headers
    docs = page.context.new_page()
    record_csp_violations(docs, CSP_VIOLATIONS)
    docs.goto(f"{base_url}/docs")
    docs.locator(".swagger-ui .info .title").wait_for(timeout=WAIT_MS)
    assert "Veiviser API" in docs.locator(".swagger-ui .info .title").inner_text()
    docs.close()


def test_no_content_security_policy_violations(page: Any) -> None:
    """Runs last: the chat, the finder, the summary, the evaluation tab and /docs ran under the policy."""
    policy = page.request.get(page.url).headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-eval' 'sha256-" in policy and "http" not in policy  # gr.HTML needs eval
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    docs = page.request.get(page.url.replace("/ui/", "/docs")).headers["content-security-policy"]
    assert "'unsafe-eval'" not in docs
    assert CSP_VIOLATIONS == []
