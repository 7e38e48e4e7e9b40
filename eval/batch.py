"""The batch interface (a stable contract for evaluation tools).

Input: JSONL, one `{"id", "question", "history": [{"role", "content"}, ...]}` per line.
Output: JSONL, each input line plus `answer`, `refused`, `citations` (list of
`{n, node_id, document, section, text}`; `document` is the corpus file name), `hits` (the top 10
retrieved passages, each `{node_id, document, section, text, score}`) and `latency_ms`.
One process runs the whole file, so models load once. A bad line gets an output line with an
`error` field that says what is wrong; the other lines are still answered.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError

from assistant.types import Answer, ChatTurn
from ingest.errors import VeiviserError


class Asker(Protocol):
    def ask(self, question: str, history: list[ChatTurn]) -> Answer: ...  # pragma: no cover


def answer_to_record(answer: Answer) -> dict[str, Any]:
    """The batch contract's output fields for one answer."""
    return {
        "answer": answer.answer,
        "refused": answer.refused,
        "citations": [
            {"n": c.n, "node_id": c.node_id, "document": c.document, "section": c.section, "text": c.text}
            for c in answer.citations
        ],
        "hits": [
            {
                "node_id": p.node_id,
                "document": p.document,
                "section": p.section,
                "text": p.text,
                "score": p.score,
            }
            for p in answer.hits
        ],
        "latency_ms": answer.latency_ms,
        "standalone_question": answer.standalone_question,
        "mode": answer.mode,
        "safety_notice": answer.safety_notice,
        "refusal_reason": answer.refusal_reason,
    }


def parse_line(line: str, number: int) -> tuple[dict[str, Any], str | None]:
    """(record, error): the record keeps whatever could be read, the error says what to fix."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None}, f"line {number}: invalid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(record, dict):
        return {"id": None}, f"line {number}: expected a JSON object"
    if not isinstance(record.get("question"), str):
        return record, f"line {number}: 'question' must be a string"
    history = record.get("history", [])
    if not isinstance(history, list):
        return record, f"line {number}: 'history' must be a list of {{role, content}} objects"
    try:
        record["history"] = [ChatTurn.model_validate(turn).model_dump() for turn in history]
    except ValidationError as exc:
        return record, f"line {number}: bad 'history' entry ({exc.errors()[0]['msg']})"
    return record, None


def run_batch(
    lines: Iterable[str], assistant: Asker, on_item: Callable[[int], None] | None = None
) -> Iterator[dict[str, Any]]:
    """Answer each input line; yields output records in input order."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record, error = parse_line(line, number)
        if error is None:
            try:
                history = [ChatTurn.model_validate(t) for t in record.get("history", [])]
                record.update(answer_to_record(assistant.ask(record["question"], history)))
            except VeiviserError as exc:
                error = f"line {number}: {exc}"
        if error is not None:
            record["error"] = error
        if on_item:
            on_item(number)
        yield record


def run_batch_file(input_path: Path, output_path: Path, assistant: Asker, progress: bool = True) -> tuple[int, int]:
    """Answer a JSONL file into another; returns (lines answered, lines with errors)."""
    from tqdm import tqdm

    lines = input_path.read_text(encoding="utf-8").splitlines()
    output_path.parent.mkdir(parents=True, exist_ok=True)
    answered = errors = 0
    bar = tqdm(total=len(lines), desc="Besvarer", unit="spørsmål", disable=not progress)
    with open(output_path, "w", encoding="utf-8") as out:
        for record in run_batch(lines, assistant, on_item=lambda _: bar.update(1)):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            if "error" in record:
                errors += 1
            else:
                answered += 1
    bar.close()
    return answered, errors
