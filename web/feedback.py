"""Feedback store: append-only JSONL under `<data_dir>/feedback/`, exportable as JSONL or CSV.

Bounded: records older than the retention period are dropped (at start and then at most once an hour, by
rewriting the file atomically), and once the file reaches its size cap new feedback is refused with a clear
message (FeedbackFull, 507) until retention or an administrator frees room. Every free-text field is masked
before it is stored; the export streams the file instead of loading it.
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ingest.errors import FeedbackFull
from web.privacy import mask

# Retention is enforced at most this often (seconds) while records are added.
PRUNE_EVERY_S = 3600

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

    def __init__(self, path: Path, max_bytes: int = 50 * 1024 * 1024, retention_days: int = 90) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.retention = timedelta(days=retention_days)
        self._lock = threading.Lock()
        self._pruned_at = 0.0

    def add(
        self,
        question: str,
        answer: str,
        rating: str,
        comment: str = "",
        citations: list[str] | None = None,
        source: str = "api",
    ) -> dict[str, Any]:
        """Append one record, every free-text field masked like the logs; FeedbackFull at the size cap."""
        entry: dict[str, Any] = {
            "id": uuid.uuid4().hex,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "source": source,
            "rating": rating,
            "question": mask(question),
            "answer": mask(answer),
            "comment": mask(comment),
            "citations": [mask(c) for c in citations or []],
        }
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        if time.monotonic() - self._pruned_at > PRUNE_EVERY_S or not self._pruned_at:
            self.prune()
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            size = self.path.stat().st_size if self.path.is_file() else 0
            if size + len(line.encode()) > self.max_bytes:
                raise FeedbackFull(
                    "Lageret for tilbakemeldinger er fullt. Tilbakemeldingen ble ikke lagret; "
                    "prøv igjen senere (en administrator kan eksportere og rydde)."
                )
            with open(self.path, "a", encoding="utf-8") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    handle.write(line)
                    handle.flush()
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        return entry

    def prune(self, now: datetime | None = None) -> int:
        """Drop records older than the retention period (the file is rewritten atomically); how many went."""
        cutoff = (now or datetime.now(UTC)) - self.retention
        with self._lock:
            self._pruned_at = time.monotonic()
            if not self.path.is_file():
                return 0
            with open(self.path, "r+", encoding="utf-8") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)  # other processes append through the same lock
                try:
                    kept, dropped = [], 0
                    for line in handle:
                        record = _parse(line)
                        if record is not None and _created(record) < cutoff:
                            dropped += 1
                        elif record is not None:
                            kept.append(line if line.endswith("\n") else line + "\n")
                    if dropped:
                        fd, tmp = tempfile.mkstemp(prefix=".feedback.", dir=self.path.parent)
                        with os.fdopen(fd, "w", encoding="utf-8") as out:
                            out.writelines(kept)
                        os.replace(tmp, self.path)
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
            return dropped

    def records(self) -> Iterator[dict[str, Any]]:
        """Every record, oldest first, read line by line (a torn last line from a crash is skipped)."""
        if not self.path.is_file():
            return
        with open(self.path, encoding="utf-8") as handle:
            for line in handle:
                record = _parse(line)
                if record is not None:
                    yield record

    def all(self) -> list[dict[str, Any]]:
        return list(self.records())

    def export_jsonl(self) -> Iterator[str]:
        """The export as JSONL, streamed."""
        for record in self.records():
            yield json.dumps(record, ensure_ascii=False) + "\n"

    def export_csv(self) -> Iterator[str]:
        """The export as CSV, streamed; cells a spreadsheet would run as formulas are neutralised."""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(CSV_FIELDS), extrasaction="ignore")
        writer.writeheader()
        for record in self.records():
            row = {k: record.get(k, "") for k in CSV_FIELDS}
            row["citations"] = " ".join(record.get("citations") or [])
            writer.writerow({k: csv_safe(v) for k, v in row.items()})
            yield out.getvalue()
            out.seek(0)
            out.truncate()
        yield out.getvalue()


def _parse(line: str) -> dict[str, Any] | None:
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return None
    return record if isinstance(record, dict) else None


def _created(record: dict[str, Any]) -> datetime:
    try:
        return datetime.fromisoformat(str(record.get("created", "")))
    except ValueError:
        return datetime.now(UTC)  # unknown age: kept until it can be judged
