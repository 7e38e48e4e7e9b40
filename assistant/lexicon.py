"""Reviewed domain knowledge kept as data (assistant/data/*.toml), loaded once and matched here.

- the situation lexicon: how people say it (lay words, slang, nynorsk, English) → the words the
  appendix rows use;
- acronyms and short names of the measure rows with their expansions;
- the services' names, inflections and aliases, and how to name each in a plain sentence.

Matching is on whole words and phrases, longest first, case-insensitive (except short forms that are
ordinary words in lower case, such as «NoK» / «nok», which match only as written).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from index.lexical import stems
from ingest.errors import PromptError

DATA_DIR = Path(__file__).resolve().parent / "data"
_EDGE_L, _EDGE_R = r"(?<![\wæøåÆØÅ-])", r"(?![\wæøåÆØÅ])"


def _phrase_pattern(phrases: list[str], flags: int = re.I) -> re.Pattern[str] | None:
    """One alternation of whole-word phrases, longest first (so «røyker hasj» wins over «røyker»)."""
    ordered = sorted({p.strip() for p in phrases if p.strip()}, key=lambda p: (-len(p), p))
    if not ordered:
        return None
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
    return re.compile(f"{_EDGE_L}(?:{body}){_EDGE_R}", flags)


def _read_toml(name: str) -> dict[str, Any]:
    return read_toml(DATA_DIR / name)


def read_toml(path: Path) -> dict[str, Any]:
    """A reviewed data file; PromptError names the file when it is missing or not valid TOML."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise PromptError(f"{path}: data file is missing.") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PromptError(f"{path}: not valid TOML ({exc}).") from exc


@dataclass(frozen=True)
class Concept:
    name: str
    lay: tuple[str, ...]
    terms: tuple[str, ...]


@dataclass(frozen=True)
class LexiconLink:
    """A lay phrase found in a text and the appendix words it stands for."""

    phrase: str
    concept: str
    terms: tuple[str, ...]

    def explain(self) -> str:
        return f"{self.phrase} → {', '.join(self.terms[:3])}"


# Words shorter than this link only as written (a short stem is shared by unrelated words).
MIN_STEM_CHARS = 4
_WORD = re.compile(rf"[\wæøåÆØÅ]{{{MIN_STEM_CHARS},}}")
# «sliter med (den) økonomien», «struggling with money»: what a general phrase is about follows «med / with».
_ABOUT_WHAT = re.compile(r"\s+(?:med|with)\s+(?:[\wæøåÆØÅ-]+\s+){0,2}", re.I)


# Words a lay phrase may gain or lose in a text without changing what it says («våkner om natta» ~ «våkner fem
# ganger hver natt»); negations are not among them («sover ikke»).
_GLUE_WORDS = (
    "om i på av til med for fra og å en et ei den det de hele hver hvert mye mykje litt så "
    "the a an of in on at to with and my his her our their all every"
)
_GLUE = frozenset(_GLUE_WORDS.split())
LOOSE_GAP = 2  # words between two words of a lay phrase in a loose match


_TOKEN = re.compile(r"[\wæøåÆØÅ]+")


def _stem(word: str) -> str:
    """A word's stem for a loose match; the word itself where the stemmer gives none."""
    found = stems(word)
    return found[0] if found else word


def _content_stems(text: str) -> list[str]:
    return [_stem(w) for w in _TOKEN.findall(text.casefold()) if w not in _GLUE and not w.isdigit()]


