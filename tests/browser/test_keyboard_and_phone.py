"""Keyboard, screen reader and phone: the chat and the finder with the keyboard alone (Tab, Enter, Escape) and
a visible focus at every stop; the live regions that announce a new answer, a result and the safety notice; the
audience switch; and the phone layout at 390 px (question box in the first screen, sources folded behind
«Kilder (n)», the safety notice first), with screenshots in test-artifacts/phone-390-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.common import (
    ARTIFACTS,
    WAIT_MS,
    horizontal_overflow,
    open_tab,
    open_ui,
    record_csp_violations,
    wait_for_live,
)

pytestmark = pytest.mark.browser
CSP_VIOLATIONS: list[str] = []
PHONE = {"width": 390, "height": 844}
SAFETY_QUESTION = "Jeg vil ta livet mitt"
# Where the keyboard is, and whether it can be seen there: an outline or a box shadow.
FOCUS = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
  return {
    tag: e.tagName.toLowerCase(),
    type: e.getAttribute("type") || "",
    role: e.getAttribute("role") || "",
    text: (e.getAttribute("aria-label") || e.textContent || e.value || "").trim().slice(0, 60),
    within: (e.closest("[id]") || {}).id || "",
    visible: outline || s.boxShadow !== "none",
  };
}"""


@pytest.fixture(scope="module")
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    yield context
    context.close()


@pytest.fixture
def page(context: Any, base_url: str) -> Iterator[Any]:
    """A fresh page (focus starts at the top) for each test."""
    page = context.new_page()
    record_csp_violations(page, CSP_VIOLATIONS)
    open_ui(page, base_url)
    yield page
    page.close()


def tab_to(page: Any, matches: Any, key: str = "Tab", limit: int = 40) -> list[dict[str, Any]]:
    """Press `key` until the focused element satisfies `matches`; every stop on the way is returned (and must show
    where the focus is)."""
    stops = []
    for _ in range(limit):
        page.keyboard.press(key)
        focus = page.evaluate(FOCUS)
        stops.append(focus)
        if matches(focus):
            break
    else:
        pytest.fail(f"{key} never reached the control; stops: {[(s['tag'], s['text']) for s in stops]}")
    hidden = [(s["tag"], s["text"], s["within"]) for s in stops if not s["visible"]]
    assert hidden == [], f"focus not visible on: {hidden}"
    return stops


def test_chat_with_the_keyboard_alone(page: Any) -> None:
    stops = tab_to(page, lambda f: f["tag"] == "textarea" and f["within"] == "question")
    names = [s["text"] for s in stops]
    assert "Om Veiviser" in names and "Tilgjengelighetserklæring" in names  # the information pages come first
    assert names.index("Chat") < len(names) - 1  # the tabs, then the chat
    page.keyboard.type("Hva er Ungdomstorget?")
    page.keyboard.press("Enter")
    # The complete answer is announced once, politely (the streamed text is not: the chat log is not live).
    announced = wait_for_live(page, "#answer-live", "Nytt svar:")
    answer = page.locator("#chat .message-row").last.inner_text()
    assert "Ungdomstorg" in announced and "[1]" in announced
    assert re.search(r"(\d+) kilder?, under «Kilder \(\1\)»", announced)
    first_line = answer.strip().splitlines()[0].strip()
    assert first_line[:30] in announced
    assert page.locator("#chat [role=log]").get_attribute("aria-live") == "off"
    # Back (Shift+Tab) into the answer to its «Kilder (n)» and open it with Enter; Escape leaves it alone.
    tab_to(page, lambda f: f["tag"] == "summary" and f["within"] == "chat", key="Shift+Tab")
    summary = page.locator("#chat details.vv-sources summary").last
    assert re.fullmatch(r"Kilder \(\d+\)", summary.inner_text().strip())
    page.keyboard.press("Enter")
    details = page.locator("#chat details.vv-sources").last
    assert details.get_attribute("open") is not None
    assert details.locator("li").count() == int(re.findall(r"\d+", summary.inner_text())[0])
    page.keyboard.press("Escape")
    # On to the question box again, and a question that needs the safety notice.
    tab_to(page, lambda f: f["tag"] == "textarea" and f["within"] == "question")
    page.keyboard.type(SAFETY_QUESTION)
    page.keyboard.press("Enter")
    alert = page.locator("#safety-notice [role=alert]")
    alert.wait_for(timeout=WAIT_MS)  # role="alert": read out at once (assertive)
    assert "113" in alert.inner_text() and "116 111" in alert.inner_text()
    announced = wait_for_live(page, "#answer-live", "Nytt svar:")
    assert "Ungdomstorg" not in announced  # a new answer, announced again


