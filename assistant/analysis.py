"""Question analysis (pure functions): language, intent, expected answer type and the services named.

The answer pipeline routes on it: a situation or a where-to-get-help question goes to the service
finder; the rest to retrieval and sentence selection. Rules are cue words in bokmål, nynorsk and
English; the lexicon's lay words count as evidence of a situation.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from assistant.lexicon import service_names, situation_lexicon
from assistant.spelling import osa_distance
from ingest.records import DocumentKind

Language = Literal["nb", "nn", "en", "other"]
Intent = Literal[
    "definition",
    "quantity",
    "time",
    "who_where",
    "fact",
    "measures",
    "situation",
    "planner",
    "document",
    "out_of_scope",
]
AnswerType = Literal["number", "percent", "date", "age_range", "name", "list", "text"]

_WORD = re.compile(r"[a-zæøåäöüßąćęłńóśźżé']+", re.I)
_ENGLISH = frozenset(
    [
        "the",
        "is",
        "are",
        "what",
        "how",
        "where",
        "who",
        "when",
        "which",
        "can",
        "my",
        "i'm",
        "im",
        "we",
        "our",
        "you",
        "your",
        "does",
        "do",
        "of",
        "and",
        "to",
        "with",
        "get",
        "help",
        "want",
        "need",
        "son",
        "daughter",
        "child",
        "kids",
        "mother",
        "father",
        "about",
        "there",
        "this",
        "that",
        "have",
        "has",
    ]
)
_NYNORSK = frozenset(
    [
        "kva",
        "korleis",
        "kvifor",
        "kven",
        "kor",
        "ikkje",
        "eg",
        "dei",
        "ho",
        "berre",
        "noko",
        "nokon",
        "mykje",
        "heime",
        "frå",
        "kjem",
        "vere",
        "vore",
        "skulen",
        "treng",
        "veit",
        "eit",
        "ein",
        "ifølgje",
        "tilrår",
        "verkstaden",
        "tenester",
        "tenesta",
        "tenestene",
        "sjukeheim",
        "kommuna",
        "mange",
        "mykje",
        "hjelpe",
        "sonen",
        "dottera",
        "ungane",
        "borna",
        "kvar",
        "vert",
        "korleis",
    ]
)
_BOKMAL_ONLY = frozenset(
    [
        "hva",
        "hvordan",
        "hvorfor",
        "hvem",
        "hvor",
        "ikke",
        "jeg",
        "de",
        "hun",
        "bare",
        "noe",
        "noen",
        "mye",
        "hjemme",
        "fra",
    ]
)
# Words a spelling corrector must leave as they are.
NORWEGIAN_FUNCTION_WORDS = _NYNORSK | _BOKMAL_ONLY
_OTHER = frozenset(
    [
        "ich",
        "und",
        "ist",
        "nicht",
        "wie",
        "mein",
        "meine",
        "kann",
        "das",
        "was",
        "wann",
        "jag",
        "och",
        "inte",
        "hur",
        "vad",
        "jest",
        "nie",
        "jak",
        "moje",
        "gdzie",
        "waa",
        "iyo",
        "maxaa",
        "sidee",
        "caawimaad",
        "wie",
        "wo",
        "bekommen",
        "hilfe",
    ]
)

# A question for a date or a year (first in the question, or after a sentence: _TIME_FIRST, the «time» cue).
_TIME_WORDS = (
    "når|hvilket år|kva år|kva tid|hvilken dato|kva dato|when|what year|which year|what date|which date|on what date"
)
# Who took part in a workshop: a question about the report (its lists of participants), not about what was said.
PARTICIPATION_WORDS = "hvem deltok|kven deltok|who took part|who participated"

_CUES: tuple[tuple[Intent, re.Pattern[str]], ...] = (
    (
        "planner",
        re.compile(
            r"\b(\w*verksted\w*|\w*verkstad\w*|workshops?|politiker\w*|politikarane|politicians?|"
            r"arbeidsverksted\w*|temaer gikk igjen|gikk igjen|prioriter\w*|strategi\w*|strategy)\b",
            re.I,
        ),
    ),
    (
        "document",
        re.compile(
            r"\b(hvem deltok|kven deltok|who took part|hva inneholder|kva inneheld|what does the \w+ contain|"
            r"når ble \w+ holdt|when was the \w+ held|hvilke kapitler|kapittel|rapporten|dokumentet|dokumenta?)\b",
            re.I,
        ),
    ),
    (
        # «Hva er / What are selective measures?»: what a prevention level of Vedlegg 2 is, not its measures
        "definition",
        re.compile(
            r"^\s*(hva|kva|what)\s+(er|is|are|betyr|tyder|means?|menes med|meinast med)\s+(\w+\s+)?"
            r"(universel\w*|selekter\w*|selektiv\w*|indiker\w*|universal|selective|indicated)\s+"
            r"(tiltak|measures?|forebygging|prevention|nivå|level)\s*\?*\s*$",
            re.I,
        ),
    ),
    (
        "measures",
        re.compile(r"\b(hvilke|kva for|kva|which|what)\s+(\w+\s+){0,3}(tiltak|measures|metoder|tilbud|tilbod)\b", re.I),
    ),
    (
        "quantity",
        re.compile(
            r"\b(hvor mange|kor mange|hvor stor|kor stor|hvor mye|kor mykje|andel\w*|prosent\w*|how many|how much|"
            r"what share|what percent\w*|percentage|what proportion|how large a (?:share|proportion)|antall|tal på)\b",
            re.I,
        ),
    ),
    ("time", re.compile(rf"(?:^|[.?!:]\s*)({_TIME_WORDS})\b", re.I)),
    ("who_where", re.compile(r"\b(hvem|kven|hvor|kvar|who|where)\b", re.I)),
    (
        "definition",
        re.compile(
            r"^\s*(hva|kva|what)\s+(er|is|are|betyr|tyder|means?|gjør|gjer|does|tilbyr|tilbyd)\b|\bhva står \w+ for\b|"
            r"^\s*(hva|kva)\s+(menes|meinast|meiner \w+)\s+med\b|^\s*what\s+(is|are)\s+meant\s+by\b",
            re.I,
        ),
    ),
)
# A person's own situation or a plea for help (bokmål, nynorsk, English, simple Norwegian).
_HELP = re.compile(
    r"\b(hvor kan (jeg|vi|han|hun|de) (få|gå|finne|treffe|møte)|"
    r"(finnes|finst) det (\w+\s+)?(tilbud|tilbod|gruppetilbud|hjelp|noe for|kurs)|"
    r"(?:is|are) there (?:(?:a|an|any) )?(\w+\s+)?(course|group|programme|program|offer|service|help|support)s? for|"
    r"hvordan (skal|kan) (jeg|vi) (snakke|hjelpe|få)|er det noe galt|er det noen som hjelper|"
    r"kor kan (eg|vi) få|kvar kan (eg|vi)|hvem kan hjelpe|"
    r"(hvor|kvar|kor) (finner|finn|får) (jeg|eg|vi|me|man) (\w+ )?(hjelp|støtte|råd|veiledning)|"
    r"kven kan hjelpe|hvem kan (jeg|vi) (snakke|spørre|kontakte)|who can (i|we) (talk|turn|ask)|"
    r"hva (kan|skal|bør) (jeg|vi) gjøre|kva (kan|skal|bør) (eg|vi) gjere|hvor jeg|"
    r"where can (i|we|my|he|she)|who can help|what (can|should) (i|we) do|hjelp\w* (meg|oss)|help (me|us)|"
    r"(få|finne) hjelp|get help|i need|jeg trenger|eg treng|vi trenger|"
    r"bekymr(?:et|a|ede)\b|bekymring for|worried|redd|scared|"
    r"hvilke (tjenester|tilbud)|hvilken tjeneste|kva tilbod|which services?|what services?|"
    r"(?:hvilken|hva slags|kva slags|kva for) (?:hjelp|støtte|stønad)|(?:what|which) (?:kind of )?(?:help|support)|"
    # «… Kan flyktningtjenesten hjelpe med det?», «… Can the refugee service help?»: a yes/no question whether a
    # service can help with the case just described (not «Hva kan familieteamet hjelpe med?»)
    r"(?:^|(?<=[.!?:]\s))(?:kan|can)\s+(?:the\s+|they\s+|de\s+|dei\s+)?[\wæøå-]+(?:\s+[\wæøå-]+)?\s+(?:hjelpe|help))\b",
    re.I,
)
# «Hvilken tjeneste …?», «Hvilket kurs …?», «Hva heter tilbudet?», «Which service …?»: the question asks for one
# service or offer, not for every one that might fit (not «Hvilken hjelp …?»: help comes from several).
_ONE_ASKED = re.compile(
    r"\b(?:(?:hvilken|hvilket|kva for (?:ein|eit|ei)|which)\s+(?:[\wæøå-]+\s+)?"
    r"(?:tjeneste|tjenesten|teneste|tenesta|tilbud|tilbod|tilbudet|tilbodet|kurs|kurset|instans|arena|arenaen|"
    r"samarbeidsarena|ordning|ordningen|ordninga|team|teamet|service|course|programme|program|offer|scheme)"
    r"(?![\wæøå])|hva heter (?:tilbudet|tjenesten|kurset|ordningen)|kva heiter (?:tilbodet|tenesta|kurset)|"
    r"what is the (?:service|course|programme|offer|scheme) called)",
    re.I,
)


def asks_for_one(question: str) -> bool:
    """The question asks for one service or offer («Hvilken tjeneste er fagressurs på dette?»)."""
    return bool(_ONE_ASKED.search(question))


_PERSONAL = re.compile(
    r"\b(jeg|eg|vi|meg|min|mitt|mine|vår|vårt|våre|sønnen|dattera|datteren|dotter|sonen|gutten|jenta|"
    r"ungen|ungene|barnet|barna|borna|mannen|kona|samboeren|eleven|elev|pasient|familien|mamma|pappa|"
    r"i'm|im|my|we|our|son|daughter|kid|kids|child|husband|wife|student|pupil)\b|(?<![\wæøå])(?-i:I)(?![\wæøå])",
    re.I,
)
_STAFF_CASE = re.compile(
    r"\b(elev|eleven|barn|ungdom|jente|gutt|familie|mor|far|pupil|student)\b.{0,60}\b(med|på|som|with|who)\b", re.I
)
_CHILD_AGE = re.compile(r"\(\d{1,2}\)|\b\d{1,2}\s*-?\s*(år\w*|åring\w*|years?|yo)\b|\b(på|er|i'm|is)\s+\d{1,2}\b", re.I)
_OUT_OF_SCOPE = re.compile(
    r"\b(været|vêret|weather|eliteserien|premier league|oppskrift|recipe|ordfører\w*|mayor|kjendis|celebrity|"
    r"aksjekurs|bitcoin|parkering\w*|parking|byggesøknad\w*)\b",
    re.I,
)
_DOCUMENT_FIRST = re.compile(
    rf"\b({PARTICIPATION_WORDS}|hva inneholder|kva inneheld|"
    r"what does the [\w ]{3,40} contain|hvilke kapitler|kva kapittel|which chapters|"
    r"hva handler (?:kunnskapsgrunnlaget|strategien|strategiforslaget|rapporten|dokumentet) om|"
    r"kva handlar (?:kunnskapsgrunnlaget|strategien|rapporten|dokumentet) om|"
    r"what is the (?:knowledge base|strategy|strategy proposal|report|document) about)\b",
    re.I,
)
_TIME_FIRST = re.compile(rf"^\s*({_TIME_WORDS})\b", re.I)
_AGE_RANGE = re.compile(
    r"\b(aldersgruppe\w*|hvor gamle?|hvor gammel|kor gamle?|kor gammal|alder|age group|how old|ages?)\b", re.I
)
_PERCENT = re.compile(r"\b(andel\w*|prosent\w*|share|percent\w*|percentage|proportion)\b", re.I)
_LIST = re.compile(
    r"\b(hvilke|kva for|which|what)\s+(\w+\s+)?(tiltak|tjenester|tenester|tilbud|services|points|punkter)\b", re.I
)


# Who holds a role, by name: «Hva heter lederen for barnevernet?», «Hvem er ordfører?», «Who is the head of …?».
# The sources describe services, not the people in them (a role in a question about one's own case — «Jeg er
# pedagogisk leder …» — is not this).
_ROLE_HOLDER = (
    r"(?:leder|lederen|leiar|leiaren|sjef|sjefen|rektor|rektoren|ordfører|ordføreren|ordførar|ordføraren|"
    r"rådmann|rådmannen|kommunedirektør|kommunedirektøren|direktør|direktøren|kontaktperson|kontaktpersonen|"
    r"kommunalsjef|kommunalsjefen|enhetsleder|enhetslederen|avdelingsleder|avdelingslederen|"
    r"head|leader|director|manager|mayor|chief|principal|contact person)"
)
# «Hva er Blåmandag, og hvem driver det?», «… who runs it?»: who runs the thing just named is an organisation the
# sources may name (the row's partners), not a person.
_NOT_A_PRONOUN = r"(?!(?:it|this|that|them|det|dette|den|dei|dem|de)\b)"
PERSON_ASKED = re.compile(
    rf"\b(?:(?:hva|kva)\s+hei?ter\s+(?:den\s+)?(?:nye\s+)?{_ROLE_HOLDER}|"
    rf"(?:hvem|kven)\s+er\s+(?:den\s+)?(?:nye?\s+)?{_ROLE_HOLDER}|"
    rf"(?:hvem|kven)\s+(?:leder|leier|leiar|styrer)\s+{_NOT_A_PRONOUN}\w+|"
    rf"(?:navnet|namnet)\s+på\s+{_ROLE_HOLDER}|"
    rf"who\s+(?:is|'s|are)\s+(?:the\s+)?(?:new\s+)?{_ROLE_HOLDER}|"
    rf"who\s+(?:leads|runs|heads|manages)\s+{_NOT_A_PRONOUN}\w+|"
    rf"name\s+of\s+the\s+{_ROLE_HOLDER})\b",
    re.I,
)
ROLE_WORD = re.compile(rf"\b{_ROLE_HOLDER}\b", re.I)


# The kinds of document a question names as its source («ifølge fagmiljøenes strategi», «verkstedene»,
# «kunnskapsgrunnlaget»), by the manifest's `kind`.
_DOCUMENT_KINDS: tuple[tuple[DocumentKind, re.Pattern[str]], ...] = (
    (DocumentKind.STRATEGY, re.compile(r"\b(strategi\w*|strategy|fagmiljø\w*|professional communities)\b", re.I)),
    (
        DocumentKind.WORKSHOP_REPORT,
        re.compile(r"\b(\w*verksted\w*|\w*verkstad\w*|workshops?|politiker\w*|politikarane|politicians?)\b", re.I),
    ),
    (DocumentKind.KNOWLEDGE_BASE, re.compile(r"\b(kunnskapsgrunnlag\w*|knowledge base)\b", re.I)),
)


def named_document_kinds(text: str) -> list[str]:
    """The kinds of document the question names as its source, in the manifest's words."""
    return [kind.value for kind, pattern in _DOCUMENT_KINDS if pattern.search(text)]


