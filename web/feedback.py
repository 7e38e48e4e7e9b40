"""Feedback store: append-only JSONL under the data folder, exportable as JSONL or CSV."""

from __future__ import annotations

import csv
import io
import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from web.privacy import mask


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def add(self, record: dict[str, Any]) -> dict[str, Any]:
        entry = {"created": datetime.now(UTC).isoformat(timespec="seconds"), **record}
        # Questions may contain personal data; the stored copy is masked like the logs.
        entry["question"] = mask(str(entry.get("question", "")))
        line = json.dumps(entry, ensure_ascii=False)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        return entry

    def all(self) -> list[dict[str, Any]]:
        if not self.path.is_file():
            return []
        with self._lock:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def export_jsonl(self) -> str:
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.all())

    def export_csv(self) -> str:
        rows = self.all()
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=["created", "rating", "question", "answer", "comment", "citations"])
        writer.writeheader()
        for r in rows:
            writer.writerow(
                {**{k: r.get(k, "") for k in writer.fieldnames}, "citations": " ".join(r.get("citations", []))}
            )
        return out.getvalue()
