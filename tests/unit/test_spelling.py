"""Spelling correction: slips and missing æøå mended to the sources' words; real words left alone."""

from __future__ import annotations

import pytest

from assistant.spelling import SpellingCorrector, deletes, edits1, osa_distance

SOURCES = [
    "Familieteamene fikk 1260 saker i 2021. Barnevernet henla 686 undersøkelser.",
    "Barnevernsreformen trådte i kraft 1. januar 2022. Når får barna plass i barnehagen?",
    "Ungdomstorget er for unge mellom 13-25. Barnehagebarn med vedtak. Tjenesten sender henvisning.",
]
GENERAL = {"senga": 4.41, "røyker": 4.34, "nar": 2.96, "når": 6.43, "sa": 5.58, "så": 6.83, "hørt": 5.19}


def stem(word: str) -> str:
    return word.removesuffix("a") if word.endswith("barna") else word


@pytest.fixture(scope="module")
def speller() -> SpellingCorrector:
    return SpellingCorrector.from_texts(SOURCES, extra_words=["Uteteam"], general=GENERAL, stem=stem)


def test_distance_counts_a_swap_as_one_edit() -> None:
    assert osa_distance("barnevrnet", "barnevernet") == 1
    assert osa_distance("famliieteamene", "familieteamene") == 1  # «li» ↔ «il»
    assert osa_distance("sender", "sendder") == 1
    assert osa_distance("abc", "cba") == 2
    assert "famliieteamene" in edits1("familieteamene")
    assert {"bar", "ba", "br"} <= deletes("bar", 2)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Hvor mange saker fikk famliieteamene?", "Hvor mange saker fikk familieteamene?"),
        ("Hvem sender meldinger til barnevrnet?", "Hvem sender meldinger til barnevernet?"),
        ("Nar tradte barnevernsreforrmen i kraft?", "Når trådte barnevernsreformen i kraft?"),  # æøå and a slip
        ("Hva er Ungdomstorgt?", "Hva er Ungdomstorget?"),  # the capital kept
        ("Har du hort om uteteem?", "Har du hørt om uteteam?"),  # a general word and a reviewed name
    ],
)
def test_slips_are_mended_to_known_words(speller: SpellingCorrector, typed: str, meant: str) -> None:
    assert speller.correct(typed).text == meant


@pytest.mark.parametrize(
    "text",
    [
        "Gutten ligger i senga og røyker",  # general words the sources do not have
        "Hva sa verkstedene?",  # «sa» is a word of its own, not «så» without its ring
        "Hva er PPT og BUP?",  # abbreviations
        "Hva er e-postadressen?",  # a hyphenated compound
        "Hvor mange barnehagebarna har vedtak?",  # an inflection of a source word
        "Familieteamene fikk 1260 saker i 2021.",
    ],
)
def test_known_words_stand(speller: SpellingCorrector, text: str) -> None:
    corrected = speller.correct(text)
    assert corrected.text == text and corrected.changes == []


def test_the_changes_are_reported(speller: SpellingCorrector) -> None:
    corrected = speller.correct("Nar kom barnevrnet?")
    assert corrected.changes == [("Nar", "Når"), ("barnevrnet", "barnevernet")]


def test_short_unknown_words_and_far_words_stand(speller: SpellingCorrector) -> None:
    assert speller.correct_word("xyz") is None  # too short to tell
    assert speller.correct_word("kvantefysikk") is None  # no source word within two edits


def test_the_nearest_then_most_frequent_word_wins_deterministically() -> None:
    speller = SpellingCorrector({"koster": 1, "kost": 1}, general={"koster": 4.86, "kost": 4.1})
    assert speller.correct_word("kostr") == "koster"  # both one edit away: the more common word
    again = SpellingCorrector({"kost": 1, "koster": 1}, general={"koster": 4.86, "kost": 4.1})
    assert again.correct_word("kostr") == "koster"


def test_an_english_corrector_mends_english_and_leaves_the_sources_names() -> None:
    english = SpellingCorrector({}, {"husband": 4.9, "drinks": 4.6, "the": 7.7}, also_known=["fritidskortet"])
    assert english.correct("My husbend driinks").text == "My husband drinks"
    assert english.correct("When did Drammen join Fritidskortet?").changes == []


def test_the_assistant_corrects_norwegian_and_english_and_the_setting_turns_it_off(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    from assistant.facade import Assistant

    assert fake_assistant.corrected("Hva gjør famliieteamene?") == "Hva gjør familieteamene?"
    assert fake_assistant.corrected("My husbend hits me when he drinks") == "My husband hits me when he drinks"
    # an English question keeps the sources' Norwegian words, even a slipped one it cannot place
    assert fake_assistant.corrected("What do the famliieteamene do?") == "What do the famliieteamene do?"
    assert fake_assistant.corrected("What does Ungdomstorget offer?") == "What does Ungdomstorget offer?"
    assert fake_assistant.corrected("Wo finde ich Hilfe für meinen Sohn?") == "Wo finde ich Hilfe für meinen Sohn?"
    settings = fake_assistant.settings.model_copy(deep=True)
    settings.retrieval.spelling_correction = False
    off = Assistant(fake_assistant.index, settings, fake_assistant.prompts)
    assert off.corrected("Hva gjør famliieteamene?") == "Hva gjør famliieteamene?"


def test_a_question_with_slips_gets_the_answer_of_the_question_without(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    clean = fake_assistant.ask("Hvor mange saker kom inn til familieteamene i 2021?")
    typed = fake_assistant.ask("Hvor mange saker kom inn til famliieteamene i 2021?")
    assert not typed.refused
    assert typed.standalone_question == "Hvor mange saker kom inn til familieteamene i 2021?"
    assert typed.answer == clean.answer


def test_a_bare_stem_of_a_rare_source_word_is_read_as_the_clearly_likelier_word() -> None:
    def snowball(word: str) -> str:  # «kostra» → «kostr», «barnehagelovens» → «barnehagelov»
        return word.removesuffix("a") if word == "kostra" else word.removesuffix("ens")

    speller = SpellingCorrector(
        {"kostra": 3, "koster": 2, "barnehagelov": 1, "barnehageloven": 2},
        general={"koster": 4.86, "kostra": 1.59, "barnehageloven": 2.6},
        stem=snowball,
    )
    assert speller.correct_word("kostr") == "koster"  # «kostr» is «KOSTRA»'s stem only: nobody writes it
    assert speller.correct_word("barnehagelovens") is None  # an inflection of a source word stands


def test_a_known_word_with_two_likely_neighbours_stands() -> None:
    speller = SpellingCorrector(
        {"leder": 2, "steder": 5, "ledr": 1}, general={"leder": 5.35, "steder": 5.19}, stem=lambda w: w[:-1]
    )
    assert speller.likelier_neighbour("seder") is None  # «leder» or «steder»? Left as written
    assert speller.likelier_neighbour("leder") is None  # a source word


def test_a_word_restored_with_aeoeaa_to_a_rare_slip_goes_on_to_the_source_word() -> None:
    speller = SpellingCorrector({"videregående": 26}, general={"videregående": 4.89, "vidregående": 1.83})
    assert speller.correct_word("vidregaende") == "videregående"
    assert speller.correct_word("videregaende") == "videregående"


def test_nynorsk_and_english_words_of_the_general_list_stand() -> None:
    speller = SpellingCorrector(
        {"minst": 30, "dere": 10, "bare": 40}, general={"finst": 3.1, "minst": 5.9, "were": 3.0, "dere": 6.0}
    )
    assert speller.correct("Kva finst det?").changes == []
    assert speller.correct_word("were") is None
