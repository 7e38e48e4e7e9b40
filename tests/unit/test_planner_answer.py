"""A planner's question in the chat is answered from the workshop summary: each workshop's best points, cited."""

from __future__ import annotations

from assistant.planner_answer import best_points, compose_planner_answer, planner_theme
from assistant.prompts import load_prompts
from assistant.types import Citation, SummaryPoint, ThemeLink, WorkshopSection, WorkshopSummary


def test_the_theme_is_what_the_question_asks_about() -> None:
    assert planner_theme("Hva sa verkstedene om frivillighet?") == "frivillighet"
    assert planner_theme("Hva mente politikerne om tidlig innsats og forebygging?") == "tidlig innsats og forebygging"
    assert planner_theme("What did the workshops say about housing?") == "housing"
    assert planner_theme("Hvilke temaer gikk igjen?") is None
    # a short question after the sentence that names the theme asks about it
    assert planner_theme("Begge verkstedene snakket om barnehage. Hva sa de?") == "barnehage"
    assert planner_theme("Two workshops talked about housing. What did they say?") == "housing"
    assert planner_theme("Vi snakket om bolig. Hvilke temaer gikk igjen på verkstedene?") is None


def _summary() -> WorkshopSummary:
    points = [
        SummaryPoint(text="Det er en dobbeltføring på side 3", n=1, document="a.txt"),
        SummaryPoint(text="Mer samarbeid med frivillige organisasjoner", n=2, document="a.txt"),
    ]
    citations = [
        Citation(n=1, node_id="n1", document="a.txt", text="Det er en dobbeltføring på side 3"),
        Citation(n=2, node_id="n2", document="a.txt", text="Mer samarbeid med frivillige organisasjoner"),
    ]
    return WorkshopSummary(
        theme="frivillige",
        workshops=[
            WorkshopSection(
                document="a.txt", title="Arbeidsverksted – Oppvekstpolitikk", date="2018-04-26", points=points
            ),
            WorkshopSection(document="b.txt", title="Arbeidsverksted – Helse", date="2018-06-07", points=[]),
        ],
        citations=citations,
    )


def test_each_workshop_leads_with_the_points_on_the_theme_and_every_point_is_cited() -> None:
    summary = _summary()
    assert [p.n for p in best_points(summary.workshops[0].points, "frivillige", str.split, 1)] == [2]
    text, passages = compose_planner_answer(summary, load_prompts())
    lines = text.splitlines()
    assert lines[0] == "Dette sa verkstedene om «frivillige»:"
    # the point that says the theme's words leads; the other one is left out (it does not say them)
    assert lines[1] == "- **Oppvekstpolitikk (2018-04-26)**: Mer samarbeid med frivillige organisasjoner [2]"
    assert "sa ikke noe om dette temaet" in lines[2]
    assert [p.node_id for p in passages] == ["n1", "n2"]  # [n] is the n-th passage
    assert "Verkstedoppsummering" in lines[-1]


def test_a_summary_of_one_workshop_shows_more_of_its_points() -> None:
    texts = [f"Samarbeid med frivillige, punkt {i}" for i in range(1, 9)]
    points = [SummaryPoint(text=t, n=i, document="a.txt") for i, t in enumerate(texts, start=1)]
    citations = [Citation(n=i, node_id=f"n{i}", document="a.txt", text=t) for i, t in enumerate(texts, start=1)]
    section = WorkshopSection(document="a.txt", title="Arbeidsverksted – Oppvekstpolitikk", date="", points=points)
    one = WorkshopSummary(theme="frivillige", workshops=[section], citations=citations)
    text, _ = compose_planner_answer(one, load_prompts())
    assert text.splitlines()[1].count("[") == 6  # the six points three workshops would share
    three = one.model_copy(update={"workshops": [section, section.model_copy(), section.model_copy()]})
    text, _ = compose_planner_answer(three, load_prompts())
    assert text.splitlines()[1].count("[") == 2


