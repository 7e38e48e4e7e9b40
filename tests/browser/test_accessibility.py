"""WCAG 2.1 AA in headless Chromium: axe-core (WCAG 2.0/2.1 A and AA rules) on every tab in every state that
matters, at 1280 px and at 390 px, with the security headers on; reflow at 320 px and at 200 % zoom; the
information pages.

One page walks through the states in order (each test leaves its tab filled for the next ones); the counts
per state and width go to test-artifacts/axe-report.json.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.common import (
    ADMIN_KEY,
    ARTIFACTS,
    ROOT,
    WAIT_MS,
    axe_at_widths,
    horizontal_overflow,
    open_tab,
    record_csp_violations,
    ui_page,
)

pytestmark = pytest.mark.browser
CSP_VIOLATIONS: list[str] = []
REPORT: dict[str, Any] = {}
TABS = ["Chat", "Tiltaksfinner", "Verkstedoppsummering", "Temakart", "Evaluering"]
# Controls and landmarks in the accessibility tree (Playwright's ARIA snapshot: `- role "name"`).
NAMED = re.compile(
    r"^\s*- (button|link|textbox|searchbox|combobox|listbox|option|radio|checkbox|switch|slider|spinbutton|tab|"
    r'menuitem|log|region|toolbar|navigation|contentinfo|group|dialog)(?![\w-])(?: "((?:[^"\\]|\\.)*)")?',
    re.M,
)
# The English words Gradio puts in accessible names (none of them is a bokmål word as it stands).
ENGLISH = re.compile(
    r"\b(copy|copied|fullscreen|exit|click|upload|drop|files?|like|dislike|more|tabs|clear|submit|loading|chatbot|"
    r"conversation|table|actions|download|remove|scroll|retry|undo|edit|stop|share|settings|footer|navigation|"
    r"response|message|empty|value|search|close|open|menu|select)\b",
    re.I,
)
INTERACTIVE = {"button", "link", "textbox", "searchbox", "combobox", "radio", "checkbox", "switch", "slider", "tab"}


@pytest.fixture(scope="module")
def page(browser: Any, base_url: str) -> Iterator[Any]:
    with ui_page(browser, base_url, {"width": 1280, "height": 900}, CSP_VIOLATIONS) as page:
        yield page
    (ARTIFACTS / "axe-report.json").write_text(json.dumps(REPORT, indent=2, ensure_ascii=False), encoding="utf-8")


def assert_no_violations(problems: list[str]) -> None:
    assert problems == [], "axe-core (WCAG 2.1 A/AA) violations:\n" + "\n".join(problems)


def assert_accessible(page: Any, *states: str) -> None:
    """No axe violation at either width; `states` names what the page shows (first the current state)."""
    problems = axe_at_widths(page, states[0], REPORT)
    assert_no_violations(problems)


def ask(page: Any, question: str) -> None:
    box = page.get_by_label("Spørsmålet ditt", exact=True)
    box.fill(question)
    box.press("Enter")


def test_chat_empty(page: Any) -> None:
    assert_accessible(page, "chat-empty")


def test_chat_answer_with_sources(page: Any) -> None:
    ask(page, "Hva er Ungdomstorget?")
    page.locator("#sources").get_by_text("[1]", exact=False).first.wait_for(timeout=WAIT_MS)
    assert_accessible(page, "chat-answer")


def test_chat_safety_notice(page: Any) -> None:
    page.get_by_role("button", name="Ny samtale").click()
    page.locator("#sources").get_by_text("vises her", exact=False).wait_for(timeout=WAIT_MS)
    ask(page, "Jeg vil ta livet mitt")
    page.locator("#safety-notice [role=alert]").wait_for(timeout=WAIT_MS)
    page.locator("#sources").get_by_role("heading", name="Kilder").wait_for(timeout=WAIT_MS)
    assert_accessible(page, "chat-safety")


def test_finder_empty_and_with_results(page: Any) -> None:
    open_tab(page, "Tiltaksfinner")
    page.locator("#situation").wait_for(timeout=WAIT_MS)
    problems = axe_at_widths(page, "finder-empty", REPORT)
    page.get_by_label("Beskriv situasjonen", exact=True).fill("ungdom som ruser seg og skulker")
    page.get_by_role("button", name="Finn tiltak").click()
    page.locator("#finder-cards article.vv-card").first.wait_for(timeout=WAIT_MS)
    page.get_by_text("Tabellvisning og nedlasting").click()
    page.locator("#measures-csv a[download]").wait_for(timeout=WAIT_MS)
    problems += axe_at_widths(page, "finder-results", REPORT)
    assert_no_violations(problems)


def test_summary_empty_and_with_summary(page: Any) -> None:
    open_tab(page, "Verkstedoppsummering")
    page.locator("#theme").wait_for(timeout=WAIT_MS)
    problems = axe_at_widths(page, "summary-empty", REPORT)
    page.get_by_label("Tema", exact=True).fill("frivillighet")
    page.get_by_role("button", name="Oppsummer").click()
    page.locator("#summary-md a[download]").wait_for(timeout=WAIT_MS)
    problems += axe_at_widths(page, "summary-result", REPORT)
    assert_no_violations(problems)


def test_theme_map_empty_and_built(page: Any) -> None:
    open_tab(page, "Temakart")
    page.locator("#show-themes").wait_for(timeout=WAIT_MS)
    problems = axe_at_widths(page, "themes-empty", REPORT)
    page.get_by_role("button", name="Vis temakartet").click()
    page.locator("#theme-heatmap img").wait_for(timeout=90000)
    page.locator("#theme-details details summary").first.click()
    problems += axe_at_widths(page, "themes-built", REPORT)
    assert_no_violations(problems)


def test_evaluation_latest_and_report(page: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    dataset = ROOT / "eval" / "datasets" / "veiviser.jsonl"
    upload = tmp_path_factory.mktemp("eval-a11y") / "tre-sporsmal.jsonl"
    upload.write_text("".join(dataset.read_text(encoding="utf-8").splitlines(keepends=True)[:3]), encoding="utf-8")
    open_tab(page, "Evaluering")
    metrics = page.locator("#eval-metrics")
    metrics.get_by_text("Ingen evaluering", exact=False).or_(
        metrics.get_by_text("Siste kjøring", exact=False)
    ).first.wait_for(timeout=WAIT_MS)
    problems = axe_at_widths(page, "evaluation-latest", REPORT)
    page.get_by_label("Administratornøkkel").fill(ADMIN_KEY)
    page.locator("#eval-upload").wait_for(timeout=WAIT_MS)  # shown once the key is accepted
    page.locator("#eval-upload input[type=file]").set_input_files(str(upload))
    page.locator(f'#eval-upload a[download="{upload.name}"]').wait_for(timeout=WAIT_MS)
    page.get_by_role("button", name="Kjør evaluering").click()
    metrics.get_by_text("Per persona", exact=False).wait_for(timeout=90000)
    problems += axe_at_widths(page, "evaluation-report", REPORT)
    assert_no_violations(problems)


@pytest.mark.parametrize("width,height", [(320, 800), (640, 450)], ids=["320px", "zoom-200pct"])
def test_no_horizontal_scrolling(page: Any, width: int, height: int) -> None:
    """Reflow (WCAG 1.4.10) on every tab as the tests above left it: 320 px wide, and 1280 px at 200 % zoom
    (640 CSS pixels)."""
    original = page.viewport_size
    page.set_viewport_size({"width": width, "height": height})
    wide = {}
    try:
        for tab in TABS:
            open_tab(page, tab)
            page.wait_for_timeout(200)
            if (overflow := horizontal_overflow(page)) > 0:
                wide[tab] = overflow
    finally:
        page.set_viewport_size(original)
    assert wide == {}, f"horizontal scrolling at {width} px (tab: CSS pixels too wide): {wide}"


def test_every_control_has_a_norwegian_name(page: Any) -> None:
    """Every control (and every named landmark) on every tab, as the tests above left them, has a name, and no
    name is Gradio's English (axe checks that a name exists, not its language)."""
    unnamed, english = set(), set()
    for tab in TABS:
        open_tab(page, tab)
        page.wait_for_timeout(200)
        for role, name in NAMED.findall(page.locator("body").aria_snapshot()):
            if role in INTERACTIVE and not name.strip():
                unnamed.add(f"{tab}: {role}")
            if ENGLISH.search(name):
                english.add(f'{tab}: {role} "{name}"')
    assert unnamed == set() and english == set(), f"unnamed: {sorted(unnamed)}; English: {sorted(english)}"


@pytest.mark.parametrize("path", ["/om", "/tilgjengelighet"])
def test_information_pages(page: Any, base_url: str, path: str) -> None:
    info = page.context.new_page()
    record_csp_violations(info, CSP_VIOLATIONS)
    try:
        response = info.goto(f"{base_url}{path}")
        assert response is not None and response.ok and "content-security-policy" in response.headers
        problems = axe_at_widths(info, f"page{path}", REPORT)
        info.set_viewport_size({"width": 320, "height": 800})
        assert horizontal_overflow(info) == 0
    finally:
        info.close()
    assert_no_violations(problems)


def test_no_content_security_policy_violations() -> None:
    """Runs last: every state above ran under the policy (axe is injected by the driver, not by the page)."""
    assert CSP_VIOLATIONS == []
