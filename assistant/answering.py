"""The steps of answering: follow-up condensing → analysis and routing (situation, planner) → retrieval →
refusal rule → the extractive composer → citations. `assistant.pipeline.AnswerPipeline` runs them in order and
calls the LLM; without one (or when it fails or times out) the extractive composer answers from the passages'
own sentences, and the response says why the LLM was not used.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import takewhile, zip_longest
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from assistant import llm as llm_backend
from assistant.analysis import (
    PARTICIPATION_WORDS,
    ROLE_WORD,
    QuestionAnalysis,
    analyze_question,
    asks_for_one,
    defined_name,
    described_service,
    detect_language,
    named_workshops,
    source_words,
    theme_stems,
    without_source_words,
    without_type_words,
)
from assistant.citations import validate_citations
from assistant.extractive import (
    PARTNERS_ASKED,
    Analyze,
    Meaning,
    Unit,
    answer_fits,
    compose,
    other_municipality,
    plain_row,
    score_unit,
    select_units,
    split_units,
    states_figure,
)
from assistant.followup import rewrite_followup
from assistant.lexicon import catalog_filters, norwegian_words, other_places, service_names
from assistant.planner_answer import compose_planner_answer, planner_theme
from assistant.refusal import (
    RefusalDecision,
    counted_phrase_en,
    counted_thing,
    decide_refusal,
    requested_details,
    situation_details,
    term_coverage,
)
from assistant.retrieval import SearchResult, to_passage
from assistant.service_answer import (
    MAX_SERVICES,
    Audience,
    Describe,
    chosen_groups,
    compose_catalog_answer,
    compose_service_answer,
    is_description,
    measure_passage,
)
from assistant.themes import point_nodes
from assistant.types import Answer, ChatTurn, Passage, ServiceGroup, ServiceMatch, WorkshopSummary
from assistant.vectors import unit_vector
from index.lexical import stems, word_family
from ingest.cards import card_headline, is_card_metadata
from ingest.errors import BackendUnavailable
from ingest.records import SECTION_SEPARATOR, DocumentKind, Node, NodeKind
from ingest.text import answer_units

if TYPE_CHECKING:
    from llama_index.core.llms import LLM

    from assistant.prompts import PromptSet
    from assistant.retrieval import HybridRetriever
    from assistant.service_finder import ServiceFinder
    from assistant.settings import Settings
    from index.reader import KnowledgeIndex


class ServiceDesk(Protocol):
    """What answering asks of the rest of the assistant (the facade provides it; no import of the facade)."""

    @property
    def finder(self) -> ServiceFinder: ...

    def safety_notice_for(self, text: str, language: str, corrected: str = "") -> str | None: ...

    def first_help(self, text: str) -> tuple[str, ...]: ...

    def reads_as_situation(self, text: str) -> bool: ...

    def corrected(self, text: str) -> str: ...

    def summarize(self, theme: str, workshops: Sequence[str] = ()) -> WorkshopSummary: ...


class AnswerContext(ServiceDesk, Protocol):
    """What the answering steps need: the desk and the pipeline's collaborators (`AnswerPipeline` is one)."""

    index: KnowledgeIndex
    settings: Settings
    prompts: PromptSet
    llm: LLM | None
    llm_gate: llm_backend.LLMGate
    retriever: HybridRetriever


# Languages the sources' words can be matched in (nynorsk reaches BM25 through shared stems).
NORWEGIAN = ("nb", "nn")
# How many of the top passages the refusal rule looks at: the evidence must be near the top.
EVIDENCE_PASSAGES = 5
# Questions a document card (ingest/cards.py) may answer; how much of the question's idf mass a card must
# cover, and by how much more than the next card.
CARD_INTENTS = ("time", "document", "planner")
# Searched among the candidates only for these: a card lists a workshop's questions, which a planner question
# about what the workshop said would find instead of its points (the card still leads when it is named by it).
CARD_SEARCH_INTENTS = ("time", "document")
MIN_CARD_COVERAGE = 0.5
CARD_MARGIN = 0.05
# A place the question names must be named in one of the passages an answer is mostly drawn from.
PLACE_PASSAGES = 3
# Prose passages a situation answer may take one supporting sentence from.
SUPPORT_PASSAGES = 3
# Intents the patterns give to questions that may still be someone's situation in other words (quantity,
# time, definition, planner, document and out-of-scope questions are never rerouted).
SEMANTIC_ROUTES = ("fact", "who_where", "measures")
# How many retrieved passages an answer reports as `hits` (the batch contract asks for 10).
HITS_REPORTED = 10


class _Analysis:
    """The index's analyzer and idf, bound for the pure functions."""

    def __init__(self, assistant: AnswerContext) -> None:
        lexical = assistant.index.lexical
        self.analyze = lexical.analyzer.terms
        self.idf = lexical.idf
        self._knows = lexical.knows

    def known(self, word: str) -> bool:
        return any(self._knows(t) for t in self.analyze(word))


def standalone_question(
    assistant: AnswerContext, question: str, history: Sequence[ChatTurn], deadline: float | None = None
) -> tuple[str, str | None]:
    """The question made stand-alone: by the LLM when configured, else by the deterministic rewrite."""
    analysis = _Analysis(assistant)
    if not history:
        return question, None
    if assistant.llm is not None:
        llm = assistant.llm
        try:
            condensed = assistant.llm_gate.call(
                lambda: llm_backend.condense_question(llm, assistant.prompts, list(history), question),
                deadline if deadline is not None else assistant.llm_gate.deadline(),
            )
            if condensed.strip():
                return condensed.strip(), None
        except BackendUnavailable as exc:
            return rewrite_followup(question, history, analysis.analyze), str(exc)
    return rewrite_followup(question, history, analysis.analyze), None


def judge(
    assistant: AnswerContext,
    question: str,
    passages: Sequence[Passage],
    dense_score: float = 0.0,
    language: str = "nb",
    asked: QuestionAnalysis | None = None,
) -> RefusalDecision:
    """Whether the passages can answer the question (`asked`: its analysis, when the caller has it)."""
    analysis = _Analysis(assistant)
    given = passages[:EVIDENCE_PASSAGES]
    documents = assistant.index.documents
    shown = [documents[d] for d in {p.document for p in given} if d in documents]
    # Evidence beside the passages: their documents' titles and dates («i 2018»), and the words by which the
    # question names them («Hva mente oppvekstverkstedet …» asked of a workshop is covered there).
    named = source_words(question, {doc.kind.value for doc in shown})
    context = " ".join([*(f"{doc.title} {doc.date}" for doc in shown), *named])
    config = assistant.settings.answer
    norwegian = language in NORWEGIAN
    # An English question's subject (for the year check) and the thing it counts («how many requests …», for the
    # count check) in the sources' Norwegian words; a Norwegian question's own words serve.
    subject = "" if norwegian else " ".join(norwegian_search_words(question, asked or analyze_question(question)))
    counted = "" if norwegian else " ".join(norwegian_words(counted_phrase_en(question) or ""))
    return decide_refusal(
        question,
        given,
        analysis.analyze,
        analysis.idf,
        analysis.known,
        config.min_term_coverage,
        dense_score=dense_score,
        min_dense=config.min_dense_score if norwegian else config.min_dense_score_foreign,
        context=context,
        lexical=norwegian,
        subject_words=subject,
        counted=counted,
    )


