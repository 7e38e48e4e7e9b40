"""Pure parts of answering: the extractive composer, the refusal rule, the follow-up rewrite."""

from __future__ import annotations

import pytest

from assistant.extractive import (
    Unit,
    answer_fits,
    compose,
    score_unit,
    select_units,
    specifics,
    split_units,
    with_antecedents,
    with_completions,
)
from assistant.followup import is_followup, rewrite_followup, subject_of
from assistant.refusal import (
    counted_thing,
    decide_refusal,
    missing_specifics,
    proper_names,
    requested_details,
    states_number_of,
    term_coverage,
    years_off_subject,
)
from assistant.types import ChatTurn, Passage
from index.lexical import NorwegianAnalyzer, word_family

ANALYZE = NorwegianAnalyzer().terms


def idf(term: str) -> float:
    return 1.0


def known(word: str) -> bool:
    return word.casefold() in {"drammen", "ungdomstorget", "uteteam"}


def passage(text: str, kind: str = "prose", section: str = "") -> Passage:
    return Passage(node_id=f"n{abs(hash(text)) % 10_000}", document="d.txt", text=text, kind=kind, section=section)


UNGDOMSTORG = passage(
    "Ungdomstorget er en tverrfaglig arena for unge mellom 13-25 år. Her kan ungdom få hjelp med skole, "
    "arbeid og bolig. Tilbudet er gratis.\n- Drop-in for ungdom\n- Veiledning om utdanning"
)
SKOLE = passage("Skolen har ansvar for et trygt og godt skolemiljø for alle elever.")
TABLE = passage(
    "Tjeneste: Uteteam · Nivå: Selekterte tiltak · Tiltak: Oppsøkende arbeid · Rolle: fange opp", "table_row"
)


def test_split_units_sentences_bullets_and_table_rows() -> None:
    units = split_units(UNGDOMSTORG)
    assert units[0].startswith("Ungdomstorget er en tverrfaglig arena")
    assert "Drop-in for ungdom" in units
    assert split_units(TABLE) == [TABLE.text]


def test_select_units_picks_answering_sentences_with_their_passage_number() -> None:
    units = select_units("Hvilken aldersgruppe er Ungdomstorget for?", [SKOLE, UNGDOMSTORG], ANALYZE, idf)
    assert units and all(u.passage == 2 for u in units)
    assert "13-25" in units[0].text
    text = compose("Dette sier dokumentene:", units)
    assert text.splitlines()[0] == "Dette sier dokumentene:"
    assert text.splitlines()[1].endswith("[2]")


def test_select_units_removes_near_duplicates() -> None:
    twin = passage("Ungdomstorget er en tverrfaglig arena for unge mellom 13-25 år.")
    units = select_units("Ungdomstorget tverrfaglig arena unge", [UNGDOMSTORG, twin], ANALYZE, idf)
    texts = [u.text for u in units]
    assert sum("tverrfaglig arena" in t for t in texts) == 1


CAPTIONED = (
    "I barnehage er 97,5 % av innvandrerbarna minoritetsspråklige. Drammen kommune har et økende antall "
    "minoritetsspråklige barn i barnehagen."
)


@pytest.mark.parametrize(
    "caption",
    [
        "I barnehage er 97,5 % av innvandrerbarna minoritetsspråklige.",  # the sentence inside the table
        CAPTIONED[:90].rstrip() + "…",  # the sentence cut short as the table's caption
    ],
)
def test_a_sentence_and_the_table_it_captions_say_it_once_and_whole(caption: str) -> None:
    sentence = caption if not caption.endswith("…") else CAPTIONED
    table = passage(caption + "\nAntall henvisninger skole: 2020: 379 · 2021: 439", "table")
    units = select_units(
        "Hvor stor andel av innvandrerbarna i barnehage er minoritetsspråklige?",
        [table, passage(sentence)],
        ANALYZE,
        idf,
    )
    said = [u.text for u in units if "97,5" in u.text]
    assert len(said) == 1 and "…" not in said[0]


def test_a_year_in_the_documents_date_counts_as_covered() -> None:
    workshop = passage("Tettere samarbeid med frivillige, også pensjonister")
    assert term_coverage("samarbeid frivillige 2018", [workshop], ANALYZE, idf) < 1.0
    assert term_coverage("samarbeid frivillige 2018", [workshop], ANALYZE, idf, "Arbeidsverksted 2018-04-26") == 1.0


def test_a_waiting_time_is_refused_unless_a_passage_states_one() -> None:
    for question in ("Hvor lang ventetid er det hos PPT?", "Hvor lenge må vi vente på PPT?", "How long do we wait?"):
        assert requested_details(question) == ["ventetid"], question
    assert requested_details("How long is the wait for a place at the youth clinic?") == ["ventetid"]
    assert requested_details("Hvor kan jeg få hjelp uten å vente lenge?") == []  # a wish, not a question for it
    program = passage("PPT gir veiledning. Hjemmebesøk etter 7-10 dager og kontroll etter 6 uker.")
    stated = passage("PPT har en ventetid på tre uker fra henvisning.")
    question = "Hvor lang ventetid har PPT?"
    assert decide_refusal(question, [program], ANALYZE, idf, known, 0.1).reason.startswith("spør etter ventetid")
    assert not decide_refusal(question, [stated], ANALYZE, idf, known, 0.1).refuse


def test_an_address_is_asked_by_the_noun_not_the_verb() -> None:
    for question in ("Hva er adressen til PPT?", "Hvilke adresser har helsestasjonene?", "What is the address?"):
        assert requested_details(question) == ["adresse"], question
    for question in (
        "Hvilke utfordringer bør adresseres, ifølge oppvekstverkstedet?",
        "Hvordan skal kommunen adressere fattigdom?",
        "How should the municipality address child poverty?",
    ):
        assert requested_details(question) == [], question


def test_refusal_on_missing_phone_number_price_and_hours() -> None:
    assert requested_details("Hva er telefonnummeret til Ungdomstorget?") == ["telefonnummer"]
    assert "pris" in requested_details("Hva koster det?")
    for question in (
        "Hva er telefonnummeret til Ungdomstorget?",
        "Hva er åpningstidene til Ungdomstorget?",
        "Hva er adressen til Ungdomstorget?",
    ):
        decision = decide_refusal(question, [UNGDOMSTORG], ANALYZE, idf, known, 0.3)
        assert decision.refuse, question


