"""The extractive composer: answers from the passages' own sentences and table rows, each cited.

Pure functions. It can never state what the passages do not say: every line of the answer is a
sentence (or table row) copied from a given passage, with that passage's number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from assistant.refusal import AMOUNT_WORDS, COUNT_WORDS, DETAIL_REQUESTS
from assistant.types import Passage
from index.lexical import stems as whole_stems
from index.lexical import word_family
from ingest.text import answer_units, jaccard

Analyze = Callable[[str], list[str]]
Idf = Callable[[str], float]
Meaning = Callable[[str], "float | None"]  # a unit's closeness in meaning to the question, 0..1


@dataclass(frozen=True)
class Unit:
    """A sentence, bullet or table row of a passage."""

    passage: int  # 1-based number of the passage in the list given to the composer
    order: int  # position within the passage
    text: str
    score: float = 0.0


# What a line must hold to give the kind of answer a question expects (QuestionAnalysis.answer_type). Not «number»:
# most statistics rows hold digits, so on dev a bonus for it put rows about other figures into count answers (key
# facts 0.950 -> 0.933).
_MONTHS = "januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember"
_ANSWER_TYPES: dict[str, re.Pattern[str]] = {
    "percent": re.compile(r"\d\s*%|\bprosent", re.I),
    "date": re.compile(rf"\b(?:19|20)\d{{2}}\b|\b\d{{1,2}}\.\s*(?:{_MONTHS})\b", re.I),
    # «13-25 år», «mellom 13 og 25», «0–20 år», «under 18 år», «16-åringer»
    "age_range": re.compile(
        r"(?<![\d.,])\d{1,2}\s*[-–]\s*\d{1,2}(?![\d.,])|\bmellom\s+\d{1,2}\s+og\s+\d{1,2}\b|"
        r"\b\d{1,2}\s*(?:år\b|års\b|-?åring)|\b(?:under|over|fra|til)\s+\d{1,2}\s+år\b",
        re.I,
    ),
}


# A number in digits or words, as a count is written («691», «8 000», «tre»); not a year («i 2022 ble …»).
_COUNT = rf"(?<![\w.,])(?!(?:19|20)\d\d\b)(?:\d+(?:[ .]\d{{3}})*|{COUNT_WORDS})"
_FIGURE = re.compile(
    rf"(?<!\w)(?!(?:19|20)\d\d\b)\d|\b(?:én|{COUNT_WORDS}|{AMOUNT_WORDS}|mindretallet)\b",
    re.I,
)
# Numbers that are no figure: a section of a law («§ 31», «§§ 41 - 43») and a school year («10. trinn»).
_MONTHS = "januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember"
_NOT_FIGURES = re.compile(
    r"§+\s*\d+(?:\s*-\s*\d+)?|\b\d{1,2}\.\s*(?:trinn\w*|klasse\w*)|"
    # a reference («Kapittel 4», «vedlegg 2», «nr. 1») or a day of a month («1. august»), not a count
    rf"\b(?:kapittel|kap\.|vedlegg|side|punkt|nr\.?)\s*\d+|\b\d{{1,2}}\.\s*(?:{_MONTHS})\b",
    re.I,
)
# «En saksbehandler – …»: a line that opens with «one» of something.
_ONE = re.compile(r"^\W*(?:en|ett|ei|én)\s+([\w-]{4,})", re.I)
# A share said in words («halvparten av elevene»), beside a percentage (_ANSWER_TYPES["percent"]).
# «79,8 av alle husstander …», «3 av 4 barn»: a share with its percent sign left out.
_FRACTION = re.compile(
    r"\b(?:halvparten|flertallet|mindretallet|tredjedel\w*|fjerdedel\w*|\d+(?:,\d+)?\s+av\s+(?:alle|\d+))\b", re.I
)


def states_figure(text: str, question_terms: Collection[str], analyze: Analyze, share: bool = False) -> bool:
    """Whether a line gives a figure: a number that is not a year, a law's section or a school year, in digits or
    words, or «en/ett» opening it before a word of the question («En saksbehandler» for «… antall
    saksbehandlere»); with `share`, a percentage or a fraction in words («halvparten»)."""
    text = _NOT_FIGURES.sub(" ", text)
    if share:
        return bool(_ANSWER_TYPES["percent"].search(text) or _FRACTION.search(text))
    if _FIGURE.search(text):
        return True
    one = _ONE.search(text)
    return one is not None and any(_akin(a, b) for a in analyze(one.group(1)) for b in question_terms)


def _akin(a: str, b: str) -> bool:
    """Two stems of one word, also across bokmål and nynorsk («saksbehandler» / «saksbehandlar»): they share all
    but the last two letters of the shorter, and at least five (or are equal)."""
    shared = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return a == b or (shared >= 5 and shared >= min(len(a), len(b)) - 2)


def counted_pattern(counted: str) -> re.Pattern[str] | None:
    """A count of the thing a «hvor mange …» question asks about: a number at most two words before that thing,
    in any inflection («tre barnekoordinatorer», «691 barn som», «8 000 fritidskort»); None without a thing."""
    words = [stem for stem in whole_stems(counted) if len(stem) >= 3]
    if not words:
        return None
    things = "|".join(re.escape(stem) for stem in words)
    return re.compile(rf"{_COUNT}\s+(?:[\w-]+\s+){{0,2}}?(?:{things})\w{{0,3}}\b", re.I)


def answer_fits(answer_type: str, details: Sequence[str] = (), counted: str = "") -> Callable[[str], bool] | None:
    """What a line must hold to give the kind of answer asked: a share, a date or an age range, a count of the
    thing counted («hvor mange barnekoordinatorer» → «tre barnekoordinatorer»), or a detail the question asks for
    as the sources would state it (a price: «gratis», «kr 200»; refusal's DETAIL_REQUESTS). None when nothing is
    asked that a pattern can see (a name, a list, a text, a number of nothing named)."""
    patterns = [DETAIL_REQUESTS[kind][1] for kind in details if kind in DETAIL_REQUESTS]
    if answer_type in _ANSWER_TYPES:
        patterns.append(_ANSWER_TYPES[answer_type])
    count = counted_pattern(counted) if answer_type == "number" else None
    if count is not None:
        patterns.append(count)
    if not patterns:
        return None
    return lambda text: any(p.search(text) for p in patterns)


def split_units(passage: Passage) -> list[str]:
    """Sentences and bullets of a prose passage; a table row or small table stays one unit."""
    return answer_units(passage.text, passage.kind)


def score_unit(unit_terms: Collection[str], query_terms: Collection[str], idf: Idf) -> float:
    """Share of the query's idf mass that the unit covers (0..1); a word counts in any inflection
    (`word_family`)."""
    wanted = set(query_terms)
    if not wanted:
        return 0.0
    total = sum(idf(t) for t in wanted)
    have = {word_family(t) for t in unit_terms}
    return sum(idf(t) for t in wanted if word_family(t) in have) / total if total else 0.0


# The share of the question's words besides the subject's name (their idf mass) that a clear lead holds: «Rolle:»
# in a row, or «for» split off «forebygge», is no answer to «… forberede seg til foreldrerollen».
DETAIL_COVERAGE = 0.25


def select_units(
    question: str,
    passages: Sequence[Passage],
    analyze: Analyze,
    idf: Idf,
    max_units: int = 6,
    min_score: float = 0.2,
    rank_decay: float = 0.04,
    min_relative: float = 0.0,
    meaning: Meaning | None = None,
    meaning_weight: float = 0.0,
    usable: Callable[[Passage], bool] | None = None,
    fits: Callable[[str], bool] | None = None,
    type_bonus: float = 0.0,
    other_relative: float = 0.0,
    confident_score: float = 2.0,
    confident_relative: float = 0.0,
    subject_terms: Collection[str] = (),
    drop_echoes: bool = False,
    drop_other_specifics: bool = False,
    subsumed_relative: float = 0.0,
) -> list[Unit]:
    """The best-scoring units, de-duplicated: the best first (it leads the answer), then the others that score
    at least `min_relative` of it (`other_relative` of it when the lead stands in the first passage and they stand
    in another passage and are not another row of the lead's service; `confident_relative` of it, where higher,
    when the lead scores `confident_score` or more and holds a word of the question besides the `subject_terms`,
    the name of the service it asks about: a lead that clearly answers needs few lines beside it, but among a
    service's rows its name tells nothing), in reading order (passage rank, then position). A line below
    `subsumed_relative` of the lead that holds none of the question's words the lines above it lack adds nothing
    to them and is left out.

    A unit's score is the share of the question's idf mass it covers, blended (`meaning_weight`) with how
    close it is in meaning (`meaning`: 0..1, None for a unit without a stored vector, which keeps its words'
    score), less a small decay by passage rank, plus `type_bonus` when it holds the kind of answer the question
    expects (`fits`, from `answer_fits`). Passages that are not `usable` for this
    question give no line (their numbers stay, so citations still point at the right passage)."""
    query_terms = analyze(question)
    candidates: list[tuple[Unit, set[str]]] = []
    # With `drop_other_specifics`, a line naming the numbered item or school year the question names also gets the
    # type bonus (not the year: years stand in most statistics lines, and on dev a bonus for them put tables of
    # other figures into answers).
    asked_values = specifics(question) if drop_other_specifics else {}
    same_bonus = type_bonus if asked_values.get("number") or asked_values.get("grade") else 0.0
    for number, passage in enumerate(passages, start=1):
        if usable is not None and not usable(passage):
            continue
        for order, text in enumerate(split_units(passage)):
            terms = set(analyze(text))
            score = score_unit(terms, query_terms, idf)
            close = meaning(text) if meaning is not None else None
            if close is not None:
                score = (1 - meaning_weight) * score + meaning_weight * close
            score -= rank_decay * (number - 1)
            if passage.kind == "table" and any(ch.isdigit() for ch in question):
                score += 0.1  # a question with a year or number is usually answered by the table
            if type_bonus and fits is not None and fits(text):
                score += type_bonus
            if same_bonus and _same_specifics(asked_values, specifics(text)):
                # «… elevene i 1. klasse?»: the row about 1. trinn, among the service's rows for every year
                score += same_bonus
            candidates.append((Unit(number, order, text, score), terms))
    candidates.sort(key=lambda c: -c[0].score)
    lead_score = candidates[0][0].score if candidates else 0.0
    if drop_other_specifics:
        # «Hva er bærekraftsmål nr. 1?»: «Bærekraftsmål nr 3 er …» answers another question (and so does a line
        # about 2020 when 2021 is asked, or about 5. trinn when 1. trinn is).
        on_subject = [c for c in candidates if not _other_specifics(asked_values, specifics(c[0].text))]
        candidates = on_subject or candidates[:1]
    if drop_echoes:
        # A line that says nothing the question does not («Lån av lokaler» to «Kan jeg låne lokaler …?»,
        # «Helsestasjonen: Gruppekonsultasjoner» to «… gruppekonsultasjonene … på helsestasjonen?») answers
        # nothing; it is dropped unless every line is such. The cuts stay measured from the best score. What a
        # reader is told by a row is the row as the answer shows it (`plain_row`); a sentence keeps its terms.
        said = set(query_terms) | set(analyze(_ECHO_WORDS))

        def tells(unit: Unit, terms: set[str]) -> bool:
            shown = plain_row(unit.text)
            return not all(_said(t, said) for t in (terms if shown == unit.text else analyze(shown)))

        telling = [c for c in candidates if tells(*c)]
        candidates = telling or candidates[:1]
    # Another passage's line must come closer to the lead than a line beside it, when the lead stands in the
    # best-ranked passage: retrieval and the line scores agree on where the answer is. When they disagree, the
    # fact may be in a lower passage (measured on dev with the BM25 and dense baselines' rankings).
    other_floor = lead_score * other_relative if candidates and candidates[0][0].passage == 1 else 0.0

    def group(number: int) -> str:
        """What counts as beside the lead: its own passage, and the rows of the same service."""
        passage = passages[number - 1]
        service = passage.metadata.get("service") if passage.kind == "table_row" else None
        return f"service:{service}" if service else f"passage:{number}"

    chosen: list[tuple[Unit, set[str]]] = []
    detail = set(query_terms) - set(subject_terms)
    clear = (
        bool(candidates)
        and lead_score >= confident_score
        and (not subject_terms or not detail or score_unit(candidates[0][1], detail, idf) >= DETAIL_COVERAGE)
    )
    relative = max(min_relative, confident_relative) if clear else min_relative
    floor = max(min_score, lead_score * relative)  # lead_score is 0 without candidates
    ordinary = max(min_score, lead_score * min_relative)
    lead_at = (candidates[0][0].passage, candidates[0][0].order) if candidates else (0, 0)

    def continues_lead(unit: Unit) -> bool:
        """The sentence after the lead that points back to it («… ble henlagt. Dette er høyere enn
        landsgjennomsnittet …»): part of the lead's statement, so only the ordinary cut applies."""
        return (unit.passage, unit.order - 1) == lead_at and points_back(unit.text)

    families = {word_family(t): t for t in query_terms}

    def covered(terms: set[str]) -> set[str]:
        return {families[f] for f in map(word_family, terms) if f in families}

    covered_so_far: set[str] = set()
    subsumed_floor = lead_score * subsumed_relative
    for unit, terms in candidates:
        if len(chosen) >= max_units or unit.score < ordinary:
            break
        if unit.score < floor and not continues_lead(unit):
            continue
        # The same point said twice (two workshop summaries; a sentence and the table around it) …
        k = next(
            (k for k, (u, other) in enumerate(chosen) if jaccard(terms, other) > 0.7 or _within(unit.text, u.text)),
            None,
        )
        if k is not None:
            if "…" in chosen[k][0].text and "…" not in unit.text:  # … once whole and once cut short: keep it whole
                chosen[k] = (Unit(unit.passage, unit.order, unit.text, chosen[k][0].score), terms)
            continue
        if chosen and unit.score < other_floor and group(unit.passage) != group(1):
            continue  # the lead is in passage 1 (other_floor is 0 otherwise)
        if chosen and unit.score < subsumed_floor and not continues_lead(unit) and covered(terms) <= covered_so_far:
            continue  # it adds none of the question's words to the lines above it, and scores well below the lead
        chosen.append((unit, terms))
        covered_so_far |= covered(terms)
    if not chosen and candidates:
        chosen = [candidates[0]]  # the refusal rule has already judged the passages relevant
    if not chosen:
        return []
    lead, rest = chosen[0][0], [u for u, _ in chosen[1:]]
    return with_completions(
        with_antecedents([lead, *sorted(rest, key=lambda u: (u.passage, u.order))], passages), passages
    )


# The specifics a question can name by number: a year, a numbered item («nr. 1», «mål 3»), a school year
# («1. trinn», «10. klasse»).
_SPECIFICS: dict[str, re.Pattern[str]] = {
    "year": re.compile(r"(?<![\d.,])((?:19|20)\d{2})(?![\d.,]\d)"),
    "number": re.compile(r"\bnr\.?\s*(\d{1,3})\b", re.I),
    "grade": re.compile(r"\b(\d{1,2})\.\s*(?:trinn|klasse|årstrinn)", re.I),
}


def specifics(text: str) -> dict[str, set[str]]:
    """The years, numbered items and school years a text names, by kind."""
    return {kind: set(p.findall(text)) for kind, p in _SPECIFICS.items()}


def _same_specifics(asked: dict[str, set[str]], line: dict[str, set[str]]) -> bool:
    """The line names a numbered item or school year the question names."""
    return any(asked[kind] & line[kind] for kind in ("number", "grade") if kind in asked)


def _other_specifics(asked: dict[str, set[str]], line: dict[str, set[str]]) -> bool:
    """The line names, for a kind the question names, only other values: it is about something else."""
    return any(asked[kind] and line[kind] and not asked[kind] & line[kind] for kind in asked)


# Words that tell nothing in a line about this municipality's services.
_ECHO_WORDS = "Drammen kommune kommunen tjeneste tjenesten tjenester"


def _said(term: str, said: set[str]) -> bool:
    """A term the question holds, or a compound of two it holds («helsestasjon» + «tjenest», with or without
    a linking s or e)."""
    if term in said:
        return True
    for cut in range(3, len(term) - 2):
        head, tail = term[:cut], term[cut:]
        if tail in said and (head in said or (head[-1] in "se" and head[:-1] in said)):
            return True
    return False


# A sentence that opens by pointing back («Dette er høyere enn landsgjennomsnittet …», «Derfor …») says nothing on
# its own, and under another line it seems to speak of that one.
_POINTS_BACK = re.compile(r"^(?:dette|disse|denne|desse|dermed|derfor)\b", re.I)


def points_back(text: str) -> bool:
    return bool(_POINTS_BACK.match(text.strip()))


def with_antecedents(units: list[Unit], passages: Sequence[Passage]) -> list[Unit]:
    """Each line that points back joined to the sentence before it in its passage: onto that line when it is
    chosen too, else with that sentence put in front of it. The order of the lines stays."""
    index = {(u.passage, u.order): i for i, u in enumerate(units)}
    texts = list(units)
    host_of: dict[int, int] = {}  # a line joined onto another → the line that now holds it
    for i, unit in enumerate(units):
        if unit.order == 0 or not points_back(unit.text):
            continue
        before = index.get((unit.passage, unit.order - 1))
        if before is not None:
            target = host_of.get(before, before)  # «… Dette … Dette …»: onto the line that holds the one before
            host = texts[target]
            texts[target] = Unit(host.passage, host.order, f"{host.text} {unit.text}", host.score)
            host_of[i] = target
            continue
        parts = split_units(passages[unit.passage - 1])
        if unit.order < len(parts):
            texts[i] = Unit(unit.passage, unit.order, f"{parts[unit.order - 1]} {unit.text}", unit.score)
    return [u for i, u in enumerate(texts) if i not in host_of]


LEAD_IN_CHARS = 60  # «Et godt prinsipp vil være:», «Innsatsen kan graderes på tre ulike nivåer:»


def with_completions(units: list[Unit], passages: Sequence[Passage]) -> list[Unit]:
    """Each short line that ends in a colon completed by the unit after it in its passage: the units are split at
    colons, so «Et godt prinsipp vil være:» would stand without «Vi gir aldri opp – sammen». The completion joins
    the lead-in whether it was chosen too or not; the order of the lines stays."""
    index = {(u.passage, u.order): i for i, u in enumerate(units)}
    texts = list(units)
    joined: set[int] = set()
    for i, unit in enumerate(units):
        text = texts[i].text.rstrip()
        if i in joined or not text.endswith(":") or len(text) > LEAD_IN_CHARS:
            continue
        after = index.get((unit.passage, unit.order + 1))
        if after is not None:
            joined.add(after)
            texts[i] = Unit(unit.passage, unit.order, f"{text} {texts[after].text}", unit.score)
            continue
        parts = split_units(passages[unit.passage - 1])
        if unit.order + 1 < len(parts):
            texts[i] = Unit(unit.passage, unit.order, f"{text} {parts[unit.order + 1]}", unit.score)
    return [u for i, u in enumerate(texts) if i not in joined]


def _within(a: str, b: str) -> bool:
    """One text holds the other (spaces and case aside), or a line of one holds a long line of the other: a
    table's caption is the sentence before it cut short («… har et økende antall minorite…»)."""
    flat_a, flat_b = " ".join(a.split()).casefold(), " ".join(b.split()).casefold()
    if flat_a in flat_b or flat_b in flat_a:
        return True
    return any(piece in flat_b for piece in _pieces(a)) or any(piece in flat_a for piece in _pieces(b))


def _pieces(text: str, shortest: int = 40) -> list[str]:
    """A text's lines, cut at «…», that are long enough to tell one point from another."""
    pieces = (" ".join(p.split()).casefold() for p in re.split(r"…|\n", text))
    return [p for p in pieces if len(p) >= shortest]


# A measure or law row as the index stores it: «Tjeneste: … · Nivå: … · Tiltak: … · Rolle: … · Samarbeid: …».
_ROW_FIELD = re.compile(
    r"^(Tjeneste|Kommune|Nivå|Tiltak|Rolle|Samarbeid|Perspektiv|Lov og forskrift|Beskrivelse): (.*)$", re.S
)


def row_fields(text: str) -> dict[str, str] | None:
    """The fields of a stored appendix row, or None when the text is not one."""
    fields: dict[str, str] = {}
    for part in text.split(" · "):
        match = _ROW_FIELD.match(part.strip())
        if match is None:
            return None
        fields[match.group(1)] = match.group(2).strip()
    return fields if "Tjeneste" in fields or "Kommune" in fields else None


def other_municipality(text: str) -> str | None:
    """The municipality of a Vedlegg 3 row (what another municipality does), None for any other text."""
    fields = row_fields(text)
    return fields["Kommune"] if fields is not None and "Tjeneste" not in fields else None


# «Hvilke samarbeidspartnere har uteteamet?», «Hvem samarbeider krisesenteret med?», «Who does … work with?»
PARTNERS_ASKED = re.compile(
    r"\b(?:samarbeid\w*|samarbeidspartner\w*|samarbeidspartnar\w*|partners?|co-?operat\w*|collaborat\w*|"
    r"who(?:m)?\s+(?:does|do)\s+[\w\s'-]{1,40}?\s+work\s+with|work together)\b",
    re.I,
)


def plain_row(text: str, audience: str = "citizen", name: Callable[[str], str] = str, partners: bool = False) -> str:
    """A row in words, not in the index's field syntax: «Helsestasjonen: Åpen helsestasjon». Staff also see the
    level, roles and partners; citizens see the service (in plain words, `name`) and what the row offers, and its
    partners when they asked who it works with (`partners`). Only the row's own fields are shown, so nothing is
    stated that the cited row does not say."""
    fields = row_fields(text)
    if fields is None:
        return text
    if "Tjeneste" not in fields:  # Vedlegg 3: another municipality's measure, said as theirs
        body = " – ".join(v for v in (fields.get("Tiltak"), fields.get("Beskrivelse")) if v)
        return f"{fields['Kommune']}: {body}" if body else text
    service = fields["Tjeneste"] if audience == "staff" else name(fields["Tjeneste"])
    service = service[:1].upper() + service[1:]
    if "Tiltak" in fields:
        line = f"{service}: {fields['Tiltak']}"
        worked_with = f"samarbeid: {fields['Samarbeid']}" if fields.get("Samarbeid") else ""
        if audience == "staff":
            details = [fields.get("Nivå", "").lower(), fields.get("Rolle", ""), worked_with]
            if any(details):
                line += f" ({'; '.join(d for d in details if d)})"
        elif partners and worked_with:
            line += f" ({worked_with})"
        return line
    body = " – ".join(v for v in (fields.get("Lov og forskrift"), fields.get("Beskrivelse")) if v)
    return f"{service}: {body}" if body else text


def compose(lead: str, units: Sequence[Unit], render: Callable[[str], str] = str) -> str:
    """A one-line lead, then each unit as a bullet with its citation (`render` turns a row into words)."""
    lines = [lead]
    for unit in units:
        text = render(unit.text).rstrip()
        lines.append(f"- {text} [{unit.passage}]")
    return "\n".join(lines)
