"""Feedback store: append-only JSONL under `<data_dir>/feedback/`, exportable as JSONL or CSV."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from web.privacy import mask

CSV_FIELDS = ("id", "created", "source", "rating", "question", "answer", "comment", "citations")


def feedback_path(data_dir: Path) -> Path:
    """Where the feedback of one deployment lives."""
    return data_dir / "feedback" / "feedback.jsonl"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """A text cell a spreadsheet would run as a formula (`=cmd|' /C calc'!A0`) gets a leading apostrophe."""
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_START) else value


class FeedbackStore:
    """Thumbs up/down on answers. One line per record; never rewritten, only appended.

    A thread lock serialises writers in this process and an exclusive `flock` serialises
    processes (several uvicorn workers on one data folder).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def add(
        self,
        question: str,
        answer: str,
        rating: str,
        comment: str = "",
        citations: list[str] | None = None,
        source: str = "api",
    ) -> dict[str, Any]:
        """Append one record; free text written by users is masked like the logs."""
        entry: dict[str, Any] = {
            "id": uuid.uuid4().hex,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "source": source,
            "rating": rating,
            "question": mask(question),
            "answer": answer,
            "comment": mask(comment),
            "citations": list(citations or []),
        }
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    handle.write(line)
                    handle.flush()
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        return entry

    def all(self) -> list[dict[str, Any]]:
        """Every record, oldest first (a torn last line from a crash is skipped)."""
        if not self.path.is_file():
            return []
        with self._lock:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        records = []
        for line in lines:
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        return records

    def export_jsonl(self) -> str:
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.all())

    def export_csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(CSV_FIELDS), extrasaction="ignore")
        writer.writeheader()
        for record in self.all():
            row = {k: record.get(k, "") for k in CSV_FIELDS}
            row["citations"] = " ".join(record.get("citations") or [])
            writer.writerow({k: csv_safe(v) for k, v in row.items()})
        return out.getvalue()
