"""Prompt templates as data: loaded once from `prompts/`, validated, rendered by name."""

from __future__ import annotations

import string
import tomllib
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from assistant.types import ChatTurn, Passage

PROMPTS_DIR = Path(__file__).resolve().parents[1] / "prompts"

# Each template and exactly the placeholders it must use.
REQUIRED: dict[str, set[str]] = {
    "system.md": {"no_source_marker"},
    "answer.md": {"question", "passages", "no_source_marker"},
    "condense.md": {"history", "question"},
    "summary.md": {"theme", "points"},
    "refusal.md": set(),
    "safety_notice.md": set(),
}


class PromptError(ValueError):
    """A prompt file is missing or uses the wrong placeholders."""


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class PromptSet(BaseModel):
    """All prompt texts; the refusal and safety notice are fixed texts, never generated."""

    system: str
    answer: str
    condense: str
    summary: str
    refusal: str
    safety_notice: str
    no_source_marker: str
    leads: dict[str, str]

    def lead(self, key: str, **values: str) -> str:
        template = self.leads.get(key, self.leads["default"])
        return template.format(**values) if placeholders(template) else template

    def is_no_source(self, text: str) -> bool:
        """The LLM answered with the 'not in the sources' sentinel (alone or nearly so)."""
        stripped = text.strip().strip(".").strip()
        return stripped == self.no_source_marker or (self.no_source_marker in text and len(stripped) < 60)

    def render_system(self) -> str:
        return self.system.format(no_source_marker=self.no_source_marker)

    def render_answer(self, question: str, passages: Sequence[Passage]) -> str:
        return self.answer.format(
            question=question, passages=format_passages(passages), no_source_marker=self.no_source_marker
        )

    def render_condense(self, history: Sequence[ChatTurn], question: str) -> str:
        lines = [f"{'Bruker' if t.role == 'user' else 'Veiviser'}: {t.content}" for t in history]
        return self.condense.format(history="\n".join(lines), question=question)

    def render_summary(self, theme: str, points: str) -> str:
        return self.summary.format(theme=theme, points=points)


def format_passages(passages: Sequence[Passage]) -> str:
    """`[n] (Dokument › Seksjon) tekst`, numbered from 1 in the order given."""
    out = []
    for n, p in enumerate(passages, start=1):
        where = " › ".join(x for x in (p.title or p.document, p.section) if x)
        out.append(f"[{n}] ({where}) {p.text}")
    return "\n\n".join(out)


def load_prompts(prompts_dir: Path | None = None) -> PromptSet:
    """Read and validate every template; PromptError names the file and the problem."""
    folder = prompts_dir or PROMPTS_DIR
    texts: dict[str, str] = {}
    for name, required in REQUIRED.items():
        path = folder / name
        if not path.is_file():
            raise PromptError(f"{path}: prompt file is missing.")
        text = path.read_text(encoding="utf-8").strip()
        found = placeholders(text)
        if found != required:
            missing, unknown = required - found, found - required
            raise PromptError(
                f"{path}: placeholders do not match "
                f"(missing: {sorted(missing) or '-'}, unknown: {sorted(unknown) or '-'})."
            )
        texts[name.removesuffix(".md")] = text
    templates_path = folder / "templates.toml"
    try:
        templates = tomllib.loads(templates_path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PromptError(f"{templates_path}: cannot be read ({exc}).") from exc
    leads = templates.get("lead", {})
    if "default" not in leads or not templates.get("no_source_marker"):
        raise PromptError(f"{templates_path}: needs no_source_marker and [lead] default.")
    return PromptSet(**texts, no_source_marker=templates["no_source_marker"], leads=leads)
