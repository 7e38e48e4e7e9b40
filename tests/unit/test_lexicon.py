"""The reviewed lexicon, acronyms and service names: data that parses, words that exist, matching rules."""

from __future__ import annotations

from pathlib import Path

import pytest

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


@pytest.mark.parametrize(
    "text",
    [
        "Hvor finner jeg hjelp til barnet mitt som ikke vil gå på skolen?",
        "Kva gjer vi når sonen vår ikkje vil på skulen?",
        "Vi er bekymret fordi hun ikke går på skolen lenger",
    ],
)
def test_school_refusal_links_in_a_subordinate_clause_too(text: str) -> None:
    """After «som», «når» or «fordi» the negation comes before the verb: «… som ikke vil gå på skolen», not only
    «vil ikke gå på skolen»."""
    assert "skolefravær" in {link.concept for link in situation_lexicon().links(text)}


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


def test_stated_ages_read_ages_classes_and_babies_but_not_durations() -> None:
    from assistant.lexicon import stated_ages

    assert stated_ages("Gutten på 4 sier nesten ingen ord") == [4.0]
    assert stated_ages("14-åring med høyt fravær") == [14.0]
    assert stated_ages("elev på 10. trinn") == [15.0]  # a school year, not an age of 10
    assert stated_ages("My son is 15") == [15.0]
    assert stated_ages("Førstegangsmor med baby på 6 uker") == [0.0]
    assert stated_ages("han er 5 mnd gammel") == [0.0]
    # durations and pregnancy weeks are no ages
    assert stated_ages("mensen er 3 uker forsinka") == []
    assert stated_ages("gravid i uke 14") == []
    assert stated_ages("Vi bor på Strømsø") == []


@pytest.mark.parametrize(
    ("text", "adult"),
    [
        ("Jeg er voksen og har slitt med angst lenge", True),
        ("Eg er vaksen og vil slutte å røykje", True),
        ("I'm an adult and I drink too much", True),
        ("Som voksen har jeg fått problemer med rus", True),
        ("Min voksne sønn ruser seg", True),
        ("Jeg er en voksen som jobber med barn", False),  # a grown-up asking about children
        ("Jeg er voksenopplæringslærer", False),
        ("Barnet trenger en voksen med seg", False),
    ],
)
def test_an_adult_is_read_as_an_adult_age(text: str, adult: bool) -> None:
    from assistant.lexicon import ADULT_AGE, stated_ages

    assert stated_ages(text) == ([ADULT_AGE] if adult else [])


def test_age_ranges_rank_down_only_services_for_other_ages() -> None:
    names = service_names()
    assert not names.fits_ages("Skolehelsetjenesten", [4.0])  # a four-year-old is not at school
    assert names.fits_ages("Skolehelsetjenesten", [4.0, 9.0])  # any stated age in the range fits
    assert names.fits_ages("Helsestasjonstjenesten", [4.0])
    assert names.fits_ages("NAV", [4.0]) and names.fits_ages("NAV", [])  # no range: for all ages
    assert names.made_for_ages("Helsestasjon for ungdom", [16.0])
    assert not names.made_for_ages("Fastlegene", [16.0])


def test_a_bad_age_range_names_the_file(tmp_path: Path) -> None:
    import pytest

    from assistant.lexicon import _age_span
    from ingest.errors import PromptError

    assert _age_span([0, 5]) == (0, 5) and _age_span(None) is None
    for bad in ([5, 0], [1], ["a", "b"], [-1, 4]):
        with pytest.raises(PromptError, match=r"service_aliases\.toml"):
            _age_span(bad)


def test_nynorsk_words_get_their_bokmal_forms() -> None:
    from assistant.lexicon import bokmal_forms, to_bokmal, with_bokmal
    from assistant.query import expand_query

    assert bokmal_forms("Korleis kan eg få hjelp når borna ikkje deltek?") == [
        "hvordan",
        "jeg",
        "barna",
        "ikke",
        "deltar",
    ]
    assert to_bokmal("Familie med låg inntekt") == "Familie med lav inntekt"
    assert with_bokmal("Hva er SFO?") == "Hva er SFO?"  # bokmål stays as it is
    expanded = expand_query("Kva tilbod finst for ungdom?")
    assert expanded.startswith("Kva tilbod finst for ungdom?") and "hva" in expanded and "tilbud" in expanded
    # the lexicon then sees the bokmål phrase
    links = situation_lexicon().links(to_bokmal("Vi har låg inntekt"))
    assert any(link.concept == "lavinntekt og økonomi" for link in links)


def test_every_nynorsk_entry_maps_to_a_different_word() -> None:
    from assistant.lexicon import _nynorsk_words

    table = _nynorsk_words()
    assert len(table) >= 80
    assert all(k != v.casefold() for k, v in table.items())


def test_english_phrases_give_the_sources_norwegian_words() -> None:
    from assistant.lexicon import _english_glossary, norwegian_words

    corpus = " ".join(p.read_text("utf-8") for p in (ROOT / "corpus").glob("*.txt")).casefold()
    table, _ = _english_glossary()
    missing = sorted({w for words in table.values() for w in words if w.casefold() not in corpus})
    assert missing == []  # every word is one the sources use
    # whole words, longest phrase first, each word once
    assert norwegian_words("What does the child welfare service do for children?") == [
        "barneverntjenesten",
        "barn",
    ]
    assert norwegian_words("Is there after-school care for pupils?") == ["SFO", "elever"]
    assert norwegian_words("schoolbag childish") == []
    # a plural in -s means what its phrase means, unless the glossary lists it
    assert norwegian_words("the family teams") == ["familieteam"]
    assert norwegian_words("kindergartens") == ["barnehager"]
    # a word no phrase holds is looked up under its base form: «identified», «identifying» under «identify»
    assert norwegian_words("were identified") == norwegian_words("identify") == norwegian_words("identifying")
    assert norwegian_words("were identified") != []
    assert norwegian_words("speeded") == []  # no base form listed, nothing guessed


