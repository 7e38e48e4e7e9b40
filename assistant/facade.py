"""The assistant facade: the one object the API, the UI, the CLI and the evaluation call.

It holds the opened index, the settings, the prompts and the optional LLM; it has no HTTP or UI
knowledge. Built once by the composition root (app.build_services).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from assistant.analysis import NORWEGIAN_FUNCTION_WORDS, detect_language
from assistant.intent_semantic import SemanticRouter
from assistant.lexicon import acute_services, reviewed_words
from assistant.llm import LLMGate
from assistant.pipeline import AnswerPipeline
from assistant.prompts import PromptSet
from assistant.retrieval import HybridRetriever, SearchResult, to_passage
from assistant.safety import detect_acute_danger
from assistant.safety_semantic import SemanticSafety
from assistant.service_answer import Audience
from assistant.service_finder import ServiceFinder
from assistant.settings import Settings
from assistant.spelling import SpellingCorrector, word_frequencies
from assistant.themes import ThemeMap, ThemeMapper
from assistant.types import (
    Answer,
    ChatTurn,
    Passage,
    SearchFilters,
    ServiceFinderResult,
    StreamEvent,
    WorkshopSummary,
)
from index.lexical import stems
from index.reader import KnowledgeIndex
from ingest.errors import InvalidQuestion, UnknownFilterValue
from ingest.records import DocumentKind, DocumentMeta, PreventionLevel, Role

if TYPE_CHECKING:
    from llama_index.core.llms import LLM

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Assistant:
    """Answers, searches, finds services and summarises workshops over one index: a validating front over the
    answer pipeline, the service finder and the theme map."""

    def __init__(
        self,
        index: KnowledgeIndex,
        settings: Settings,
        prompts: PromptSet,
        llm: LLM | None = None,
        semantic_safety: SemanticSafety | None = None,
        semantic_router: SemanticRouter | None = None,
        embed_queries: Callable[[Sequence[str]], list[list[float]]] | None = None,
    ) -> None:
        self.index = index
        # Fixed texts embedded as queries (the theme map's workshop points): through the on-disk cache when the
        # composition root gives one, so a second process does not embed them again.
        self.embed_queries = embed_queries
        self.settings = settings
        self.prompts = prompts
        self.llm = llm
        self.llm_gate = LLMGate(settings.llm)
        self.retriever = HybridRetriever(index, settings.retrieval)
        self._finder: ServiceFinder | None = None
        self._speller: SpellingCorrector | None = None
        self._english_speller: SpellingCorrector | None = None
        self._themes: ThemeMapper | None = None
        self._theme_map: ThemeMap | None = None
        self._theme_lock = threading.Lock()
        self.semantic_safety = semantic_safety
        self.semantic_router = semantic_router
        self.pipeline = AnswerPipeline(
            index=index,
            retriever=self.retriever,
            settings=settings,
            prompts=prompts,
            llm=llm,
            llm_gate=self.llm_gate,
            desk=self,
        )

    def rebuilt(self, index: KnowledgeIndex | None = None, settings: Settings | None = None) -> Assistant:
        """The same prompts, LLM and semantic checks on another index generation or with other settings."""
        return Assistant(
            index if index is not None else self.index,
            settings if settings is not None else self.settings,
            self.prompts,
            self.llm,
            self.semantic_safety,
            self.semantic_router,
            self.embed_queries,
        )

    def reads_as_situation(self, text: str) -> bool:
        """The semantic router's verdict: the message reads as someone's situation (False without a router)."""
        return self.semantic_router is not None and self.semantic_router.is_situation(text)

    def is_acute(self, text: str) -> bool:
        """The safety notice applies: the patterns fire, or the text means what a danger prototype means."""
        if detect_acute_danger(text):
            return True
        return self.semantic_safety is not None and self.semantic_safety.triggers(text)

    def safety_notice_for(self, text: str, language: str, corrected: str = "") -> str | None:
        """The fixed notice (in English for an English text) when the text signals acute danger. `corrected`: the
        text with its slips mended, read by the patterns too (the meaning check reads through slips itself)."""
        if not self.is_acute(text) and not (corrected and corrected != text and detect_acute_danger(corrected)):
            return None
        return str(self.prompts.safety_notice_en if language == "en" else self.prompts.safety_notice)

    # -- validation ------------------------------------------------------------------------
    def check_question(self, question: str, field: str = "question") -> str:
        """Strip and validate a user question; InvalidQuestion says what to fix."""
        if not isinstance(question, str):
            raise InvalidQuestion(f"'{field}' må være tekst.")
        text = question.strip()
        if not text:
            raise InvalidQuestion(f"'{field}' er tom. Skriv et spørsmål.")
        limit = self.settings.api.max_question_chars
        if len(text) > limit:
            raise InvalidQuestion(f"'{field}' er for langt ({len(text)} tegn). Maks {limit} tegn.")
        if _CONTROL.search(text):
            raise InvalidQuestion(f"'{field}' inneholder kontrolltegn. Fjern dem og prøv igjen.")
        return text

    def check_history(self, history: Sequence[ChatTurn]) -> list[ChatTurn]:
        """The earlier turns; InvalidQuestion when there are more than `api.max_history_turns` (nothing is
        dropped silently) or a turn holds control characters."""
        limit = self.settings.api.max_history_turns
        turns = list(history)
        if len(turns) > limit:
            raise InvalidQuestion(
                f"'history' har {len(turns)} tidligere meldinger. Maks {limit}; send bare de siste {limit}."
            )
        for turn in turns:
            if _CONTROL.search(turn.content):
                raise InvalidQuestion("Historikken inneholder kontrolltegn.")
        return turns

    def check_filters(self, filters: SearchFilters | None) -> dict[str, list[str]]:
        """The index's filters; UnknownFilterValue names a document or service that does not exist."""
        if filters is None:
            return {}
        for field, values, allowed in (
            ("documents", filters.documents, set(self.index.documents)),
            ("services", filters.services, {m.service for m in self.index.catalog}),
        ):
            self._check_values(field, values, allowed, kind="filteret ")
        return filters.index_filters()

    # -- lookups ---------------------------------------------------------------------------
    def documents(self) -> list[DocumentMeta]:
        return list(self.index.documents.values())

    def workshops(self) -> list[DocumentMeta]:
        return [d for d in self.documents() if d.kind == DocumentKind.WORKSHOP_REPORT]

    def service_names(self) -> list[str]:
        seen: dict[str, None] = {}
        for m in self.index.catalog:
            if m.appendix == "Vedlegg 2":
                seen.setdefault(m.service, None)
        return list(seen)

    def roles(self) -> list[str]:
        return [r.value for r in Role]

    def passage(self, node_id: str) -> Passage | None:
        node = self.index.node(node_id)
        if node is None:
            return None
        return to_passage(node, self.index.title(node.doc_id), 0.0, self.index.date(node.doc_id))

    # -- the four jobs ---------------------------------------------------------------------
    def search(
        self,
        query: str,
        top_k: int | None = None,
        filters: SearchFilters | None = None,
        mode: str = "hybrid",
    ) -> SearchResult:
        query = self.corrected(self.check_question(query, "query"))
        return self.retriever.search(query, top_k=top_k, filters=self.check_filters(filters), mode=mode)

    def ask(
        self,
        question: str,
        history: Sequence[ChatTurn] = (),
        filters: SearchFilters | None = None,
        audience: Audience = "citizen",
    ) -> Answer:
        return self.pipeline.answer(
            self.check_question(question), self.check_history(history), self.check_filters(filters), audience
        )

    def ask_stream(
        self,
        question: str,
        history: Sequence[ChatTurn] = (),
        filters: SearchFilters | None = None,
        audience: Audience = "citizen",
    ) -> Iterator[StreamEvent]:
        # Checked when the stream starts, before its first event.
        question = self.check_question(question)
        turns, checked = self.check_history(history), self.check_filters(filters)
        yield from self.pipeline.stream(question, turns, checked, audience)

    def find_services(
        self,
        situation: str = "",
        levels: Sequence[str] = (),
        roles: Sequence[str] = (),
        services: Sequence[str] = (),
        limit: int = 10,
    ) -> ServiceFinderResult:
        """The services that fit a situation (at most `limit` services), or the filtered catalog."""
        written = self.check_question(situation, "situation") if situation.strip() else ""
        self._check_values("level", levels, {lvl.value for lvl in PreventionLevel})
        self._check_values("role", roles, set(self.roles()))
        self._check_values("service", services, {m.service for m in self.index.catalog})
        situation = self.corrected(written) if written else ""
        notice = self.safety_notice_for(written, detect_language(written), situation) if written else None
        first_help = self.first_help(written) if notice else ()
        result = self.finder.find(situation, levels, roles, services, limit, first_help=first_help)
        result.safety_notice = notice
        return result

    def first_help(self, text: str) -> tuple[str, ...]:
        """For an acute text: the services that help first for the kind of danger it is nearest to."""
        if self.semantic_safety is None:
            return ()
        return acute_services().get(self.semantic_safety.verdict(text).category, ())

    def warm_up(self) -> None:
        """Build what the first request would otherwise wait for (the service finder, the spelling corrector)."""
        _ = self.finder
        if self.settings.retrieval.spelling_correction:
            _ = self.english_speller  # and the Norwegian one it stands on

    @property
    def speller(self) -> SpellingCorrector:
        """The spelling corrector over this index's words and the reviewed lists, built on first use."""
        if self._speller is None:
            self._speller = SpellingCorrector.from_texts(
                (node.text for node in self.index.nodes.values()),
                extra_words=[*reviewed_words(), *NORWEGIAN_FUNCTION_WORDS],
                general=word_frequencies("nb"),
                stem=lambda word: next(iter(stems(word)), word),
            )
        return self._speller

    @property
    def english_speller(self) -> SpellingCorrector:
        """English slips mended to English words; the sources' words and the reviewed lists' stand."""
        if self._english_speller is None:
            self._english_speller = SpellingCorrector({}, word_frequencies("en"), also_known=self.speller.counts)
        return self._english_speller

    def corrected(self, text: str) -> str:
        """A Norwegian text with its slips and missing æøå mended, an English one with its slips (others as
        they are)."""
        language = detect_language(text)
        if not self.settings.retrieval.spelling_correction or language not in ("nb", "nn", "en"):
            return text
        return (self.english_speller if language == "en" else self.speller).correct(text).text

    @property
    def finder(self) -> ServiceFinder:
        """The service finder of this index, built on first use."""
        if self._finder is None:
            self._finder = ServiceFinder(self.index, self.settings.finder)
        return self._finder

    def theme_mapper(self) -> ThemeMapper:
        """The theme mapper of this index generation, built on first use from the workshop points' query vectors
        the generation stores (a point without one, in a generation written before them, is embedded)."""
        if self._themes is None:
            config = self.settings.themes
            self._themes = ThemeMapper(
                self.index,
                self._point_vectors,
                config.distance_threshold,
                config.min_link_similarity,
                config.link_word_weight,
            )
        return self._themes

    def _point_vectors(self, texts: Sequence[str]) -> list[list[float]]:
        stored = [self.index.point_vector(t) for t in texts]
        missing = [t for t, v in zip(texts, stored, strict=True) if v is None]
        embed = self.embed_queries or (lambda ts: [self.index.query_embedding(t) for t in ts])
        computed = iter(embed(missing) if missing else [])
        return [v.tolist() if v is not None else next(computed) for v in stored]

    def themes(self) -> ThemeMap:
        """The theme map of the three workshops, with what the 2022 sources report against each theme."""
        started = time.perf_counter()
        with self._theme_lock:  # one build, also when a warm-up thread and a request ask at once
            if self._theme_map is None:
                self._theme_map = self.theme_mapper().build()
        latency_ms = round((time.perf_counter() - started) * 1000, 2)
        return self._theme_map.model_copy(update={"latency_ms": latency_ms})

    def summarize(self, theme: str, workshops: Sequence[str] = ()) -> WorkshopSummary:
        from assistant.summaries import summarize_workshops

        theme = self.check_question(theme, "theme")
        valid = {d.doc_id for d in self.workshops()} | {
            d.doc_id for d in self.documents() if d.kind == DocumentKind.STRATEGY
        }
        self._check_values("workshop", workshops, valid)
        return summarize_workshops(self, theme, list(workshops))

    @staticmethod
    def _check_values(field: str, values: Sequence[str], allowed: set[str], kind: str = "") -> None:
        for value in values:
            if value not in allowed:
                raise UnknownFilterValue(
                    f"Ukjent verdi '{value}' for {kind}'{field}'. Gyldige verdier: {', '.join(sorted(allowed))}."
                )
