"""The information pages: «Om Veiviser» (/om) and the accessibility statement (/tilgjengelighet)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import with_settings
from web.api import create_app


class Outline(HTMLParser):
    """The page's language, its headings (level, text), its links and whether it has a script."""

    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.headings: list[tuple[int, str]] = []
        self.links: list[str] = []
        self.scripts = 0
        self._heading: int | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        elif tag == "script":
            self.scripts += 1
        elif tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self._heading, self._text = int(tag[1]), []

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._heading is not None and tag == f"h{self._heading}":
            self.headings.append((self._heading, " ".join("".join(self._text).split())))
            self._heading = None


def outline(text: str) -> Outline:
    parsed = Outline()
    parsed.feed(text)
    return parsed


def get_page(client: TestClient, path: str) -> tuple[Any, Outline]:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert (
        "script-src 'self'" in policy
        and "'unsafe-eval'" not in policy
        and "'unsafe-inline'" not in policy.split("style-src")[0]
    )
    assert response.headers["x-content-type-options"] == "nosniff" and response.headers["x-frame-options"] == "DENY"
    return response, outline(response.text)


def test_about_page_says_what_veiviser_knows_logs_and_stores(client: TestClient, api_assistant: Any) -> None:
    response, page = get_page(client, "/om")
    assert page.lang == "nb" and page.scripts == 0
    assert page.headings[0] == (1, "Om Veiviser")
    for heading in ("Hva Veiviser vet", "Hva Veiviser ikke vet", "Hva som lagres og logges", "Gi tilbakemelding"):
        assert (2, heading) in page.headings
    assert (3, "Tilbakemeldinger") in page.headings
    text = " ".join(response.text.split())  # the source wraps its lines
    documents = api_assistant.documents()
    assert len(documents) == 5 and f"disse {len(documents)} dokumentene" in text
    for document in documents:  # every document of the loaded index, by title
        assert document.title in text
    assert "26. april 2018" in text and "ikke datert" in text  # dates as the manifest gives them
    for unknown in ("Telefonnumre", "åpningstider", "priser"):
        assert unknown in text
    # True to the settings: no question text logged by default, feedback kept 90 days, at most 50 MB.
    assert "Selve spørsmålsteksten logges ikke" in text and "VEIVISER_API__LOG_QUESTIONS" in text
    assert "eldre enn 90 dager" in text and "begrenset til 50 MB" in text
    assert "Ingen språkmodell er koblet til" in text
    assert "tilgjengelighet#tilbakemelding" in page.links and "ui/" in page.links


def test_about_page_follows_the_settings(api_assistant: Any) -> None:
    assistant = with_settings(
        api_assistant, log_questions=True, feedback_retention_days=30, feedback_max_bytes=5 * 1024 * 1024
    )
    with TestClient(create_app(assistant=assistant, mount_ui=False)) as client:
        text = " ".join(client.get("/om").text.split())
    assert "logging av selve spørsmålsteksten slått på" in text and "Selve spørsmålsteksten logges ikke" not in text
    assert "eldre enn 30 dager" in text and "begrenset til 5 MB" in text


def test_accessibility_statement(client: TestClient) -> None:
    response, page = get_page(client, "/tilgjengelighet")
    assert page.lang == "nb" and page.scripts == 0
    assert page.headings[0] == (1, "Tilgjengelighetserklæring for Veiviser")
    for heading in (
        "I hvilken grad er Veiviser i samsvar med kravene?",
        "Kjente brudd på kravene",
        "Slik har vi testet",
        "Meld fra om feil og mangler",
        "Klage",
    ):
        assert (2, heading) in page.headings
    text = " ".join(response.text.split())  # the source wraps its lines
    assert "WCAG 2.1" in text and "nivå A og AA" in text and "delvis i samsvar" in text
    assert "Tilsynet for universell utforming av ikt" in text and "Digitaliseringsdirektoratet" in text
    assert "https://www.uutilsynet.no/" in page.links
    assert "2. desember 2026" in text  # the date the breaches were registered and the statement updated


@pytest.mark.parametrize("path,kind", [("/static/pages.css", "text/css"), ("/static/veiviser-ui.js", "javascript")])
def test_static_files_of_the_pages_and_the_ui(client: TestClient, path: str, kind: str) -> None:
    response = client.get(path)
    assert response.status_code == 200 and kind in response.headers["content-type"]


def test_pages_are_not_part_of_the_api_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not any(p in paths for p in ("/om", "/tilgjengelighet")) and not any(p.startswith("/static") for p in paths)