def test_nynorsk_agent_nouns_get_their_bokmal_forms() -> None:
    from assistant.lexicon import bokmal_forms

    forms = bokmal_forms("Kor mange saksbehandlarar skal brukarane ha? Lærarane og ein saksbehandlar")
    assert {"saksbehandlere", "brukerne", "lærerne", "saksbehandler"} <= set(forms)
    # short bare singulars are often bokmål words too («januar», «seminar», «svar»): left alone
    assert bokmal_forms("januar seminar svar brukar") == []


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("En 15-åring røyker hasj og skulker. Hvilket tilbud har uteteamet?", ["Uteteam"]),
        ("Vi ser at mange ungdommer føler seg utenfor. Hva gjør biblioteket for dem?", ["Bibliotek"]),
        ("En ungdom står i fare for å falle ut. Er NAV til stede på skolen?", ["NAV"]),
        ("A 15-year-old is smoking weed and skipping school. What can the Uteteam offer?", ["Uteteam"]),
        ("En elev vil snakke med helsesykepleier. Finnes det et slikt tilbud på skolen?", []),
        ("Skolen sier det skjer utenfor skoletida så de kan ikke gjøre noe??", []),
        ("Saksbehandler NAV: Enslig mor med tre barn – hvilke boligsosiale virkemidler finnes?", []),
        ("Barnevernet har vært her.", []),
        ("Where can I get help for my son who won't go to school?", []),
        ("Who can help a girl who is bullied on her way home from school?", []),
    ],
)
def test_the_services_a_question_asks_about(text: str, asked: list[str]) -> None:
    assert service_names().asked_about(text) == asked


def test_a_service_s_name_can_be_taken_out_of_a_text() -> None:
    names = service_names()
    taken = names.without("Hvilke metoder bruker barnevernet?", ["Barnevernet"])
    assert taken.split() == ["Hvilke", "metoder", "bruker", "?"]
    assert names.without("Hva gjør barnevernet og NAV?", ["NAV"]).startswith("Hva gjør barnevernet og")


def test_the_levels_and_roles_a_question_about_measures_names() -> None:
    from assistant.lexicon import catalog_filters

    assert catalog_filters("Hvilke selekterte tiltak har PPT?") == (["selektert"], [], "Hvilke tiltak har PPT?")
    assert catalog_filters("Which indicated measures help to follow young people up?")[:2] == (
        ["indikert"],
        ["følge opp"],
    )
    assert catalog_filters("Kva universelle tiltak har uteteamet for å fange opp ungdom?")[:2] == (
        ["universell"],
        ["fange opp"],
    )
    assert catalog_filters("Hvilke forebyggende tiltak har skolen?")[:2] == ([], [])  # how the sources say «measures»


def test_what_a_general_phrase_is_about_takes_it() -> None:
    """«sliter med økonomien»: the struggle is with money, so the economy concept takes the phrase and the
    general «sliter» (mental health) does not link; alone, or about nothing the lexicon knows, it still does."""
    lexicon = situation_lexicon()
    money = {link.concept for link in lexicon.links("Jeg er alenemor og sliter med økonomien")}
    assert "lavinntekt og økonomi" in money and "psykisk helse" not in money
    assert {link.concept for link in lexicon.links("sønnen min sliter med angst")} == {"angst og engstelse"}
    assert "psykisk helse" in {link.concept for link in lexicon.links("Han sliter med skolen")}
    both = {link.concept for link in lexicon.links("sliter og har dårlig økonomi")}
    assert {"psykisk helse", "lavinntekt og økonomi"} <= both


def test_a_refugee_family_and_english_cannabis_phrases_link() -> None:
    """«… from Syria», «flykta frå krigen»: a family's situation, linked to the refugee concept; «smokes cannabis»
    is cannabis, not tobacco."""
    lexicon = situation_lexicon()
    for text in ("We just moved to Drammen from Syria with two kids", "Vi flykta frå krigen i Ukraina"):
        assert "flyktning og innvandrer" in {link.concept for link in lexicon.links(text)}
    assert [link.concept for link in lexicon.links("My son smokes cannabis")] == ["rus"]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Babyen våkner 5-6 ganger hver natt", "søvn"),
        ("datteren min har det veldig dårlig", "psykisk helse"),
        ("my mum is very ill", "syke foreldre og søsken (barn som pårørende)"),
    ],
)
def test_a_lay_phrase_links_with_words_between_and_its_words_inflected(text: str, concept: str) -> None:
    assert concept in {link.concept for link in situation_lexicon().links(text)}


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("vi har dårlig råd", "psykisk helse"),  # «dårlig» belongs to «dårlig råd», money
        ("jeg vil slutte å røyke og spise sunnere", "spiseforstyrrelser"),  # two phrases, not «slutte å spise»
    ],
)
def test_a_loose_match_takes_no_word_of_an_exact_phrase_and_no_distant_words(text: str, concept: str) -> None:
    assert concept not in {link.concept for link in situation_lexicon().links(text)}


def test_a_phrase_that_holds_a_service_word_but_names_no_service_is_not_that_service() -> None:
    names = service_names()
    assert names.mentioned("Sønnen min har sluttet på videregående skole") == []
    assert names.mentioned("My daughter dropped out of upper secondary school") == []
    assert names.mentioned("Hun har mye fravær på skolen") == ["Skole"]
