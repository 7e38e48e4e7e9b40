"""The UI's rendering helpers and its mount on the app, without a browser."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from assistant.types import Answer, Citation
from web.api import create_app
from web.ui import (
    answer_cards_html,
    answer_markdown,
    citations_markdown,
    measure_rows,
    notice_html,
    service_cards_html,
)


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
    degraded = Answer(
        question="q", standalone_question="q", answer="Svar [1]", degraded=True, degraded_notice="Bare ordsøk."
    )
    assert answer_markdown(degraded) == "Svar [1]\n\n_Bare ordsøk._"
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


def test_service_cards_show_why_measures_and_source_escaped(api_assistant: Any) -> None:
    result = api_assistant.find_services("ungdom som ruser seg", limit=2)
    html_text = service_cards_html(result.groups)
    assert html_text.count('<article class="vv-card"') == len(result.groups)
    assert "Kilde:" in html_text and "[1]" in html_text and 'class="vv-meta"' in html_text
    assert 'class="vv-meta"' not in service_cards_html(result.groups, details=False)
    hostile = result.groups[0].model_copy(update={"service": "<script>x</script>"})
    assert "<script>" not in service_cards_html([hostile])
    assert service_cards_html([]) == ""


def test_answer_cards_use_the_answers_citation_numbers(api_assistant: Any) -> None:
    answer = api_assistant.ask("Sønnen min på 14 har begynt å røyke hasj. Hvor kan vi få hjelp?")
    assert answer.intent == "situation" and answer.services
    html_text = answer_cards_html(answer)
    cited = {f"[{c.n}]" for c in answer.citations}
    shown = {part.split("]")[0] + "]" for part in html_text.split('class="vv-cite">')[1:]}
    assert shown and shown <= cited