@dataclass
class SituationLexicon:
    concepts: list[Concept]
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)
    _by_phrase: dict[str, list[Concept]] = field(default_factory=dict, repr=False)
    _by_stem: dict[str, list[Concept]] = field(default_factory=dict, repr=False)
    _loose: dict[str, list[tuple[tuple[str, ...], str, Concept]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for concept in self.concepts:
            for phrase in concept.lay:
                self._by_phrase.setdefault(_fold(phrase), []).append(concept)
                if " " not in phrase.strip() and len(phrase) >= MIN_STEM_CHARS:
                    for stem in stems(phrase)[:1]:
                        self._by_stem.setdefault(stem, []).append(concept)
                words = tuple(_content_stems(phrase))
                if len(words) >= 2:
                    self._loose.setdefault(words[0], []).append((words, phrase, concept))
        self._pattern = _phrase_pattern([p for c in self.concepts for p in c.lay])

    def _loose_links(self, text: str, covered: Sequence[tuple[int, int]]) -> list[tuple[str, Concept]]:
        """Multi-word lay phrases found with their words inflected, in order, at most two words apart (numbers
        aside) and with or without their glue words («våkner 5-6 ganger hver natt» ~ «våkner om natta»); no word
        of the match inside an exact match («har dårlig råd» is not «har det dårlig»)."""
        words = [(m.start(), w, _stem(w)) for m in _TOKEN.finditer(text) if not (w := m.group(0).casefold()).isdigit()]
        free = [not any(a <= start < b for a, b in covered) for start, _, _ in words]
        found: list[tuple[str, Concept]] = []
        for i, (_, word, stem) in enumerate(words):
            if not free[i] or word in _GLUE:
                continue
            for phrase_words, phrase, concept in self._loose.get(stem, []):
                j = i
                for want in phrase_words[1:]:
                    window = range(j + 1, min(j + 2 + LOOSE_GAP, len(words)))
                    j = next((k for k in window if words[k][2] == want and words[k][1] not in _GLUE and free[k]), -1)
                    if j < 0:
                        break
                else:
                    found.append((phrase, concept))
        return found

    def _says_what(self, match: re.Match[str], later: re.Match[str], text: str) -> bool:
        """Whether a later phrase says what the matched one is about («sliter med økonomien», «struggling with
        money»): it follows «med / with» within three words and stands for other concepts, which then take it."""
        between = text[match.end() : later.start()]
        if not _ABOUT_WHAT.fullmatch(between):
            return False
        mine = {c.name for c in self._by_phrase.get(_fold(match.group(0)), [])}
        theirs = {c.name for c in self._by_phrase.get(_fold(later.group(0)), [])}
        return bool(theirs - mine)

    def links(self, text: str, stems_too: bool = True) -> list[LexiconLink]:
        """The lay phrases of the text (longest match wins) with the concepts they stand for; a word the
        lexicon does not list still links when it shares a listed word's stem («skulka» ~ «skulker»), unless
        `stems_too` is False (a nynorsk text beside its bokmål form: «sonen» is not «soner»).
        (Matching one-typo neighbours too was measured on the dev split: it linked noise and cost must@3.)"""
        found: list[LexiconLink] = []
        seen: set[str] = set()
        covered: list[tuple[int, int]] = []

        def add(phrase: str, concept: Concept) -> None:
            if concept.name not in seen:
                seen.add(concept.name)
                found.append(LexiconLink(phrase, concept.name, concept.terms))

        if self._pattern is not None:
            matches = list(self._pattern.finditer(text))
            for i, match in enumerate(matches):
                covered.append(match.span())
                if any(self._says_what(match, later, text) for later in matches[i + 1 :]):
                    continue
                for concept in self._by_phrase.get(_fold(match.group(0)), []):
                    add(match.group(0), concept)
        for phrase, concept in self._loose_links(text, covered) if stems_too else ():
            add(phrase, concept)
        for match in _WORD.finditer(text if stems_too else ""):
            if not any(start <= match.start() < end for start, end in covered):
                for concept in self._by_stem.get(next(iter(stems(match.group(0))), ""), []):
                    add(match.group(0), concept)
        return found


@dataclass(frozen=True)
class Acronym:
    short: str
    long: str
    variants: tuple[str, ...] = ()


@dataclass
class Acronyms:
    entries: list[Acronym]
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)
    _long: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for entry in self.entries:
            for form in (entry.short, *entry.variants):
                self._long[form] = entry.long
        # Case-sensitive: «NoK», «ASK», «BRO» are acronyms only as written.
        self._pattern = _phrase_pattern(list(self._long), flags=0)

    def expansions(self, text: str) -> list[str]:
        """The long forms of the acronyms in the text, each once, in order of appearance."""
        if self._pattern is None:
            return []
        found = [self._long[m.group(0)] for m in self._pattern.finditer(text) if m.group(0) in self._long]
        return list(dict.fromkeys(found))


# The prevention levels and roles of Vedlegg 2 as a question names them («Hvilke selekterte tiltak …», «Which
# indicated measures …», «… for å følge opp ungdom»): the finder's filter values.
_LEVEL_WORDS = {
    "universell": re.compile(r"\b(universell\w*|universal\w*)\b", re.I),
    "selektert": re.compile(r"\b(selekter\w*|selective\w*|selected)\b", re.I),
    "indikert": re.compile(r"\b(indiker\w*|indicated)\b", re.I),
}
_ROLE_WORDS = {
    "forebygge": re.compile(r"\b(forebygge|førebyggje|to prevent)\b", re.I),
    "fange opp": re.compile(r"\b(fange|fanga)\s+(\w+\s+){0,2}opp\b|\b(identify|detect)\b", re.I),
    "følge opp": re.compile(r"\b(følge|følgje)\s+(\w+\s+){0,2}opp\b|\bfollow\s+(\w+\s+){0,2}up\b", re.I),
}


def catalog_filters(text: str) -> tuple[list[str], list[str], str]:
    """(levels, roles, the text without the words that named them) of a question about the measures of Vedlegg 2.
    «forebyggende tiltak» names no role: it is how the sources speak of measures at any level."""
    levels = [level for level, pattern in _LEVEL_WORDS.items() if pattern.search(text)]
    roles = [role for role, pattern in _ROLE_WORDS.items() if pattern.search(text)]
    rest = text
    for pattern in [*(_LEVEL_WORDS[lv] for lv in levels), *(_ROLE_WORDS[r] for r in roles)]:
        rest = pattern.sub(" ", rest)
    return levels, roles, " ".join(rest.split())


# A sentence, up to its end mark; one that asks opens with a question word or a verb («Har …», «Kan …»).
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_ASKING = re.compile(
    r"\s*(hva|hvilke|hvilket|hvilken|hvordan|hvor|hvem|kva|kven|korleis|kor|har|kan|finnes|fins|tilbyr|gir|er|"
    r"hjelper|bruker|what|which|how|who|where|does|do|can|is|are|has|have)\b[^?]*\?+\s*$",
    re.I,
)
# The service named as a place («på skolen», «i barnehagen», «at school»), not as who does something.
_PLACE_BEFORE = re.compile(r"\b(på|i|ved|at|in|to|from)\s+(den\s+|the\s+)?$", re.I)


@dataclass(frozen=True)
class ServiceName:
    name: str
    aliases: tuple[str, ...]
    plain_nb: str
    plain_en: str
    ages: tuple[int, int] | None = None  # the ages (years) a child-specific service is for


@dataclass
class ServiceNames:
    services: list[ServiceName]
    # Phrases that hold a service's word but name none of Drammen kommune's services («videregående skole» is
    # the county's school, not «Skole»): matched like a name, so the longest phrase wins, and then dropped.
    not_services: tuple[str, ...] = ()
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)
    _owner: dict[str, str] = field(default_factory=dict, repr=False)
    _by_name: dict[str, ServiceName] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for service in self.services:
            self._by_name.setdefault(service.name, service)
            for form in (service.name, *service.aliases):
                self._owner.setdefault(_fold(form), service.name)
        for form in self.not_services:
            self._owner[_fold(form)] = ""
        self._pattern = _phrase_pattern(list(self._owner))

    def mentioned(self, text: str) -> list[str]:
        """Canonical names of the services a text names (by name, inflection or alias), in order."""
        if self._pattern is None:
            return []
        found = [self._owner[_fold(m.group(0))] for m in self._pattern.finditer(text)]
        return list(dict.fromkeys(f for f in found if f))

    def asked_about(self, text: str) -> list[str]:
        """The services a question asks about: those its asking sentences («Hvilke tiltak har uteteamet?»,
        «Hva gjør biblioteket for dem?») name, but not as the place something happens («… på skolen?»,
        «… at school?»). A sentence asks when it ends with «?» and opens with a question word or a verb."""
        if self._pattern is None:
            return []
        found: list[str] = []
        for sentence in _SENTENCE.findall(text):
            if not _ASKING.match(sentence):
                continue
            for match in self._pattern.finditer(sentence):
                if not _PLACE_BEFORE.search(sentence[: match.start()]):
                    found.append(self._owner[_fold(match.group(0))])
        return list(dict.fromkeys(f for f in found if f))

    def named_at(self, text: str, start: int) -> str | None:
        """The service whose name (or alias) begins exactly at `start` in the text, else None."""
        if self._pattern is None:
            return None
        match = self._pattern.search(text, start)
        if match is None or match.start() != start:
            return None
        return self._owner[_fold(match.group(0))] or None

    def without(self, text: str, names: Sequence[str]) -> str:
        """The text with every mention of these services taken out (among their own rows the name tells
        nothing: «Informasjon om barnevernet» should not lead for «Hvilke metoder bruker barnevernet?»)."""
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: "" if self._owner[_fold(m.group(0))] in names else m.group(0), text)

    def forms(self, name: str) -> list[str]:
        """The name and every alias of a service (for evaluation and highlighting)."""
        service = self._by_name.get(name)
        return [service.name, *service.aliases] if service else [name]

    def _ages_in_range(self, name: str, ages: Sequence[float]) -> bool | None:
        """Whether one of the ages is in the service's age range; None for a service without a range."""
        service = self._by_name.get(name)
        if service is None or service.ages is None:
            return None
        low, high = service.ages
        return any(low <= age <= high for age in ages)

    def fits_ages(self, name: str, ages: Sequence[float]) -> bool:
        """False only when the situation states ages and none is in the service's age range."""
        return not ages or self._ages_in_range(name, ages) is not False

    def made_for_ages(self, name: str, ages: Sequence[float]) -> bool:
        """True when the service is for a range of ages (not for all) and one of the ages is in it."""
        return self._ages_in_range(name, ages) is True

    def plain(self, name: str, language: str = "nb") -> str:
        """How to name the service in a plain sentence in the given language."""
        service = self._by_name.get(name)
        if service is None:
            return name
        return service.plain_en if language == "en" else service.plain_nb

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.services]


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