def extractive_answer(
    assistant: AnswerContext,
    question: str,
    passages: Sequence[Passage],
    language: str = "nb",
    audience: Audience = "citizen",
) -> str:
    """Lead line (in English for an English question) + the passages' best sentences/rows, each cited; appendix
    rows in words (staff also get level, roles and partners)."""
    # «Hva er Ungdomstorget?»: another service's row that mentions it («Barnevernet: Aktør ungdomstorg») is not
    # what it is, nor whom it is for.
    asked = analyze_question(question)
    names = service_names()
    subjects = names.asked_about(question)
    defined = asked.presented_service or (subjects[0] if len(subjects) == 1 else None)

    def usable(passage: Passage) -> bool:
        if defined is not None and passage.kind == "table_row" and passage.metadata.get("service") != defined:
            return False
        return about_here(question, passage)

    max_units = assistant.settings.answer.max_sentences
    named = " ".join(names.forms(defined)) if defined else ""
    units = document_units(asked, question, passages)
    points = [] if units else workshop_answer(assistant, question, passages, max_units)
    units = (
        units
        or points
        or description_units(assistant, question, passages, asked, usable, named)
        or best_lines(assistant, question, passages, max_units, usable, asked, subject=named)
    )
    lead = "default_en" if language == "en" else "default"
    said = workshop_heading(assistant, passages, points) if points else None
    if said is not None:  # «Dette sa arbeidsverkstedet om … (2018-06-07) under «Arbeid/Levekår»:»
        lead = "workshop_section_en" if language == "en" else "workshop_section"
    if asked.answer_type in ("number", "percent") and units:
        # «Hvor mange jobber i NAV Drammen?»: when no line gives a figure, the answer says so first and keeps the
        # two nearest lines, rather than offering them as the answer.
        analyze = _Analysis(assistant).analyze
        terms = analyze(question)
        share = asked.answer_type == "percent"
        if not any(states_figure(unit.text, terms, analyze, share) for unit in units):
            lead, units = ("no_figure_en" if language == "en" else "no_figure"), units[:NO_FIGURE_LINES]

    partners = bool(PARTNERS_ASKED.search(question))

    def render(text: str) -> str:
        return plain_row(text, audience, lambda service: names.plain(service, language), partners=partners)

    values = {"question": question, **(said or {})}
    return compose(assistant.prompts.lead(lead, **values), units, render)


def workshop_heading(
    assistant: AnswerContext, passages: Sequence[Passage], units: Sequence[Unit]
) -> dict[str, str] | None:
    """The workshop and the heading of its report that a workshop answer's points stand under (the deepest heading
    all of them share: the question put to the politicians, or its sub-heading, not a heading that lists the points),
    for the lead; None without one."""
    nodes = [assistant.index.nodes.get(passages[u.passage - 1].node_id) for u in units]
    paths = [heading_path(n) for n in nodes if n is not None]
    if not paths or len(paths) < len(nodes):
        return None
    shared = next((i for i, level in enumerate(zip(*paths, strict=False)) if len(set(level)) > 1), min(map(len, paths)))
    document = assistant.index.documents.get(passages[units[0].passage - 1].document)
    if shared > 1 and paths[0][shared - 1].count(" – ") >= 2:
        shared -= 1  # a heading that lists the section's points is its summary, shown as its first line
    if not shared or document is None:
        return None
    heading = " ".join(paths[0][shared - 1].split()).rstrip(" :")
    return {"workshop": document.theme, "date": document.date, "heading": heading}


def document_units(asked: QuestionAnalysis, question: str, passages: Sequence[Passage]) -> list[Unit]:
    """A question about a document answered from what says what the document is: who took part, from the
    report's lists; when it was held and what it holds, from its card when the card leads the passages (it does
    only when the question names the document), its lines being the answer (a time question's the headline
    alone), without the lines of the document's text that only share its words. Empty for other questions."""
    if asked.intent == "document" and PARTICIPANTS_ASKED.search(question):
        listed = participant_units(passages)
        if listed:
            return listed
    if asked.intent in ("time", "document") and passages and is_card_metadata(passages[0].metadata):
        lines = answer_units(passages[0].text, passages[0].kind)
        return [Unit(passage=1, order=i, text=t) for i, t in enumerate(lines[:1] if asked.intent == "time" else lines)]
    return []


# «Hva gjør familieteamet?»: the opening sentences of the knowledge base's description of the service lead (Vedlegg 1
# opens each service's section with what it is and does), then the best line of another passage that names it.
DESCRIPTION_LINES = 2
DESCRIPTION_SUPPORT = 1


def description_units(
    assistant: AnswerContext,
    question: str,
    passages: Sequence[Passage],
    asked: QuestionAnalysis,
    usable: Callable[[Passage], bool],
    subject: str,
) -> list[Unit]:
    """A question asking what a service is, does or offers, answered from the service's own description when it
    stands among the passages: its opening sentences lead, then the best line of another passage of that document
    that names it (one of its rows, mostly; not a workshop's wish for it). Empty for other questions, and for a
    service the knowledge base does not describe under its own heading."""
    service = described_service(question) if asked.intent == "definition" else None
    node = description_node(assistant, service) if service is not None else None
    if node is None:
        return []
    number = next((i for i, p in enumerate(passages, start=1) if p.node_id == node.node_id), None)
    if number is None:
        return []
    described = passages[number - 1]
    opening = [Unit(number, i, text) for i, text in enumerate(split_units(described)[:DESCRIPTION_LINES])]
    names = assistant.finder.names

    def beside(passage: Passage) -> bool:  # one of its rows, or a passage of the same document that names it
        if passage.node_id == described.node_id or passage.document != described.document or not usable(passage):
            return False
        return passage.metadata.get("service") == service or service in names.mentioned(passage.text)

    support = best_lines(assistant, question, passages, DESCRIPTION_SUPPORT, beside, asked, subject=subject)
    return [*opening, *sorted(support, key=lambda u: (u.passage, u.order))]


# Lines kept under «Kildene oppgir ikke tallet …»: the nearest facts, not a list offered as the answer.
NO_FIGURE_LINES = 2

# The workshop question under which a passage's points stand must hold this share of the asked question's words.
WORKSHOP_QUESTION_COVERAGE = 0.6


# A heading's score adds this much of the share of the question's words it holds to its cosine: the one word
# «mindre» tells «Hva bør vi gjøre mindre av?» from «Hva bør vi gjøre mer av?», which are as near in meaning.
SECTION_WORD_WEIGHT = 0.1


def heading_path(node: Node) -> tuple[str, ...]:
    """A workshop node's headings below the report's parts («Del 2»): the workshop question, then its sub-headings."""
    return tuple(s for s in node.section_path if not re.fullmatch(r"Del \d+", s.strip()))


# «Hva sa helse- og sosialverkstedet om arbeid og levekår?» names the sub-heading «Arbeid/Levekår» of that report:
# at least this many of a sub-heading's words in a row, and half of them or more.
NAMED_HEADING_WORDS = 2


def named_run(heading: Sequence[str], question: Sequence[str]) -> int:
    """The length of the longest run of the heading's words that the question has in a row (0 when under two)."""
    for size in range(len(heading), 1, -1):
        for start in range(len(heading) - size + 1):
            run = list(heading[start : start + size])
            if any(list(question[i : i + size]) == run for i in range(len(question) - size + 1)):
                return size
    return 0


def named_subsection(question: str, nodes: Sequence[Node]) -> tuple[str, ...] | None:
    """The heading path of the one sub-section of a workshop report (its point nodes, `nodes`) whose sub-heading the
    question names: a run of
    NAMED_HEADING_WORDS of its words or more, in the heading's order and in any inflection, that is at least half
    of them («Tidlig innsats», «Informasjon og kunnskap», «Tilrettelegging; Anlegg/uteområder, lavterskel» for
    «anlegg og uteområder»; not «Vi bør kjøpe færre tjenester» for «kjøp av tjenester»). The sub-heading named by
    the longest run wins; None when none is named or two tie («Gruppe 1» stands under two questions)."""
    asked = [word_family(w) for w in stems(without_source_words(question, {DocumentKind.WORKSHOP_REPORT.value}))]
    named: dict[tuple[str, ...], int] = {}
    for path in dict.fromkeys(heading_path(n) for n in nodes):
        if len(path) < 2:
            continue
        words = [word_family(w) for w in stems(path[-1])]
        run = named_run(words, asked)
        if run >= NAMED_HEADING_WORDS and 2 * run >= len(words):
            named[path] = run
    if not named:
        return None
    ranked = sorted(named.values(), reverse=True)
    if len(ranked) > 1 and ranked[0] == ranked[1]:
        return None
    return max(named, key=lambda path: named[path])


