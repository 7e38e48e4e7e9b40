"""The batch interface (a stable contract for evaluation tools).

Input: JSONL, one `{"id", "question", "history": [{"role", "content"}, ...]}` per line.
Output: JSONL, each input line plus `answer`, `refused`, `citations` (list of
`{n, node_id, document, section, text}`; `document` is the corpus file name), `hits` (the top 10
retrieved passages, each `{node_id, document, section, text, score}`), `latency_ms` and `degraded` (true when
the vector store did not answer and only the word index was used).
One process runs the whole file, so models load once. A bad line gets an output line with an
`error` field that says what is wrong; the other lines are still answered.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError

from assistant.service_answer import Audience
from assistant.types import Answer, ChatTurn, ServiceFinderResult
from ingest.errors import VeiviserError


class Asker(Protocol):
    def ask(self, question: str, history: list[ChatTurn], *, audience: Audience = "citizen") -> Answer: ...


class ServiceLookup(Protocol):
    def find_services(
        self,
        situation: str = "",
        levels: Sequence[str] = (),
        roles: Sequence[str] = (),
        services: Sequence[str] = (),
        limit: int = 10,
    ) -> ServiceFinderResult: ...


AUDIENCES = ("citizen", "staff")


def answer_to_record(answer: Answer) -> dict[str, Any]:
    """The batch contract's output fields for one answer."""
    return {
        "answer": answer.answer,
        "refused": answer.refused,
        "citations": [
            {
                "n": c.n,
                "node_id": c.node_id,
                "document": c.document,
                "date": c.date,
                "section": c.section,
                "text": c.text,
            }
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
        "degraded": answer.degraded,
        "intent": answer.intent,
        "language": answer.language,
    }


def json_object(line: str, number: int, text_field: str) -> tuple[dict[str, Any], str | None]:
    """(record, error) for a line that must be a JSON object with a string `text_field`."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None}, f"line {number}: invalid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(record, dict):
        return {"id": None}, f"line {number}: expected a JSON object"
    if not isinstance(record.get(text_field), str):
        return record, f"line {number}: '{text_field}' must be a string"
    return record, None


def parse_line(line: str, number: int) -> tuple[dict[str, Any], str | None]:
    """(record, error): the record keeps whatever could be read, the error says what to fix."""
    record, error = json_object(line, number, "question")
    if error is not None:
        return record, error
    history = record.get("history", [])
    if not isinstance(history, list):
        return record, f"line {number}: 'history' must be a list of {{role, content}} objects"
    try:
        record["history"] = [ChatTurn.model_validate(turn).model_dump() for turn in history]
    except ValidationError as exc:
        return record, f"line {number}: bad 'history' entry ({exc.errors()[0]['msg']})"
    if record.setdefault("audience", "citizen") not in AUDIENCES:
        return record, f"line {number}: 'audience' must be one of {', '.join(AUDIENCES)}"
    return record, None


def parse_situation_line(line: str, number: int) -> tuple[dict[str, Any], str | None]:
    """(record, error) for a finder line `{"id", "situation", "levels"?, "roles"?, "services"?}`."""
    record, error = json_object(line, number, "situation")
    if error is not None:
        return record, error
    for key in ("levels", "roles", "services"):
        value = record.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return record, f"line {number}: '{key}' must be a list of strings"
    return record, None


Handler = Callable[[dict[str, Any]], dict[str, Any]]
Parser = Callable[[str, int], tuple[dict[str, Any], str | None]]


def run_lines(
    lines: Iterable[str], parse: Parser, handle: Handler, on_item: Callable[[int], None] | None = None
) -> Iterator[dict[str, Any]]:
    """Each non-empty line parsed and handled; a bad line gets an `error`, the others are still handled."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record, error = parse(line, number)
        if error is None:
            try:
                record.update(handle(record))
            except VeiviserError as exc:
                error = f"line {number}: {exc}"
        if error is not None:
            record["error"] = error
        if on_item:
            on_item(number)
        yield record


def run_batch(
    lines: Iterable[str], assistant: Asker, on_item: Callable[[int], None] | None = None
) -> Iterator[dict[str, Any]]:
    """Answer each input line; yields output records in input order."""

    def handle(record: dict[str, Any]) -> dict[str, Any]:
        history = [ChatTurn.model_validate(t) for t in record.get("history", [])]
        return answer_to_record(assistant.ask(record["question"], history, audience=record["audience"]))

    return run_lines(lines, parse_line, handle, on_item)


def run_services_batch(
    lines: Iterable[str], finder: ServiceLookup, limit: int = 10, on_item: Callable[[int], None] | None = None
) -> Iterator[dict[str, Any]]:
    """Each situation line plus the finder's ordered `groups` (as `services --json` prints them) and `latency_ms`."""

    def handle(record: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        result = finder.find_services(
            record["situation"], record.get("levels", []), record.get("roles", []), record.get("services", []), limit
        )
        return {
            "groups": [g.model_dump() for g in result.groups],
            "safety_notice": result.safety_notice,
            "latency_ms": round((time.perf_counter() - started) * 1000, 2),
            "degraded": result.degraded,
        }

    return run_lines(lines, parse_situation_line, handle, on_item)


def run_batch_file(input_path: Path, output_path: Path, assistant: Asker, progress: bool = True) -> tuple[int, int]:
    """Answer a JSONL file of questions into another; returns (lines answered, lines with errors)."""
    lines = input_path.read_text(encoding="utf-8").splitlines()
    return write_records(run_batch(lines, assistant), output_path, len(lines), progress)


def run_services_file(
    input_path: Path, output_path: Path, finder: ServiceLookup, limit: int = 10, progress: bool = True
) -> tuple[int, int]:
    """Run the finder over a JSONL file of situations; returns (lines answered, lines with errors)."""
    lines = input_path.read_text(encoding="utf-8").splitlines()
    return write_records(run_services_batch(lines, finder, limit), output_path, len(lines), progress)


def write_records(records: Iterator[dict[str, Any]], output_path: Path, total: int, progress: bool) -> tuple[int, int]:
    from tqdm import tqdm

    output_path.parent.mkdir(parents=True, exist_ok=True)
    answered = errors = 0
    bar = tqdm(total=total, desc="Besvarer", unit="linjer", disable=not progress)
    with open(output_path, "w", encoding="utf-8") as out:
        for record in records:
            bar.update(1)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            if "error" in record:
                errors += 1
            else:
                answered += 1
    bar.close()
    return answered, errors