@cache
def situation_lexicon() -> SituationLexicon:
    data = _read_toml("situation_lexicon.toml")
    concepts = [
        Concept(str(c["name"]), _strings(c.get("lay")), _strings(c.get("terms"))) for c in data.get("concept", [])
    ]
    return SituationLexicon(concepts)


def reviewed_words() -> list[str]:
    """Every word of the reviewed lists (service names and aliases, the situation lexicon, acronyms, nynorsk
    words and their bokmål forms): words a spelling corrector must know as words."""
    names = service_names()
    words = [form for name in names.names for form in names.forms(name)]
    words += [w for c in situation_lexicon().concepts for w in (c.name, *c.lay, *c.terms)]
    words += [w for a in acronyms().entries for w in (a.short, a.long, *a.variants)]
    words += [w for pair in _nynorsk_words().items() for w in pair]
    return words


@cache
def acronyms() -> Acronyms:
    data = _read_toml("acronyms.toml")
    entries = [
        Acronym(str(a["short"]), str(a["long"]), _strings(a.get("variants")))
        for a in data.get("acronym", [])
        if a.get("long")
    ]
    return Acronyms(entries)


@cache
def service_names() -> ServiceNames:
    data = _read_toml("service_aliases.toml")
    services = [
        ServiceName(
            str(s["name"]),
            tuple(a for a in _strings(s.get("aliases")) if a.strip()),
            str(s.get("plain_nb", s["name"])),
            str(s.get("plain_en", s["name"])),
            _age_span(s.get("ages")),
        )
        for s in data.get("service", [])
    ]
    return ServiceNames(services, _strings(data.get("not_services")))