def test_price_question_answered_when_the_passage_says_free() -> None:
    decision = decide_refusal("Koster det noe å gå på Ungdomstorget?", [UNGDOMSTORG], ANALYZE, idf, known, 0.3)
    assert not decision.refuse


def test_refusal_on_unknown_place_and_absent_year() -> None:
    assert proper_names("Hva gjør Oslo kommune? Bergen, da?") == ["Oslo"]
    assert missing_specifics("Hvordan var det i Oslo i 2031?", [UNGDOMSTORG], known) == ["2031", "Oslo"]
    assert decide_refusal("Hva tilbyr Ungdomstorget i Oslo?", [UNGDOMSTORG], ANALYZE, idf, known, 0.3).refuse
    assert not decide_refusal("Hva tilbyr Ungdomstorget i Drammen?", [UNGDOMSTORG], ANALYZE, idf, known, 0.3).refuse


def test_refusal_on_low_term_coverage_and_no_passages() -> None:
    assert term_coverage("parkering ved rådhuset", [UNGDOMSTORG], ANALYZE, idf) == 0.0
    assert decide_refusal("Hvor kan jeg parkere ved rådhuset?", [UNGDOMSTORG], ANALYZE, idf, known, 0.5).refuse
    assert decide_refusal("Hva er Ungdomstorget?", [], ANALYZE, idf, known, 0.5).refuse
    assert not decide_refusal("Hva er Ungdomstorget?", [UNGDOMSTORG], ANALYZE, idf, known, 0.5).refuse


HISTORY = [
    ChatTurn(role="user", content="Hva er Ungdomstorget?"),
    ChatTurn(role="assistant", content="Ungdomstorget er en tverrfaglig arena [1]."),
]


def test_followup_carries_the_subject() -> None:
    assert subject_of(HISTORY) == "Ungdomstorget"
    rewritten = rewrite_followup("Hvilken aldersgruppe er det for?", HISTORY, ANALYZE)
    assert rewritten == "Hvilken aldersgruppe er det for? (Ungdomstorget)"


def test_followup_leaves_standalone_questions_alone() -> None:
    question = "Hvilke tiltak har helsestasjonstjenesten for gravide?"
    assert not is_followup(question, HISTORY, ANALYZE)
    assert rewrite_followup(question, HISTORY, ANALYZE) == question
    assert rewrite_followup("Hva med den?", [], ANALYZE) == "Hva med den?"


def test_a_question_in_english_is_judged_by_meaning_not_words() -> None:
    question = "Who can get help at the youth centre?"
    lexical = decide_refusal(question, [UNGDOMSTORG], ANALYZE, idf, known, 0.5, dense_score=0.82, min_dense=0.855)
    assert lexical.refuse  # no Norwegian word overlap
    by_meaning = decide_refusal(
        question, [UNGDOMSTORG], ANALYZE, idf, known, 0.5, dense_score=0.82, min_dense=0.80, lexical=False
    )
    assert not by_meaning.refuse
    far = decide_refusal(
        question, [UNGDOMSTORG], ANALYZE, idf, known, 0.5, dense_score=0.7, min_dense=0.8, lexical=False
    )
    assert far.refuse
    assert requested_details("What is the phone number of the youth centre?") == ["telefonnummer"]
    assert "pris" in requested_details("How much does it cost?")


@pytest.mark.parametrize(
    ("question", "asks_for_phone"),
    [
        ("What is Sustainable Development Goal number 1?", False),
        ("What was the number of reports of concern in 2021?", False),
        ("Hva sier bærekraftsmål nummer 3?", False),
        ("What number can I call?", True),
        ("Hva er nummeret til helsestasjonen?", True),
        ("Kan jeg ringe dem?", True),
    ],
)
def test_a_number_asked_for_is_a_phone_number_only_when_it_is_not_counted(question: str, asks_for_phone: bool) -> None:
    assert ("telefonnummer" in requested_details(question)) is asks_for_phone


def test_free_in_a_situation_is_not_a_price_question() -> None:
    from assistant.refusal import situation_details

    assert situation_details("Finnes det noe gratis å gjøre i sommerferien for en 10-åring?") == []
    assert situation_details("Er det gratis, og hva koster det ellers?") == ["pris"]
    assert situation_details("Jeg har mistet jobben og sliter med å betale regningene.") == []
    assert situation_details("Vi har lav inntekt. Kan vi få hjelp til å betale SFO?") == []
    assert situation_details("Må vi betale for leirskolen?") == ["pris"]
    assert situation_details("Vi trenger hjelp til å betale, men hva koster det?") == ["pris"]
    assert situation_details("Hva er telefonnummeret til uteteamet?") == ["telefonnummer"]


def test_hits_keep_retrieval_ranks_and_every_cited_passage() -> None:
    from assistant.answering import merge_hits

    retrieved = [passage(f"treff {i}") for i in range(10)]
    found = [passage(f"rad {i}", "table_row") for i in range(8)]
    cited = {p.node_id for p in found[:6]}
    hits = merge_hits(retrieved, found, cited, 10)
    ids = [p.node_id for p in hits]
    assert len(hits) == 10 and cited <= set(ids)
    assert ids[0] == retrieved[0].node_id and ids[1] == found[0].node_id
    assert len(set(ids)) == len(ids)


ROW = (
    "Tjeneste: Helsestasjon for ungdom · Nivå: Universelle tiltak · Tiltak: Prevensjonsveiledning og forskrivning "
    "av prevensjon. · Rolle: forebygge, fange opp · Samarbeid: Fastlegene"
)
LEVEL_AND_ROLE_WORDS = ("Tjeneste:", "Nivå:", "Rolle:", "niversell", "elektert", "ndikert", "fange opp", "forebygge")