# Verbs that frame a question about what a source says («Hva mente verkstedet …?», «Kva seier strategien?»).
_FRAME_VERBS = re.compile(r"\b(?:mente|mener|meinte|meiner|sa|sier|seier|syntes|synes|tenkte|tenker)\b", re.I)


def source_words(text: str, kinds: Collection[str]) -> list[str]:
    """The words by which the question names sources of these kinds, and the verb that frames it."""
    words = [m.group(0) for kind, pattern in _DOCUMENT_KINDS if kind.value in kinds for m in pattern.finditer(text)]
    return words + [m.group(0) for m in _FRAME_VERBS.finditer(text)]


def without_source_words(text: str, kinds: Collection[str]) -> str:
    """The question with its source words and framing verb (`source_words`) taken out, as whole words."""
    for kind, pattern in _DOCUMENT_KINDS:
        if kind.value in kinds:
            text = pattern.sub(" ", text)
    return _FRAME_VERBS.sub(" ", text)


def theme_stems(theme: str) -> list[str]:
    """A document's theme in the stems a question compounds with its kind («barnevernspolitikk» → barnevern,
    «helse- og sosialpolitikk» → helse, sosial)."""
    stems = []
    for word in re.findall(r"[a-zæøå]+", theme.casefold()):
        word = word.removesuffix("politikk").removesuffix("s")
        if len(word) >= 4:  # «og», and «politikk» itself, are too short once the suffix is off
            stems.append(word)
    return stems


