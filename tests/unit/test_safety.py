"""The acute-danger trigger: situations trigger the safety notice, topic and policy questions do not."""

from __future__ import annotations

import pytest

from assistant.prompts import load_prompts
from assistant.safety import detect_acute_danger, safety_notice

TRIGGERS = [
    # someone is being hurt or threatened now
    "Pappa slår meg når han er full, hva skal jeg gjøre?",
    "Stefaren min slår henne hver kveld",
    "Naboen slår barnet, jeg hører det gjennom veggen",
    "Venninnen min blir slått av kjæresten sin",
    "Mamma blir mishandlet",
    "Barnet mitt er utsatt for overgrep",
    "Jeg ble voldtatt i helgen",
    "Datteren min ble misbrukt seksuelt av en voksen",
    "Jeg er redd for stefar, han truer oss",
    "Han har truet med å drepe meg",
    "Eksen min truer med kniv",
    "Eleven min forteller om vold hjemme",
    "Han bruker vold mot meg",
    "Hun er voldelig mot barna",
    "VOLD hjemme hos oss i kveld",
    # suicide and self-harm
    "Jeg vil ikke leve lenger",
    "Jeg tenker på selvmord",
    "Jeg har lyst til å ta livet av meg",
    "Sønnen min snakker om å ta livet av seg",
    "Jeg kutter meg når det blir for mye",
    "Jeg vil skade meg selv",
    "Selvskading hjelp meg",
    # emergencies
    "Noen er bevisstløs her nå",
    "Hun har tatt en overdose",
    "Barnet blør og jeg får ikke stoppet det",
    "Vi er i fare nå",
    "Det er livsfare!",
    "Barnet er i fare hjemme",
    "Han står i fare for å bli drept",
    "Det er akutt, hvem kan jeg ringe?",
    # abuse said by a witness, in English and Norwegian: who did it and where they touched
    "My neighbour's girl says the babysitter touches her under her clothes",
    "Dattera mi sier at treneren tar på henne når de er alene",
    "A pupil just told me that her stepdad forced her to have sex",
]

NEAR_MISSES = [
    "Hva sier kunnskapsgrunnlaget om forebygging av vold i nære relasjoner?",
    "Hvilke tiltak mot seksuelle overgrep har skolehelsetjenesten?",
    "Hvor mange barn er utsatt for omsorgssvikt i Drammen?",
    "Hvor mange barn blir utsatt for vold hvert år?",
    "Hvor mange foreldre slår barna sine?",
    "Hvor mange unge tar livet av seg hvert år?",
    "Hva er kommunens plan for forebygging av omsorgssvikt?",
    "Hva betyr selvmordsforebygging i strategien?",
    "Hva er statistikken for vold blant unge?",
    "Hva sa verkstedene om rus og vold?",
    "Jeg jobber med forebygging av vold, hva sier planen?",
    "Hva er selvskading?",
    "Hvilke rutiner har skolen ved mistanke om overgrep?",
    "Hva er meldeplikten til barnevernet ved mishandling?",
    "Det slår meg at tilbudet er lite kjent",
    "Drammen ble slått sammen med Svelvik og Nedre Eiker",
    "Det er en voldsom økning i henvendelser",
    "Hva er Ungdomstorget?",
    "Hvilke tilbud finnes for gravide?",
    "Hvordan samarbeider skolen med barnevernet?",
    "Hva gjør NoK Drammen?",
    "Hvordan fungerer akuttplasser i barnevernet?",
    # a professional's question about the work (training, preparedness, cases) is no emergency
    "Hvilken opplæring får de ansatte i å oppdage overgrep?",
    "Hvordan lager vi en beredskapsplan ved mistanke om vold?",
    "What training do staff get on violence against children?",
    # a figure of speech about a form is no emergency
    "Jeg orker ikke mer av dette søknadsskjemaet, finnes det en enklere vei?",
    # teaching about the topic and discussing a case are the work, not an emergency
    "Rektor: Vi ønsker undervisning om kropp, grenser og overgrep på 1. trinn. Hvem kan bidra?",
    "4-åring slår andre barn daglig. Hvordan kan vi drøfte saken tverrfaglig?",
    # «i fare for å …» is a risk, not a danger now
    "En ungdom på videregående står i fare for å falle ut. Er NAV til stede på skolen?",
]


@pytest.mark.parametrize("question", TRIGGERS)
def test_situations_of_acute_danger_trigger(question: str) -> None:
    assert detect_acute_danger(question)


@pytest.mark.parametrize("question", NEAR_MISSES)
def test_topic_and_policy_questions_do_not_trigger(question: str) -> None:
    assert not detect_acute_danger(question)


def test_a_concrete_cue_wins_over_a_policy_frame() -> None:
    policy = "Hva sier planen om vold?"
    assert not detect_acute_danger(policy)
    assert detect_acute_danger(policy + " Pappa slår meg akkurat nå.")
    assert detect_acute_danger("Hva sier planen om vold? Jeg er redd.")


def test_a_danger_word_without_any_frame_triggers() -> None:
    # When in doubt the notice is shown: a bare danger statement is not a policy question.
    assert detect_acute_danger("Naboen er voldelig")
    assert not detect_acute_danger("Naboen er hyggelig")


def test_whitespace_and_case_do_not_matter() -> None:
    assert detect_acute_danger("jeg   VIL\nikke leve")


def test_the_notice_is_the_fixed_text_with_the_national_numbers() -> None:
    prompts = load_prompts()
    notice = safety_notice(prompts)
    assert notice == prompts.safety_notice
    for number in ("113", "112", "116 111", "116 123"):
        assert number in notice
