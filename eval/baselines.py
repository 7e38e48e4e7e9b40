"""Systems compared in one evaluation run: Veiviser and three baselines.

- `veiviser`: the assistant as shipped (hybrid retrieval, refusal rule, composer).
- `bm25`: lexical retrieval only, same composer and refusal rule.
- `dense`: dense retrieval only, same composer and refusal rule.
- `naive`: what a developer builds in an afternoon with llama-index: the raw files split by
  `SentenceSplitter` defaults, a `VectorStoreIndex` with the same embedder, top-k 2, no table
  handling, no refusal; answered by the same extractive composer over its two chunks.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, Protocol

from assistant.answering import HITS_REPORTED
from assistant.facade import Assistant
from assistant.service_answer import Audience
from assistant.types import Answer, ChatTurn, Passage


class System(Protocol):
    name: str

    def ask(
        self, question: str, history: list[ChatTurn], audience: Audience = "citizen"
    ) -> Answer: ...  # pragma: no cover


class VeiviserSystem:
    name = "veiviser"

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def ask(self, question: str, history: list[ChatTurn], *, audience: Audience = "citizen") -> Answer:
        return self.assistant.ask(question, history, audience=audience)


class RetrievalModeSystem:
    """The assistant with one retriever only (dense or lexical), otherwise identical."""

    def __init__(self, assistant: Assistant, mode: str) -> None:
        self.assistant = assistant
        self.mode = mode
        self.name = "bm25" if mode == "lexical" else mode

    def ask(self, question: str, history: list[ChatTurn], *, audience: Audience = "citizen") -> Answer:
        started = time.perf_counter()
        pipeline = self.assistant.pipeline
        standalone = pipeline.standalone(question, history)
        top_k = self.assistant.settings.retrieval.top_k
        result = self.assistant.retriever.search(standalone, top_k=max(top_k, HITS_REPORTED), mode=self.mode)
        answer = pipeline.from_passages(
            question, standalone, result.passages, top_k, refuse=True, dense_score=result.dense_top_score
        )
        answer.latency_ms = round((time.perf_counter() - started) * 1000, 2)
        return answer


class NaiveLlamaIndexSystem:
    """SentenceSplitter defaults + VectorStoreIndex (in memory) + top-k 2, same embedder."""

    name = "naive"

    def __init__(self, assistant: Assistant, corpus_dir: Any) -> None:
        from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter

        self.assistant = assistant
        documents = SimpleDirectoryReader(str(corpus_dir), required_exts=[".txt"]).load_data()
        nodes = SentenceSplitter().get_nodes_from_documents(documents)
        self.index = VectorStoreIndex(nodes, embed_model=assistant.index.embed_model, show_progress=False)
        self.retriever = self.index.as_retriever(similarity_top_k=2)
        self.chunks = len(nodes)

    def ask(self, question: str, history: list[ChatTurn], *, audience: Audience = "citizen") -> Answer:
        started = time.perf_counter()
        results = self.retriever.retrieve(question)
        passages = [
            Passage(
                node_id=r.node.node_id,
                document=str(r.node.metadata.get("file_name", "")),
                title=str(r.node.metadata.get("file_name", "")),
                section="",
                text=r.node.get_content(),
                score=float(r.score or 0.0),
            )
            for r in results
        ]
        answer = self.assistant.pipeline.from_passages(question, question, passages, 2, refuse=False)
        answer.latency_ms = round((time.perf_counter() - started) * 1000, 2)
        return answer


def build_systems(assistant: Assistant, names: Sequence[str], corpus_dir: Any) -> list[Any]:
    systems: list[Any] = []
    for name in names:
        if name == "veiviser":
            systems.append(VeiviserSystem(assistant))
        elif name == "bm25":
            systems.append(RetrievalModeSystem(assistant, "lexical"))
        elif name == "dense":
            systems.append(RetrievalModeSystem(assistant, "dense"))
        elif name == "naive":
            systems.append(NaiveLlamaIndexSystem(assistant, corpus_dir))
        else:
            raise ValueError(f"Unknown system {name!r}; choose from veiviser, bm25, dense, naive")
    return systems
