"""The service finder: row scoring, service aggregation, filters, limit, why, citations (fake embedder index)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.lexicon import acronyms, situation_lexicon
from assistant.service_finder import BM25Rows, informative, minmax, row_text, with_concepts
from ingest.records import PreventionLevel, ServiceMeasure


def test_bm25_rows_score_every_row_and_prefer_the_rarer_term() -> None:
    bm25 = BM25Rows([["rus", "ungdom"], ["ungdom", "skol"], ["barnehag"]])
    scores = bm25.scores({"rus": 1.0, "ungdom": 1.0})
    assert scores.shape == (3,) and scores[0] > scores[1] > scores[2] == 0.0
    assert bm25.scores({"ukjent": 1.0}).tolist() == [0.0, 0.0, 0.0]


def test_minmax_and_informative_rows() -> None:
    assert minmax(np.array([1.0, 3.0, 2.0])).tolist() == [0.0, 1.0, 0.5]
    assert minmax(np.array([2.0, 2.0])).tolist() == [0.0, 0.0]
    assert not informative("Samme som ved selekterte tiltak")
    assert informative("Hjelp til å slutte med rus")


def test_row_text_expands_acronyms_but_keeps_partners_apart() -> None:
    row = ServiceMeasure(
        service="Barnevernet",
        level=PreventionLevel.SELEKTERT,
        measure="TIBIR",
        partners="Familieteam",
        appendix="Vedlegg 2",
        node_id="n",
        doc_id="d",
    )
    text = row_text(row, acronyms())
    assert "Tidlig innsats for barn i risiko" in text and "Familieteam" not in text


@pytest.fixture(scope="module")
def finder_assistant(fake_assistant):  # type: ignore[no-untyped-def]
    return fake_assistant


def test_limit_counts_services_and_citations_follow_the_order_shown(finder_assistant) -> None:  # type: ignore[no-untyped-def]
    result = finder_assistant.find_services("ungdom som røyker hasj og skulker skolen", limit=3)
    assert 1 <= len(result.groups) <= 3
    numbers = [m.citation.n for g in result.groups for m in g.measures]
    assert numbers == list(range(1, len(numbers) + 1))
    assert result.total == len(numbers)
    assert len({g.service for g in result.groups}) == len(result.groups)
    scores = [g.score for g in result.groups]
    assert scores == sorted(scores, reverse=True)


def test_why_names_the_lay_words_that_linked(finder_assistant) -> None:  # type: ignore[no-untyped-def]
    result = finder_assistant.find_services("sønnen min røyker hasj")
    assert any("hasj →" in why for g in result.groups for why in g.why)


def test_filters_apply_to_every_measure(finder_assistant) -> None:  # type: ignore[no-untyped-def]
    result = finder_assistant.find_services("rus", levels=["indikert"], roles=["følge opp"])
    assert result.groups
    for group in result.groups:
        for m in group.measures:
            assert m.level == "indikert" and "følge opp" in m.roles


def test_a_named_service_is_ranked(finder_assistant) -> None:  # type: ignore[no-untyped-def]
    result = finder_assistant.find_services("Hva kan Krisesenteret gjøre for oss?")
    assert result.groups[0].service == "Krisesenteret"
    assert any("nevnt i situasjonen" in why for why in result.groups[0].why)


def test_listing_without_a_situation_respects_limit(finder_assistant) -> None:  # type: ignore[no-untyped-def]
    result = finder_assistant.find_services("", services=["Uteteam", "NAV"], limit=5)
    assert {g.service for g in result.groups} == {"Uteteam", "NAV"}


def test_first_help_services_get_the_acute_bonus(finder_assistant) -> None:  # type: ignore[no-untyped-def]
    from assistant.service_finder import ServiceFinder

    config = finder_assistant.settings.finder.model_copy(update={"min_relative_score": 0.0})
    finder = ServiceFinder(finder_assistant.index, config)
    situation = "mamma drikker og jeg er redd"
    plain = {g.service: g.score for g in finder.find(situation, limit=40).groups}
    helped = {g.service: g.score for g in finder.find(situation, limit=40, first_help=["Barnevernet"]).groups}
    assert set(plain) == set(helped) and "Barnevernet" in plain
    assert helped["Barnevernet"] == pytest.approx(plain["Barnevernet"] + config.acute_bonus, abs=1e-3)
    assert all(helped[s] == pytest.approx(plain[s], abs=1e-3) for s in plain if s != "Barnevernet")


def test_acute_services_name_real_services_for_every_danger_kind() -> None:
    import tomllib
    from pathlib import Path

    from assistant.lexicon import acute_services, service_names

    prototypes = tomllib.loads(
        (Path(__file__).resolve().parents[2] / "assistant" / "data" / "safety_prototypes.toml").read_text("utf-8")
    )
    kinds = {t["category"] for t in prototypes["danger"]}
    assert set(acute_services()) == kinds
    assert {s for services in acute_services().values() for s in services} <= set(service_names().names)


def test_only_the_services_that_stand_out_are_shown(finder_assistant) -> None:  # type: ignore[no-untyped-def]
    finder = finder_assistant.finder
    # one service far ahead of the typical one: it stands alone
    alone = finder.fitting({"A": 3.0, "B": 1.3, "C": 1.2, "D": 1.1, "E": 1.0})
    assert [s for s, _ in alone] == ["A"]
    # two close at the top: both
    pair = finder.fitting({"A": 3.0, "B": 2.9, "C": 1.2, "D": 1.1, "E": 1.0})
    assert [s for s, _ in pair] == ["A", "B"]
    # the runner-up needs less than the third: median 1.2, best 3.0; B at 0.44 of the way, C at 0.44 too
    runner_up = finder.fitting({"A": 3.0, "B": 2.0, "C": 2.0, "D": 1.2, "E": 1.1, "F": 1.0, "G": 0.9})
    config = finder.config
    assert config.second_relative_score < (2.0 - 1.2) / (3.0 - 1.2) < config.min_relative_score
    assert [s for s, _ in runner_up] == ["A", "B"]
    low = {"F": 1.0, "G": 1.0, "H": 1.0, "I": 1.0, "J": 0.9, "K": 0.8, "L": 0.7}
    # the bar rises with the rank: median 1.0, best 3.0; C, D, E at 0.6 of the way pass the third's bar, and only
    # the fourth and later need more
    later = finder.fitting({"A": 3.0, "B": 2.2, "C": 2.2, "D": 2.2, "E": 2.2, **low})
    assert config.min_relative_score < (2.2 - 1.0) / (3.0 - 1.0) < config.later_relative_score
    assert [s for s, _ in later] == ["A", "B", "C"]
    near = finder.fitting({"A": 3.0, "B": 2.9, "C": 2.9, "D": 2.9, **low})
    assert [s for s, _ in near] == ["A", "B", "C", "D"]
    # everything alike: nothing stands out, all are shown
    flat = {"A": 1.0, "B": 1.0, "C": 1.0}
    assert [s for s, _ in finder.fitting(flat)] == ["A", "B", "C"]
    # a question that asks for one service: only those nearly as strong as the best stand beside it
    assert (2.2 - 1.0) / (3.0 - 1.0) < config.one_relative_score < (2.9 - 1.0) / (3.0 - 1.0)
    assert [s for s, _ in finder.fitting({"A": 3.0, "B": 2.2, "C": 2.2, **low}, one=True)] == ["A"]
    assert [s for s, _ in finder.fitting({"A": 3.0, "B": 2.9, **low}, one=True)] == ["A", "B"]
    # fewer services, more measures of each
    assert finder.measures_for(1) > finder.measures_for(3) >= finder.config.measures_per_service


def test_a_role_written_first_is_not_a_service_asked_for() -> None:
    from assistant.service_finder import without_role

    assert without_role("Saksbehandler NAV: Enslig mor i trang bolig") == "Enslig mor i trang bolig"
    assert without_role("Hva kan NAV gjøre for oss?") == "Hva kan NAV gjøre for oss?"


def test_a_service_for_other_ages_ranks_lower(finder_assistant) -> None:  # type: ignore[no-untyped-def]
    from assistant.service_finder import ServiceFinder

    base = finder_assistant.settings.finder.model_copy(update={"min_relative_score": 0.0, "age_match_bonus": 0.0})
    without = ServiceFinder(finder_assistant.index, base.model_copy(update={"age_mismatch_factor": 1.0}))
    with_ages = ServiceFinder(finder_assistant.index, base.model_copy(update={"age_mismatch_factor": 0.5}))
    situation = "Gutten på 4 sier nesten ingen ord og sliter på skolen"
    plain = {g.service: g.score for g in without.find(situation, limit=40).groups}
    aged = {g.service: g.score for g in with_ages.find(situation, limit=40).groups}
    assert aged["Skolehelsetjenesten"] == pytest.approx(plain["Skolehelsetjenesten"] * 0.5, abs=1e-3)
    assert aged["Helsestasjonstjenesten"] == pytest.approx(plain["Helsestasjonstjenesten"], abs=1e-3)


def test_the_embedder_reads_the_appendix_words_the_lay_words_link_to() -> None:
    situation = "Sønnen min røyker hasj og er på fylla hver helg"  # two concepts that share terms
    text = with_concepts(situation, situation_lexicon().links(situation))
    assert text.startswith(situation + " (") and "cannabis" in text and "rusmiddelbruk" in text
    assert text.count("rusmiddelbruk") == 1  # a term both concepts have is said once
    assert with_concepts("Hva er kunnskapsgrunnlaget?", []) == "Hva er kunnskapsgrunnlaget?"


def test_a_situation_that_asks_about_one_service_is_answered_with_that_service(finder_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = finder_assistant.ask(
        "Foreldre til en fireåring med utagerende atferd trenger veiledning. Hvilke metoder bruker barnevernet?"
    )
    assert answer.services and {g.service for g in answer.services} == {"Barnevernet"}
    assert answer.answer.splitlines()[0] == "Dette er tiltakene til barnevernet som passer best til situasjonen:"
    # The name tells nothing among the service's own rows: «Informasjon om barnevernet» does not lead.
    assert "Informasjon om barnevernet" not in answer.answer.splitlines()[1]
    # A service named as the place («på skolen») is not what the question asks about.
    other = finder_assistant.ask("En elev vil snakke med helsesykepleier. Finnes det et slikt tilbud på skolen?")
    assert len(other.services) >= 2


def test_a_question_for_a_service_s_measures_at_a_level_lists_those_rows(finder_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = finder_assistant.ask("Hvilke selekterte tiltak har PPT?")
    assert answer.answer.splitlines()[0].startswith("Dette er tiltakene til PPT")
    assert "på selektert nivå" in answer.answer.splitlines()[0]
    measures = [m for g in answer.services for m in g.measures]
    assert len(measures) >= 3 and {g.service for g in answer.services} == {"PPT"}
    assert all(m.level == "selektert" for m in measures)
    assert len(answer.citations) == len(answer.answer.splitlines()[1:-2])  # one cited line per measure
    # For a need, the rows of that service that fit it; in English, the lead is English.
    need = finder_assistant.ask("Which measures does the culture school have for families with low income?")
    assert need.answer.startswith("These are the measures of") and {g.service for g in need.services} == {
        "Kulturskolen"
    }
    # A question about measures that names no service is answered from the passages as before.
    other = finder_assistant.ask("Hvilke tiltak finnes mot skolefravær?")
    assert not other.answer.startswith("Dette er tiltakene til")


def test_a_nynorsk_word_links_by_its_listed_phrases_not_by_a_stem_it_shares(finder_assistant) -> None:  # type: ignore[no-untyped-def]
    """«Sonen min drikk mykje alkohol»: «sonen» (the son) is «sønnen», not «soner» (serving a sentence); its bokmål
    form links by stem as before, and nynorsk lay phrases still link as written."""
    from assistant.lexicon import to_bokmal

    assert to_bokmal("Sonen min og dottera mi").split()[0::3] == ["sønnen", "dattera"]
    finder = finder_assistant.finder
    concepts = {link.concept for link in finder.prepare("Sonen min er 16 og drikk mykje alkohol").links}
    assert "alkohol" in concepts and "foreldre i fengsel og kriminalomsorg" not in concepts
    assert "mobbing" in {link.concept for link in finder.prepare("Dottera mi vert mobba").links}
    lexicon = situation_lexicon()
    assert lexicon.links("Sonen min", stems_too=False) == [] and lexicon.links("Sonen min")  # the stem clash