def workshop_section(assistant: AnswerContext, question: str, document: str) -> list[Node]:
    """The nodes of the workshop report's section whose heading asks what the question asks («Hva bør barnevernet
    gjøre mindre av, ifølge barnevernsverkstedet?» → «Hva bør vi gjøre mindre av?»; «… for at færre skal trenge
    sosiale tjenester?» → «… for at flest mulig innbyggere ikke skal komme i behov av sosiale tjenester?»), with
    the sub-sections under it, in reading order; empty when no heading comes near enough in meaning
    (`answer.workshop_section_min_similarity`). A report is a list of questions put to the politicians with their
    points under each, and the points rarely repeat the question's words: the heading does."""
    threshold = assistant.settings.answer.workshop_section_min_similarity
    nodes = point_nodes(assistant.index, document)
    if not nodes or threshold >= 1.0:
        return []
    named = named_subsection(question, nodes)
    if named is not None:  # the report's own heading for the theme asked: its points answer it (the headings
        # below it name other themes, «Informasjon og kunnskap › Brukermedvirkning»: only when it has no points)
        own = [n for n in nodes if heading_path(n) == named]
        return own or [n for n in nodes if heading_path(n)[: len(named)] == named]
    analysis = _Analysis(assistant)
    asked = without_source_words(question, {DocumentKind.WORKSHOP_REPORT.value})
    query = unit_vector(assistant.index.query_embedding(asked))
    best: tuple[float, float, tuple[str, ...]] | None = None
    for path in dict.fromkeys(heading_path(n) for n in nodes):
        if not path:
            continue
        heading = " › ".join(path)
        cosine = float(unit_vector(assistant.index.query_embedding(heading)) @ query)
        shown = Passage(node_id="", document=document, text=heading)
        words = term_coverage(asked, [shown], analysis.analyze, analysis.idf)
        score = cosine + SECTION_WORD_WEIGHT * words
        if best is None or score > best[0]:
            best = (score, cosine, path)
    if best is None or best[1] < threshold:
        return []
    return [n for n in nodes if heading_path(n)[: len(best[2])] == best[2]]


def section_summary(nodes: Sequence[Node]) -> str:
    """The heading under the workshop question that sums up the section's points by listing them («Prioritering av
    ressurser – samarbeid med frivilligheten – Datadeling – tilgang til lavterskeltilbud», «Flyktninger – økonomi –
    sysselsetting»), when every node of the section stands under it; empty otherwise. Some reports set that summary
    as a line of text, others as a heading, which no answer line would show."""
    paths = [heading_path(n) for n in nodes]
    if not paths or any(len(p) < 2 or p[1] != paths[0][1] for p in paths):
        return ""
    heading = paths[0][1].strip()
    return heading if heading.count(" – ") >= 2 else ""


def section_units(groups: Sequence[Sequence[str]], max_units: int) -> list[Unit]:
    """Up to `max_units` lines of a section's passages (their units, `groups`), each sub-section's first point
    before any one's second, shown in reading order: a section of sub-headings is answered with a point from
    each, not with the first sub-heading's whole list."""
    picked: list[Unit] = []
    depth = 0
    while len(picked) < max_units and any(depth < len(g) for g in groups):
        for number, units in enumerate(groups, start=1):
            if depth < len(units) and len(picked) < max_units:
                picked.append(Unit(number, depth, units[depth]))
        depth += 1
    return sorted(picked, key=lambda u: (u.passage, u.order))


def workshop_answer(assistant: AnswerContext, question: str, passages: Sequence[Passage], max_units: int) -> list[Unit]:
    """The points a workshop gave to the question asked, in the workshop's order, when the best passage stands
    under a workshop question that asks it (`workshop_section`; or one holding the share
    WORKSHOP_QUESTION_COVERAGE of its words: «Hvem bør kommunen samarbeide med …?» for «Hvem mente
    barnevernsverkstedet at kommunen bør samarbeide med?»); empty otherwise. The points rarely repeat the
    question's words, so scored one by one they lose to any line that does."""
    documents = assistant.index.documents
    if not passages or passages[0].kind != "prose":
        return []
    document = documents.get(passages[0].document)
    if document is None or document.kind != DocumentKind.WORKSHOP_REPORT:
        return []
    nodes = workshop_section(assistant, question, document.doc_id)
    section = {n.node_id for n in nodes}
    if passages[0].node_id in section:
        run = len(list(takewhile(lambda p: p.node_id in section, passages)))
        units = section_units([split_units(p) for p in passages[:run]], max_units)
        summary = section_summary(nodes)
        if summary and not any(summary.casefold() in u.text.casefold() for u in units):
            units = [Unit(1, -1, summary), *units[: max_units - 1]]
        return units
    analysis = _Analysis(assistant)
    # whole words only: replacing the string «sa» would also cut «samarbeide»
    asked = without_source_words(question, {document.kind.value})
    heading = Passage(node_id="", document=document.doc_id, text=passages[0].section)
    if term_coverage(asked, [heading], analysis.analyze, analysis.idf) < WORKSHOP_QUESTION_COVERAGE:
        return []
    return [Unit(1, order, text) for order, text in enumerate(split_units(passages[0])[:max_units])]


# «andre kommuner», «hvilken kommune», «Vedlegg 3», «other municipalities»: a question that asks what others do.
_OTHER_MUNICIPALITIES = re.compile(
    r"\b(?:(?:andre|other)\s+(?:kommuner|kommunar|municipalities)|(?:hvilke[nt]?|kva|which)\s+"
    r"(?:kommuner?|kommunar|kommunen|municipality|municipalities)|vedlegg\s*3|appendix\s*3)\b",
    re.I,
)


def best_lines(
    assistant: AnswerContext,
    question: str,
    passages: Sequence[Passage],
    max_units: int,
    usable: Callable[[Passage], bool] | None = None,
    asked: QuestionAnalysis | None = None,
    subject: str = "",
) -> list[Unit]:
    """The passages' best lines for the question (words and meaning blended, as the answer settings say);
    `asked`: the question's analysis when the caller has it; `subject`: the names of the service it asks about."""
    analysis = _Analysis(assistant)
    asked = asked or analyze_question(question)
    config = assistant.settings.answer
    # An English question's lines are scored, in words and in meaning, with the sources' Norwegian words for it
    # added, as it was searched (English dev set: key facts 0.750 -> 0.875, cited evidence 0.846 -> 0.923).
    worded = about_in_source(with_norwegian_words(question, asked), asked, analysis.analyze)
    return select_units(
        # «Hvilken aldersgruppe …», «Hvor stor andel …»: the words naming the kind of answer asked are scored by
        # `fits`, not as words of the question (dev line precision 0.677 -> 0.691, typos 0.659 -> 0.667; key
        # facts equal on the four dev sets).
        without_type_words(worded, asked.answer_type),
        passages,
        analysis.analyze,
        analysis.idf,
        max_units=max_units,
        min_relative=config.min_relative_unit_score,
        meaning=closeness(assistant, worded),
        meaning_weight=config.unit_meaning_weight,
        usable=usable,
        fits=answer_fits(asked.answer_type, requested_details(question), counted=counted_words(question, asked)),
        type_bonus=config.answer_type_bonus,
        confident_score=config.confident_lead_score,
        confident_relative=config.confident_relative_unit_score,
        subject_terms=analysis.analyze(f"{subject} {_CATALOG_FRAME}") if subject else (),
        # A line that only says the question back is dropped (dev line precision 0.691 -> 0.699, typos 0.667 ->
        # 0.676; key facts equal on the four dev sets).
        drop_echoes=True,
        # A line naming only another year, numbered item or school year than the question names is dropped (dev
        # line precision 0.708 -> 0.716, typos 0.684 -> 0.693; key facts equal); one naming the numbered item or
        # school year asked gets the type bonus (dev key facts 0.950 -> 0.967, cited evidence 0.900 -> 0.917, line
        # precision 0.760 -> 0.764; the other three dev sets equal).
        drop_other_specifics=True,
        # A line that adds none of the question's words to the lines above it must come close to the lead (dev
        # line precision 0.780 -> 0.799, typos 0.729 -> 0.747, English 0.654 -> 0.685, multilingual 0.600 ->
        # 0.633; key facts equal on the five dev sets).
        subsumed_relative=config.subsumed_relative_unit_score,
        # A question in another language with no Norwegian words is scored by meaning alone, in a narrower range:
        # no stricter cut there.
        other_relative=config.other_passage_relative_unit_score
        if worded != question or asked.language in NORWEGIAN
        else 0.0,
    )


