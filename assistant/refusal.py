"""The refusal rule: decide from retrieval evidence whether the passages can answer a question.

Used by both answer modes, so the extractive composer refuses too. Three checks, each from
evidence rather than from a model's opinion:
1. a question asking for a kind of detail (phone number, price, opening hours, address, e-mail)
   is refused when no given passage contains that kind of detail;
2. a year or a proper name in the question that appears in none of the passages means the passages
   are about something else (another year, another municipality);
3. a question that opens by asking how many of something («Hvor mange sykehjemsplasser …») is refused
   when no sentence of the passages gives a number together with that thing;
4. the passages must cover enough of the question's content terms (idf-weighted), unless the dense
   similarity of the best passage is high (a paraphrase shares meaning, not words).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.types import Passage
from index.lexical import SHORT_DATE_YEAR
from index.lexical import stems as whole_stems

DETAIL_REQUESTS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    # kind: (the question asks for it, a passage contains it)
    "telefonnummer": (
        # «number 1», «the number of referrals», «nummer 3» are no phone number
        re.compile(
            r"\b(telefon\w*|tlf|ringe|ring|mobil\w*|phone\w*|call)\b|\b(nummer\w*|number)\b(?!\s*(?:\d|of\b))", re.I
        ),
        re.compile(r"(?<!\d)(?:\+47\s?)?\d{2}\s?\d{2}\s?\d{2}\s?\d{2}(?!\d)|\b\d{3}\s\d{2}\s\d{3}\b"),
    ),
    "pris": (
        re.compile(
            r"\b(pris\w*|koste[rt]?|kostnad\w*|egenandel\w*|betale?r?|gebyr\w*|avgift\w*|gratis|price\w*|"
            r"costs?|fees?|pay)\b",
            re.I,
        ),
        re.compile(r"\b(kr\.?\s?\d|\d[\d\s]*\s?(kroner|kr)\b|gratis|egenandel|foreldrebetaling|betaling)", re.I),
    ),
    "åpningstider": (
        re.compile(
            r"\b(åpningstid\w*|åpent|åpen|åpner|stenger|stengt|når kan jeg komme|opening hours|open|closes?)\b", re.I
        ),
        # actual times, not the word "åpningstid" (which also appears in "etter ordinær åpningstid")
        re.compile(r"\b(kl\.?\s?\d|\d{1,2}[:.]\d{2}\s?[-–]\s?\d{1,2}[:.]\d{2})", re.I),
    ),
    "adresse": (
        # the noun, not the verb: «utfordringer som bør adresseres», «how should the municipality address …»
        re.compile(
            r"\b(adresse(?:n|ne|r|rne)?|hvor ligger|besøksadresse\w*|postadresse\w*|located|"
            r"(?:the|an|its|their|your|postal|street|visiting|office|home) address(?:es)?|"
            r"address(?:es)?(?= of| for|\s*\?|\s*$))\b",
            re.I,
        ),
        re.compile(r"\b\w+(veien|vei|gata|gate|plass|torget)\s\d+\b", re.I),  # a street address
    ),
    "e-post": (
        re.compile(r"\b(e-?post\w*|mailadresse|e-?mail)\b", re.I),
        re.compile(r"[\w.-]+@[\w-]+\.\w+"),
    ),
    "ventetid": (
        re.compile(
            r"\b(ventetid\w*|ventelist\w*|(?:hvor|kor) lenge (?:må|skal|vil) \w+ vente|waiting (?:times?|lists?)|"
            r"how long (?:do|does|will|must) \w+ (?:\w+ ){0,2}wait|how long (?:is|are) (?:the )?wait\w*)\b",
            re.I,
        ),
        # a waiting time stated as one («ventetid på tre uker», «innen 6 uker», «fire ukers ventetid»); a duration
        # alone is something else («hjemmebesøk etter 7-10 dager»)
        re.compile(
            r"\b(?:vent\w*|innen|frist\w*)\b[^.!?\n]{0,60}?\b(?:\d+|en|ett|to|tre|fire|fem|seks|åtte|ti)\s+"
            r"(?:dager|dag|uker|uke|måneder|måned)\b|\b(?:\d+|en|ett|to|tre|fire|fem|seks|åtte|ti)\s*-?\s*"
            r"(?:dagers|ukers|måneders)\s+ventetid",
            re.I,
        ),
    ),
}
# «Hvor mange ansatte …», «Kor mange av lederane …»: the thing counted is the word after the opening.
_COUNTED = re.compile(r"^\W*(?:hvor|kor)\s+mange\s+(?:av\s+)?([\wæøåÆØÅ-]+)", re.I)
# «How many family teams are there …», «How many requests did …»: the words between «how many» and the verb.
_COUNTED_EN = re.compile(
    r"^\W*how\s+many\s+((?:[a-z][\w-]*\s+){0,3}?[a-z][\w-]*)\s+(?:did|does|do|are|were|was|is|have|has|had|got|"
    r"get|gets|received?|receives|in|at|of|per|with|will|can|live|lived|work|worked|took|take|used|use)\b",
    re.I,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
# Numbers in words, as the sources write a count («tre kommuner»), and the amounts said in words.
COUNT_WORDS = "to|tre|fire|fem|seks|sju|syv|åtte|ni|ti|elleve|tolv|femten|tjue|tretti|førti|femti|hundre|tusen"
AMOUNT_WORDS = "halvparten|dobbelt|flertallet"
NUMBER = re.compile(rf"\d|\b({COUNT_WORDS}|{AMOUNT_WORDS})\b", re.I)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d{2})\b")
_CAPITALISED = re.compile(r"^[A-ZÆØÅ][a-zæøå]{2,}$")
_TOKEN = re.compile(r"[\wÆØÅæøå-]+|[.!?:]")

Analyze = Callable[[str], list[str]]
Idf = Callable[[str], float]


@dataclass(frozen=True)
class RefusalDecision:
    refuse: bool
    reason: str
    coverage: float


def requested_details(question: str) -> list[str]:
    """Kinds of detail the question asks for (phone number, price, …)."""
    return [kind for kind, (asks, _) in DETAIL_REQUESTS.items() if asks.search(question)]


# «sliter med å betale regningene», «Kan vi få hjelp til å betale?», «help us pay»: paying is the need, no price asked.
_PAYING_IS_THE_NEED = re.compile(
    r"\b(?:hjelp|støtte|bistand|sliter|strever|klarer\s+ikke|greier\s+ikke|vanskelig|help|struggl\w*|can'?t|cannot|"
    r"unable)\b(?:\s+\w+){0,3}?\s+(?:betale?r?|pay)\b",
    re.I,
)


def situation_details(question: str) -> list[str]:
    """The details a situation asks for; «gratis» there describes what is wanted («noe gratis å gjøre»), and paying
    that is hard («sliter med å betale regningene», «hjelp til å betale») is the need: neither asks for a price."""
    kinds = requested_details(question)
    if "pris" in kinds:
        needs = [m.span() for m in _PAYING_IS_THE_NEED.finditer(question)]
        asked = [
            m
            for m in DETAIL_REQUESTS["pris"][0].finditer(question)
            if m.group(0).casefold() != "gratis" and not any(a <= m.start() and m.end() <= b for a, b in needs)
        ]
        if not asked:
            kinds.remove("pris")
    return kinds


def proper_names(question: str) -> list[str]:
    """Capitalised words that do not start a sentence or follow a colon («Lærer: Mange …») (names of places,
    services, people)."""
    names: list[str] = []
    sentence_start = True
    for token in _TOKEN.findall(question):
        if token in ".!?:":
            sentence_start = True
            continue
        if not sentence_start and _CAPITALISED.match(token):
            names.append(token)
        sentence_start = False
    return names


# «2020-2024», «2020–2022»: a span of years (a date with a two-digit year, «31.12.21»: SHORT_DATE_YEAR).
_YEAR_SPAN = re.compile(r"\b((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})\b")


def years_within(text: str) -> set[str]:
    """Years a text gives other than as four digits: in a date with a two-digit year (20yy) and inside a span of
    at most ten years."""
    years = {f"20{m.group(1)}" for m in SHORT_DATE_YEAR.finditer(text)}
    for m in _YEAR_SPAN.finditer(text):
        first, last = int(m.group(1)), int(m.group(2))
        if 0 < last - first <= 10:
            years.update(str(y) for y in range(first, last + 1))
    return years


# Words that name where, not what (a passage that shares only these with a question is not about its subject),
# and the words that frame a question for a figure («antall», «andel», «prosent»).
_FRAME_STEMS = frozenset({"dramm", "kommun", "antall", "andel", "prosent"})


def years_off_subject(
    question: str, passages: Sequence[Passage], analyze: Analyze, context: str = "", subject: str | None = None
) -> list[str]:
    """Years the question asks about that no passage gives together with the question's subject («Hva var
    arbeidsledigheten i Drammen i 2019?»: «2019» stands in a passage about a public health programme, not about
    unemployment). The subject is the question's whole words, stemmed, less the place, the words that frame a
    figure and the years (`subject`: other text that names it, the Norwegian words of an English question); a
    passage shares it when its own terms, compounds split, hold one of them. A year in the documents' titles and
    dates (`context`) is given; with no subject words nothing is checked."""
    asked = [y for y in dict.fromkeys(_YEAR.findall(question)) if y not in context]
    if not asked:
        return []
    named = question if subject is None else subject
    wanted = set(whole_stems(named)) & set(analyze(named))
    wanted = {w for w in wanted if w not in _FRAME_STEMS and not _YEAR.fullmatch(w)}
    if not wanted:
        return []
    about = [p for p in passages if wanted & set(analyze(p.text + " " + p.section))]
    text = " ".join(p.text + " " + p.section for p in about).casefold()
    given = years_within(text)
    return [y for y in asked if y not in text and y not in given]


def missing_specifics(
    question: str, passages: Sequence[Passage], known: Callable[[str], bool], context: str = ""
) -> list[str]:
    """Years found in no passage (nor its document's date), and names the corpus never uses."""
    text = (" ".join(p.text + " " + p.section for p in passages) + " " + context).casefold()
    given = years_within(text)
    missing = [y for y in _YEAR.findall(question) if y not in text and y not in given]
    missing.extend(name for name in proper_names(question) if not known(name))
    return missing


def counted_thing(question: str) -> str | None:
    """The thing a question opening with «hvor/kor mange» asks the number of («sykehjemsplasser»)."""
    match = _COUNTED.match(question)
    return match.group(1) if match else None


def _same_word(a: str, b: str) -> bool:
    """Stems of one word in two inflections («leder» / «ledern»): equal, or one starts the other and is at most an
    ending longer (not a compound: «barn» is not «barnehag»)."""
    shorter, longer = sorted((a, b), key=len)
    return shorter == longer or (len(shorter) >= 4 and len(longer) - len(shorter) <= 3 and longer.startswith(shorter))


def counted_phrase_en(question: str) -> str | None:
    """What an English question opening with «how many» asks the number of («family teams», «requests»)."""
    match = _COUNTED_EN.match(question)
    return match.group(1) if match else None


def states_number_of(thing: str, passages: Sequence[Passage], analyze: Analyze) -> bool:
    """Whether a sentence of the passages gives a number (in digits or words) together with the thing."""
    wanted = analyze(thing)
    if not wanted:  # a pronoun («hvor mange av dem») refers to what came before: no evidence either way
        return True
    for passage in passages:
        for sentence in _SENTENCE_END.split(passage.text):
            if NUMBER.search(sentence):
                terms = analyze(sentence)
                if any(_same_word(w, t) for w in wanted for t in terms):
                    return True
    return False


def term_coverage(question: str, passages: Sequence[Passage], analyze: Analyze, idf: Idf, context: str = "") -> float:
    """idf-weighted share of the question's terms that occur in the passages (or in `context`: their documents'
    titles and dates, so «i 2018» is covered by a 2018 workshop)."""
    terms = set(analyze(question))
    if not terms:
        return 0.0
    have: set[str] = set(analyze(context))
    for p in passages:
        have.update(analyze(p.section + " " + p.text))
    total = sum(idf(t) for t in terms)
    return sum(idf(t) for t in terms if t in have) / total if total else 0.0


def subject_terms(question: str, kind: str, analyze: Analyze, idf: Idf, top: int = 2) -> set[str]:
    """The most specific terms of a detail question besides the detail asked for (what it is about)."""
    asks, _ = DETAIL_REQUESTS[kind]
    detail_words = {t for m in asks.finditer(question) for t in analyze(m.group(0))}
    terms = [t for t in dict.fromkeys(analyze(question)) if t not in detail_words]
    return set(sorted(terms, key=lambda t: -idf(t))[:top])


def decide_refusal(
    question: str,
    passages: Sequence[Passage],
    analyze: Analyze,
    idf: Idf,
    known: Callable[[str], bool],
    min_coverage: float,
    dense_score: float = 0.0,
    min_dense: float = 1.0,
    context: str = "",
    lexical: bool = True,
    subject_words: str = "",
    counted: str = "",
) -> RefusalDecision:
    """Refuse when the passages cannot answer; the reason is for logs and evaluation, not users.

    `context` is extra evidence text (the passages' document titles and dates); `dense_score` the best
    cosine similarity among the dense candidates. With `lexical` False (a question in English or another
    language), word coverage is no evidence: the dense similarity alone decides, with the years and details asked;
    `subject_words` then names its subject for the year check and `counted` the thing a «how many» question
    counts (their Norwegian words).
    """
    if not passages:
        return RefusalDecision(True, "ingen treff", 0.0)
    coverage = term_coverage(question, passages, analyze, idf, context)
    for kind in requested_details(question):
        _, present = DETAIL_REQUESTS[kind]
        subject = subject_terms(question, kind, analyze, idf)
        if not any(present.search(p.text) and subject & set(analyze(p.text)) for p in passages):
            return RefusalDecision(True, f"spør etter {kind}, som kildene ikke oppgir", coverage)
    missing = missing_specifics(question, passages, known, context)
    if not lexical:  # English capitalises what Norwegian does not («Sustainable Development Goals»): years only
        missing = [m for m in missing if _YEAR.fullmatch(m)]
    if missing:
        return RefusalDecision(True, f"kildene nevner ikke {', '.join(missing)}", coverage)
    off = years_off_subject(question, passages, analyze, context, None if lexical else subject_words)
    if off:
        return RefusalDecision(True, f"kildene nevner ikke {', '.join(off)} om det spørsmålet gjelder", coverage)
    thing = counted_thing(question) if lexical else (counted or None)
    if thing is not None and not states_number_of(thing, passages, analyze):
        return RefusalDecision(True, f"spør etter antall {thing}, som kildene ikke oppgir", coverage)
    if not lexical:  # a question in another language shares meaning with the sources, not words
        if dense_score < min_dense:
            return RefusalDecision(True, f"lav likhet ({dense_score:.3f}) for et spørsmål på et annet språk", coverage)
        return RefusalDecision(False, "", coverage)
    if coverage < min_coverage and dense_score < min_dense:
        return RefusalDecision(
            True, f"for lav dekning av spørsmålets ord ({coverage:.2f}) og lav likhet ({dense_score:.3f})", coverage
        )
    return RefusalDecision(False, "", coverage)
