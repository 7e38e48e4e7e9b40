"""A situation answered with services: a plain lead, the services that fit, each with its best measure
cited to its appendix row, a pointer to the Tiltaksfinner and the vetted contact pointer.

Pure composition over a finder result: nothing here is stated that the cited row does not say. Staff
see level, role and partners; citizens see the service and the measure in the row's own words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Literal

from assistant.citations import cited_passage
from assistant.lexicon import ServiceNames
from assistant.prompts import PromptSet
from assistant.types import Passage, ServiceFinderResult, ServiceGroup, ServiceMatch
from ingest.text import one_line

Audience = Literal["citizen", "staff"]
# The row's own words on a measure (its last column) that a citizen's line quotes when they speak to the question:
# a measure's name alone («Fagprogram for oppfølging av premature barn») does not say who it is for.
Describe = Callable[[ServiceMatch], str]
DESCRIPTION_CHARS = 160
DESCRIPTION_WORDS = 6  # «Barnehage og skole», «Viken fylkeskommune - UngInvest»: partners, not a description


def is_description(text: str) -> bool:
    """Whether a row's last column describes the measure («Drop-in lavterskeltilbud en gang per uke …») rather
    than naming its partners («Helsestasjon, skoler og barnehager», «HFU, Barnevernstjenesten, NAV, …»): at least
    DESCRIPTION_WORDS words, most of them not capitalised names."""
    words = re.findall(r"[^\W\d_][\w-]*", text)
    return len(words) >= DESCRIPTION_WORDS and sum(w[0].islower() for w in words) * 2 > len(words)


# A chat answer names 3–5 services; the Tiltaksfinner shows the rest.
MAX_SERVICES = 4
# A citizen's answer that names this many services or fewer shows two measures of the best service, and of another
# that scores this share of it: a service's best-matched row is often a narrow one («Hyppigere kontroller …» for a
# first pregnancy) and its general offer the next; a weak runner-up («Voksenopplæringen» for an adult who has lost
# his job, 0.65 of NAV) keeps to its one row.
FEW_SERVICES = 2
FEW_RUNNER_UP = 0.8


def chosen_groups(result: ServiceFinderResult, limit: int = MAX_SERVICES) -> list[ServiceGroup]:
    return result.groups[:limit]


def measure_passage(match: ServiceMatch) -> Passage:
    """The appendix row a service line cites, as a passage the citation validator accepts."""
    return cited_passage(match.citation, kind="table_row")


def staff_details(match: ServiceMatch) -> str:
    parts = [match.level or "uten nivå", ", ".join(match.roles) or "–"]
    if match.partners:
        partners = match.partners if len(match.partners) <= 120 else match.partners[:119].rstrip() + "…"
        parts.append(f"samarbeid: {partners}")
    return "; ".join(parts)


def service_lines(
    groups: Sequence[ServiceGroup],
    names: ServiceNames,
    audience: Audience,
    language: str,
    named: Sequence[str] = (),
    describe: Describe | None = None,
) -> tuple[list[str], list[Passage]]:
    """One line per service, numbered in order of the passages: one measure (two for staff, with details, and
    for a citizen shown FEW_SERVICES services or fewer, of the best and of one near it); a service the question
    names gets its three best. A citizen's measure carries the row's own description when `describe` finds that it
    speaks to the question (staff see the column among the details)."""
    lines: list[str] = []
    passages: list[Passage] = []
    few = len(groups) <= FEW_SERVICES
    for group in groups:
        strong = few and group.score >= FEW_RUNNER_UP * groups[0].score
        per_service = 3 if group.service in named else (2 if audience == "staff" or strong else 1)
        name = group.service if audience == "staff" else names.plain(group.service, language)
        name = name[:1].upper() + name[1:]
        parts: list[str] = []
        shown: set[str] = set()
        for match in group.measures:
            if len(shown) == per_service:
                break
            text = match.measure.rstrip(" .")
            if audience == "staff":
                text = f"{text} ({staff_details(match)})"
            elif describe is not None and (description := describe(match)):
                text = f"{text} – {one_line(description, DESCRIPTION_CHARS)}"
            if text.casefold() in shown:
                continue  # two rows of the service with the same words («Aktør på Ungdomstorget»): said once
            shown.add(text.casefold())
            passages.append(measure_passage(match))
            parts.append(f"{text} [{len(passages)}]")
        lines.append(f"- **{name}**: " + "; ".join(parts))
    return lines, passages


# What a situation may ask for that the sources never give (the kinds of assistant.refusal.DETAIL_REQUESTS).
MISSING_DETAILS = {
    "telefonnummer": ("telefonnumre", "phone numbers"),
    "pris": ("priser", "prices"),
    "åpningstider": ("åpningstider", "opening hours"),
    "adresse": ("adresser", "addresses"),
    "e-post": ("e-postadresser", "e-mail addresses"),
    "ventetid": ("ventetider", "waiting times"),
}


def missing_phrase(kinds: Sequence[str], english: bool) -> str:
    """«telefonnumre og priser» / «phone numbers and prices»."""
    return listed([MISSING_DETAILS[k][1 if english else 0] for k in kinds if k in MISSING_DETAILS], english)


def listed(words: Sequence[str], english: bool) -> str:
    """«a», «a og b», «a, b og c» (in English with «and»)."""
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} {'and' if english else 'og'} {words[-1]}"


def compose_service_answer(
    result: ServiceFinderResult,
    prompts: PromptSet,
    names: ServiceNames,
    audience: Audience = "citizen",
    language: str = "nb",
    named: Sequence[str] = (),
    support: tuple[str, Passage] | None = None,
    missing: Sequence[str] = (),
    asked: bool = False,
    describe: Describe | None = None,
) -> tuple[str, list[Passage]]:
    """(answer text, the passages it cites) for a situation; empty text when no service fits.

    `support` is one sentence of the sources' prose that speaks to the situation, with its passage;
    `missing` the details the situation asks for that the sources never give (the lead says so first);
    `asked`: the groups are the services the question asks about (the lead names them); `describe`: the row's
    description a citizen's line quotes, empty when it does not speak to the question."""
    groups = chosen_groups(result)
    if not groups:
        return "", []
    english = language == "en"
    lines, passages = service_lines(groups, names, audience, language, named, describe)
    if support is not None:
        sentence, passage = support
        passages.append(passage)
        also = prompts.lead("also_en" if english else "also")
        lines.append(f"{also} {sentence.rstrip()} [{len(passages)}]")
    details = missing_phrase(missing, english)
    if details:
        lead = prompts.lead("services_missing_en" if english else "services_missing", details=details)
    elif asked:
        shown = [names.plain(g.service, language) for g in groups]
        lead = prompts.lead("services_asked_en" if english else "services_asked", services=listed(shown, english))
    else:
        lead = prompts.lead("services_en" if english else "services", situation=result.situation)
    pointer = prompts.lead("finder_pointer_en" if english else "finder_pointer")
    contact = (prompts.contact_en if english else prompts.contact).strip()
    return "\n".join([lead, *lines, "", pointer, contact]), passages