def test_a_row_reads_as_words_for_citizens_and_keeps_details_for_staff() -> None:
    from assistant.extractive import plain_row, row_fields

    citizen = plain_row(ROW, "citizen", lambda s: "helsestasjonen for ungdom")
    assert citizen == "Helsestasjonen for ungdom: Prevensjonsveiledning og forskrivning av prevensjon."
    assert not any(word in citizen for word in LEVEL_AND_ROLE_WORDS)
    staff = plain_row(ROW, "staff")
    assert staff.startswith("Helsestasjon for ungdom: Prevensjonsveiledning")
    assert "(universelle tiltak; forebygge, fange opp; samarbeid: Fastlegene)" in staff
    # a citizen who asked who the service works with sees the row's partners, and nothing else of its details
    asked = plain_row(ROW, "citizen", lambda s: "helsestasjonen for ungdom", partners=True)
    assert (
        asked
        == "Helsestasjonen for ungdom: Prevensjonsveiledning og forskrivning av prevensjon. (samarbeid: Fastlegene)"
    )
    from assistant.extractive import PARTNERS_ASKED

    assert PARTNERS_ASKED.search("Hvem samarbeider krisesenteret med?") and PARTNERS_ASKED.search(
        "Who does it work with?"
    )
    assert not PARTNERS_ASKED.search("Hva tilbyr krisesenteret?")
    assert not PARTNERS_ASKED.search("I work with young people at Strømsø. Is there a football measure?")
    law = "Tjeneste: NAV · Lov og forskrift: Sosialtjenesteloven § 17 · Beskrivelse: Kommunen skal gi økonomisk stønad."
    assert plain_row(law) == "NAV: Sosialtjenesteloven § 17 – Kommunen skal gi økonomisk stønad."
    # prose, and text that only looks like a row, stay as they are
    assert plain_row("Tiltak: ingen tjeneste her") == "Tiltak: ingen tjeneste her"
    assert row_fields("En vanlig setning · med punkt") is None


def test_compose_renders_rows_and_keeps_the_citation() -> None:
    from assistant.extractive import Unit, plain_row

    text = compose("Lead:", [Unit(2, 0, ROW)], lambda t: plain_row(t, "citizen"))
    assert text.splitlines()[1].startswith("- Helsestasjon for ungdom: Prevensjonsveiledning")
    assert text.endswith("[2]")


def _finder_result() -> object:
    from assistant.types import Citation, ServiceFinderResult, ServiceGroup, ServiceMatch

    match = ServiceMatch(
        service="SFO",
        level="selektert",
        measure="Moderasjonsordninger ut over det lovpålagt",
        roles=["forebygge"],
        partners="NAV",
        appendix="Vedlegg 2",
        citation=Citation(n=1, node_id="row-1", document="kb.txt", text="Tjeneste: SFO · Tiltak: Moderasjonsordninger"),
    )
    return ServiceFinderResult(situation="sfo koster for mye", groups=[ServiceGroup(service="SFO", measures=[match])])


def test_a_situation_that_asks_for_a_price_is_told_first_that_the_sources_give_none() -> None:
    from assistant.lexicon import service_names
    from assistant.prompts import load_prompts
    from assistant.service_answer import compose_service_answer, missing_phrase

    result = _finder_result()
    text, passages = compose_service_answer(result, load_prompts(), service_names(), missing=["pris"])  # type: ignore[arg-type]
    assert text.splitlines()[0].startswith("Kildene oppgir ikke priser.")
    assert "Moderasjonsordninger ut over det lovpålagt [1]" in text and len(passages) == 1
    plain, _ = compose_service_answer(result, load_prompts(), service_names())  # type: ignore[arg-type]
    assert not plain.startswith("Kildene oppgir ikke")
    assert not any(word in plain for word in ("Nivå:", "selektert", "forebygge"))  # citizens: no level or role
    assert missing_phrase(["telefonnummer", "pris"], english=True) == "phone numbers and prices"
    assert missing_phrase(["telefonnummer", "pris", "adresse"], english=False) == "telefonnumre, priser og adresser"


def test_a_service_line_says_the_same_measure_once() -> None:
    from assistant.lexicon import service_names
    from assistant.service_answer import service_lines
    from assistant.types import Citation, ServiceGroup, ServiceMatch

    def row(n: int, measure: str) -> ServiceMatch:
        text = f"Tjeneste: Uteteam · Tiltak: {measure}"
        citation = Citation(n=n, node_id=f"row-{n}", document="kb.txt", text=text)
        return ServiceMatch(
            service="Uteteam",
            level=None,
            measure=measure,
            roles=[],
            partners="",
            appendix="Vedlegg 2",
            citation=citation,
        )

    measures = [
        row(1, "HAP/Bevisstgjøringssamtaler"),
        row(2, "Aktør på Ungdomstorget"),
        row(3, "Aktør på Ungdomstorget."),
    ]
    measures.append(row(4, "Oppsøkende arbeid"))
    lines, passages = service_lines(
        [ServiceGroup(service="Uteteam", measures=measures)], service_names(), "citizen", "nb", ["Uteteam"]
    )
    assert lines[0].count("Aktør på Ungdomstorget") == 1 and "Oppsøkende arbeid [3]" in lines[0]
    assert [p.node_id for p in passages] == ["row-1", "row-2", "row-4"]


def test_a_citizen_shown_few_services_sees_two_measures_of_each_strong_one() -> None:
    from assistant.lexicon import service_names
    from assistant.service_answer import FEW_RUNNER_UP, FEW_SERVICES, service_lines
    from assistant.types import Citation, ServiceGroup, ServiceMatch

    def group(service: str, count: int, score: float = 2.0) -> ServiceGroup:
        def match(i: int) -> ServiceMatch:
            citation = Citation(n=i, node_id=f"{service}-{i}", document="kb.txt", text=f"Tjeneste: {service}")
            return ServiceMatch(
                service=service,
                level=None,
                measure=f"Tiltak {i}",
                roles=[],
                partners="",
                appendix="Vedlegg 2",
                citation=citation,
            )

        return ServiceGroup(service=service, measures=[match(i) for i in range(1, count + 1)], score=score)

    few = [group("Jordmortjenesten", 3), group("Fastlegene", 3, score=1.9)]
    assert len(few) <= FEW_SERVICES
    lines, passages = service_lines(few, service_names(), "citizen", "nb")
    assert [line.count("Tiltak") for line in lines] == [2, 2] and len(passages) == 4
    many = [*few, group("NAV", 3)]
    lines, passages = service_lines(many, service_names(), "citizen", "nb")
    assert [line.count("Tiltak") for line in lines] == [1, 1, 1] and len(passages) == 3
    lines, _ = service_lines(many, service_names(), "staff", "nb")
    assert [line.count("Tiltak") for line in lines] == [2, 2, 2]
    weak = [group("NAV", 3, score=2.8), group("Voksenopplæringen", 3, score=2.8 * FEW_RUNNER_UP - 0.1)]
    lines, _ = service_lines(weak, service_names(), "citizen", "nb")
    assert [line.count("Tiltak") for line in lines] == [2, 1]  # a weak runner-up keeps to its one row