# Ages and school years in a situation: a number is an age or a class, never a token to match
# («14 konsultasjoner», «§ 14»). Each span of ages maps to the words the rows use for that group.
_AGE = re.compile(
    r"(?<![\d§.,])(\d{1,2})\s*(?:-\s*)?(?:år(?:ing\w*|s)?\b|yo\b|years?\b|y/o)|\((\d{1,2})\)|"
    r"\b(?:på|er|is|am|i'm|im|aged|age)\s+(\d{1,2})\b(?!\s*(?:uker|veker|mnd|måneder|månader|weeks|months|dager))"
    r"(?!\.?\s*(?:klasse|trinn|grade|class|kl\.))",
    re.I,
)
_CLASS = re.compile(r"\b(\d{1,2})\s*\.?\s*(?:klasse|klasse[n]?|trinn|trinnet|grade|class|kl\.)", re.I)
_NUMBER = re.compile(r"(?<!\w)§?\s*\d+(?:[.,]\d+)*\.?")
_AGE_WORDS: tuple[tuple[range, tuple[str, ...]], ...] = (
    (range(0, 1), ("spedbarn", "baby")),
    (range(1, 6), ("småbarn", "barnehage")),
    (range(6, 13), ("barn", "barneskole")),
    (range(13, 16), ("ungdom", "ungdomsskole")),
    (range(16, 20), ("ungdom", "videregående")),
    (range(20, 26), ("unge voksne",)),
)
_CLASS_WORDS: tuple[tuple[range, tuple[str, ...]], ...] = (
    (range(1, 8), ("barneskole", "barn")),
    (range(8, 11), ("ungdomsskole", "ungdom")),
    (range(11, 14), ("videregående", "ungdom")),
)