def slipped_start(word: str, stem: str) -> bool:
    """The word starts with the stem typed with one slip (a letter dropped, added, changed, or two swapped), the
    stem being five letters or more: a shorter one would take other words for it."""
    if len(stem) < 5:
        return False
    return any(osa_distance(word[:n], stem) <= 1 for n in range(len(stem) - 1, len(stem) + 2))


_WORD_OF_TEXT = re.compile(r"[\wæøå-]+", re.I)
_WORKSHOP_STEM = re.compile(r"verksted|verkstad")
_WORKSHOP_STEMS = ("verksted", "verkstad")


def workshop_prefix(word: str) -> str | None:
    """What a workshop compound holds before «verksted» («barnevernsverkstedet» → «barnevern», «verkstedet» → «»),
    its «verksted» found with one slip too in a word of ten letters or more («barnevernsverksteet»); None for a word
    that names no workshop."""
    exact = _WORKSHOP_STEM.split(word, maxsplit=1)
    if len(exact) > 1:
        return exact[0].strip("-")
    if len(word) < 10:
        return None
    for start in range(len(word) - 6):
        for size in (7, 8, 9):
            piece = word[start : start + size]
            if len(piece) == size and any(osa_distance(piece, stem) <= 1 for stem in _WORKSHOP_STEMS):
                prefix = word[:start].strip("-")
                return prefix or None  # a slipped «verksted» alone names nothing
    return None


