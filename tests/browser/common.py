"""What the browser tests share: the Chromium launch, the app's address, and small page helpers.

The app (API + UI on the real assistant with the fake embedder, with the real security headers) runs under
uvicorn on a free loopback port in a thread, once per session; each test module opens its own page.
Screenshots go to test-artifacts/ at the repository root.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=nb-NO",
]
WAIT_MS = 30000
ADMIN_KEY = "a-long-enough-browser-admin-key"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def record_csp_violations(page: Any, into: list[str]) -> None:
    """Every Content-Security-Policy violation the page reports goes into `into`."""
    page.on("console", lambda m: "Content Security Policy" in m.text and into.append(m.text))


def open_ui(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/", wait_until="domcontentloaded")  # `/` redirects to /ui/
    page.get_by_label("Spørsmålet ditt", exact=True).wait_for(timeout=60000)


@contextlib.contextmanager
def ui_page(browser: Any, base_url: str, viewport: dict[str, int], violations: list[str]) -> Iterator[Any]:
    """The UI opened in a fresh browser context of this size; its CSP violations go into `violations`."""
    context = browser.new_context(viewport=viewport, locale="nb-NO")
    page = context.new_page()
    record_csp_violations(page, violations)
    open_ui(page, base_url)
    try:
        yield page
    finally:
        context.close()


def open_tab(page: Any, name: str) -> None:
    page.get_by_role("tab", name=name).click()


# --------------------------------------------------------------------------------------------
# axe-core (WCAG 2.0/2.1, levels A and AA)
# --------------------------------------------------------------------------------------------
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe marks these WCAG A/AA rules experimental and leaves them out unless asked (label-content-name-mismatch is
# success criterion 2.5.3, Label in Name).
AXE_EXPERIMENTAL = [
    "css-orientation-lock",
    "label-content-name-mismatch",
    "p-as-heading",
    "table-fake-caption",
    "td-has-header",
]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    "rules": {rule: {"enabled": True} for rule in AXE_EXPERIMENTAL},
    "resultTypes": ["violations"],
}
# Elements left out of every axe run, each with the reason; each is a known breach in the accessibility
# statement (web/pages/tilgjengelighet.html).
AXE_EXCLUDE: list[str] = []
WIDTHS = {1280: 900, 390: 844}  # width: height of the two layouts checked (desktop, phone)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The axe-core violations (WCAG 2.0/2.1 A and AA rules) of the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    context = {"exclude": [[selector] for selector in AXE_EXCLUDE]} if AXE_EXCLUDE else None
    return list(Axe().run(page, context=context, options=AXE_OPTIONS).response["violations"])


def describe(violation: dict[str, Any], limit: int = 6) -> str:
    """`rule (impact, n elements): target, target, …` for a failure message."""
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
    more = f" … and {len(targets) - limit} more" if len(targets) > limit else ""
    return f"{violation['id']} ({violation['impact']}, {len(targets)}): {'; '.join(targets[:limit])}{more}"


def axe_at_widths(page: Any, state: str, report: dict[str, Any]) -> list[str]:
    """axe on the page at each width in WIDTHS (the viewport is restored after); one line per violation.

    `report[state][width]` gets `{rule: element count}` (written to test-artifacts/ by the caller)."""
    original = page.viewport_size
    problems = []
    try:
        for width, height in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(200)  # the layout settles (Gradio measures some elements on resize)
            violations = axe_violations(page)
            report.setdefault(state, {})[str(width)] = {v["id"]: len(v["nodes"]) for v in violations}
            problems += [f"{state} at {width} px: {describe(v)}" for v in violations]
    finally:
        page.set_viewport_size(original)
    return problems


def horizontal_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than its viewport (0: no horizontal scrolling)."""
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def live_text(page: Any, selector: str) -> str:
    return str(page.locator(f"{selector} [aria-live=polite]").text_content() or "").strip()


def wait_for_live(page: Any, selector: str, start: str) -> str:
    """The text of the polite live region in `selector` once it starts with `start`."""
    page.wait_for_function(
        "([selector, start]) => (document.querySelector(`${selector} [aria-live=polite]`)?.textContent || '')"
        ".trim().startsWith(start)",
        arg=[selector, start],
        timeout=WAIT_MS,
    )
    return live_text(page, selector)