def test_a_capital_after_a_colon_is_no_name() -> None:
    assert proper_names("Barnehagelærar: Mange av borna har lite norsk") == []
    assert proper_names("Lærer: eleven har flyttet fra Bergen") == ["Bergen"]


def test_a_line_close_in_meaning_leads_when_words_do_not_match() -> None:
    """An English question shares no word with the Norwegian sources: the stored vectors choose the line."""
    question = "Which age group is the youth square for?"
    closeness = {"Ungdomstorget er en tverrfaglig arena for unge mellom 13-25 år.": 0.9}
    plain = select_units(question, [SKOLE, UNGDOMSTORG], ANALYZE, idf)
    meant = select_units(
        question, [SKOLE, UNGDOMSTORG], ANALYZE, idf, meaning=closeness.get, meaning_weight=0.5, min_relative=0.6
    )
    assert "13-25" not in plain[0].text  # by words alone the first line is a guess
    assert "13-25" in meant[0].text and len(meant) == 1  # lines far below the lead are dropped


def test_a_line_holding_the_kind_of_answer_asked_for_leads() -> None:
    """«Hvilken aldersgruppe …» is answered by the line with the ages, not by the line that repeats the word."""
    question = "Hvilken aldersgruppe er Ungdomstorget for?"
    words = passage("Skape møteplasser for alle aldersgrupper i nærmiljøet.")  # as many words as the row
    ages = passage("Ungdomstorget: Lavterskel tverrfaglig arena for unge mellom 13-25", "table_row")
    fits = answer_fits("age_range")
    plain = select_units(question, [words, ages], ANALYZE, idf, fits=fits)
    typed = select_units(question, [words, ages], ANALYZE, idf, fits=fits, type_bonus=0.3)
    assert "aldersgrupper" in plain[0].text
    assert "13-25" in typed[0].text


def test_a_line_from_another_passage_must_come_closer_to_the_lead() -> None:
    question = "Hvor mange undersøkelser ble henlagt i 2020?"
    lead = passage("Barnevernet avsluttet 978 undersøkelser i 2020. Av dem ble 686 henlagt. Det er mange.")
    other = passage("I 2020 ble det gjennomført undersøkelser av skolemiljøet.")
    loose = select_units(question, [lead, other], ANALYZE, idf, min_relative=0.4)
    strict = select_units(question, [lead, other], ANALYZE, idf, min_relative=0.4, other_relative=0.9)
    assert any(u.passage == 2 for u in loose)
    assert strict[0].passage == 1 and not any(u.passage == 2 for u in strict)
    # a line beside the lead keeps the ordinary cut
    assert {u.text for u in strict if u.passage == 1} == {u.text for u in loose if u.passage == 1}
    # when the best line is not in the best-ranked passage, retrieval and the lines disagree: no stricter bar
    swapped = select_units(question, [other, lead], ANALYZE, idf, min_relative=0.4, other_relative=0.9)
    assert swapped[0].passage == 2 and any(u.passage == 1 for u in swapped)


def row(service: str, measure: str) -> Passage:
    """An appendix row of one of Drammen's services, as the index stores it."""
    text = f"Tjeneste: {service} · Nivå: Universelle tiltak · Tiltak: {measure} · Rolle: forebygge"
    return Passage(node_id=measure, document="d.txt", text=text, kind="table_row", metadata={"service": service})


def test_the_other_rows_of_the_lead_s_service_stand_beside_it() -> None:
    """A service's measures are one row each: a list of them is not cut as lines of other passages."""

    question = "Hvilke tiltak har Områdesatsingen Strømsø 2030?"
    rows = [
        row("Områdesatsingen Strømsø 2030", "Strømsømodellen: felles innsats for familier i bydelen"),
        row("Skolen", "Leksehjelp for elever på Strømsø"),
        row("Områdesatsingen Strømsø 2030", "Erfaringskonsulent med egen brukererfaring ansatt i prosjektet"),
    ]
    loose = select_units(question, rows, ANALYZE, idf, min_relative=0.3)
    strict = select_units(question, rows, ANALYZE, idf, min_relative=0.3, other_relative=0.99)
    assert [u.passage for u in loose] == [1, 2, 3]
    assert [u.passage for u in strict] == [1, 3]


def test_a_line_that_points_back_keeps_the_sentence_it_points_to() -> None:
    text = (
        "Barnevernet avsluttet 978 undersøkelser. Om lag 70 % ble henlagt. Dette er høyere enn landsgjennomsnittet. "
        "Drammen ligger under landsgjennomsnittet for tiltak. Derfor må det jobbes mer."
    )
    parts = split_units(passage(text))
    assert parts[1].startswith("Dette") and parts[3].startswith("Derfor")
    chosen = [Unit(1, 0, parts[0]), Unit(1, 1, parts[1]), Unit(1, 2, parts[2]), Unit(1, 3, parts[3])]
    lines = [u.text for u in with_antecedents(chosen, [passage(text)])]
    # onto the chosen sentence before it; «Derfor» follows the tiltak sentence, which is chosen too
    assert lines == [f"{parts[0]} {parts[1]}", f"{parts[2]} {parts[3]}"]
    # a chain of them goes onto one line, each sentence once
    chain = "Kommunen bør nå nasjonale normer. Dette for å ivareta kapasiteten. Dette vil være en god strategi."
    parts = split_units(passage(chain))
    assert len(parts) == 3
    joined = with_antecedents([Unit(1, i, t) for i, t in enumerate(parts)], [passage(chain)])
    assert [u.text for u in joined] == [" ".join(parts)]
    parts = split_units(passage(text))
    # alone, it is given the sentence before it
    alone = with_antecedents([Unit(1, 1, parts[1])], [passage(text)])
    assert [u.text for u in alone] == [f"{parts[0]} {parts[1]}"]
    # a line that opens a passage has nothing before it
    first = Unit(1, 0, "Dette er et nytt tilbud.")
    assert with_antecedents([first], [passage(first.text)]) == [first]