def _workshop_words(text: str) -> list[tuple[re.Match[str], str]]:
    """The words of a text that name a workshop (`workshop_prefix`), each with what it holds before «verksted»."""
    found = []
    for match in _WORD_OF_TEXT.finditer(text):
        prefix = workshop_prefix(match.group(0).casefold())
        if prefix is not None:
            found.append((match, prefix))
    return found


def named_workshops(text: str, themes: Mapping[str, str]) -> list[str]:
    """The workshops (document id → theme) the question names: by a compound («oppvekstverkstedet»,
    «helse- og sosialverkstaden») or, in the singular, by its policy («arbeidsverkstedet om
    barnevernspolitikk») or its theme right after «om» («verkstedet om barnevern»). «Verkstedene om oppvekst»
    names a theme of them all, not one of them."""
    stems = {doc: theme_stems(theme) for doc, theme in themes.items()}
    named: list[str] = []
    for match, prefix in _workshop_words(text):
        word = match.group(0).casefold()
        found = [doc for doc, words in stems.items() if prefix and any(prefix.startswith(w) for w in words)]
        if not found and prefix:
            # typed in a hurry: «sosielverkstedet», «barnevrensverkstedet», «oppvikstverkstedet»
            found = [doc for doc, words in stems.items() if any(slipped_start(prefix, w) for w in words)]
        if not found and word.endswith(("verkstedet", "verkstaden")):
            after = text[match.end() :].casefold().split()
            policy = [w for w in after[:5] if "politikk" in w]
            found = [doc for doc, words in stems.items() if any(w in p for p in policy for w in words)]
            if not found and len(after) > 1 and after[0] == "om":
                # «Når var verkstedet om barnevern?»: the one workshop, named by its theme right after «om»
                found = [doc for doc, words in stems.items() if any(after[1].startswith(w) for w in words)]
        named.extend(doc for doc in found if doc not in named)
    return named


