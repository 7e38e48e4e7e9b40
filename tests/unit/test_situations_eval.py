"""The situation slice: the set is valid against the catalog; the metrics count what they say."""

from __future__ import annotations

from assistant.types import Answer, Citation, ServiceFinderResult, ServiceGroup, ServiceMatch
from eval.situations import (
    DEFAULT_SITUATIONS,
    SituationItem,
    aggregate_situations,
    load_situations,
    names_service,
    score_situation,
    validate_situations,
)


def test_the_slice_is_valid_against_the_real_catalog(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    items = load_situations()
    catalog: dict[str, list[str]] = {}
    for m in fake_assistant.index.catalog:
        if m.appendix == "Vedlegg 2":
            catalog.setdefault(m.service, []).append(m.measure)
    assert validate_situations(items, catalog) == []
    assert len(items) >= 90
    assert sum(i.persona == "citizen" for i in items) >= 45 and sum(i.persona == "staff" for i in items) >= 30
    counts = {lang: sum(i.language == lang for i in items) for lang in ("en", "nn", "simple")}
    assert counts["en"] >= 10 and counts["nn"] >= 5 and counts["simple"] >= 5
    assert {i.split for i in items} == {"dev", "test"}


def group(service: str, *measures: str) -> ServiceGroup:
    cite = Citation(n=1, node_id="n", document="d", text="t")
    return ServiceGroup(
        service=service,
        measures=[
            ServiceMatch(
                service=service, level=None, measure=m, roles=[], partners="", appendix="Vedlegg 2", citation=cite
            )
            for m in measures
        ],
    )


ITEM = SituationItem(
    id="s",
    situation="gutten min røyker hasj",
    split="dev",
    persona="citizen",
    language="nb",
    must=["Uteteam"],
    acceptable=["Ungdomstorg"],
    best_measures=["HAP/Bevisstgjøringssamtaler"],
)


def test_metrics_count_order_and_acceptability() -> None:
    result = ServiceFinderResult(
        groups=[
            group("NAV", "a", "b"),
            group("Ungdomstorg", "c"),
            group("Uteteam", "HAP/Bevisstgjøringssamtaler knyttet til Cannabisbruk"),
            group("Skole", "d"),
        ]
    )
    answer = Answer(question="x", standalone_question="x", answer="- **Uteteamet**: HAP [1]")
    score = score_situation(ITEM, result, answer, {"Uteteam": ["uteteamet"]})
    assert score.must_at_3 and score.best_at_10
    assert score.precision_at_5 == 2 / 4
    assert score.chat_names_must and not score.chat_refused
    late = ServiceFinderResult(groups=[group(s, "m") for s in ("NAV", "Skole", "PPT", "Uteteam")])
    assert not score_situation(ITEM, late, None, {}).must_at_3
    metrics = aggregate_situations([score])
    assert metrics.must_at_3 == 1.0 and metrics.chat_names_must == 1.0


def test_service_names_match_whole_words_only() -> None:
    assert names_service("Kontakt Uteteamet i kveld", ["Uteteam", "uteteamet"])
    assert not names_service("Kontakt uteteamets kontor", ["uteteamet"])
    assert names_service("helsestasjon for ungdom kan hjelpe", ["helsestasjon for ungdom"])


def test_citizen_answers_are_scored_for_plain_words_and_cited_service_lines() -> None:
    from eval.situations import plain_for_citizens

    assert plain_for_citizens("Lead:\n- **Helsestasjonen**: Åpen helsestasjon [1]\n\nFlere tiltak i Tiltaksfinneren.")
    assert plain_for_citizens(
        "- **Skolen**: Grupper for å fange opp og følge opp elever som strever [2]"
    )  # the row's words
    assert plain_for_citizens("- Helsestasjonstjeneste i Oslo kommune: Barnehjernevernet [1]")
    assert not plain_for_citizens("- Tjeneste: SFO · Nivå: Selekterte tiltak · Tiltak: Moderasjon [1]")  # row syntax
    assert not plain_for_citizens("- **SFO**: Moderasjon (selekterte tiltak; forebygge) [1]")  # level for staff
    assert not plain_for_citizens("- **SFO**: Moderasjon (forebygge, fange opp) [1]")  # role labels
    assert not plain_for_citizens("- **SFO**: Moderasjon")  # a service line without its citation
    assert not plain_for_citizens("- Indikerte tiltak for barn med behov [1]")  # a level label in a sentence
    assert plain_for_citizens("- Dette kan indikere at foreldre trenger støtte. [2]")  # the verb is plain Norwegian


def test_the_second_situation_set_is_valid_against_the_real_catalog(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    """eval/datasets/situations-2.jsonl: 40 situations written from the catalog in session 17, before the code
    it measures (`app.py eval --situations eval/datasets/situations-2.jsonl`)."""
    items = load_situations(DEFAULT_SITUATIONS.parent / "situations-2.jsonl")
    catalog: dict[str, list[str]] = {}
    for m in fake_assistant.index.catalog:
        if m.appendix == "Vedlegg 2":
            catalog.setdefault(m.service, []).append(m.measure)
    assert validate_situations(items, catalog) == []
    assert len(items) == 40 and {i.split for i in items} == {"dev", "test"}
    assert not {i.id for i in items} & {i.id for i in load_situations()}
