"""The reviewed lexicon, acronyms and service names: data that parses, words that exist, matching rules."""

from __future__ import annotations

from pathlib import Path

from assistant.lexicon import acronyms, age_terms, service_names, situation_lexicon, without_numbers
from eval.dataset import SERVICES

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE_BASE = (ROOT / "corpus" / "kunnskapsgrunnlag-oppvekstreformen-2022.txt").read_text(encoding="utf-8")


def test_every_lexicon_term_occurs_in_the_knowledge_base() -> None:
    folded = KNOWLEDGE_BASE.casefold()
    missing = [t for c in situation_lexicon().concepts for t in c.terms if t.casefold() not in folded]
    assert missing == []


def test_lay_words_map_to_the_appendix_vocabulary() -> None:
    links = {link.concept: link for link in situation_lexicon().links("Sønnen min røyker hasj og skulker skolen")}
    assert "rus" in links and "cannabis" in {t.casefold() for t in links["rus"].terms}
    assert any("nærvær" in t.casefold() for link in links.values() for t in link.terms)
    english = situation_lexicon().links("I'm 17 and want to get on birth control")
    assert any("prevensjon" in t.casefold() for link in english for t in link.terms)
    assert situation_lexicon().links("Hva er kunnskapsgrunnlaget?") == []


def test_longest_phrase_wins() -> None:
    # «røyker hasj» is one phrase about drugs; «røyker» alone would be tobacco
    concepts = [link.concept for link in situation_lexicon().links("gutten røyker hasj")]
    assert concepts[0] == "rus"


def test_acronyms_expand_and_ordinary_words_do_not() -> None:
    expanded = acronyms().expansions("Tilbud: PMTO og TIBIR")
    assert any("Parent Management Training" in e for e in expanded)
    assert any("Tidlig innsats for barn i risiko" in e for e in expanded)
    assert acronyms().expansions("det er nok nå, spør en bro") == []


def test_service_names_are_the_31_of_vedlegg_2_and_match_inflections() -> None:
    names = service_names()
    assert sorted(names.names) == sorted(SERVICES)
    assert names.mentioned("Kan uteteamet eller helsestasjonen for ungdom hjelpe?") == [
        "Uteteam",
        "Helsestasjon for ungdom",
    ]
    assert names.plain("Helsestasjon for ungdom", "en") != names.plain("Helsestasjon for ungdom", "nb")


def test_numbers_are_ages_and_school_years_not_tokens() -> None:
    assert age_terms("Sønnen min på 14 røyker") == ["ungdom", "ungdomsskole"]
    assert "ungdomsskole" in age_terms("hun går i 9. klasse")
    assert "barnehage" in age_terms("gutten er 3 år")
    assert age_terms("Jonas (14) røyker hasj")[0] == "ungdom"
    assert age_terms("Helsestasjonsprogram 14 konsultasjoner") == []
    assert "14" not in without_numbers("på 14 og § 14 a)")


def test_inflections_the_lexicon_does_not_list_link_through_their_stem() -> None:
    # «skulkes» and «mobbingen» are not listed; «skulker» and «mobbing» are
    concepts = {link.concept for link in situation_lexicon().links("han skulkes bort, og mobbingen fortsetter")}
    assert {"skolefravær", "mobbing"} <= concepts
    assert situation_lexicon().links("Hva står i kapittel fem?") == []
