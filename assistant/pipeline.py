"""`AnswerPipeline`: the one answering path (chat, streaming, evaluation baselines).

Its collaborators are passed in and typed: the index generation (term statistics, stored vectors and the query
embedder come with it), the retriever, the settings, the prompts, the LLM (or None) behind its gate, and the
service desk (finder, safety notice, semantic router, workshop summaries) that the facade provides. The steps
themselves are the pure-ish functions of `assistant.answering`; the pipeline owns their order, the LLM call with
its fallback, and the latency it reports.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from assistant import llm as llm_backend
from assistant.answering import (
    HITS_REPORTED,
    ServiceDesk,
    backend_message,
    extractive_answer,
    finish,
    judge,
    prepare,
    standalone_question,
)
from assistant.service_answer import Audience
from assistant.types import Answer, ChatTurn, Passage, StreamEvent, WorkshopSummary
from ingest.errors import BackendUnavailable

if TYPE_CHECKING:
    from llama_index.core.llms import LLM

    from assistant.prompts import PromptSet
    from assistant.retrieval import HybridRetriever
    from assistant.service_finder import ServiceFinder
    from assistant.settings import Settings
    from index.reader import KnowledgeIndex


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


class AnswerPipeline:
    """Question (+ history, filters, audience) → a cited Answer, or a stream of events ending with one."""

    def __init__(
        self,
        *,
        index: KnowledgeIndex,
        retriever: HybridRetriever,
        settings: Settings,
        prompts: PromptSet,
        llm: LLM | None,
        llm_gate: llm_backend.LLMGate,
        desk: ServiceDesk,
    ) -> None:
        self.index = index
        self.retriever = retriever
        self.settings = settings
        self.prompts = prompts
        self.llm = llm
        self.llm_gate = llm_gate
        self._desk = desk

    # -- what the answering steps ask of their context (assistant.answering.AnswerContext) ----------------------
    @property
    def finder(self) -> ServiceFinder:
        return self._desk.finder

    def safety_notice_for(self, text: str, language: str, corrected: str = "") -> str | None:
        return self._desk.safety_notice_for(text, language, corrected)

    def first_help(self, text: str) -> tuple[str, ...]:
        return self._desk.first_help(text)

    def reads_as_situation(self, text: str) -> bool:
        return self._desk.reads_as_situation(text)

    def corrected(self, text: str) -> str:
        return self._desk.corrected(text)

    def summarize(self, theme: str, workshops: Sequence[str] = ()) -> WorkshopSummary:
        return self._desk.summarize(theme, workshops)

    # -- the answering path ------------------------------------------------------------------------------------
    def answer(
        self,
        question: str,
        history: Sequence[ChatTurn] = (),
        filters: dict[str, list[str]] | None = None,
        audience: Audience = "citizen",
    ) -> Answer:
        """The whole path for a validated question; `latency_ms` is the time it took."""
        started = time.perf_counter()
        deadline = self.llm_gate.deadline()
        prepared = prepare(self, question, history, filters or {}, audience, deadline)
        answer = prepared.answer if prepared.answer is not None else self._generate(prepared.base, deadline)
        answer.latency_ms = _elapsed_ms(started)
        return answer

    def stream(
        self,
        question: str,
        history: Sequence[ChatTurn] = (),
        filters: dict[str, list[str]] | None = None,
        audience: Audience = "citizen",
    ) -> Iterator[StreamEvent]:
        """meta (with the safety notice), then text deltas, then done with the validated Answer and its real
        `latency_ms` (from the request to the last delta)."""
        started = time.perf_counter()
        deadline = self.llm_gate.deadline()
        prepared = prepare(self, question, history, filters or {}, audience, deadline)
        base = prepared.answer or prepared.base
        yield StreamEvent(type="meta", safety_notice=base.safety_notice)
        if prepared.answer is not None:
            yield StreamEvent(type="delta", text=prepared.answer.answer)
            yield self._done(prepared.answer, started)
            return
        if self.llm is not None:
            pieces: list[str] = []
            llm = self.llm
            try:
                for delta in self.llm_gate.stream(
                    lambda: llm_backend.stream_answer(llm, self.prompts, base.standalone_question, base.passages),
                    deadline,
                ):
                    pieces.append(delta)
                    yield StreamEvent(type="delta", text=delta)
                yield self._done(finish(self, base, "".join(pieces), "llm"), started)
                return
            except BackendUnavailable as exc:
                base.backend_error = backend_message(exc)
        text = extractive_answer(self, base.standalone_question, base.passages, base.language, base.audience)
        for line in text.splitlines(keepends=True):
            yield StreamEvent(type="delta", text=line)
        yield self._done(finish(self, base, text, "extractive"), started)

    def from_passages(
        self,
        question: str,
        standalone: str,
        passages: Sequence[Passage],
        top_k: int,
        refuse: bool = True,
        dense_score: float = 0.0,
    ) -> Answer:
        """The refusal rule and the extractive composer over passages another retriever found (the evaluation's
        baselines: the same steps as `answer`, only the retrieval differs). `standalone`: the question as
        `standalone` made it (or the question itself)."""
        started = time.perf_counter()
        given = list(passages[:top_k])
        base = Answer(
            question=question,
            standalone_question=standalone,
            answer="",
            passages=given,
            hits=list(passages[:HITS_REPORTED]),
        )
        decision = judge(self, standalone, given, dense_score) if refuse else None
        if decision is not None and decision.refuse:
            answer = base.model_copy(
                update={"answer": self.prompts.refusal, "refused": True, "refusal_reason": decision.reason}
            )
        else:
            answer = finish(self, base, extractive_answer(self, standalone, given), "extractive")
        answer.latency_ms = _elapsed_ms(started)
        return answer

    def standalone(self, question: str, history: Sequence[ChatTurn]) -> str:
        """The question made stand-alone from the history (the LLM when configured, else the rewrite rule)."""
        return standalone_question(self, question, history)[0]

    # -- steps -------------------------------------------------------------------------------------------------
    def _generate(self, base: Answer, deadline: float) -> Answer:
        """The LLM's answer when one is configured and answers in time, else the extractive one."""
        if self.llm is not None:
            llm = self.llm
            try:
                text = self.llm_gate.call(
                    lambda: llm_backend.generate_answer(llm, self.prompts, base.standalone_question, base.passages),
                    deadline,
                )
                return finish(self, base, text, "llm")
            except BackendUnavailable as exc:
                base.backend_error = backend_message(exc)
        text = extractive_answer(self, base.standalone_question, base.passages, base.language, base.audience)
        return finish(self, base, text, "extractive")

    @staticmethod
    def _done(answer: Answer, started: float) -> StreamEvent:
        answer.latency_ms = _elapsed_ms(started)
        return StreamEvent(type="done", answer=answer)
