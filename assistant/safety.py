"""Detecting questions that signal acute danger, so that the fixed safety notice comes first.

The rule, in order (pure regular expressions on the question, case-insensitive, word boundaries):

1. An always-acute phrase triggers: someone is being hurt or threatened (`slår meg`, `blir slått`,
   `ble voldtatt`, `truer med å drepe`), self-harm or suicidal intent (`ta livet av meg`,
   `vil ikke leve`, `kutter meg`, `skade meg selv`), or a medical emergency / danger now
   (`bevisstløs`, `blør`, `livsfare`, `i fare nå`, `har tatt en overdose`).
2. Otherwise nothing triggers without a danger word (vold, mishandling, overgrep, seksuelt misbruk,
   voldtekt, selvmord, selvskading, trusler, akutt, overdose, omsorgssvikt, …).
3. A danger word with a *concrete-situation cue* triggers even inside a policy frame: urgency or
   now (`akkurat nå`, `i kveld`, `i natt`), a person of one's own (`barnet mitt`, `min sønn`,
   `mamma`, `stefar`, `kjæresten min`), someone as victim (`er utsatt for`, `blir truet`), fear or a
   plea (`redd`, `hjelp meg`, `hva skal jeg gjøre`).
4. A danger word inside a *policy frame* does not: planners and staff ask about violence too
   (`forebygging av`, `tiltak mot`, `statistikk`, `hvor mange`, `kunnskapsgrunnlaget`, `strategien`,
   `planen`, `verkstedene`, `rutiner`, `hva sier`, `hva er`, `hva betyr`, `nære relasjoner` as a term).
5. A danger word outside a policy frame triggers, with or without a personal cue ("Jeg har
   selvmordstanker", "Naboen er voldelig"): when in doubt the notice is shown, because a calm notice
   too many costs less than one too few.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.prompts import PromptSet

_PERSON = (
    r"(?:meg|oss|deg|henne|ham|han|hun|barnet|barna mine|babyen|mamma|mor|pappa|far|broren min|"
    r"søsteren min|sønnen min|datteren min|kona mi|kona min|mannen min|kjæresten min|eleven)"
)
_VICTIM = (
    r"(?:jeg|vi|hun|han|mamma|pappa|mor|far|barnet mitt|barna mine|sønnen min|datteren min|min sønn|"
    r"min datter|venninnen min|vennen min|broren min|søsteren min|kjæresten min|eleven min|naboen|babyen)"
)
_HURT = r"(?:slå|slår|slo|slått|banker|banket|sparker|sparket|kvele|kveler|kvalte|mishandler|mishandlet)"

_ALWAYS = re.compile(
    r"\b(?:"
    # suicidal intent and self-harm
    r"ta(?:r)? livet (?:av )?(?:meg|meg selv|mitt)|"
    r"tenker på (?:selvmord|å ta livet|å skade meg)|har selvmordstanker|"
    r"vil ikke leve|orker ikke (?:å )?leve|orker ikke mer(?= *(?:[.!?,]|$))|har ikke lyst til å leve|"
    r"vil dø|ønsker å dø|"
    r"(?:skade|skader|skadet) meg selv|kutter meg|kuttet meg|skjærer meg|"
    # someone is being hurt or threatened ("det slår meg at" = "it strikes me that" is not)
    rf"{_HURT} {_PERSON}(?! at\b)|"
    # a named or own person as victim ("hvor mange barn blir slått" is a topic, not a situation)
    rf"{_VICTIM} (?:blir|ble|er blitt|har blitt|er|har vært) (?:\w+ )?(?:slått|banket|sparket|mishandlet|"
    r"voldtatt|truet|misbrukt|kvalt|utsatt for (?:vold|overgrep|trusler|seksuelle overgrep))|"
    r"(?:vold|trusler) mot (?:meg|oss|barnet mitt|barna mine|mamma|pappa)|"
    r"truer med å (?:drepe|skade|slå|ta)|truer med kniv|truet med kniv|"
    # medical emergency, danger now
    r"bevisstløs|besvimt|puster ikke|blør|livsfare|i livsfare|i fare nå|"
    r"har tatt en overdose|tatt overdose|overdose nå"
    r")\b",
    re.I,
)
_DANGER = re.compile(
    r"\b(?:"
    r"vold(?!som)\w*|mishandl\w*|"
    r"(?:slår|slo|slått|banker|banket)(?! (?:sammen|opp|av|på|fast|til|ut|inn|over|ned)\b| (?:meg|oss|deg) at\b)|"
    r"overgrep\w*|seksuel\w* misbruk\w*|misbrukt\w*|voldt\w*|"
    r"selvmord\w*|selvskad\w*|suicid\w*|(?:ta|tar|tok) livet (?:av seg|sitt)|trua|truet|truer|trusl\w*|drep\w*|drept|"
    r"akutt|i fare|kastet ut|rømt hjemmefra|forsvunnet|overdose\w*|omsorgssvikt\w*|"
    r"incest|grooming|tvangsekteskap\w*|kjønnslemlest\w*|æresrelatert\w*"
    r")\b",
    re.I,
)
_STRONG_CUE = re.compile(
    r"\b(?:"
    r"akkurat nå|nå med en gang|her nå|hjemme nå|i kveld|i natt|"
    r"barnet mitt|barna mine|mitt barn|min sønn|min datter|sønnen min|datteren min|"
    r"mamma|pappa|stefar|stemor|kjæresten min|mannen min|kona mi|kona min|eksen min|"
    r"vennen min|venninnen min|eleven min|naboen|broren min|søsteren min|"
    r"min venn|min venninne|min kjæreste|min mor|min far|min bror|min søster|"
    r"redd|livredd|tør ikke|turte ikke|hjelp meg|hva skal jeg gjøre|hva gjør jeg|"
    r"hvem kan jeg ringe|hvor kan jeg få hjelp"
    r")\b",
    re.I,
)
# Frames of a question about a topic rather than a situation (compounds such as
# "selvmordsforebygging" count, hence no leading word boundary on forebygg/strategi).
_POLICY = re.compile(
    r"(?:\w*forebygg\w*|\bstatistikk\w*|\bhvor mange\b|\bandel(?:en)?\b|\bomfang\w*|\btiltak\w*|"
    r"\barbeid(?:et)? mot\b|\bkunnskapsgrunnlag\w*|\w*strategi\w*|\b(?:handlings)?plan(?:en|er|ene)?\b|"
    r"\bverksted\w*|\bpolitikk\w*|\bpolitisk\w*|\brutine\w*|\bveileder\w*|\bhva sier\b|\bhva er\b|"
    r"\bhva betyr\b|\bdefinisjon\w*|\bnære relasjoner\b|\bmeldeplikt\w*|\bopplysningsplikt\w*|"
    r"\bavvergeplikt\w*|\bsom (?:lærer|helsesykepleier|ansatt|saksbehandler|barnehagelærer|fagperson)\b)",
    re.I,
)


def detect_acute_danger(question: str) -> bool:
    """True when the question signals that someone may be in danger now (see the module docstring)."""
    text = " ".join(question.split())
    if _ALWAYS.search(text):
        return True
    if not _DANGER.search(text):
        return False
    if _STRONG_CUE.search(text):
        return True
    return not _POLICY.search(text)


def safety_notice(prompts: PromptSet) -> str:
    """The fixed notice (from prompts/safety_notice.md) shown before any answer on acute danger."""
    return prompts.safety_notice