@dataclass(frozen=True)
class QuestionAnalysis:
    """What a question is: its language, what it asks for, and the services it names."""

    language: Language
    intent: Intent
    answer_type: AnswerType
    services: list[str] = field(default_factory=list)
    lay_concepts: list[str] = field(default_factory=list)
    personal: bool = False
    asks_for_person: bool = False  # who holds a role, by name (PERSON_ASKED)
    sources: list[str] = field(default_factory=list)  # the kinds of document it names (named_document_kinds)

    @property
    def presented_service(self) -> str | None:
        """The one service a question asks what it is («Hva er Ungdomstorget?») or which ages it is for
        («Hvilken aldersgruppe er Ungdomstorget for?»): the passages that present it answer; else None."""
        asks = self.intent == "definition" or self.answer_type == "age_range"
        return self.services[0] if asks and len(self.services) == 1 else None

    @property
    def wants_services(self) -> bool:
        return self.intent == "situation"

    @property
    def may_be_situation(self) -> bool:
        """Not recognised as a situation, but about someone's life in words the lexicon knows or naming a
        service: when the sources cannot answer it as a question, the services that fit are the better answer."""
        return (
            self.intent in ("fact", "who_where", "measures")
            and self.personal
            and not self.asks_for_person
            and bool(self.lay_concepts or self.services)
        )