def _age_span(value: object) -> tuple[int, int] | None:
    if value is None:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        raise PromptError(f"service_aliases.toml: `ages` must be two whole numbers [from, to], not {value!r}")
    if not 0 <= value[0] <= value[1]:
        raise PromptError(f"service_aliases.toml: `ages` {value!r} must run from a lower to a higher age")
    return (value[0], value[1])


# A baby's age said in words or in weeks/months (under one year).
_INFANT = re.compile(
    r"\b(?:baby(?:en)?|nyfødt\w*|nyføddi?|spedbarn\w*|newborn|infant)\b|"
    r"\b\d{1,2}\s*(?:uker|veker|mnd|måneder|månader|weeks|months)\s*(?:gammel|gamal|old)\b",
    re.I,
)


# The person the situation is about is an adult: the asker says so («Jeg er voksen», «som vaksen», «I'm an
# adult»), or it is an adult child («min voksne sønn», «my grown-up daughter»). Read as ADULT_AGE, so the services
# made for children and young people rank lower for them, as for any stated age outside their range.
_ADULT = re.compile(
    r"\b(?:(?:jeg|eg)\s+er\s+(?:en\s+|ein\s+)?(?:voksen|vaksen)\b(?!\s+(?:som\s+)?(?:jobber|arbeider|jobbar))|"
    r"som\s+(?:voksen|vaksen)\b(?!\s+(?:i|på|for)\b)|"
    r"(?:i'?m|i\s+am)\s+an?\s+(?:adult|grown-?up)|as\s+an\s+adult|"
    r"(?:min|mi|mitt|mine|vår|våre|my|our)\s+(?:voksne|vaksne|adult|grown-?up)\s+"
    r"(?:sønn|datter|dotter|son|daughter|barn|child|children|unger))",
    re.I,
)
ADULT_AGE = 30.0


def stated_ages(text: str) -> list[float]:
    """The ages in years that a situation states: «på 14», «4-åring», «(6)», «10. trinn» (≈ 15), a baby (0), an
    adult («Jeg er voksen», «min voksne sønn»: ADULT_AGE)."""
    ages: list[float] = [float(next(g for g in m.groups() if g)) for m in _AGE.finditer(text)]
    ages += [float(int(m.group(1)) + 5) for m in _CLASS.finditer(text) if 1 <= int(m.group(1)) <= 13]
    if _INFANT.search(text):
        ages.append(0.0)
    if _ADULT.search(text):
        ages.append(ADULT_AGE)
    return list(dict.fromkeys(ages))


def age_terms(text: str) -> list[str]:
    """Words for the age group of the ages and school years a situation mentions."""
    words: list[str] = []
    for match in _AGE.finditer(text):
        age = int(next(g for g in match.groups() if g))
        words.extend(w for span, ws in _AGE_WORDS if age in span for w in ws)
    for match in _CLASS.finditer(text):
        year = int(match.group(1))
        words.extend(w for span, ws in _CLASS_WORDS if year in span for w in ws)
    return list(dict.fromkeys(words))


@cache
def _nynorsk_words() -> dict[str, str]:
    data = _read_toml("nynorsk.toml")
    words = data.get("words", {})
    if not isinstance(words, dict) or not all(isinstance(v, str) and v.strip() for v in words.values()):
        raise PromptError("nynorsk.toml: [words] must map each nynorsk form to a bokmål form (text).")
    return {str(k).casefold(): str(v) for k, v in words.items()}


# Nynorsk agent nouns in -ar are bokmål nouns in -er («saksbehandlar», «brukarane», «lærarar»); the stemmer does
# not fold the two. The plural and definite forms are nynorsk only; the bare singular from eight letters on.
_AGENT_NOUN = re.compile(r"^(\w{3,}?)ar(ar|ane|en|)$")
_AGENT_ENDINGS = {"ar": "ere", "ane": "erne", "en": "eren", "": "er"}