def test_finder_with_the_keyboard_alone(page: Any) -> None:
    tab_to(page, lambda f: f["role"] == "tab" and f["text"] == "Tiltaksfinner")
    page.keyboard.press("Enter")
    page.locator("#situation").wait_for(timeout=WAIT_MS)
    tab_to(page, lambda f: f["tag"] == "textarea" and f["within"] == "situation")
    page.keyboard.type("ungdom som ruser seg")
    # The service filter: type to narrow the list, pick with the arrow key and Enter, close the list with Escape.
    tab_to(page, lambda f: f["role"] == "combobox" and f["text"] == "Tjeneste")
    page.keyboard.type("Utetea")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    combobox = page.get_by_role("combobox", name="Tjeneste")
    assert combobox.get_attribute("aria-expanded") == "false"
    assert page.locator("#finder-tab, [role=tabpanel]").get_by_text("Uteteam", exact=True).count() >= 1
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Finn tiltak")
    page.keyboard.press("Enter")
    announced = wait_for_live(page, "#finder-live", "Resultat:")
    cards = page.locator("#finder-cards article.vv-card")
    cards.first.wait_for(timeout=WAIT_MS)
    assert cards.count() == 1 and "Uteteam" in cards.first.inner_text()
    assert re.fullmatch(r"Resultat: \d+ tiltak fra 1 tjenester\.", announced)
    assert announced.removeprefix("Resultat: ") in page.locator("#finder-status").inner_text()


def test_audience_switch_is_a_named_group_with_norwegian_labels(page: Any) -> None:
    group = page.get_by_role("group", name="Jeg er")
    citizen = group.get_by_role("radio", name="Innbygger", exact=True)
    staff = group.get_by_role("radio", name="Ansatt", exact=True)
    assert citizen.is_checked() and not staff.is_checked()
    assert group.inner_text().split() == ["Jeg", "er", "Innbygger", "Ansatt"]
    tab_to(page, lambda f: f["tag"] == "input" and f["type"] == "radio" and f["text"] == "staff")
    page.keyboard.press("Space")
    assert staff.is_checked() and not citizen.is_checked()


def phone_page(browser: Any, base_url: str) -> Any:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="nb-NO")
    page = context.new_page()
    record_csp_violations(page, CSP_VIOLATIONS)
    open_ui(page, base_url)
    return page


def test_phone_first_at_390_px(browser: Any, base_url: str) -> None:
    page = phone_page(browser, base_url)
    try:
        # The question box is in the first screen, above the examples, without scrolling.
        assert page.evaluate("window.scrollY") == 0
        box = page.get_by_label("Spørsmålet ditt", exact=True).bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
        examples = page.get_by_text("Eksempler for ansatte").bounding_box()
        assert examples is not None and examples["y"] > box["y"] + box["height"]
        page.get_by_role("button", name="Spør").bounding_box()
        # An answer: readable without horizontal scrolling, its sources folded behind «Kilder (n)».
        question = page.get_by_label("Spørsmålet ditt", exact=True)
        question.fill("Hva er helsestasjon for ungdom?")
        question.press("Enter")
        details = page.locator("#chat details.vv-sources").last
        details.wait_for(timeout=WAIT_MS)
        assert re.fullmatch(r"Kilder \(\d+\)", details.locator("summary").inner_text().strip())
        assert details.get_attribute("open") is None and not details.locator("li").first.is_visible()
        assert horizontal_overflow(page) == 0
        bubble = page.locator("#chat .message-row").last.bounding_box()
        assert bubble is not None and bubble["x"] >= 0 and bubble["x"] + bubble["width"] <= PHONE["width"]
        page.screenshot(path=str(ARTIFACTS / "phone-390-chat-answer.png"))
        # The safety notice is the first thing on the screen, above the answer.
        page.get_by_role("button", name="Ny samtale").click()
        page.locator("#sources").get_by_text("vises her", exact=False).wait_for(timeout=WAIT_MS)
        question.fill(SAFETY_QUESTION)
        question.press("Enter")
        notice = page.locator("#safety-notice [role=alert]")
        notice.wait_for(timeout=WAIT_MS)
        wait_for_live(page, "#answer-live", "Nytt svar:")
        # Measured at one moment: the notice's top in the screen, then «Jeg er», then the conversation.
        page.wait_for_function(
            "() => { const box = document.querySelector('#safety-notice [role=alert]').getBoundingClientRect();"
            " return box.top >= 0 && box.top < window.innerHeight / 2; }",
            timeout=WAIT_MS,
        )
        tops = page.evaluate(
            "() => ['#safety-notice [role=alert]', '#audience', '#chat'].map(s => {"
            " const box = document.querySelector(s).getBoundingClientRect(); return [box.top, box.bottom]; })"
        )
        (notice_top, notice_bottom), (audience_top, _), (chat_top, _) = tops
        assert 0 <= notice_top < PHONE["height"] / 2 and notice_bottom <= audience_top <= chat_top, tops
        assert horizontal_overflow(page) == 0
        page.screenshot(path=str(ARTIFACTS / "phone-390-safety.png"))
        # The finder: cards one under the other, nothing wider than the phone.
        open_tab(page, "Tiltaksfinner")
        page.get_by_label("Beskriv situasjonen", exact=True).fill("14-åring med høyt skolefravær og rusbruk")
        page.get_by_role("button", name="Finn tiltak").click()
        page.locator("#finder-cards article.vv-card").first.wait_for(timeout=WAIT_MS)
        assert horizontal_overflow(page) == 0
        page.screenshot(path=str(ARTIFACTS / "phone-390-finder.png"), full_page=True)
    finally:
        page.context.close()


def test_no_content_security_policy_violations() -> None:
    """Runs last: the keyboard and phone flows ran under the policy, with the UI's own script."""
    assert CSP_VIOLATIONS == []