# Languages the character model chooses between: the asker's likely languages. Danish reads as Norwegian
# (the model often takes short bokmål for Danish); the others are answered as «other».
_MODEL_LANGUAGES = ("en", "no", "nn", "da", "sv", "de", "nl", "fr", "es", "it", "pt", "pl", "so")
_NORWEGIAN_MODEL = frozenset(["no", "nn", "da"])
# Below this probability the letters do not tell (a few words, names): the function words decide alone.
MIN_MODEL_CONFIDENCE = 0.5


@cache
def _language_model() -> LanguageIdentifier:
    """py3langid's character n-gram model (shipped in its wheel), restricted to the languages above."""
    model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    model.set_languages(list(_MODEL_LANGUAGES))
    return model


def detect_language(text: str) -> Language:
    """nb, nn, en or other. Function words decide when they are clear (two English ones and more than the
    Norwegian); otherwise a character n-gram model says English, Norwegian or another language when it is
    sure, and the function words say bokmål or nynorsk (ties go to bokmål, the corpus' language)."""
    if re.search(r"[\u0600-\u06ff\u0400-\u04ff\u0590-\u05ff\u4e00-\u9fffäöüßąęłńśźż¿¡ñ]", text, re.I):
        return "other"
    words = [w.casefold() for w in _WORD.findall(text)]
    if not words:
        return "nb"
    english = sum(w in _ENGLISH for w in words)
    nynorsk = sum(w in _NYNORSK for w in words)
    bokmal = sum(w in _BOKMAL_ONLY for w in words)
    other = sum(w in _OTHER for w in words)
    if other >= 2 and other > english and other >= bokmal:
        return "other"
    if english >= 2 and english > nynorsk + bokmal:
        return "en"
    model, confidence = _language_model().classify(text)
    if confidence < MIN_MODEL_CONFIDENCE:  # too short to tell by letters («kms snart ass», «Who runs Uteteam?»)
        model = ""
    norwegian: Language = "nn" if nynorsk > bokmal or (model == "nn" and nynorsk + bokmal == 0) else "nb"
    if model == "en" or (not model and english > nynorsk + bokmal):
        return "en" if english >= nynorsk + bokmal else norwegian
    if not model or model in _NORWEGIAN_MODEL:
        return norwegian
    return "other" if nynorsk + bokmal == 0 else norwegian