def test_a_short_lead_in_ending_in_a_colon_carries_what_follows_it() -> None:
    """Units are split at colons: «Et godt prinsipp vil være:» says nothing without the motto after it."""
    text = (
        "Tilbudet må settes i sentrum. Et godt prinsipp vil være:\n«Vi gir aldri opp – sammen»\n"
        "Det neste avsnittet handler om noe helt annet enn dette."
    )
    parts = split_units(passage(text))
    assert parts[1] == "Et godt prinsipp vil være:" and parts[2] == "«Vi gir aldri opp – sammen»"
    alone = with_completions([Unit(1, 1, parts[1])], [passage(text)])
    assert [u.text for u in alone] == ["Et godt prinsipp vil være: «Vi gir aldri opp – sammen»"]
    both = with_completions([Unit(1, 0, parts[0]), Unit(1, 1, parts[1]), Unit(1, 2, parts[2])], [passage(text)])
    assert [u.text for u in both] == [parts[0], "Et godt prinsipp vil være: «Vi gir aldri opp – sammen»"]
    long_lead = "Dette er en lang innledning som forteller ganske mye om mange ting før den lister opp:"
    listed = f"{long_lead}\n- Første punkt\n- Andre punkt"
    assert with_completions([Unit(1, 0, long_lead)], [passage(listed)]) == [Unit(1, 0, long_lead)]


def test_what_each_answer_type_counts() -> None:
    from assistant.refusal import NUMBER

    ages, share, date = answer_fits("age_range"), answer_fits("percent"), answer_fits("date")
    assert ages is not None and share is not None and date is not None
    assert ages("for unge mellom 13-25")
    assert ages("barn i alderen 0–20 år")
    assert ages("tilbud til 16-åringer")
    assert not ages("i perioden 2020-2022")  # years, not ages
    assert not ages("for alle aldersgrupper")
    assert share("686 av disse, dvs. ca. 70%, ble henlagt")
    assert share("fem prosent av elevene")
    assert not share("en høy andel av elevene")
    assert date("holdt 7. juni 2018")
    assert NUMBER.search("978 undersøkelser") and NUMBER.search("tre kommuner")  # a number, but no bonus for it:
    assert answer_fits("name") is None and answer_fits("number") is None  # digits are in most rows
    price = answer_fits("text", ["pris"])
    assert price is not None and price("Nok Drammen er et gratis lavterskeltilbud.") and not price("Hva koster det?")
    # A count of the thing a «hvor mange» question counts, in any inflection, is what it asks for.
    count = answer_fits("number", counted="barnekoordinatorer")
    assert count is not None and count("Drammen kommune har ansatt tre barnekoordinatorer som …")
    assert count("Fra høsten 2022 vil denne virksomheten ha 3 barnekoordinatorer.")
    assert not count("Avlastning og aktivitet: Barnekoordinator") and not count("I 2022 ble barnekoordinator innført")
    cards = answer_fits("number", counted="fritidskort")
    assert cards is not None and cards("nærmere 8 000 fritidskort i målgruppen") and not cards("8 000 barn")
    assert answer_fits("text", counted="barn") is None  # only a count question


def test_another_municipalitys_measure_answers_only_a_question_about_it() -> None:
    from assistant.answering import about_here

    oslo = passage("Kommune: Helsestasjonstjeneste i Oslo kommune · Tiltak: Barnehjernevernet", "table_row")
    fylke = passage("Kommune: Flere fylkesmannsembeter · Tiltak: Barnesamtaler", "table_row")
    assert not about_here("Finnes det kurs for førstegangsforeldre?", oslo)
    assert about_here("Hva gjør Oslo for førstegangsforeldre?", oslo)
    assert about_here("Hvilke tiltak bruker andre kommuner?", oslo)
    assert about_here("Hvilken kommune har tiltaket Barnehjernevernet?", oslo)
    assert about_here("Hva står i Vedlegg 3 om helsestasjon?", oslo)
    assert not about_here("Hvem snakker med barna?", fylke) and about_here("Hva gjør fylkesmannsembeter?", fylke)
    assert about_here("Finnes det kurs for førstegangsforeldre?", TABLE) and about_here("Hva er dette?", SKOLE)
    # Drammen's own measures do not answer a question about another municipality, unless it names Drammen too
    assert not about_here("Hva heter Asker kommunes tiltak?", TABLE)
    assert about_here("Hva gjør Asker og Drammen med uteteam?", TABLE) and about_here("Hva gjør Asker?", SKOLE)


PPT_TABLE = passage(
    "Drammen kommune har et økende antall minoritetsspråklige barn.\n"
    "Antall henvisninger skole: 2020: 379 · 2021: 439 · Juni 2022: 325\n"
    "Kommunen har ansatt to språkveiledere som jobber i barnehagene."
)


def test_a_count_is_refused_when_no_sentence_gives_a_number_of_the_thing_counted() -> None:
    assert counted_thing("Hvor mange sykehjemsplasser har Drammen kommune?") == "sykehjemsplasser"
    assert counted_thing("Kor mange av lederane svarte?") == "lederane"
    assert counted_thing("Hvilket ønske hadde verkstedet om antall saksbehandlere?") is None
    # a table row, a number in words, another inflection of the thing: all give the number
    assert states_number_of("henvisninger", [PPT_TABLE], ANALYZE)
    assert states_number_of("språkveilederne", [PPT_TABLE], ANALYZE)
    assert states_number_of("dem", [PPT_TABLE], ANALYZE)  # a pronoun: what came before decides
    # the thing is named, but with no number beside it
    assert not states_number_of("barn", [PPT_TABLE], ANALYZE)
    refused = decide_refusal("Hvor mange sykehjemsplasser har Drammen kommune?", [PPT_TABLE], ANALYZE, idf, known, 0.0)
    assert refused.refuse and "sykehjemsplasser" in refused.reason
    answered = decide_refusal("Hvor mange henvisninger kom fra skolene i 2021?", [PPT_TABLE], ANALYZE, idf, known, 0.0)
    assert not answered.refuse
    # another language: the sources' words are no evidence either way (the dense similarity decides)
    english = decide_refusal(
        "Hvor mange sykehjemsplasser?", [PPT_TABLE], ANALYZE, idf, known, 0.0, 0.9, 0.5, lexical=False
    )
    assert not english.refuse


def test_an_english_question_s_capitalised_words_are_no_unknown_names() -> None:
    goals = passage(
        "FNs 17 bærekraftsmål og 169 delmål i 2030-agendaen er verdens handlingsplan for bærekraftig utvikling."
    )
    question = "How many Sustainable Development Goals are there in the 2030 Agenda?"
    assert not decide_refusal(question, [goals], ANALYZE, idf, known, 0.0, 0.9, 0.5, lexical=False).refuse
    # a year the sources lack still refuses
    assert decide_refusal(
        "How many Sustainable Development Goals were there in 2031?",
        [goals],
        ANALYZE,
        idf,
        known,
        0.0,
        0.9,
        0.5,
        lexical=False,
    ).refuse
    # in Norwegian, a name the corpus never uses still means the question is about something else
    assert decide_refusal("Hva gjør Sustainable Goals?", [goals], ANALYZE, idf, known, 0.0).refuse


