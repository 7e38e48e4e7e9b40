"""The UI's rendering helpers and its mount on the app, without a browser."""

from __future__ import annotations

from typing import Any

import gradio as gr
from fastapi.testclient import TestClient

from assistant.types import Answer, Citation
from web.api import create_app
from web.ui import (
    answer_announcement,
    answer_cards_html,
    answer_markdown,
    build_blocks,
    citations_markdown,
    live_html,
    measure_rows,
    notice_html,
    plain_text,
    service_cards_html,
    sources_details,
    theme,
)


def citation(n: int = 1, text: str = "- første\n- andre <b>fet</b>", date: str = "2022") -> Citation:
    return Citation(
        n=n,
        node_id="abc123",
        document="strategi.txt",
        title="Strategien",
        date=date,
        section="1 Innledning",
        text=text,
    )


def test_sources_panel_lists_each_passage_verbatim_and_escaped() -> None:
    md = citations_markdown([citation(1), citation(2, "Bare tekst")])
    assert md.startswith("### Kilder")
    # every source says how old it is
    assert "**[1] Strategien (2022)**" in md and "**[2] Strategien (2022)**" in md and "_1 Innledning_" in md
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


def test_answer_folds_its_sources_behind_kilder_n() -> None:
    answer = Answer(
        question="q",
        standalone_question="q",
        answer="Svar [1] og [2]",
        citations=[citation(1, date="2018-04-26"), citation(2, date="")],
    )
    shown = answer_markdown(answer)
    assert shown.startswith("Svar [1] og [2]")
    assert shown.endswith(sources_details(answer.citations))
    assert '<details class="vv-sources"><summary>Kilder (2)</summary>' in shown
    assert "<li>[1] Strategien (26.04.2018) › 1 Innledning</li>" in shown and "<details open" not in shown
    assert "<li>[2] Strategien (udatert) › 1 Innledning</li>" in shown
    assert sources_details([]) == ""
    hostile = citation(1).model_copy(update={"title": "<img src=x>"})
    assert "<img" not in sources_details([hostile])


def test_a_corrected_question_says_what_was_searched_for() -> None:
    corrected = Answer(
        question="Nar tradte barnevrnsreformen i kraft?",
        standalone_question="Når trådte barnevernsreformen i kraft?",
        spelling_corrected=True,
        answer="1. januar 2022 [1]",
    )
    assert answer_markdown(corrected) == "_Søkte etter: «Når trådte barnevernsreformen i kraft?»_\n\n1. januar 2022 [1]"
    hostile = {"refused": True, "answer": "Finner ikke.", "standalone_question": "<b>x</b>"}
    refused = corrected.model_copy(update=hostile)
    shown = answer_markdown(refused)
    assert shown.startswith("_Søkte etter: «") and shown.endswith("»_\n\n**Ikke i dokumentene.** Finner ikke.")
    assert "<b" not in shown  # the question is the user's own text: no markup of theirs is rendered
    assert "Søkte etter" not in answer_markdown(corrected.model_copy(update={"spelling_corrected": False}))


def test_answers_in_english_or_nynorsk_are_marked_with_their_language() -> None:
    english = Answer(question="q", standalone_question="q", answer="The answer [1]", language="en")
    assert answer_markdown(english) == '<div lang="en">\n\nThe answer [1]\n\n</div>'
    nynorsk = Answer(question="q", standalone_question="q", answer="Svaret [1]", language="nn")
    assert answer_markdown(nynorsk).startswith('<div lang="nn">')
    assert answer_markdown(Answer(question="q", standalone_question="q", answer="Svar")) == "Svar"
    assert 'lang="en"' in notice_html("Call 113", "en") and "lang=" not in notice_html("Ring 113", "nb")


def test_live_region_announces_the_whole_answer_as_plain_text() -> None:
    answer = Answer(
        question="q",
        standalone_question="q",
        answer="**Ungdomstorget** er et _lavterskeltilbud_:\n\n- for unge [1]\n- gratis [2]",
        citations=[citation(1), citation(2)],
    )
    heard = answer_announcement(answer)
    assert heard == (
        "Nytt svar: Ungdomstorget er et lavterskeltilbud: for unge [1]. gratis [2]. 2 kilder, under «Kilder (2)»."
    )
    refused = Answer(question="q", standalone_question="q", answer="Det står ikke i dokumentene.", refused=True)
    assert answer_announcement(refused) == "Nytt svar: Ikke i dokumentene. Det står ikke i dokumentene."
    assert plain_text("## Tittel\n1. første\n2. andre") == "Tittel. første. andre."
    region = live_html("Svar <b>her</b>")
    assert 'aria-live="polite"' in region and "&lt;b&gt;" in region and "<b>" not in region
    assert 'aria-live="assertive"' in live_html("Fare", "assertive")


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_theme_colours_meet_wcag_aa_contrast() -> None:
    """The colours axe found too weak (white on orange buttons, orange selected tab, grey 400 hints) now meet
    4.5:1 on white; the browser tests check the rendered page."""
    chosen = theme()

    def colour(value: str) -> str:
        while value.startswith("*"):
            name = value[1:]
            value = getattr(chosen, name) if hasattr(chosen, name) else value
            if value == "*" + name:
                break
        return value

    white = "#ffffff"
    assert colour(chosen.button_primary_text_color) == "white"
    assert contrast(white, colour(chosen.button_primary_background_fill)) >= 4.5
    assert contrast(white, colour(chosen.button_primary_background_fill_hover)) >= 4.5
    for name in ("color_accent", "body_text_color_subdued", "input_placeholder_color", "link_text_color"):
        assert contrast(white, colour(getattr(chosen, name))) >= 4.5, name


def test_a_question_typed_while_the_answer_streams_is_kept(api_assistant: Any) -> None:
    """Only an answer's first update empties the question box (later ones would wipe what the user is typing
    next), and «Ny samtale» cancels an answer still streaming (its updates would bring the old chat back)."""
    blocks = build_blocks(lambda: api_assistant, lambda: None)  # type: ignore[arg-type,return-value]
    asking = sorted(i for i, fn in blocks.fns.items() if fn.name == "respond")
    assert len(asking) == 2  # the «Spør» button and Enter in the question box
    updates = list(blocks.fns[asking[0]].fn("Hva er Ungdomstorget?", [], [], [], "citizen"))
    question = 5  # the question box's place among the chat's outputs
    assert len(updates) > 2 and updates[0][question] == ""
    assert all(update[question] == gr.update() for update in updates[1:])
    assert "Ungdomstorg" in updates[-1][0][-1]["content"]
    cancelling = [fn for fn in blocks.fns.values() if fn.cancels]
    assert [sorted(fn.cancels) for fn in cancelling] == [asking]