_CASE_OPENING = re.compile(
    r"^\s*(?:[\w\s-]{2,40}:\s*)?(en|ei|et|a|an|foreldre til en|parents of an?)\s+"
    r"(\d{1,2}-åring\w*|\d{1,2}-year-old|elev|eleven|ungdom|"
    r"forelder|gravid|jente|gutt|familie|mor|far|pupil|teenager|girl|boy|pregnant)\b",
    re.I,
)
# A staff member's case opens with the role: «Helsesykepleier: …», «School nurse: …».
_ROLE_PREFIX = re.compile(r"^\s*[\w\s-]{2,40}:\s+\S")
_OWN_PERSON = re.compile(
    r"\b(?:(?:min|mi|mitt|mine|vår|vårt|våre|my|our)\s+(?:sønn|datter|dotter|son|daughter|gutt|jente|barn|"
    r"baby|kid|child|children|kids|mann|kone|samboer|husband|wife|partner|mor|far|mamma|pappa|bror|søster)\w*|"
    r"(?:sønnen|dattera|datteren|dottera|sonen|gutten|jenta|ungen|ungene|babyen|mannen|kona|samboeren|"
    r"kjæresten|eksen|exen)\s+(?:min|mi|mitt|mine|vår|vårt|våre)|"
    r"(?:gutten|jenta|sønnen|datteren|dattera|barnet|ungen)\s+(?:på|er)\s+\d{1,2}|\w+\s+\(\d{1,2}\))",
    re.I,
)
# A need stated, then a question about what is offered: «Foreldre til en fireåring trenger veiledning. Hva …?»
_NEED_THEN_ASK = re.compile(
    r"\b(trenger|treng|ønsker|ønskjer|sliter|strever|vil ha|needs?|wants?|struggl\w*)\b[^.?!]{3,}[.!]\s+"
    r"(hva|hvilke|hvilket|hvilken|kva|finnes|har|which|what|is there|are there)\b[^.!]*\?",
    re.I,
)
_ASKING_ABOUT = re.compile(r"\b(lurer (jeg|vi|eg) på|jeg jobber|eg jobbar|i work)\b", re.I)


def is_situation(text: str, lay_concepts: list[str]) -> bool:
    """A person's situation or a where-to-get-help question rather than a question about the sources."""
    if _HELP.search(text) or _CASE_OPENING.search(text) or _NEED_THEN_ASK.search(text):
        return True
    if _ASKING_ABOUT.search(text):
        return False
    personal = bool(_PERSONAL.search(text)) or bool(_CHILD_AGE.search(text))
    if lay_concepts and (personal or _ROLE_PREFIX.search(text)):
        return True
    # Someone's own child or family member, or a case a staff member describes, even in words the
    # lexicon does not know: a situation («Gutten vår på 13 har blitt helt stille …»).
    if _OWN_PERSON.search(text) or (_ROLE_PREFIX.search(text) and _CHILD_AGE.search(text)):
        return True
    return bool(lay_concepts and _STAFF_CASE.search(text))


def classify_intent(text: str, lay_concepts: list[str]) -> Intent:
    if _OUT_OF_SCOPE.search(text):
        return "out_of_scope"
    if PERSON_ASKED.search(text):
        return "who_where"  # a person's name, never a situation
    if _TIME_FIRST.match(text) and not _HELP.search(text):
        return "time"  # «Når ble arbeidsverkstedet … holdt?» asks for a date, whatever it names
    if _DOCUMENT_FIRST.search(text):
        return "document"  # «Hvem deltok på verkstedet …?», «Hva inneholder rapporten …?»: what the report holds
    for intent, pattern in _CUES[:2]:  # planner and document questions name their subject
        if pattern.search(text):
            return intent
    if _HELP.search(text) or _CASE_OPENING.search(text) or _NEED_THEN_ASK.search(text):
        return "situation"
    role = bool(_ROLE_PREFIX.search(text))
    # «13-åring med selvskading, hvilke tiltak finnes?»: a child's age and a need make a case, as a role does
    described_case = (bool(lay_concepts) and (role or bool(_PERSONAL.search(text) or _CHILD_AGE.search(text)))) or (
        role and bool(_CHILD_AGE.search(text) or _CASE_OPENING.search(text))
    )
    for intent, pattern in _CUES[2:5]:  # measures, quantity, time: a question about the sources
        if pattern.search(text):
            # «Helsesykepleier: 16-åring med … – hvilke tiltak finnes?» asks for services for a case.
            return "situation" if intent == "measures" and described_case else intent
    if is_situation(text, lay_concepts):
        return "situation"
    # «Hva er Ungdomstorget, og hvem er det for?»: a question that opens by asking what something is asks that
    # first, whatever «hvem» or «hvor» follows (its presentation says whom it is for).
    for intent, pattern in sorted(_CUES[5:], key=lambda cue: cue[0] != "definition"):
        if pattern.search(text):
            return intent
    return "fact"