def _agent_noun(word: str) -> str | None:
    match = _AGENT_NOUN.match(word)
    if match is None or (not match.group(2) and len(word) < 8):
        return None
    return match.group(1) + _AGENT_ENDINGS[match.group(2)]


def bokmal_forms(text: str) -> list[str]:
    """The bokmål forms of the nynorsk words in a text, each once, in order («ikkje» → «ikke»,
    «saksbehandlarar» → «saksbehandlere»)."""
    table = _nynorsk_words()
    words = [w.casefold() for w in re.findall(r"[\wæøåÆØÅ]+", text)]
    found = (table.get(w) or _agent_noun(w) for w in words)
    return list(dict.fromkeys(f for f in found if f))


def to_bokmal(text: str) -> str:
    """The text with each nynorsk word replaced by its bokmål form («låg inntekt» → «lav inntekt»)."""
    table = _nynorsk_words()
    return re.sub(r"[\wæøåÆØÅ]+", lambda m: table.get(m.group(0).casefold(), m.group(0)), text)


def with_bokmal(text: str) -> str:
    """The text with the bokmål forms of its nynorsk words added (for lexical matching only)."""
    forms = bokmal_forms(text)
    return f"{text} {' '.join(forms)}" if forms else text


@cache
def _english_glossary() -> tuple[dict[str, tuple[str, ...]], re.Pattern[str] | None]:
    data = _read_toml("english.toml")
    phrases = data.get("phrases", {})
    if not isinstance(phrases, dict) or not all(isinstance(v, str) and v.strip() for v in phrases.values()):
        raise PromptError("english.toml: [phrases] must map each English phrase to Norwegian words (text).")
    table = {_fold(str(k)): tuple(str(v).split()) for k, v in phrases.items()}
    # a phrase's plural in -s means what the phrase means («family teams», «health stations»), unless listed
    plurals = {f"{key}s": words for key, words in table.items() if not key.endswith("s") and key[-1:].isalpha()}
    table = {**plurals, **table}
    return table, _phrase_pattern(list(table), re.I)


def _english_bases(word: str) -> list[str]:
    """The forms a glossary may list an inflected English word under: «identified» → «identify», «offered» →
    «offer», «mapping» → «map», «helping» → «help», «families» → «family»."""
    if word.endswith(("ied", "ies")):
        return [word[:-3] + "y"]
    for ending in ("ed", "ing"):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            stem = word[: -len(ending)]
            undoubled = [stem[:-1]] if len(stem) > 2 and stem[-1] == stem[-2] else []
            return [stem, stem + "e", *undoubled]
    return []


def norwegian_words(text: str) -> list[str]:
    """The sources' Norwegian words for the English phrases of a text (longest phrase first), each once; a word
    no phrase holds is looked up under its base form as well («identified» under «identify»)."""
    table, pattern = _english_glossary()
    if pattern is None:
        return []
    matches = list(pattern.finditer(text))
    words = [w for m in matches for w in table.get(_fold(m.group(0)), ())]
    covered = {i for m in matches for i in range(m.start(), m.end())}
    for token in re.finditer(r"[A-Za-z]+", text):
        if token.start() in covered:
            continue
        base = next((b for b in _english_bases(token.group(0).casefold()) if b in table), None)
        if base is not None:
            words.extend(table[base])
    return list(dict.fromkeys(words))


def without_numbers(text: str) -> str:
    """The text with its numbers removed (for lexical matching of situations)."""
    return _NUMBER.sub(" ", text)


@cache
def acute_services() -> dict[str, tuple[str, ...]]:
    """Danger category → the services that help first under the safety notice."""
    data = _read_toml("acute_services.toml")
    return {str(k): _strings(v) for k, v in data.get("acute", {}).items()}


@dataclass(frozen=True)
class Places:
    """Places other than Drammen, and how to find them in a text (case as written: «Ski» the place, not «ski»)."""

    pattern: re.Pattern[str] | None

    def named(self, text: str) -> list[str]:
        """The places a text names, in order, once each."""
        if self.pattern is None:
            return []
        return list(dict.fromkeys(m.group(0) for m in self.pattern.finditer(text)))


@cache
def other_places() -> Places:
    data = _read_toml("places.toml")
    home = {h.casefold() for h in _strings(data.get("home", []))}
    names = [p for p in _strings(data.get("places", [])) if p.casefold() not in home]
    return Places(_phrase_pattern(names, flags=0))