def test_an_english_question_is_searched_with_the_norwegian_words_for_what_it_names() -> None:
    from assistant.analysis import analyze_question
    from assistant.answering import with_norwegian_words

    english = "Does Drammen have a crisis centre?"
    searched = with_norwegian_words(english, analyze_question(english))
    assert searched.startswith(english) and "Krisesenteret" in searched
    club = "Can our club borrow premises from the municipality?"
    searched = with_norwegian_words(club, analyze_question(club))
    assert searched.startswith(club) and "kommunen" in searched
    norwegian = "Har Drammen et krisesenter?"
    assert with_norwegian_words(norwegian, analyze_question(norwegian)) == norwegian
    weather = "What is the weather like?"  # nothing the glossary knows: searched as it is
    assert with_norwegian_words(weather, analyze_question(weather)) == weather


def test_a_year_counts_only_in_a_passage_about_the_question_s_subject() -> None:
    programme = passage("Folkehelseprogrammet Drammen 2019-2023 baserer seg på en helhetlig tiltaksprofil.")
    youth = passage("Helsestasjon for ungdom opplever et økt behov. I 2020 ble det gjennomført 6021 konsultasjoner.")
    unemployment = "Hva var arbeidsledigheten i Drammen i 2019?"
    assert years_off_subject(unemployment, [programme, youth], ANALYZE) == ["2019"]
    assert decide_refusal(unemployment, [programme, youth], ANALYZE, lambda t: 1.0, lambda n: True, 0.0).refuse
    consultations = "Hvor mange konsultasjoner hadde helsestasjon for ungdom i 2020?"
    assert years_off_subject(consultations, [programme, youth], ANALYZE) == []
    # a year in a document's title or date is given; a question with no subject words is not checked
    assert years_off_subject(unemployment, [youth], ANALYZE, context="Arbeidsverksted 2019-06-07") == []
    assert years_off_subject("Hvordan var det i kommunen i 2019?", [youth], ANALYZE) == []
    # an English question's subject is in its Norwegian words
    english = "How many consultations did the youth health clinic have in 2019?"
    assert years_off_subject(english, [programme, youth], ANALYZE, subject="helsestasjon for ungdom") == ["2019"]
    assert years_off_subject(english, [programme, youth], ANALYZE, subject="") == []


def test_an_english_how_many_question_names_what_it_counts() -> None:
    from assistant.refusal import counted_phrase_en

    assert counted_phrase_en("How many requests did Rask Psykisk Helsehjelp get in 2021?") == "requests"
    assert counted_phrase_en("How many family teams are there in Drammen?") == "family teams"
    assert counted_phrase_en("How many?") is None
    assert counted_phrase_en("What share of children …?") is None
    # with the Norwegian words of the thing counted, a passage that gives no number of it is no answer
    staff = passage("NAV har arbeidsrettede kurs for ungdom og voksne.")
    question = "How many employees does NAV have?"
    assert decide_refusal(
        question,
        [staff],
        ANALYZE,
        lambda t: 1.0,
        lambda n: True,
        0.0,
        dense_score=0.9,
        min_dense=0.5,
        lexical=False,
        counted="ansatte",
    ).refuse
    assert not decide_refusal(
        question, [staff], ANALYZE, lambda t: 1.0, lambda n: True, 0.0, dense_score=0.9, min_dense=0.5, lexical=False
    ).refuse


def test_a_clear_lead_stands_with_fewer_lines() -> None:
    question = "Har uteteamet tilbud knyttet til cannabisbruk?"
    rows = [
        passage("Tjeneste: Uteteam · Tiltak: Tilbud om samtaler knyttet til cannabisbruk", "table_row"),
        passage("Tjeneste: Uteteam · Tiltak: Foreldreveiledning knyttet til fritid", "table_row"),
    ]
    loose = select_units(question, rows, ANALYZE, idf, min_relative=0.3)
    assert [u.passage for u in loose] == [1, 2]
    lead = loose[0].score
    clear = select_units(question, rows, ANALYZE, idf, min_relative=0.3, confident_score=lead, confident_relative=0.9)
    assert [u.passage for u in clear] == [1]
    # a weaker lead than the bar keeps the ordinary cut
    weak = select_units(
        question, rows, ANALYZE, idf, min_relative=0.3, confident_score=lead + 0.01, confident_relative=0.9
    )
    assert [u.passage for u in weak] == [1, 2]


def test_a_lead_that_holds_only_the_subject_s_name_is_no_clear_answer() -> None:
    """Among a service's rows its name tells nothing: a lead that matches the question only by it (and by
    meaning) keeps the ordinary cut, so the row that answers the rest of the question stays."""
    question = "Vordende foreldre vil forberede seg til foreldrerollen. Hva tilbyr Strømsøsatsingen?"
    rows = [
        passage("Tjeneste: Strømsøsatsingen · Tiltak: Strømsøsatsingen samordner tjenester", "table_row"),
        passage("Tjeneste: Strømsøsatsingen · Tiltak: Foreldreforberedende kurs for vordende", "table_row"),
    ]

    def meaning(text: str) -> float:
        return 1.0 if "samordner" in text else 0.0

    common = {
        "min_score": 0.0,
        "min_relative": 0.0,
        "meaning": meaning,
        "meaning_weight": 0.8,
        "confident_score": 0.5,
        "confident_relative": 0.9,
    }
    clear = select_units(question, rows, ANALYZE, idf, **common)  # type: ignore[arg-type]
    assert [u.passage for u in clear] == [1]
    subject = ANALYZE("Strømsøsatsingen tilbyr")
    kept = select_units(question, rows, ANALYZE, idf, subject_terms=subject, **common)  # type: ignore[arg-type]
    assert [u.passage for u in kept] == [1, 2]


def test_a_sentence_that_continues_a_clear_lead_stays_with_it() -> None:
    question = "Hvor stor andel av undersøkelsene ble henlagt i 2020, og hvordan er det sammenlignet med landet?"
    text = "Barnevernet avsluttet 978 undersøkelser i 2020, og ca. 70% ble henlagt. Dette er høyere enn snittet."
    units = select_units(
        question,
        [passage(text)],
        ANALYZE,
        idf,
        min_score=0.0,
        min_relative=0.0,
        confident_score=0.0,
        confident_relative=0.99,
    )
    assert len(units) == 1 and "70%" in units[0].text and "høyere enn snittet" in units[0].text