# The words of Vedlegg 2's levels and roles in a lead: «på selektert nivå», «at the selective level».
_LEVEL_EN = {"universell": "universal", "selektert": "selective", "indikert": "indicated"}
_ROLE_EN = {"forebygge": "prevent", "fange opp": "identify", "følge opp": "follow up"}


def catalog_scope(levels: Sequence[str], roles: Sequence[str], english: bool) -> str:
    """« på selektert nivå (rolle: følge opp)» / « at the selective level (role: follow up)»; empty without
    filters."""
    scope = ""
    if levels:
        words = "/".join(_LEVEL_EN.get(lv, lv) if english else lv for lv in levels)
        scope = f" at the {words} level" if english else f" på {words} nivå"
    if roles:
        words = "/".join(_ROLE_EN.get(r, r) if english else r for r in roles)
        scope += f" ({'role' if english else 'rolle'}: {words})"
    return scope


def compose_catalog_answer(
    result: ServiceFinderResult,
    prompts: PromptSet,
    names: ServiceNames,
    audience: Audience = "citizen",
    language: str = "nb",
    levels: Sequence[str] = (),
    roles: Sequence[str] = (),
) -> tuple[str, list[Passage]]:
    """(answer text, the passages it cites) for a question about a service's measures: the lead names the service
    and the level or role asked, then one cited line per measure in the rows' own words (staff also see level,
    role and partners); empty text when the catalog has none."""
    english = language == "en"
    lines: list[str] = []
    passages: list[Passage] = []
    shown: set[tuple[str, str]] = set()
    for group in result.groups:
        for match in group.measures:
            text = match.measure.rstrip(" .")
            if (group.service, text.casefold()) in shown:
                continue  # the same measure at two levels: said once
            shown.add((group.service, text.casefold()))
            if audience == "staff":
                text = f"{text} ({staff_details(match)})"
            if len(result.groups) > 1:
                text = f"{names.plain(group.service, language)}: {text}"
            passages.append(measure_passage(match))
            lines.append(f"- {text} [{len(passages)}]")
    if not lines:
        return "", []
    services = listed([names.plain(g.service, language) for g in result.groups], english)
    lead = prompts.lead(
        "catalog_en" if english else "catalog", services=services, scope=catalog_scope(levels, roles, english)
    )
    pointer = prompts.lead("finder_pointer_en" if english else "finder_pointer")
    return "\n".join([lead, *lines, "", pointer]), passages