def about_in_source(question: str, asked: QuestionAnalysis, analyze: Analyze) -> str:
    """What a question asks of the source it names, without the words that name it or frame it («Hva sier
    kunnskapsgrunnlaget om skolefravær?» → «Hva om skolefravær?»); the question as it is when it asks about the
    document itself (when, who), what a workshop said (planner: on dev the words naming a workshop help as often
    as they hurt), or nothing else is left («Hva står i strategien?»). In a planner question to the strategy,
    «strategien» would lead with the one line that says «strategi» («Hva sier strategien om frivillighet?»)."""
    workshop = DocumentKind.WORKSHOP_REPORT.value in asked.sources
    if not asked.sources or asked.intent in CARD_SEARCH_INTENTS or (asked.intent == "planner" and workshop):
        return question
    rest = asked_of_source(question, asked.sources)
    return rest if analyze(rest) else question


def asked_of_source(question: str, sources: Sequence[str]) -> str:
    """The question without the words naming its sources and the verbs framing what they hold."""
    return " ".join(_SOURCE_FRAME.sub(" ", without_source_words(question, sources)).split())


def about_document(question: str, asked: QuestionAnalysis) -> bool:
    """The question names a source and asks about nothing else in it («Hva står i strategien?», «Hva er
    fagmiljøenes strategi?»): without its source words and framing verbs no word of substance is left."""
    return not asked.sources or not stems(asked_of_source(question, asked.sources))


# Verbs that say what a source holds, beside analysis's framing verbs («Hva står i …», «Kva skriv …», «… snakket
# om barnehage»).
_SOURCE_FRAME = re.compile(
    r"\b(?:står|stod|skriver|skriv|nevner|nemner|nevnte|forteller|fortel|snakket|snakka|snakker|diskuterte|"
    r"diskuterer|drøftet|drøfta)\b",
    re.I,
)


def counted_words(question: str, asked: QuestionAnalysis) -> str:
    """What a «hvor mange» / «how many» question counts, in the sources' words («barnekoordinatorer»)."""
    if asked.language in NORWEGIAN:
        return counted_thing(question) or ""
    return " ".join(norwegian_words(counted_phrase_en(question) or ""))


def about_here(question: str, passage: Passage) -> bool:
    """False for another municipality's measure (Vedlegg 3) unless the question names that municipality or asks
    what other municipalities do: an answer about Drammen does not lead with what Oslo does."""
    municipality = other_municipality(passage.text)
    places = other_places()
    if municipality is None and passage.kind == "table_row":
        # «Hva heter Asker kommunes tiltak …?»: Drammen's own measures do not answer a question about another
        # municipality (a question that names Drammen too may compare them). Dev line precision 0.699 -> 0.708,
        # typos 0.676 -> 0.684, key facts equal.
        return not places.named(question) or "drammen" in question.casefold()
    if municipality is None or _OTHER_MUNICIPALITIES.search(question):
        return True
    theirs = places.named(municipality)
    if theirs:
        return bool(set(theirs) & set(places.named(question)))
    asked = question.casefold()  # «Flere fylkesmannsembeter»: a word of it in the question
    return any(word in asked for word in municipality.casefold().split() if len(word) > 5)


def closeness(assistant: AnswerContext, question: str) -> Meaning | None:
    """How close each answer unit is in meaning to the question (0..1, from the vectors stored at ingest);
    None when the meaning weight is off. One embedding per question, shared with retrieval's cache."""
    config = assistant.settings.answer
    if config.unit_meaning_weight <= 0:
        return None
    cosine = unit_cosine(assistant, question)
    low, span = config.unit_meaning_floor, max(config.unit_meaning_ceiling - config.unit_meaning_floor, 1e-6)

    def close(text: str) -> float | None:
        similarity = cosine(text)
        return None if similarity is None else min(1.0, max(0.0, (similarity - low) / span))

    return close


def unit_cosine(assistant: AnswerContext, text: str) -> Meaning:
    """The cosine of a text's query vector and an answer unit's vector stored at ingest (a workshop point is one);
    None for a unit without one. One embedding per text, shared with retrieval's cache."""
    index = assistant.index
    query = unit_vector(index.query_embedding(text))

    def cosine(unit: str) -> float | None:
        vector = index.unit_vector(unit)
        return None if vector is None else float(vector @ query)

    return cosine


def situation_answer(
    assistant: AnswerContext,
    question: str,
    standalone: str,
    analysis: QuestionAnalysis,
    audience: Audience,
    notice: str | None,
    condense_error: str | None,
) -> Answer | None:
    """The services that fit the situation, cited to their rows, and the one sentence of the knowledge base
    that speaks to it when there is one; None when no service fits."""
    first_help = assistant.first_help(question) if notice else ()
    # «Hvilke tiltak har uteteamet?»: the services the question asks about, and no others; under a safety notice
    # the help services come first whatever the question names.
    names = service_names()
    asked = () if notice else tuple(names.asked_about(standalone))
    result = (
        assistant.finder.find(names.without(standalone, asked), limit=MAX_SERVICES + 1, services=asked)
        if asked
        else None
    )
    asked_only = result is not None and bool(result.groups)
    # An English situation is matched to the rows, searched and given its knowledge-base sentence with the
    # sources' Norwegian words for it, as an English question is (English dev: key facts 0.925 -> 0.950, line
    # precision 0.561 -> 0.594; a Norwegian one stays as it is).
    searched = with_norwegian_words(standalone, analysis)
    if result is None or not result.groups:
        result = assistant.finder.find(
            searched,
            limit=MAX_SERVICES + 1,
            first_help=first_help,
            min_services=assistant.settings.finder.chat_min_services,
            one=asks_for_one(standalone),
        )
    retrieved = assistant.retriever.search(searched, top_k=HITS_REPORTED, cards=False)
    # Under a safety notice only help services follow; otherwise one sentence of the knowledge base may.
    # An English situation's sentence is scored by the sources' words for it alone: its English words are in no
    # Norwegian sentence, and would count against every one.
    norwegian = norwegian_search_words(standalone, analysis)
    support = None if notice else supporting_sentence(assistant, " ".join(norwegian) or searched, retrieved.passages)
    text, passages = compose_service_answer(
        result,
        assistant.prompts,
        names,
        audience,
        analysis.language,
        analysis.services,
        support,
        missing=situation_details(standalone),
        asked=asked_only,
        describe=row_describer(assistant, searched),
    )
    if not text:
        return None
    asked_for = Asked(question, standalone, analysis, audience, condense_error)
    return finder_reply(assistant, asked_for, text, passages, retrieved, chosen_groups(result), notice)