def test_a_line_that_only_says_the_question_back_is_dropped() -> None:
    """«Helsestasjonen: Gruppekonsultasjoner» to a question about the group consultations at the health centre
    tells nothing; the row that gives the ages does. A compound of the question's words («helsestasjons» +
    «tjenesten») is no news either; when every line is an echo, the best one stays."""

    question = "Er fysioterapeutene med i gruppekonsultasjonene på helsestasjonen, og ved hvilke aldre?"
    rows = [
        row("Helsestasjonstjenesten", "Gruppekonsultasjoner"),
        row("Fysioterapi barn og unge", "Gruppekonsultasjon på helsestasjon (8 uker og 4 mnd)"),
    ]
    kept = select_units(question, rows, ANALYZE, idf, min_relative=0.3)
    assert sorted(u.passage for u in kept) == [1, 2]  # off by default: other callers see every line
    dropped = select_units(question, rows, ANALYZE, idf, min_relative=0.3, drop_echoes=True)
    assert [u.passage for u in dropped] == [2]
    only_echoes = select_units(question, rows[:1], ANALYZE, idf, drop_echoes=True)
    assert [u.passage for u in only_echoes] == [1]


def test_a_line_about_another_numbered_item_year_or_school_year_is_dropped() -> None:
    goals = [
        passage("Bærekraftsmål nr 3 er god helse og livskvalitet. Bærekraftsmål nr 1 er å utrydde fattigdom."),
    ]
    question = "Hva er bærekraftsmål nr. 1?"
    assert len(select_units(question, goals, ANALYZE, idf, min_relative=0.0)) == 2
    kept = select_units(question, goals, ANALYZE, idf, min_relative=0.0, drop_other_specifics=True)
    assert [u.text for u in kept] == ["Bærekraftsmål nr 1 er å utrydde fattigdom."]
    cases = [
        passage("I 2020 kom det inn 400 saker til familieteamene. I 2021 kom det inn 520 saker til familieteamene."),
        passage("Skolehelsetjenesten har samtaler med 1. trinn og 8. trinn."),
    ]
    question = "Hvor mange saker kom inn til familieteamene i 2021?"
    assert len(select_units(question, cases[:1], ANALYZE, idf)) == 2
    lines = select_units(question, cases[:1], ANALYZE, idf, drop_other_specifics=True)
    assert [u.text for u in lines] == ["I 2021 kom det inn 520 saker til familieteamene."]
    assert specifics("Elever på 10. klasse og 1. trinn i 2022, mål nr. 4") == {
        "year": {"2022"},
        "number": {"4"},
        "grade": {"10", "1"},
    }
    # when every line names another value, the best stays: the refusal rule has judged the passages
    assert select_units("Hva skjedde i 2019?", cases[:1], ANALYZE, idf, drop_other_specifics=True)
    # the school year asked for also lifts its rows among the service's rows (with the type bonus)
    rows = [
        passage("Tjeneste: Skolehelsetjenesten · Tiltak: Åpen dør for elevene", "table_row"),
        passage("Tjeneste: Skolehelsetjenesten · Tiltak: Undervisning i klasse om sykdom for elevene", "table_row"),
        passage("Tjeneste: Skolehelsetjenesten · Tiltak: 1. trinn undervisning om vold", "table_row"),
    ]
    question = "Hva gjør skolehelsetjenesten for elevene i 1. klasse?"
    plain = select_units(question, rows, ANALYZE, idf, type_bonus=0.3)
    assert "1. trinn" not in plain[0].text
    lifted = select_units(question, rows, ANALYZE, idf, type_bonus=0.3, drop_other_specifics=True)
    assert "1. trinn" in lifted[0].text


def test_a_question_to_a_named_source_is_searched_and_scored_for_what_it_asks_of_it() -> None:
    from assistant.analysis import analyze_question
    from assistant.answering import about_in_source

    def rest(question: str) -> str:
        return about_in_source(question, analyze_question(question), ANALYZE)

    assert rest("Hva sier kunnskapsgrunnlaget om skolefravær?") == "Hva om skolefravær?"
    assert "kunnskapsgrunnlaget" not in rest("Hva skriver kunnskapsgrunnlaget om lavinntektsfamilier?")
    assert rest("Hva anbefaler fagmiljøene om forebygging?") == "Hva anbefaler om forebygging?"
    # nothing left but the source, a question about the document itself or about what a workshop said, or no
    # source named: as asked
    planner = "Oppvekstverkstedet snakket om barnehage. Hva sa de?"
    assert analyze_question(planner).intent == "planner" and rest(planner) == planner
    assert rest("Hva står i kunnskapsgrunnlaget?") == "Hva står i kunnskapsgrunnlaget?"
    assert rest("Når ble kunnskapsgrunnlaget laget?") == "Når ble kunnskapsgrunnlaget laget?"
    assert rest("Hva er Ungdomstorget?") == "Hva er Ungdomstorget?"


def test_what_counts_as_a_figure_in_an_answer_line() -> None:
    from assistant.extractive import states_figure

    terms = ANALYZE("Hvilket ønske hadde verkstedet om antall saksbehandlere?")
    assert states_figure("Pr. 31.12.21 var det totalt 691 barn som mottok tiltak.", terms, ANALYZE)
    assert states_figure("Kommunen har ansatt tre barnekoordinatorer.", terms, ANALYZE)
    assert states_figure("En saksbehandler – en «problemløser»", terms, ANALYZE)
    assert states_figure("En saksbehandler", ANALYZE("kor mange saksbehandlarar"), ANALYZE)  # nynorsk
    # a year, a law's section, a school year, «en» inside a sentence: no figure
    assert not states_figure("Prosjektet jobbes videre med i 2022.", terms, ANALYZE)
    assert not states_figure("Kapittel VIII (§§ 41 - 43) og § 31 gjelder barnehagen.", terms, ANALYZE)
    assert not states_figure("Medvirkning er lavere på 10. trinn enn på 7. trinn.", terms, ANALYZE)
    assert not states_figure("Tiltak som gir en jobb i enden.", ANALYZE("Hvor mange jobber i NAV?"), ANALYZE)
    # a reference or a day of a month: no figure either
    assert not states_figure("Kapittel 4 handler om den tidlige innsatsen.", terms, ANALYZE)
    assert not states_figure("Se vedlegg 2 og bærekraftsmål nr 1.", terms, ANALYZE)
    assert not states_figure("Fra 1. august 2022 gjelder ordningen.", terms, ANALYZE)
    assert states_figure("Fra 1. august 2022 får alle 12 timer gratis SFO.", terms, ANALYZE)
    # a share asks for a percentage or a fraction
    assert states_figure("ca. 70 % ble henlagt", [], ANALYZE, share=True)
    assert states_figure("halvparten av elevene", [], ANALYZE, share=True)
    assert not states_figure("691 barn mottok tiltak", [], ANALYZE, share=True)
    # … with its percent sign left out
    assert states_figure("79,8 av alle husstander som fikk startlån var barnefamilier", [], ANALYZE, share=True)
    assert states_figure("3 av 4 barn deltar", [], ANALYZE, share=True)
    assert not states_figure("flere av alle barna deltar", [], ANALYZE, share=True)


