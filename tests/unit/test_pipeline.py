"""The answer pipeline: one path for ask, streaming and the evaluation baselines; typed seams; real latency."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from assistant.facade import Assistant
from assistant.pipeline import AnswerPipeline
from eval.baselines import NaiveLlamaIndexSystem, RetrievalModeSystem
from tests.support.fake_llm import FakeLLM

ROOT = Path(__file__).resolve().parents[2]


def test_the_pipeline_takes_typed_collaborators() -> None:
    hints = AnswerPipeline.__init__.__annotations__  # strings: the modules use postponed annotations
    assert set(hints) == {"index", "retriever", "settings", "prompts", "llm", "llm_gate", "desk", "return"}
    assert not any("Any" in str(hint) for hint in hints.values())
    assert "Any" not in inspect.getsource(AnswerPipeline.__init__)
    front = Assistant.__init__.__annotations__
    assert front["index"] == "KnowledgeIndex" and front["prompts"] == "PromptSet" and front["llm"] == "LLM | None"


def test_the_facade_and_the_baselines_do_not_copy_the_answering_steps() -> None:
    """The steps are called from the pipeline only: the facade and the baselines go through it."""
    steps = {"prepare", "finish", "judge", "extractive_answer", "answer_question", "stream_answer"}
    for path in (ROOT / "assistant" / "facade.py", ROOT / "eval" / "baselines.py"):
        tree = ast.parse(path.read_text("utf-8"))
        called = {
            node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names}
        assert not (called | imported) & steps, path.name


def test_ask_and_stream_give_the_same_answer_with_a_real_latency(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    question = "Hva er Ungdomstorget?"
    asked = fake_assistant.ask(question)
    events = list(fake_assistant.ask_stream(question))
    assert events[0].type == "meta" and events[-1].type == "done"
    streamed = events[-1].answer
    assert streamed is not None and streamed.answer == asked.answer and streamed.citations == asked.citations
    assert "".join(e.text or "" for e in events if e.type == "delta").strip() == streamed.answer.strip()
    assert asked.latency_ms > 0 and streamed.latency_ms > 0


def test_a_refused_or_routed_answer_also_reports_its_latency(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    refused = fake_assistant.ask("Hva er telefonnummeret til Ungdomstorget?")
    assert refused.refused and refused.latency_ms > 0
    done = list(fake_assistant.ask_stream("Hva er telefonnummeret til Ungdomstorget?"))[-1].answer
    assert done is not None and done.refused and done.latency_ms > 0


def test_the_llm_answers_through_the_pipeline_and_falls_back_when_uncited(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    llm = FakeLLM()
    assistant = Assistant(fake_assistant.index, fake_assistant.settings, fake_assistant.prompts, llm)
    passages = assistant.search("Hva er Ungdomstorget?").passages
    assert passages
    llm.enqueue("Ungdomstorget er et lavterskeltilbud [1].")
    answer = assistant.ask("Hva er Ungdomstorget?")
    assert answer.mode == "llm" and answer.citations and answer.latency_ms > 0
    llm.enqueue("Et svar uten kilder.")
    fallback = assistant.ask("Hva er Ungdomstorget?")
    assert fallback.mode == "extractive" and fallback.citations and fallback.backend_error
    assert llm.pending == 0


@pytest.mark.parametrize("mode", ["lexical", "dense"])
def test_a_baseline_is_the_pipeline_on_other_passages(fake_assistant, mode: str) -> None:  # type: ignore[no-untyped-def]
    system = RetrievalModeSystem(fake_assistant, mode)
    answer = system.ask("Hva er Ungdomstorget?", [])
    top_k = fake_assistant.settings.retrieval.top_k
    found = fake_assistant.retriever.search("Hva er Ungdomstorget?", top_k=10, mode=mode)
    same = fake_assistant.pipeline.from_passages(
        "Hva er Ungdomstorget?", "Hva er Ungdomstorget?", found.passages, top_k, dense_score=found.dense_top_score
    )
    assert answer.answer == same.answer and answer.refused == same.refused and answer.latency_ms > 0
    assert NaiveLlamaIndexSystem.ask is not RetrievalModeSystem.ask


def test_an_llm_no_source_answer_is_refused_in_the_askers_language(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    from assistant.prompts import NO_SOURCE_MARKER

    llm = FakeLLM()
    settings = fake_assistant.settings
    # the fake embedder's similarities are low for English: let the question reach the LLM
    lenient = settings.model_copy(
        update={"answer": settings.answer.model_copy(update={"min_dense_score_foreign": -1.0})}
    )
    assistant = Assistant(fake_assistant.index, lenient, fake_assistant.prompts, llm)
    llm.enqueue(NO_SOURCE_MARKER)
    norwegian = assistant.ask("Hva er Ungdomstorget?")
    assert norwegian.mode == "llm" and norwegian.refused and norwegian.answer == fake_assistant.prompts.refusal
    llm.enqueue(NO_SOURCE_MARKER)
    english = assistant.ask("What is Ungdomstorget?")
    assert english.language == "en" and english.mode == "llm" and english.refused
    assert english.answer == fake_assistant.prompts.lead("refusal_en")
    assert llm.pending == 0


def test_a_question_naming_the_strategy_is_answered_from_the_strategy(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    strategy = "fagmiljoenes-strategi-oppvekstpolitikk.txt"
    for question in (
        "Hvilke prinsipper anbefaler fagmiljøenes strategi for lavterskeltilbud?",
        # a planner's «om X» question about the strategy alone: not the workshops' summary
        "Hva sier strategiforslaget om samhandling med frivillige og eksterne aktører?",
    ):
        answer = fake_assistant.ask(question)
        assert not answer.refused and answer.citations, question
        assert {c.document for c in answer.citations} == {strategy}, question
    # a question naming the workshops still gets the workshops' summary
    workshops = fake_assistant.ask("Hva sa verkstedene om frivillighet?")
    assert workshops.citations and strategy not in {c.document for c in workshops.citations}


def test_a_question_naming_one_workshop_is_answered_from_that_workshop(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    workshop = "arbeidsverksted-oppvekstpolitikk-2018-04-26.txt"
    for question in (
        # «mente» and «oppvekstverkstedet» say where to look, not what the lines must say
        "Hva mente oppvekstverkstedet i 2018 om samarbeid med frivillige?",
        "Hva sa oppvekstverkstedet om frivillighet?",  # a planner's question: the summary of that workshop only
    ):
        answer = fake_assistant.ask(question)
        assert not answer.refused and answer.citations, question
        assert {c.document for c in answer.citations} == {workshop}, question
    # in English, by its policy: the workshop's points only, summarised by the theme's words (not the policy's)
    english = fake_assistant.ask("What did the 2018 workshop on childhood and youth policy say about volunteers?")
    assert english.citations and {c.document for c in english.citations} <= {workshop, *KNOWLEDGE_AND_STRATEGY}
    assert "oppvekstpolitikk" not in english.answer.splitlines()[0]


KNOWLEDGE_AND_STRATEGY = ("kunnskapsgrunnlag-oppvekstreformen-2022.txt", "fagmiljoenes-strategi-oppvekstpolitikk.txt")


def test_a_workshop_question_is_answered_by_the_points_the_workshop_gave_to_it(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = fake_assistant.ask("Hvem mente barnevernsverkstedet at kommunen bør samarbeide med?")
    assert not answer.refused
    # the bullets under «Hvem bør kommunen samarbeide med for å sikre barna en god barndom?», in their order
    lines = answer.answer.splitlines()[1:4]
    assert [line.split(" [")[0] for line in lines] == [
        "- Frivillige lag og organisasjoner",
        "- Ideelle organisasjoner",
        "- Frivillige enkeltpersoner",
    ]
    assert {c.document for c in answer.citations} == {"arbeidsverksted-barnevernspolitikk-2018-04-12.txt"}


def test_a_follow_up_about_a_service_is_answered_from_the_passages_that_present_it(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    from assistant.types import ChatTurn

    history = [
        ChatTurn(role="user", content="Hva er Familieteamet?"),
        ChatTurn(role="assistant", content="Familieteamet leverer lavterskel tilbud [1]."),
    ]
    answer = fake_assistant.ask("Hvem er tilbudet for?", history=history)
    assert not answer.refused
    # retrieval's own best hit keeps the first place; the service's description and its closest row follow it
    assert "Vedlegg 1" in answer.passages[1].section and answer.passages[1].text.startswith("Familieteamet leverer")
    assert answer.passages[2].kind == "table_row" and answer.passages[2].metadata.get("service") == "Familieteam"
    # a follow-up that names a service of its own is about that one
    other = fake_assistant.ask("Hva gjør Uteteamet?", history=history)
    assert not any(p.text.startswith("Familieteamet leverer") for p in other.passages[:2])


def test_what_a_service_is_is_answered_from_the_passages_that_present_it(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = fake_assistant.ask("Hva er Familieteamet?")
    assert not answer.refused
    # the knowledge base's description under the service's heading in Vedlegg 1 comes first and leads
    assert "Vedlegg 1" in answer.passages[0].section and answer.passages[0].text.startswith("Familieteamet leverer")
    assert "Familieteamet leverer lavterskel tilbud" in answer.answer.splitlines()[1]
    # another service's row that only mentions it is no line of the answer
    rows = [answer.passages[c.n - 1] for c in answer.citations if answer.passages[c.n - 1].kind == "table_row"]
    assert all(p.metadata.get("service") == "Familieteam" for p in rows)


def test_what_a_service_does_leads_with_its_own_description_and_one_line_beside_it(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = fake_assistant.ask("Hva tilbyr krisesenteret?")
    assert not answer.refused and answer.intent == "definition"
    lines = answer.answer.splitlines()[1:]
    # the description under its heading in Vedlegg 1 leads, its opening sentences first
    assert lines[0].startswith("- Kommunalt krisesentertilbud er en lovpålagt tjeneste")
    described = answer.passages[int(lines[0].rsplit("[", 1)[1].rstrip("]")) - 1]
    assert "Vedlegg 1" in described.section
    # at most the two opening sentences and one line of another passage of that document that names the service
    assert 2 <= len(lines) <= 3
    for line in lines[2:]:
        passage = answer.passages[int(line.rsplit("[", 1)[1].rstrip("]")) - 1]
        assert passage.document == described.document and passage.node_id != described.node_id
        assert passage.metadata.get("service") == "Krisesenteret" or "krisesenter" in passage.text.casefold()
    # a question about a project of a service is not a question what the service is
    project = fake_assistant.ask("Hva er BERT-prosjektet i barnevernet?")
    assert not project.answer.splitlines()[1].startswith("- Barneverntjenesten jobber kontinuerlig")


def test_which_ages_a_service_is_for_is_answered_from_the_passages_that_present_it(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    from assistant.analysis import analyze_question

    question = "Hvilken aldersgruppe er Familieteamet for?"
    assert analyze_question(question).presented_service == "Familieteam"
    assert analyze_question("Hvor gammel må man være for å gå på Ungdomstorget?").answer_type == "age_range"
    assert analyze_question("Hvilken aldersgruppe er barnevernet og NAV for?").presented_service is None  # two
    answer = fake_assistant.ask(question)
    assert not answer.refused
    assert "Vedlegg 1" in answer.passages[0].section and answer.passages[0].text.startswith("Familieteamet leverer")


def test_a_question_about_one_service_is_answered_from_its_own_rows(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = fake_assistant.ask("Hvilket kurs om trygg tilknytning kan familieteamet tilby småbarnsforeldre?")
    assert not answer.refused
    rows = [answer.passages[c.n - 1] for c in answer.citations if answer.passages[c.n - 1].kind == "table_row"]
    # the health station's and the kindergarten's COS courses are theirs, not the family team's
    assert all(p.metadata.get("service") == "Familieteam" for p in rows)
    assert rows
    # a service named as the place something happens is no subject («på helsestasjonen»)
    from assistant.lexicon import service_names

    assert service_names().asked_about("Er fysioterapeutene med i gruppekonsultasjonene på helsestasjonen?") == []


def test_an_english_situation_reaches_the_finder_and_the_search_with_the_sources_words(  # type: ignore[no-untyped-def]
    fake_assistant, monkeypatch
) -> None:
    """As an English question is searched: the finder and the search get the Norwegian words for its phrases, and
    the knowledge-base sentence under the services is chosen by those words."""
    seen: list[str] = []
    finder, retriever = fake_assistant.finder, fake_assistant.retriever
    find, search = finder.find, retriever.search

    def spy_find(situation: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(situation)
        return find(situation, *args, **kwargs)

    def spy_search(query: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(query)
        return search(query, *args, **kwargs)

    from assistant import answering

    supported: list[str] = []
    support = answering.supporting_sentence

    def spy_support(assistant, question: str, passages):  # type: ignore[no-untyped-def]
        supported.append(question)
        return support(assistant, question, passages)

    monkeypatch.setattr(finder, "find", spy_find)
    monkeypatch.setattr(retriever, "search", spy_search)
    monkeypatch.setattr(answering, "supporting_sentence", spy_support)
    fake_assistant.ask(
        "I'm a kindergarten teacher and I'm worried about a child. Which multidisciplinary forum can I use?"
    )
    assert seen and all("(" in text and "tverrfaglig" in text for text in seen)
    # its knowledge-base sentence is scored by those words alone: no Norwegian sentence holds «worried»
    assert supported and all("tverrfaglig" in text and "worried" not in text for text in supported)


def test_a_count_the_sources_do_not_give_is_said_plainly_and_not_answered(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    """«Hvor mange …» over lines with no figure: the answer says first that the sources do not give it, keeps the
    two nearest lines, cited, and counts as not answered; a line with the figure is answered as usual."""
    from assistant.types import Passage

    def passage(n: int, text: str) -> Passage:
        return Passage(node_id=f"p{n}", document="d.txt", text=text, kind="prose", section="NAV")

    without = [
        passage(1, "NAV har kontor i vgs og følger opp elever som står i fare for å falle ut."),
        passage(2, "NAV samarbeider med skolen om ungdom som trenger jobb."),
        passage(3, "NAV gir råd om økonomi til familier i NAV."),
    ]
    question = "Hvor mange ansatte har NAV?"
    pipeline = fake_assistant.pipeline
    answer = pipeline.from_passages(question, question, without, top_k=3, refuse=False)
    assert answer.answer.startswith(fake_assistant.prompts.lead("no_figure")) and answer.refused
    assert 1 <= len(answer.answer.splitlines()) - 1 <= 2 and answer.citations
    given = [passage(4, "NAV har 120 ansatte i Drammen."), *without]
    answered = pipeline.from_passages(question, question, given, top_k=4, refuse=False)
    assert not answered.refused and "120 ansatte" in answered.answer


def test_a_name_the_sources_never_use_is_not_defined_from_its_words(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    """«Hva er Barnas hus?»: the sources say much about «barn» and «hus», nothing of «Barnas hus»; a name they
    use is answered."""
    from assistant.analysis import defined_name

    assert defined_name("Hva er Barnas hus?") == "Barnas hus" and defined_name("Kva er Familiens hus?")
    assert defined_name("Hva er Ungdomstorget?") is None  # one word: the known-word check decides
    assert defined_name("Hva er BERT-prosjektet i barnevernet?") is None  # a thing and where it is
    assert defined_name("hva er forskjellen på universelle og selekterte tiltak") is None
    assert fake_assistant.index.mentions("nye  FAMILIER") and not fake_assistant.index.mentions("Barnas hus")
    refused = fake_assistant.ask("Hva er Barnas hus?")
    assert refused.refused and "Barnas hus" in (refused.refusal_reason or "")
    assert not fake_assistant.ask("Hva er Nye familier?").refused


def test_a_section_s_lines_take_a_point_from_each_sub_section_first() -> None:
    from assistant.answering import section_units

    groups = [["Sammendrag"], ["a1", "a2"], ["b1"], ["c1", "c2", "c3"]]
    picked = section_units(groups, max_units=5)
    assert [(u.passage, u.text) for u in picked] == [(1, "Sammendrag"), (2, "a1"), (2, "a2"), (3, "b1"), (4, "c1")]
    assert [u.text for u in section_units([["x1", "x2", "x3"]], max_units=2)] == ["x1", "x2"]


def test_a_question_to_one_workshop_is_answered_under_the_report_s_own_question(fake_assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from assistant.answering import heading_path, workshop_section

    index = fake_assistant.index
    size = len(index.query_embedding("størrelse"))

    axes: dict[str, int] = {}

    def scripted(text: str) -> list[float]:
        """«mindre» in the question and in one heading: one axis; every other text an axis of its own."""
        vector = [0.0] * size
        vector[0 if "mindre" in text else 1 + axes.setdefault(text, len(axes)) % (size - 1)] = 1.0
        return vector

    monkeypatch.setattr(index, "query_embedding", scripted)
    report = "arbeidsverksted-barnevernspolitikk-2018-04-12.txt"
    question = "Hva bør barnevernet gjøre mindre av, ifølge barnevernsverkstedet?"
    section = workshop_section(fake_assistant, question, report)
    assert {heading_path(n) for n in section} == {("Hva bør vi gjøre mindre av?", "Vi bør kjøpe færre tjenester")}
    assert workshop_section(fake_assistant, "Hva sa barnevernsverkstedet om krisesentrene?", report) == []
    answer = fake_assistant.ask(question)
    assert answer.answer.splitlines()[1].startswith("- Kjøpe færre tjenester"), answer.answer
    assert {c.node_id for c in answer.citations} == {n.node_id for n in section}


def test_a_question_naming_a_sub_heading_of_one_workshop_is_answered_from_its_points(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    from assistant.answering import heading_path, named_subsection, workshop_section
    from assistant.themes import point_nodes

    report = "arbeidsverksted-helse-og-sosialpolitikk-2018-06-07.txt"
    nodes = point_nodes(fake_assistant.index, report)
    named = named_subsection("Hva sa helse- og sosialverkstedet om arbeid og levekår?", nodes)
    assert named is not None and named[-1] == "Arbeid/Levekår"
    outdoors = named_subsection("Hva sa helse- og sosialverkstedet om anlegg og uteområder?", nodes)
    assert outdoors is not None and outdoors[-1].startswith("Tilrettelegging; Anlegg/uteområder")  # 2 of its 4 words
    # its own points, not those of the headings below it («Informasjon og kunnskap › Brukermedvirkning»)
    section = workshop_section(
        fake_assistant, "Hva mente helse- og sosialverkstedet om informasjon og kunnskap?", report
    )
    assert section and {heading_path(n)[-1] for n in section} == {"Informasjon og kunnskap"}
    assert named_subsection("Hva sa helse- og sosialverkstedet om frivillighet?", nodes) is None
    assert named_subsection("Hva sa gruppe 1 på helse- og sosialverkstedet?", nodes) is None  # twice
    # the words of «Vi bør kjøpe færre tjenester», but not in a row: what they wanted to know, not that heading
    asked = "Hva ønsket barnevernsverkstedet å vite om kjøp av tjenester?"
    child_welfare = point_nodes(fake_assistant.index, "arbeidsverksted-barnevernspolitikk-2018-04-12.txt")
    assert named_subsection(asked, child_welfare) is None
    answer = fake_assistant.ask("Hva sa oppvekstverkstedet om tidlig innsats?")
    assert answer.answer.splitlines() == [
        "Dette sa arbeidsverkstedet om oppvekstpolitikk (2018-04-26) under «Tidlig innsats»:",  # whose words, where
        "- Forebygging fremfor reparasjon [1]",
        "- Full barnehagedekning [1]",
    ]


def test_a_workshop_answer_s_lead_names_the_heading_its_points_stand_under(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    from assistant.answering import Unit, heading_path, node_passage, workshop_heading
    from assistant.themes import point_nodes

    report = "arbeidsverksted-barnevernspolitikk-2018-04-12.txt"
    nodes = [
        n for n in point_nodes(fake_assistant.index, report) if heading_path(n)[:1] == ("Hva bør vi gjøre mindre av?",)
    ]
    passages = [node_passage(fake_assistant, n) for n in nodes]
    said = workshop_heading(fake_assistant, passages, [Unit(i, 0, "x") for i in range(1, len(passages) + 1)])
    assert said == {"workshop": "barnevernspolitikk", "date": "2018-04-12", "heading": heading_path(nodes[0])[-1]}
    listed = [n for n in point_nodes(fake_assistant.index, report) if any(" – " in h for h in heading_path(n)[1:2])]
    summary = [n for n in listed if heading_path(n)[1].count(" – ") >= 2]
    assert summary  # a heading that lists the section's points is not the heading named, its question is
    said = workshop_heading(fake_assistant, [node_passage(fake_assistant, summary[0])], [Unit(1, 0, "x")])
    assert said is not None and said["heading"] == heading_path(summary[0])[0].rstrip(" :")


def test_a_section_s_summary_set_as_its_heading_is_its_first_line(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    from assistant.answering import heading_path, section_summary
    from assistant.themes import point_nodes

    def under(document: str, heading: str) -> list:  # type: ignore[type-arg]
        return [n for n in point_nodes(fake_assistant.index, document) if heading_path(n)[:1] == (heading,)]

    challenges = under("arbeidsverksted-oppvekstpolitikk-2018-04-26.txt", "Utfordringer som bør adresseres")
    assert section_summary(challenges) == (
        "Prioritering av ressurser – samarbeid med frivilligheten – Datadeling – tilgang til lavterskeltilbud"
    )
    # a heading that names one topic is no summary, and neither is a heading only some of the nodes stand under
    fewer = under("arbeidsverksted-barnevernspolitikk-2018-04-12.txt", "Hva bør vi gjøre mindre av?")
    assert fewer and section_summary(fewer) == ""
    social = [
        n
        for n in point_nodes(fake_assistant.index, "arbeidsverksted-helse-og-sosialpolitikk-2018-06-07.txt")
        if "sosiale tjenester?" in (heading_path(n) or ("",))[0]
    ]
    assert len({heading_path(n) for n in social}) > 2 and section_summary(social) == ""


@pytest.mark.parametrize(
    ("question", "date"),
    [
        ("Når ble oppvekstverkstedet holdt?", "26. april 2018"),
        ("Kva tid vart helse- og sosialverkstaden halden?", "7. juni 2018"),
        ("Når var verkstedet om barnevern?", "12. april 2018"),
    ],
)
def test_when_a_workshop_named_by_its_theme_was_held_is_answered_from_its_card(
    fake_assistant,  # type: ignore[no-untyped-def]
    question: str,
    date: str,
) -> None:
    answer = fake_assistant.ask(question)
    assert not answer.refused and answer.intent == "time"
    lines = answer.answer.splitlines()[1:]
    assert len(lines) == 1 and date in lines[0] and "ble holdt" in lines[0]


def test_a_planner_question_on_a_topic_of_the_strategy_is_not_answered_by_its_card(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    from assistant.analysis import analyze_question
    from assistant.answering import about_document

    def about(question: str) -> bool:
        return about_document(question, analyze_question(question))

    assert about("Hva er fagmiljøenes strategi?") and about("Hva står i strategien?")
    assert not about("Hva sier strategien om frivillighet?")
    answer = fake_assistant.ask("Hva sier strategien om frivillighet?")
    assert not answer.refused and "ikke datert" not in answer.answer
    # nor scored on the word that names the source it is searched in; a workshop's name stays a word of it
    from assistant.answering import about_in_source

    def scored(question: str) -> str:
        return about_in_source(question, analyze_question(question), fake_assistant.index.lexical.analyzer.terms)

    assert "strategien" not in scored("Hva sier strategien om frivillighet?")
    assert "oppvekstverkstedet" in scored("Hva sa oppvekstverkstedet om frivillighet?")