@dataclass(frozen=True)
class Asked:
    """What every answer path carries from the question to the answer."""

    question: str
    standalone: str
    analysis: QuestionAnalysis
    audience: Audience
    condense_error: str | None


def finder_reply(
    assistant: AnswerContext,
    asked: Asked,
    text: str,
    passages: list[Passage],
    retrieved: SearchResult,
    groups: list[ServiceGroup],
    notice: str | None = None,
) -> Answer:
    """An answer composed from the finder's rows: citations validated, and the hits of two retrievers reported
    interleaved (the passages keep their ranks, and every row the groups hold is among them)."""
    clean, citations, removed = validate_citations(text, passages)
    rows = [measure_passage(m) for g in groups for m in g.measures]
    hits = merge_hits(retrieved.passages, [*passages, *rows], {p.node_id for p in passages}, HITS_REPORTED)
    return answer_to(
        asked.question,
        asked.standalone,
        asked.analysis,
        asked.audience,
        answer=clean,
        citations=citations,
        passages=passages,
        hits=hits,
        safety_notice=notice,
        backend_error=asked.condense_error,
        removed_citations=removed,
        services=groups,
        **degradation(assistant, retrieved.degraded, asked.analysis.language),
    )


# What a question about measures says besides its subject: «Hvilke tiltak har …», «Which measures does … offer».
_CATALOG_FRAME = (
    "hvilke hvilket hvilken hva kva tiltak tilbud tilbod tjenester tenester har tilbyr gir gjør gjer finnes fins finst "
    "bruker "
    "which what measures measure does do have has offer offers use uses services service kommunen drammen"
)
CATALOG_LISTED = 8  # measures listed when the question asks for all of a service's measures (at a level)
CATALOG_FITTING = 4  # measures shown when it asks for those that fit a need


def catalog_answer(assistant: AnswerContext, asked_for: Asked) -> Answer | None:
    """A question for the measures of the service it asks about, at a prevention level or for a role or a need
    («Hvilke selekterte tiltak har PPT?», «Hvilke tiltak har kulturskolen for familier med lav inntekt?»): the
    service's rows of Vedlegg 2 that fit, each cited; None when the question names no service or the catalog
    has no row for it (then it is answered from retrieval as any other)."""
    names, standalone = service_names(), asked_for.standalone
    asked = names.asked_about(standalone)
    if not asked:
        return None
    service = asked[0]  # «Hvilke tiltak har NAV for ungdom i videregående skole?»: the one that has them
    levels, roles, rest = catalog_filters(standalone)
    rest = names.without(rest, [service])
    analysis_terms = _Analysis(assistant).analyze
    forms = [*names.forms(service), names.plain(service, "nb"), names.plain(service, "en")]
    frame = set(analysis_terms(f"{_CATALOG_FRAME} {' '.join(forms)}"))
    need = rest if set(analysis_terms(rest)) - frame else ""
    result = assistant.finder.find(
        need,
        levels=levels,
        roles=roles,
        services=[service],
        limit=1,
        measures_per_service=CATALOG_FITTING if need else CATALOG_LISTED,
    )
    text, passages = compose_catalog_answer(
        result, assistant.prompts, names, asked_for.audience, asked_for.analysis.language, levels, roles
    )
    if not text:
        return None
    retrieved = assistant.retriever.search(standalone, top_k=HITS_REPORTED, cards=False)
    return finder_reply(assistant, asked_for, text, passages, retrieved, result.groups)


def answer_to(question: str, standalone: str, analysis: QuestionAnalysis, audience: Audience, **fields: Any) -> Answer:
    """An answer to a question as analysed: the fields every path sets, and the path's own."""
    return Answer(
        question=question,
        standalone_question=standalone,
        intent=analysis.intent,
        language=analysis.language,
        audience=audience,
        **fields,
    )


def planner_answer(
    assistant: AnswerContext,
    question: str,
    standalone: str,
    analysis: QuestionAnalysis,
    audience: Audience,
    condense_error: str | None,
    named: Sequence[str] = (),
) -> Answer | None:
    """What the workshops said on the theme the question names, cited; None when it names none or no workshop
    said anything on it (then the question is answered from retrieval as any other). `named`: the one workshop
    the question asks about (`workshops_named`), else empty for all of them."""
    theme = planner_theme(standalone)
    if theme is None:
        return None
    asked = None
    if analysis.language == "en":
        # The workshop points are Norwegian: an English theme is summarised by the sources' words for it, less
        # the words that name the workshop asked about («childhood and youth policy» → oppvekstpolitikk).
        naming = {w for doc in named for w in assistant.index.documents[doc].theme.split()}
        words = [w for w in norwegian_words(theme) if w not in naming]
        if not words:
            return None
        asked, theme = theme, " ".join(words)
    started = time.perf_counter()
    summary = assistant.summarize(theme, named)
    beside = strategy_lines(assistant, standalone) if DocumentKind.STRATEGY.value in analysis.sources else []
    text, passages = compose_planner_answer(
        summary,
        assistant.prompts,
        assistant.index.lexical.analyzer.terms,
        asked,
        beside,
        closeness=unit_cosine(assistant, theme),
        min_link=assistant.settings.answer.summary_link_min_similarity,
    )
    if not text:
        return None
    clean, citations, removed = validate_citations(text, passages)
    cited = [passages[c.n - 1] for c in citations]
    return answer_to(
        question,
        standalone,
        analysis,
        audience,
        answer=clean,
        citations=citations,
        passages=passages,
        hits=cited[:HITS_REPORTED],
        backend_error=condense_error,
        removed_citations=removed,
        latency_ms=round((time.perf_counter() - started) * 1000, 2),
        degraded=summary.degraded,
    )


def carried_service(
    question: str, standalone: str, analysis: QuestionAnalysis, history: Sequence[ChatTurn]
) -> str | None:
    """The one service the conversation is about, for a follow-up that names none («Koster det noe?» after
    «Hva er Nok Drammen?»): the service the last question named, when it named exactly one."""
    if standalone == question or analyze_question(question).services:
        return None
    last = next((turn.content for turn in reversed(history) if turn.role == "user"), "")
    services = analysis.services or analyze_question(last).services
    return services[0] if len(services) == 1 else None


def description_node(assistant: AnswerContext, service: str) -> Node | None:
    """The knowledge base's description of a service: the prose under its own heading in Vedlegg 1, or None. (A
    heading shared by several services, «Helsestasjonstjenesten og jordmortjenesten, skolehelsetjenesten og HFU»,
    describes them together in general words: their rows say better what each offers.)"""
    names = assistant.finder.names
    return next(
        (
            node
            for node in assistant.index.nodes.values()
            if node.kind == NodeKind.PROSE
            and len(node.section_path) > 1
            and "Vedlegg 1" in node.section_path[-2]
            and names.mentioned(node.section_path[-1]) == [service]
        ),
        None,
    )


def presentation(assistant: AnswerContext, question: str, service: str) -> list[Passage]:
    """The passages that present a service: the knowledge base's description under its heading in Vedlegg 1
    (where it has one), then its Vedlegg 2 row closest in meaning to the question (its stored vectors)."""
    finder = assistant.finder
    index = assistant.index
    names = finder.names
    described = description_node(assistant, service)
    rows = finder.rows_of.get(service, [])
    chosen = [described] if described is not None else []
    if rows and finder.row_vectors is not None:
        # An English «What is Ungdomstorget?» is nearest other rows than the Norwegian question: ask in Norwegian.
        asked = question if detect_language(question) in NORWEGIAN else f"Hva er {names.plain(service, 'nb')}?"
        query = np.array(index.query_embedding(asked), dtype=np.float32)
        best = max(rows, key=lambda i: float(finder.row_vectors[i] @ query))  # type: ignore[index]
        node = index.nodes.get(finder.rows[best].node_id)
        if node is not None:
            chosen.append(node)
    return [node_passage(assistant, n) for n in chosen]