def test_no_points_no_planner_answer() -> None:
    empty = _summary().model_copy(
        update={"workshops": [WorkshopSection(document="b.txt", title="X", date="", points=[])]}
    )
    assert compose_planner_answer(empty, load_prompts()) == ("", [])


def test_the_chat_answers_a_planner_question_from_the_summary(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = fake_assistant.ask("Hva sa verkstedene om frivillighet?")
    assert not answer.refused and answer.intent == "planner"
    assert answer.answer.startswith("Dette sa verkstedene om «frivillighet»:")
    assert answer.citations and all(c.document.startswith("arbeidsverksted") for c in answer.citations[:2])


def test_an_english_planner_question_is_summarised_by_the_sources_words(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = fake_assistant.ask("What did the workshops say about the voluntary sector?")
    assert not answer.refused and answer.intent == "planner" and answer.language == "en"
    lead = answer.answer.splitlines()[0]
    assert lead.startswith("This is what the 2018 workshops said about «the voluntary sector»")
    assert "«frivillig sektor frivilligheten»" in lead  # the Norwegian words it was searched with
    assert "Verkstedoppsummering tab" in answer.answer and "Alle punktene" not in answer.answer
    assert answer.citations and all(c.document.startswith("arbeidsverksted") for c in answer.citations[:2])
    # a theme the glossary has no Norwegian words for is answered from retrieval, not from a wordless summary
    other = fake_assistant.ask("What did the workshops say about zyxwv?")
    assert not other.answer.startswith("This is what the 2018 workshops said")


def test_the_strategy_s_lines_stand_beside_the_workshops_under_its_own_title() -> None:
    from assistant.types import Passage

    said = "Samarbeid med frivillige og eksterne aktører bør styrkes."
    title = "Fagmiljøenes forslag til strategi – oppvekstpolitikk"
    strategy = Passage(node_id="s1", document="s.txt", title=title, date="", text=said)
    text, passages = compose_planner_answer(_summary(), load_prompts(), beside=[(said, strategy)])
    line = "- **Fagmiljøenes forslag til strategi – oppvekstpolitikk (udatert)**: Samarbeid med frivillige og "
    assert line + "eksterne aktører bør styrkes [3]" in text.splitlines()
    assert [p.node_id for p in passages] == ["n1", "n2", "s1"]


def test_a_question_naming_a_workshop_and_the_strategy_gets_both(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = fake_assistant.ask("Hva sier oppvekstverkstedet og fagmiljøenes strategi om samarbeid med frivillige?")
    documents = {c.document for c in answer.citations}
    assert "fagmiljoenes-strategi-oppvekstpolitikk.txt" in documents
    assert any(d.startswith("arbeidsverksted-") for d in documents)
    assert len(answer.citations) <= 10


def test_raised_in_every_workshop_only_when_every_workshop_spoke_on_the_theme() -> None:
    """Beside «sa ikke noe om dette temaet» a line saying the point's wider theme was raised everywhere would
    contradict the answer."""
    from assistant.types import CrossWorkshopTopic

    summary = _summary()
    topic = CrossWorkshopTopic(
        label="frivillighet, samarbeid", documents=["a.txt", "b.txt"], points=summary.workshops[0].points
    )
    silent = summary.model_copy(update={"recurring": [topic]})
    assert "Tatt opp i alle verkstedene" not in compose_planner_answer(silent, load_prompts())[0]
    b = summary.workshops[1].model_copy(update={"points": [SummaryPoint(text="Frivillige lag", n=3, document="b.txt")]})
    spoke = silent.model_copy(update={"workshops": [summary.workshops[0], b]})
    assert (
        "Tatt opp i alle verkstedene: frivillighet, samarbeid [1]." in compose_planner_answer(spoke, load_prompts())[0]
    )


def test_an_english_question_names_one_workshop_by_the_words_before_workshop(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    from assistant.answering import workshops_named

    assert workshops_named(fake_assistant, "What did the health and social workshop say about housing?") == [
        "arbeidsverksted-helse-og-sosialpolitikk-2018-06-07.txt"
    ]
    assert workshops_named(fake_assistant, "What opportunities did the child welfare workshop see?") == [
        "arbeidsverksted-barnevernspolitikk-2018-04-12.txt"
    ]
    assert workshops_named(fake_assistant, "What did the childhood and youth workshop find missing?") == [
        "arbeidsverksted-oppvekstpolitikk-2018-04-26.txt"
    ]
    assert workshops_named(fake_assistant, "What did the workshops say about housing?") == []
    assert workshops_named(fake_assistant, "What did the important workshop say?") == []


def test_points_with_the_same_theme_words_are_ordered_by_meaning_then_by_the_workshops_order() -> None:
    points = [
        SummaryPoint(text="Familien mottar tiltak frivillig", n=1, document="a.txt"),
        SummaryPoint(text="Frivillige lag og organisasjoner", n=2, document="a.txt"),
        SummaryPoint(text="Noe annet", n=3, document="a.txt"),
    ]

    def analyze(text: str) -> list[str]:
        return ["frivil" if w.startswith("frivil") else w for w in text.casefold().split()]

    near = {"Familien mottar tiltak frivillig": 0.2, "Frivillige lag og organisasjoner": 0.7}
    assert [p.n for p in best_points(points, "frivillighet", analyze, 1)] == [1]  # the workshop's order
    assert [p.n for p in best_points(points, "frivillighet", analyze, 1, near.get)] == [2]  # nearer in meaning
    assert [p.n for p in best_points(points, "frivillighet", analyze, 3, near.get)] == [2, 1]  # words first


def test_when_and_where_it_was_said_is_not_the_theme() -> None:
    assert planner_theme("Hva sa verkstedene om bolig i 2018?") == "bolig"
    assert planner_theme("What did the politicians say about housing at the 2018 workshops?") == "housing"
    assert planner_theme("Hva ble sagt om rus på verkstedene?") == "rus"


def test_only_strong_2022_links_stand_in_the_chat_answer() -> None:
    strong = ThemeLink(kind="knowledge_base", text="Samarbeid med frivillige lag", node_id="k1", similarity=0.6, n=3)
    weak = ThemeLink(kind="measure", text="Røykesluttkurs", node_id="k2", service="Friskliv", similarity=0.3, n=4)
    citations = [
        *_summary().citations,
        Citation(n=3, node_id="k1", document="k.txt", text=strong.text),
        Citation(n=4, node_id="k2", document="k.txt", text=weak.text),
    ]
    summary = _summary().model_copy(update={"in_2022": [strong, weak], "citations": citations})
    every = compose_planner_answer(summary, load_prompts())[0]
    assert "Samarbeid med frivillige lag [3]" in every and "Røykesluttkurs [4]" in every
    shown = compose_planner_answer(summary, load_prompts(), min_link=0.45)[0]
    assert "Samarbeid med frivillige lag [3]" in shown and "Røykesluttkurs" not in shown
    # with no strong link the 2022 heading goes too
    none = compose_planner_answer(summary, load_prompts(), min_link=0.9)[0]
    assert "Samarbeid med frivillige lag" not in none and load_prompts().lead("summary_2022") not in none


def test_a_point_says_the_theme_s_word_in_any_inflection() -> None:
    from index.lexical import NorwegianAnalyzer

    analyze = NorwegianAnalyzer().terms
    points = [
        SummaryPoint(text="Ombudsordning for brukerne", n=1, document="a.txt"),
        SummaryPoint(text="En saksbehandler – en «problemløser»", n=2, document="a.txt"),
    ]
    # Snowball gives «saksbehandler» for «saksbehandlere» but «saksbehandl» for «saksbehandler»
    assert [p.n for p in best_points(points, "antall saksbehandlere", analyze, 1)] == [2]
