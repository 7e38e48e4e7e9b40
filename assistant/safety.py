"""Detecting questions that signal acute danger, so that the fixed safety notice comes first.

Rule: a phrase that is always acute (`ta livet av meg`, `blir slått`, `i fare nå`) triggers; so does a
danger word (vold, overgrep, selvmord, …) together with a personal or present-tense cue (meg, min,
barnet mitt, nå, hjemme, redd). A danger word in a policy question (forebygging av, tiltak mot,
statistikk, hvor mange, hva sier …) without such a cue does not: planners ask about violence too.
"""

from __future__ import annotations

import re

_ALWAYS = re.compile(
    r"\b(ta livet av (meg|meg selv|seg|seg selv)|tar livet mitt|vil ikke leve|orker ikke å leve|vil dø|"
    r"skade meg selv|skader meg selv|kutter meg|blir slått|ble slått|blir banket|blir mishandlet|"
    r"blir utsatt for (vold|overgrep)|ble voldtatt|er blitt voldtatt|slår (meg|oss|barnet|barna|henne|ham|mamma)|"
    r"i livsfare|livsfare|i fare nå|er i fare|bevisstløs|blør mye|truer med å drepe|"
    r"har tatt en overdose|overdose nå)\b",
    re.I,
)
_DANGER = re.compile(
    r"\b(vold\w*|slå\w*|slo|mishandl\w*|overgrep\w*|misbruk\w*|voldt\w*|selvmord\w*|selvskad\w*|"
    r"trua|truet|truer|redd for (ham|henne|mamma|pappa|stefar|stemor|kjæresten)|kaster ut|rømt|"
    r"forsvunnet|overdose|omsorgssvikt)\b",
    re.I,
)
_PERSONAL = re.compile(
    r"\b(meg|oss|min|mitt|mine|barnet mitt|sønnen min|datteren min|vennen min|venninnen min|eleven min|"
    r"nå|akkurat nå|i dag|i kveld|i natt|hjemme|redd|hjelp meg|hva gjør jeg|hva skal jeg gjøre)\b",
    re.I,
)
_POLICY = re.compile(
    r"\b(forebygg\w*|statistikk\w*|hvor mange|andel\w*|tiltak mot|arbeid mot|arbeidet mot|kunnskapsgrunnlag\w*|"
    r"strategi\w*|verksted\w*|plan\w*|politikk\w*|hva sier|hva er|hva betyr|rutine\w*|kommunens ansvar)\b",
    re.I,
)


def detect_acute_danger(question: str) -> bool:
    """True when the question signals that someone may be in danger now."""
    if _ALWAYS.search(question):
        return True
    if not _DANGER.search(question):
        return False
    if _PERSONAL.search(question):
        return True
    return not _POLICY.search(question)