# Lines of the strategy beside the workshops' points when a planner's question names both.
STRATEGY_LINES = 2


def strategy_lines(assistant: AnswerContext, question: str) -> list[tuple[str, Passage]]:
    """The strategy's best lines on the question, each with its passage (for «Sammenlign hva verkstedet og
    fagmiljøenes strategi sier om …»)."""
    strategy = {"doc_kind": [DocumentKind.STRATEGY.value]}
    found = assistant.retriever.search(question, filters=strategy, cards=False).passages
    return [(unit.text, found[unit.passage - 1]) for unit in best_lines(assistant, question, found, STRATEGY_LINES)]


def degradation(assistant: AnswerContext, degraded: bool, language: str) -> dict[str, Any]:
    """The answer's `degraded` flag and, when set, the short notice that says what it means."""
    if not degraded:
        return {"degraded": False, "degraded_notice": None}
    notice = assistant.prompts.lead("degraded_en" if language == "en" else "degraded")
    return {"degraded": True, "degraded_notice": notice}


def node_passage(assistant: AnswerContext, node: Node) -> Passage:
    """A node as a passage chosen for the question by rule, not by score (score 1)."""
    index = assistant.index
    return to_passage(node, index.title(node.doc_id), 1.0, index.date(node.doc_id))


def named_card(assistant: AnswerContext, question: str, analysis: QuestionAnalysis) -> Passage | None:
    """The card of the one document the question names: a workshop by its theme («helse- og sosialverkstedet»),
    or the only document of the kind it names («kunnskapsgrunnlaget», «strategien»); None otherwise."""
    index = assistant.index
    docs = workshops_named(assistant, question)
    if not docs and len(analysis.sources) == 1:
        docs = [d.doc_id for d in index.documents.values() if d.kind.value == analysis.sources[0]]
    if len(docs) != 1:
        return None
    card = next((index.nodes[nid] for nid in sorted(index.card_ids) if index.nodes[nid].doc_id == docs[0]), None)
    return None if card is None else node_passage(assistant, card)


def matching_card(assistant: AnswerContext, question: str, contents: bool = False) -> Passage | None:
    """The document card that covers the question's words best (at least MIN_CARD_COVERAGE of their idf
    mass, and clearly more than any other card), as a passage; None when no document is meant. The card's
    headline is matched (what and when the document is), its contents too with `contents` (a question about
    what a document holds: «Hvilke kapitler har kunnskapsgrunnlaget?»)."""
    analysis = _Analysis(assistant)
    terms = analysis.analyze(question)
    cards = [assistant.index.nodes[nid] for nid in sorted(assistant.index.card_ids)]

    def matched(text: str) -> set[str]:
        return set(analysis.analyze(text if contents else card_headline(text)))

    scored = sorted(
        ((score_unit(matched(n.text), terms, analysis.idf), n) for n in cards),
        key=lambda sn: -sn[0],
    )
    if not scored or scored[0][0] < MIN_CARD_COVERAGE:
        return None
    if len(scored) > 1 and scored[1][0] >= scored[0][0] - CARD_MARGIN:
        return None  # two documents fit as well: the question does not say which
    best = scored[0][1]
    return node_passage(assistant, best)


# Two capitalised words in a row after the start of a sentence: «… ledes av Kari Nordmann».
_PERSON_NAME = re.compile(r"(?<=\w[ ,])[A-ZÆØÅ][a-zæøå]+(?:-[A-ZÆØÅ][a-zæøå]+)?\s+[A-ZÆØÅ][a-zæøå]+")


def names_a_person(passages: Sequence[Passage]) -> bool:
    """Whether a line of the evidence names someone in a role (a role word and a person's name together)."""
    names = service_names()
    for passage in passages:
        for unit in split_units(passage):
            if not ROLE_WORD.search(unit):
                continue
            if any(not names.mentioned(found.group(0)) for found in _PERSON_NAME.finditer(unit)):
                return True
    return False


def unnamed_places(question: str, evidence: Sequence[Passage], services: Sequence[str] = ()) -> list[str]:
    """Places other than Drammen that the question names and none of the evidence passages does. When the question
    names services («Oslo kommunes familieteam»), a passage speaks of the place only when it names one of them too:
    Vedlegg 3's row on Oslo's helsestasjon says nothing about Oslo's familieteam."""
    places = other_places()
    named = places.named(question)
    if not named:
        return []
    names = service_names()
    seen = {
        p
        for passage in evidence
        if not services or set(services) & set(names.mentioned(passage.section + " " + passage.text))
        for p in places.named(passage.text)
    }
    return [p for p in named if p not in seen]


def merge_hits(retrieved: Sequence[Passage], found: Sequence[Passage], cited: set[str], n: int) -> list[Passage]:
    """Two rankings interleaved (retrieved first, so its ranks hold), deduplicated, cut at n, keeping every
    cited passage among the n (the answer's evidence is always among its hits)."""
    ranked = [p for pair in zip_longest(retrieved, found) for p in pair if p is not None]
    unique = list({p.node_id: p for p in ranked}.values())
    room = max(0, n - sum(p.node_id in cited for p in unique))
    kept, others = [], 0
    for passage in unique:
        if passage.node_id in cited:
            kept.append(passage)
        elif others < room:
            kept.append(passage)
            others += 1
    return kept[:n]


def norwegian_search_words(question: str, analysis: QuestionAnalysis) -> list[str]:
    """The Norwegian words a question in English (or another language) is searched with besides its own: the
    Norwegian names of the services it names and the sources' words for its English phrases, each once and none
    the question already holds; none for a Norwegian question."""
    if analysis.language in NORWEGIAN:
        return []
    names = service_names()
    named = [form for s in analysis.services for form in (names.plain(s, "nb"), s)]
    asked = question.casefold()
    norwegian = {form.casefold(): form for form in [*named, *norwegian_words(question)]}
    return [form for key, form in norwegian.items() if key not in asked]


def with_norwegian_words(question: str, analysis: QuestionAnalysis) -> str:
    """What a question is searched with: an English one with its Norwegian search words after it («Does Drammen
    have a crisis centre? (Krisesenteret)», «… premises … (lokaler)»), which the word index and the embedder both
    know; a Norwegian question as it is. (Measured on the 54 English dev questions: evidence in the top five 0.44
    with the English words alone, 0.70 with the Norwegian ones added.)"""
    words = norwegian_search_words(question, analysis)
    if analysis.intent == "definition" and not analysis.services:
        # A question what a prevention level is gets the knowledge base's name for the level.
        words += [LEVEL_DEFINED_AS[level] for level in catalog_filters(question)[0]]
    return f"{question} ({', '.join(dict.fromkeys(words))})" if words else question


# Vedlegg 2 names its prevention levels «Universelle / Selekterte / Indikerte tiltak»; the knowledge base defines
# them as «Universell / Selektiv / Indikert forebygging». «Hva er universelle tiltak?» is searched and scored with
# those words too: the rows at that level name it but do not say what it is.
LEVEL_DEFINED_AS = {
    "universell": "universell forebygging",
    "selektert": "selektiv forebygging",
    "indikert": "indikert forebygging",
}


def supporting_sentence(
    assistant: AnswerContext, question: str, passages: Sequence[Passage]
) -> tuple[str, Passage] | None:
    """The knowledge-base prose sentence that covers the question best, when it covers enough of it: from the
    best-ranked prose passages (SUPPORT_PASSAGES of them; appendix rows above them do not crowd them out)."""
    analysis = _Analysis(assistant)
    documents = assistant.index.documents
    prose = [
        p
        for p in passages
        if p.kind == "prose" and p.document in documents and documents[p.document].kind == DocumentKind.KNOWLEDGE_BASE
    ][:SUPPORT_PASSAGES]
    units = select_units(question, prose, analysis.analyze, analysis.idf, max_units=1)
    if not units or units[0].score < assistant.settings.answer.min_support_score:
        return None
    return units[0].text, prose[units[0].passage - 1]