@pytest.mark.parametrize(
    ("question", "defined_as"),
    [
        ("Hva er universelle tiltak?", ["universell forebygging"]),
        ("What are selective measures?", ["selektiv forebygging"]),
        ("Hva er forskjellen på selekterte og indikerte tiltak?", ["selektiv forebygging", "indikert forebygging"]),
        ("Hvilke selekterte tiltak har uteteamet?", []),  # the measures at that level, not what the level is
    ],
)
def test_a_question_what_a_prevention_level_is_is_searched_with_the_knowledge_base_s_name(
    question: str, defined_as: list[str]
) -> None:
    """The catalog's «Selekterte tiltak» is the knowledge base's «Selektiv forebygging», where it is defined."""
    from assistant.analysis import analyze_question
    from assistant.answering import with_norwegian_words

    searched = with_norwegian_words(question, analyze_question(question))
    assert searched.startswith(question)
    assert [name for name in ("universell", "selektiv", "indikert") if f"{name} forebygging" in searched] == [
        d.split()[0] for d in defined_as
    ]


def test_a_citizen_s_measure_line_quotes_the_row_when_it_speaks_to_the_question(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    """«Åpen helsestasjon» alone does not say that it is a weekly drop-in: a question about dropping in for
    breastfeeding help gets the row's own words; a question the row does not speak to gets the name alone."""
    from assistant.answering import row_describer
    from assistant.lexicon import service_names
    from assistant.service_answer import service_lines
    from assistant.types import Citation, ServiceGroup, ServiceMatch

    match = ServiceMatch(
        service="Helsestasjonstjenesten",
        level="universell",
        measure="Åpen helsestasjon",
        roles=["forebygge"],
        partners="Drop-in lavterskeltilbud en gang per uke. Finnes på enkelte helsestasjoner (f.eks Mjøndalen, "
        "Marienlyst) - ønskelig at dette muliggjøres på alle steder for en lett tilgjengelig helsestasjon med lav "
        "terskel for kontakt og oppfølging av vekt, ammeveiledning etc.",
        appendix="Vedlegg 2",
        citation=Citation(n=1, node_id="row-1", document="kb.txt", text="Tiltak: Åpen helsestasjon"),
    )
    asked = row_describer(fake_assistant, "Kan jeg komme på drop-in og få ammeveiledning uten time?")
    assert asked(match) == match.partners
    assert row_describer(fake_assistant, "Hvor kan vi få hjelp med babyen?")(match) == ""
    groups = [ServiceGroup(service="Helsestasjonstjenesten", measures=[match])]
    (citizen,), _ = service_lines(groups, service_names(), "citizen", "nb", describe=asked)
    assert "Åpen helsestasjon – Drop-in lavterskeltilbud en gang per uke." in citizen
    assert "Marienlyst" in citizen and len(citizen) < 220 and citizen.endswith("… [1]")
    (staff,), _ = service_lines(groups, service_names(), "staff", "nb", describe=asked)
    assert " – Drop-in" not in staff and "samarbeid: Drop-in" in staff  # staff see the column among the details
    named = match.model_copy(
        update={"measure": "Blåmandag", "partners": "aktivitetsgruppe for ungdom, (politi og barnevern"}
    )
    assert row_describer(fake_assistant, "Hva er Blåmandag?")(named) == named.partners
    assert row_describer(fake_assistant, "Hva er Ungdomstorget?")(named) == ""
    partners = named.model_copy(update={"partners": "Helsestasjon, skoler og barnehager"})
    assert row_describer(fake_assistant, "Hva er Blåmandag?")(partners) == ""  # a list of partners describes nothing


def test_a_word_counts_in_any_inflection() -> None:
    """Snowball keeps the «-er» of «saksbehandlere» but not of «saksbehandler»: the line still holds the word."""
    question = ANALYZE("Hvor mange saksbehandlere får brukerne?")
    line = ANALYZE("En saksbehandler for hver familie")
    assert word_family("saksbehandler") == word_family("saksbehandl") == "saksbehandl"
    assert word_family("lærern") == "lær" and word_family("kjern") == "kjern"
    assert score_unit(line, question, idf) > score_unit(ANALYZE("Ombud for alle"), question, idf)


def test_a_supporting_line_must_add_a_word_of_the_question_or_come_close_to_the_lead() -> None:
    question = "Hvordan følges helsen til personer med utviklingshemming opp årlig?"
    lead = passage("Helsen til personer med utviklingshemming følges opp årlig av tjenesten.")
    echo = passage("Seksuell helse hos personer med utviklingshemming.")
    adds = passage("Det skjer årlig hos fastlegen.")
    loose = select_units(question, [lead, echo], ANALYZE, idf, min_relative=0.3)
    assert [u.passage for u in loose] == [1, 2]
    ratio = loose[1].score / loose[0].score
    strict = select_units(question, [lead, echo], ANALYZE, idf, min_relative=0.3, subsumed_relative=ratio + 0.01)
    assert [u.passage for u in strict] == [1]
    # close enough to the lead, it stays: the ranking of two such lines is not sure
    near = select_units(question, [lead, echo], ANALYZE, idf, min_relative=0.3, subsumed_relative=ratio - 0.01)
    assert [u.passage for u in near] == [1, 2]
    # a line that holds a word of the question the lead lacks is no echo of it
    partial = passage("Helsen til personer med utviklingshemming følges opp av tjenesten.")
    kept = select_units(question, [partial, adds], ANALYZE, idf, min_score=0.0, subsumed_relative=0.99)
    assert [u.passage for u in kept] == [1, 2]
