"""The evaluation set: items in the batch format plus gold fields, loading and validation.

python -m eval.dataset validate [--dataset eval/datasets/veiviser.jsonl] [--corpus corpus]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.lexicon import service_names

DEFAULT_DATASET = Path(__file__).resolve().parent / "datasets" / "veiviser.jsonl"
ROOT = Path(__file__).resolve().parents[1]

# The services of Vedlegg 2 in the knowledge base, as written there (`EvalItem.service` must be one).
# The 31 services of Vedlegg 2: one source, the reviewed service names (assistant/data/service_aliases.toml).
SERVICES = tuple(service_names().names)
ID_PREFIXES = ("fact-", "svc-", "cit-", "plan-", "fu-", "neg-", "en-", "nn-")
EVIDENCE_MIN, EVIDENCE_MAX = 20, 150
# Markup that a retrieved (cleaned) passage may not keep: bold, superscript footnotes, Markdown links.
_MARKUP = re.compile(r"\*\*|[\u00b9\u00b2\u00b3\u2070-\u209f]|\]\(|\[\d+\]")


class Evidence(BaseModel):
    """An exact substring of a corpus file that answers the item (chunking-independent)."""

    model_config = ConfigDict(extra="forbid")

    document: str
    text: str = Field(min_length=8)


class HistoryTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str


class EvalItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    question: str = Field(min_length=3)
    history: list[HistoryTurn] = Field(default_factory=list)
    split: Literal["dev", "test"]
    persona: Literal["staff", "citizen", "planner", "fact"]
    answerable: bool = True
    evidence: list[Evidence] = Field(default_factory=list)
    must: list[list[str]] = Field(default_factory=list, description="Facts; each a list of alternatives.")
    documents: list[str] = Field(default_factory=list, description="Documents the answer must cite.")
    service: str | None = Field(default=None, description="For staff items: the Vedlegg 2 service.")
    notes: str = ""
    language: Literal["nb", "nn", "en"] = Field(default="nb", description="The question's language.")
    source: str | None = Field(default=None, description="The item this one translates (en-/nn- items).")

    @model_validator(mode="after")
    def _gold_matches_answerability(self) -> EvalItem:
        if self.answerable and (not self.evidence or not self.must):
            raise ValueError("an answerable item needs evidence and must")
        if not self.answerable and (self.evidence or self.must or self.documents):
            raise ValueError("an unanswerable item has no evidence, must or documents")
        return self


M = TypeVar("M", bound=BaseModel)


def load_jsonl(path: Path, model: type[M], split: str | None = None) -> list[M]:
    """The items of a JSONL file as `model` (optionally one split: dev, test, or None/all for every item);
    ValueError names the bad line and what is wrong."""
    items: list[M] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = model.model_validate_json(line)
        except ValidationError as exc:
            raise ValueError(f"{path.name} line {number}: {exc.errors()[0]['loc']} {exc.errors()[0]['msg']}") from exc
        if split in (None, "all") or getattr(item, "split", None) == split:
            items.append(item)
    return items


def load_dataset(path: Path = DEFAULT_DATASET, split: str | None = None) -> list[EvalItem]:
    """Items of the file (optionally one split); ValueError names the bad line."""
    return load_jsonl(path, EvalItem, split)


def _squash(text: str) -> str:
    return " ".join(text.split())


def validate_dataset(path: Path = DEFAULT_DATASET, corpus_dir: Path = ROOT / "corpus") -> list[str]:
    """Problems: evidence not verbatim in its file, duplicates, unknown documents."""
    items = load_dataset(path)
    texts = {p.name: p.read_text(encoding="utf-8") for p in corpus_dir.glob("*.txt")}
    problems: list[str] = []
    if not items:
        problems.append(f"{path.name}: no items")
    for key, counts in (("id", Counter(i.id for i in items)), ("question", Counter(i.question for i in items))):
        problems += [f"duplicate {key}: {value}" for value, n in counts.items() if n > 1]
    for item in items:
        if not item.id.startswith(ID_PREFIXES):
            problems.append(f"{item.id}: id does not start with one of {', '.join(ID_PREFIXES)}")
        if item.id.startswith("fu-") != bool(item.history):
            problems.append(f"{item.id}: follow-ups (fu-) and only they have a history")
        if item.history and (item.history[0].role != "user" or item.history[-1].role != "assistant"):
            problems.append(f"{item.id}: history must start with a user turn and end with an assistant turn")
        translated = item.id.startswith(("en-", "nn-"))  # translations keep their source item's answerability
        if not translated and item.id.startswith("neg-") == item.answerable:
            problems.append(f"{item.id}: neg- items and only they are unanswerable")
        if item.service is not None and item.service not in SERVICES:
            problems.append(f"{item.id}: unknown service {item.service!r}")
        if item.persona == "staff" and item.answerable and not item.history and item.service is None:
            problems.append(f"{item.id}: staff item without a service")
        evidence_docs = {ev.document for ev in item.evidence}
        if item.answerable and not evidence_docs <= set(item.documents):
            problems.append(f"{item.id}: evidence from {sorted(evidence_docs - set(item.documents))} not in documents")
        for doc in item.documents:
            if doc not in texts:
                problems.append(f"{item.id}: unknown document {doc}")
        for ev in item.evidence:
            source = texts.get(ev.document)
            if source is None:
                problems.append(f"{item.id}: evidence names unknown document {ev.document}")
            elif ev.text not in source:
                where = "only after whitespace normalisation" if _squash(ev.text) in _squash(source) else "nowhere"
                problems.append(f"{item.id}: evidence found {where} in {ev.document}: {ev.text[:60]!r}")
            elif "\t" in ev.text or "\n" in ev.text:
                problems.append(f"{item.id}: evidence spans a tab or line break: {ev.text[:60]!r}")
            if not EVIDENCE_MIN <= len(ev.text) <= EVIDENCE_MAX:
                problems.append(
                    f"{item.id}: evidence is {len(ev.text)} chars, not {EVIDENCE_MIN}-{EVIDENCE_MAX}: {ev.text[:60]!r}"
                )
            if _MARKUP.search(ev.text):
                problems.append(f"{item.id}: evidence keeps markup (**, superscript, link): {ev.text[:60]!r}")
    return problems


def to_batch_input(items: list[EvalItem]) -> list[dict[str, object]]:
    return [{"id": i.id, "question": i.question, "history": [t.model_dump() for t in i.history]} for i in items]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.dataset")
    parser.add_argument("command", choices=["validate"])
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    args = parser.parse_args(argv)
    items = load_dataset(args.dataset)
    print(f"{len(items)} items")
    for field in ("persona", "split", "answerable"):
        print(f"  {field}: {dict(Counter(str(getattr(i, field)) for i in items))}")
    print(f"  follow-ups: {sum(1 for i in items if i.history)}")
    problems = validate_dataset(args.dataset, args.corpus)
    for problem in problems:
        print(f"PROBLEM {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