def row_describer(assistant: AnswerContext, question: str) -> Describe:
    """The row descriptions a citizen's measure line quotes: those of a measure the question names by a rare word
    («Hva er Blåmandag?» – «aktivitetsgruppe for ungdom»), and those that share a rare word with the question which
    the measure's name lacks («born at 32 weeks, 1400 grams» ~ «premature barn under gestasjonsalder 34 uker
    og/eller 1500 gram»; «drop in … breastfeeding» ~ «Drop-in … ammeveiledning»)."""
    analysis = _Analysis(assistant)
    least = assistant.settings.answer.description_min_idf
    asked = {t for t in analysis.analyze(question) if not t.isdigit() and analysis.idf(t) >= least}

    def describe(match: ServiceMatch) -> str:
        if not asked or not is_description(match.partners):
            return ""
        own = set(analysis.analyze(match.measure))
        said = asked.intersection(own) or asked.intersection(analysis.analyze(match.partners)) - own
        return match.partners if said else ""

    return describe


class Prepared:
    def __init__(self, base: Answer, answer: Answer | None) -> None:
        self.base = base
        self.answer = answer  # set when the question is already answered (a refusal)


def prepare(
    assistant: AnswerContext,
    question: str,
    history: Sequence[ChatTurn],
    filters: dict[str, list[str]],
    audience: Audience = "citizen",
    deadline: float | None = None,
) -> Prepared:
    condensed, condense_error = standalone_question(assistant, question, history, deadline)
    # «famliieteamene», «Nar tradte …»: slips mended to the sources' words before anything reads the question.
    standalone = assistant.corrected(condensed)
    prepared = _prepare(assistant, question, standalone, history, filters, audience, condense_error)
    if standalone != condensed:
        for answer in (prepared.base, prepared.answer):
            if answer is not None:
                answer.spelling_corrected = True
    return prepared


def _prepare(
    assistant: AnswerContext,
    question: str,
    standalone: str,
    history: Sequence[ChatTurn],
    filters: dict[str, list[str]],
    audience: Audience,
    condense_error: str | None,
) -> Prepared:
    analysis = analyze_question(standalone)
    rerouted = analysis.intent in SEMANTIC_ROUTES and not history and not analysis.asks_for_person
    if rerouted and assistant.reads_as_situation(standalone):
        # The patterns read a plain question, its meaning reads as someone's situation: answer with services.
        analysis = replace(analysis, intent="situation")
    # Danger words typed with a slip («ta livt mitt») reach the patterns mended (a follow-up's standalone question
    # carries the history's words: only the message itself is checked).
    notice = assistant.safety_notice_for(question, analysis.language, corrected=standalone if not history else "")
    acute = notice is not None
    # A situation (and every acute one: what comes under the notice is help) is answered with services; when
    # it also asks for a phone number, price, opening hours or address, the lead first says plainly that the
    # sources do not give it. A question for such a detail alone goes through the refusal rule.
    if (analysis.wants_services or acute) and not filters:
        answered = situation_answer(assistant, question, standalone, analysis, audience, notice, condense_error)
        if answered is not None:
            return Prepared(answered, answered)
    workshops = not analysis.sources or DocumentKind.WORKSHOP_REPORT.value in analysis.sources
    named = workshops_named(assistant, standalone)
    # «Hva sa helse- og sosialverkstedet om arbeid og levekår?»: the points under that report's own heading for it
    # (`named_subsection`) answer it, not a summary of every point that shares its words
    subsection = len(named) == 1 and named_subsection(standalone, point_nodes(assistant.index, named[0])) is not None
    if analysis.intent == "planner" and workshops and not filters and not acute and not history and not subsection:
        # «Hva sa verkstedene om frivillighet?»: the workshop summary on that theme, in short.
        answered = planner_answer(assistant, question, standalone, analysis, audience, condense_error, named)
        if answered is not None:
            return Prepared(answered, answered)
    if analysis.intent == "measures" and not filters and not acute:
        # «Hvilke selekterte tiltak har PPT?»: the service's rows of Vedlegg 2 at that level, not passages about it.
        answered = catalog_answer(assistant, Asked(question, standalone, analysis, audience, condense_error))
        if answered is not None:
            return Prepared(answered, answered)
    top_k = assistant.settings.retrieval.top_k
    carried = carried_service(question, standalone, analysis, history)
    searched = with_norwegian_words(standalone, analysis)

    # «Hva bør barnevernet gjøre mindre av, ifølge barnevernsverkstedet?»: the section of the one workshop named whose
    # heading asks it, the same in every scope searched (a time or document question keeps its card)
    sectioned = len(named) == 1 and analysis.intent not in CARD_SEARCH_INTENTS
    section = workshop_section(assistant, standalone, named[0]) if sectioned else []

    def retrieve(scope: dict[str, list[str]]) -> tuple[Answer, RefusalDecision]:
        # A document's card answers questions about the document (when, what); for others it is not evidence.
        # Searched in the source it names, a question is searched for what it asks of it: «kunnskapsgrunnlaget»
        # in «Hva sier kunnskapsgrunnlaget om skolefravær?» would rank the passages that name the document.
        terms = assistant.index.lexical.analyzer.terms
        query = about_in_source(searched, analysis, terms) if scope is not filters else searched
        result = assistant.retriever.search(
            query, top_k=max(top_k, HITS_REPORTED), filters=scope, cards=analysis.intent in CARD_SEARCH_INTENTS
        )
        found = result.passages
        presented_service = analysis.presented_service or carried
        if presented_service is not None and not scope:
            # «Hva er Ungdomstorget?», «Hvilken aldersgruppe er Ungdomstorget for?», and «Hvilken aldersgruppe er
            # det for?» after the first: the passages that present the service come first.
            presented = presentation(assistant, standalone, presented_service)
            ids = {p.node_id for p in presented}
            rest = [p for p in found if p.node_id not in ids]
            # a follow-up's own best hit keeps its place (it may already answer it); the service's passages next
            lead = rest[:1] if presented_service == carried else []
            found = [*lead, *presented, *rest[len(lead) :]]
        listed = participant_passages(assistant, standalone) if analysis.intent == "document" else []
        if section:
            # the points under the report's own question that asks it come first, whatever words they share
            ids = {n.node_id for n in section}
            found = [*(node_passage(assistant, n) for n in section), *(p for p in found if p.node_id not in ids)]
        elif listed:  # «Hvem deltok på verkstedet om oppvekstpolitikk?»: the report's lists of who took part
            ids = {p.node_id for p in listed}
            found = [*listed, *(p for p in found if p.node_id not in ids)]
        elif analysis.intent in CARD_INTENTS and (analysis.intent != "planner" or about_document(standalone, analysis)):
            # (a planner question about something the document says, «Hva sier strategien om frivillighet?», is
            # answered from what it says; its card leads only when the question asks about the document itself)
            # an English question names the document in the sources' words only through its glossary words
            norwegian = analysis.language in NORWEGIAN
            card = matching_card(
                assistant,
                standalone if norwegian else " ".join(norwegian_search_words(standalone, analysis)),
                contents=analysis.intent == "document",
            )
            if card is None and (analysis.intent == "document" or (analysis.intent == "time" and len(named) == 1)):
                # «Når ble oppvekstverkstedet holdt?»: the one workshop named, by its theme, is the document asked
                # about (another time question naming a document asks when something in it happened)
                card = named_card(assistant, standalone, analysis)
            if card is not None:  # the document the question is about, by its own words: it leads
                found = [card, *(p for p in found if p.node_id != card.node_id)]
        base = answer_to(
            question,
            standalone,
            analysis,
            audience,
            answer="",
            passages=found[:top_k],
            hits=found[:HITS_REPORTED],
            safety_notice=notice,
            backend_error=condense_error,
            **degradation(assistant, result.degraded, analysis.language),
        )
        return base, judge(assistant, standalone, base.passages, result.dense_top_score, analysis.language, analysis)

    # A question that names its source is searched in it: one workshop («oppvekstverkstedet»), else one kind of
    # document («ifølge fagmiljøenes strategi»); when those cannot answer it, in the next wider scope.
    scopes: list[dict[str, list[str]]] = []
    if len(analysis.sources) == 1 and not filters:
        if len(named) == 1:
            scopes.append({"doc_id": named})
        scopes.append({"doc_kind": analysis.sources})
    scopes.append(filters)
    for scope in scopes:
        base, decision = retrieve(scope)
        if not decision.refuse:
            break
    if analysis.intent == "out_of_scope" and not decision.refuse:
        decision = RefusalDecision(True, "utenfor det kildene handler om", decision.coverage)
    name = defined_name(standalone) if analysis.language in NORWEGIAN else None
    if name is not None and not decision.refuse and not assistant.index.mentions(name):
        # «Hva er Barnas hus?»: a name the sources never use is not defined by what they say of its words
        decision = RefusalDecision(True, f"kildene nevner ikke «{name}»", decision.coverage)
    if analysis.asks_for_person and not decision.refuse and not names_a_person(base.passages[:EVIDENCE_PASSAGES]):
        decision = RefusalDecision(True, "spør etter en person ved navn; kildene navngir ingen", decision.coverage)
    elsewhere = unnamed_places(standalone, base.passages[:PLACE_PASSAGES], analysis.services)
    if elsewhere and not decision.refuse:
        # Drammen's figures are no answer to a question about Oslo: say what the sources cover.
        lead = "other_place_en" if analysis.language == "en" else "other_place"
        refused = base.model_copy(
            update={
                "answer": assistant.prompts.lead(lead, place=elsewhere[0]),
                "refused": True,
                "refusal_reason": f"spør om {elsewhere[0]}, som kildene ikke nevner",
            }
        )
        return Prepared(base, refused)
    if decision.refuse and analysis.may_be_situation and not filters:
        answered = situation_answer(assistant, question, standalone, analysis, audience, notice, condense_error)
        if answered is not None:
            return Prepared(answered, answered)
    if decision.refuse:
        text = refusal_text(assistant, analysis.language)
        refused = base.model_copy(update={"answer": text, "refused": True, "refusal_reason": decision.reason})
        return Prepared(base, refused)
    return Prepared(base, None)


