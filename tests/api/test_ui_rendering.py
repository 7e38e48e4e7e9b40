"""The UI's rendering helpers and its mount on the app, without a browser."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from assistant.types import Answer, Citation
from web.api import create_app
from web.ui import answer_markdown, citations_markdown, measure_rows, notice_html


def citation(n: int = 1, text: str = "- første\n- andre <b>fet</b>") -> Citation:
    return Citation(
        n=n, node_id="abc123", document="strategi.txt", title="Strategien", section="1 Innledning", text=text
    )


def test_sources_panel_lists_each_passage_verbatim_and_escaped() -> None:
    md = citations_markdown([citation(1), citation(2, "Bare tekst")])
    assert md.startswith("### Kilder")
    assert "**[1] Strategien**" in md and "**[2] Strategien**" in md and "_1 Innledning_" in md
    assert "strategi.txt · node abc123" in md
    assert "- første<br>- andre &lt;b&gt;fet&lt;/b&gt;" in md and "<b>fet</b>" not in md
    assert "Ingen kilder" in citations_markdown([])


def test_refusal_and_fallback_are_marked() -> None:
    refused = Answer(question="q", standalone_question="q", answer="Jeg finner ikke noe om dette.", refused=True)
    assert answer_markdown(refused).startswith("**Ikke i dokumentene.**")
    fallback = Answer(
        question="q", standalone_question="q", answer="Svar [1]", backend_error="Språkmodellen svarte ikke"
    )
    assert answer_markdown(fallback) == "Svar [1]\n\n_Språkmodellen svarte ikke_"
    assert notice_html(None) == "" and 'role="alert"' in notice_html("Ring 113 <nå>")
    assert "&lt;nå&gt;" in notice_html("Ring 113 <nå>")


def test_measure_rows_name_document_section_and_node(api_assistant: Any) -> None:
    result = api_assistant.find_services("", [], [], ["Uteteam"], 5)
    rows = measure_rows(result)
    assert rows and all(len(r) == 6 and r[0] == "Uteteam" for r in rows)
    source = rows[0][5]
    assert source.startswith("Oppvekstreformen") and "›" in source and source.endswith(")")


def test_ui_is_mounted_at_ui_and_root_redirects(api_assistant: Any) -> None:
    with TestClient(create_app(assistant=api_assistant)) as client:
        root = client.get("/", follow_redirects=False)
        assert root.status_code == 307 and root.headers["location"] == "/ui/"
        page = client.get("/ui/")
        assert page.status_code == 200 and "Veiviser – Drammen kommune" in page.text
        assert client.get("/api/v1/healthz").status_code == 200
        assert "/ui" not in str(client.get("/openapi.json").json()["paths"])