_TYPE_WORDS: dict[str, re.Pattern[str]] = {"age_range": _AGE_RANGE, "percent": _PERCENT}


# «Hva er Barnas hus?», «Kva er Familiens hus?»: a name of two or three words, opening with a capital, asked to
# be defined (no preposition inside: «Hva er BERT-prosjektet i barnevernet?» names a thing and where it is).
_DEFINED_NAME = re.compile(
    r"^\W*(?i:hva|kva)\s+(?i:er|betyr|tyder)\s+((?:[A-ZÆØÅ][\w-]*)(?:\s+[\wæøåÆØÅ-]+){1,2})\s*\?*\s*$"
)
_INSIDE_NAME_NOT = re.compile(r"\b(?:i|på|for|om|til|med|av|og|ifølge|hos|fra|ved)\b", re.I)


def defined_name(text: str) -> str | None:
    """The multi-word name a «Hva er …?» question asks to be defined («Barnas hus»), or None."""
    match = _DEFINED_NAME.match(text)
    if match is None or _INSIDE_NAME_NOT.search(match.group(1)):
        return None
    return match.group(1)


# «Hva gjør familieteamet?», «Hva tilbyr krisesenteret?», «What does the family team do?»: the service named right
# after the asking verb is what the question asks to be described (not «Hva er BERT-prosjektet i barnevernet?»,
# which asks about a project of it).
_DESCRIBE_OPENING = re.compile(
    r"^\W*(?:hva|kva|what)\s+(?:er|is|are|gjør|gjer|does|tilbyr|tilbyd)\s+(?:the\s+|den\s+|det\s+|dei\s+|de\s+)?",
    re.I,
)


def described_service(text: str) -> str | None:
    """The service a «Hva er / gjør / tilbyr …?» question asks to be described, named right after its verb."""
    match = _DESCRIBE_OPENING.match(text)
    return service_names().named_at(text, match.end()) if match else None


def without_type_words(text: str, answer_type: AnswerType) -> str:
    """The question without the words that name the kind of answer it expects («aldersgruppe», «andel»): a line
    is scored on whether it holds that kind of answer (`answer_fits`), not on naming it («for alle aldersgrupper»
    gives no age)."""
    pattern = _TYPE_WORDS.get(answer_type)
    return " ".join(pattern.sub(" ", text).split()) if pattern is not None else text


def expected_answer(text: str, intent: Intent) -> AnswerType:
    if _AGE_RANGE.search(text):
        return "age_range"
    if intent == "quantity":
        return "percent" if _PERCENT.search(text) else "number"
    if intent == "time":
        return "date"
    if intent in ("measures", "planner") or _LIST.search(text):
        return "list"
    if intent == "who_where":
        return "name"
    return "text"


def analyze_question(text: str) -> QuestionAnalysis:
    """Language, intent, expected answer type, services named and lay concepts of a question."""
    concepts = [link.concept for link in situation_lexicon().links(text)]
    intent = classify_intent(text, concepts)
    return QuestionAnalysis(
        language=detect_language(text),
        intent=intent,
        answer_type=expected_answer(text, intent),
        services=service_names().mentioned(text),
        lay_concepts=concepts,
        personal=bool(_PERSONAL.search(text) or _OWN_PERSON.search(text) or _CHILD_AGE.search(text)),
        asks_for_person=bool(PERSON_ASKED.search(text)),
        sources=named_document_kinds(text),
    )