def workshops_named(assistant: AnswerContext, question: str) -> list[str]:
    """The workshop reports (document ids) the question names by their theme («oppvekstverkstedet»)."""
    themes = {
        d.doc_id: d.theme or d.title
        for d in assistant.index.documents.values()
        if d.kind == DocumentKind.WORKSHOP_REPORT
    }
    named = named_workshops(question, themes)
    if not named and _ONE_WORKSHOP_EN.search(question):
        # «the 2018 workshop on childhood and youth policy»: the policy in the sources' words
        policy = [w for w in norwegian_words(question) if "verksted" not in w]
        named = named_workshops(f"verkstedet om {' '.join(policy)}", themes)
    before = _BEFORE_WORKSHOP_EN.search(question)
    if not named and before is not None:
        # «the child welfare workshop», «the health and social workshop»: the words before it name its theme
        words = [w.casefold() for w in norwegian_words(before.group(1))]
        found = [d for d, theme in themes.items() if any(w.startswith(s) for w in words for s in theme_stems(theme))]
        named = found if len(found) == 1 else []
    return named


_BEFORE_WORKSHOP_EN = re.compile(r"\bthe\s+((?:[a-z-]+\s+){1,4}?)workshop\b(?!s)", re.I)
# «Hvem deltok på verkstedet om …?»: who took part, which a workshop report lists by group and place.
PARTICIPANTS_ASKED = re.compile(rf"\b({PARTICIPATION_WORDS}|hvem var med|deltakerne|deltakarane|participants)\b", re.I)
_PARTICIPANT_SECTION = re.compile(r"\bdeltok\b", re.I)


def participant_passages(assistant: AnswerContext, question: str) -> list[Passage]:
    """For a question who took part in one named workshop: the report's lists of who took part (by group and
    place), in the report's order; empty for any other question, or a report that lists no one."""
    if not PARTICIPANTS_ASKED.search(question):
        return []
    named = workshops_named(assistant, question)
    if len(named) != 1:
        return []
    index = assistant.index
    nodes = sorted(
        (
            n
            for n in index.nodes.values()
            if n.doc_id == named[0] and any(_PARTICIPANT_SECTION.search(t) for t in n.section_path)
        ),
        key=lambda n: n.position,
    )
    return [node_passage(assistant, n) for n in nodes]


def participant_units(passages: Sequence[Passage]) -> list[Unit]:
    """A line per list of who took part: its group and place (the section under the list's heading), the names."""
    units = []
    for number, passage in enumerate(passages, start=1):
        path = passage.section.split(SECTION_SEPARATOR)
        heading = next((i for i, title in enumerate(path) if _PARTICIPANT_SECTION.search(title)), None)
        if heading is None:
            continue
        group = " – ".join(p.strip().rstrip(":") for p in path[heading + 1 :]) or path[heading]
        # a place written as a line of its own («Drammen:») opens its names
        parts: list[tuple[str, list[str]]] = [("", [])]
        for line in (line.strip() for line in passage.text.splitlines()):
            if line.endswith(":"):
                parts.append((line.rstrip(":"), []))
            elif line:
                parts[-1][1].append(line)
        names = "; ".join(
            f"{place}: {', '.join(people)}" if place else ", ".join(people) for place, people in parts if people
        )
        units.append(Unit(passage=number, order=0, text=f"{group}: {names}"))
    return units


_ONE_WORKSHOP_EN = re.compile(r"\bworkshop\b(?!s)", re.I)


def refusal_text(assistant: AnswerContext, language: str) -> str:
    """The fixed refusal, in English for an English question."""
    return assistant.prompts.lead("refusal_en") if language == "en" else assistant.prompts.refusal


def finish(assistant: AnswerContext, answer: Answer, text: str, mode: str) -> Answer:
    if mode == "llm" and assistant.prompts.is_no_source(text):
        refusal = refusal_text(assistant, answer.language)
        return answer.model_copy(update={"answer": refusal, "refused": True, "mode": "llm"})
    clean, citations, removed = validate_citations(text, answer.passages)
    if mode == "llm" and not citations:
        # An uncited LLM answer is not grounded: fall back to the extractive one.
        fallback = extractive_answer(
            assistant, answer.standalone_question, answer.passages, answer.language, answer.audience
        )
        clean, citations, removed = validate_citations(fallback, answer.passages)
        answer = answer.model_copy(update={"backend_error": "Språkmodellens svar manglet kildehenvisninger."})
        mode = "extractive"
    update: dict[str, object] = {"answer": clean, "citations": citations, "removed_citations": removed, "mode": mode}
    if mode == "extractive" and lacks_figure(assistant, clean):
        # The figure asked for is not in the sources: not answered, though the nearest facts stay, cited.
        update |= {"refused": True, "refusal_reason": "spør etter et tall som kildene ikke oppgir"}
    return answer.model_copy(update=update)


def lacks_figure(assistant: AnswerContext, text: str) -> bool:
    """Whether an extractive answer says first that the sources do not give the figure asked for."""
    return text.startswith((assistant.prompts.lead("no_figure"), assistant.prompts.lead("no_figure_en")))


def backend_message(exc: Exception) -> str:
    return f"Språkmodellen svarte ikke ({exc}). Svaret er satt sammen direkte fra kildene."
