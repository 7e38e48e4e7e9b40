"""Prompt templates as data: loaded once from `prompts/`, validated, rendered by name.

Every text a model reads or a user sees verbatim (system prompt, answer/condense/summary prompts,
the fixed refusal, the fixed safety notice, the extractive lead lines) lives in `prompts/`. This
module only reads, checks and fills them. `NO_SOURCE_MARKER` is the one "cannot answer" sentinel:
the system and answer prompts receive it through `{no_source_marker}`, and `PromptSet.is_no_source`
recognises it in a reply, so prompt and code can never disagree on its spelling.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from assistant.citations import source_date
from assistant.types import ChatTurn, Passage
from ingest.errors import PromptError

PROMPTS_DIR = Path(__file__).resolve().parents[1] / "prompts"

# What the LLM answers when the passages do not cover the question. Plain ASCII, one token-ish word,
# unlikely to occur in a real answer.
NO_SOURCE_MARKER = "INGEN_KILDE"

# Each template file and exactly the placeholders it must use (no more, no fewer).
TEMPLATE_PLACEHOLDERS: dict[str, frozenset[str]] = {
    "system.md": frozenset({"no_source_marker"}),
    "answer.md": frozenset({"question", "passages", "no_source_marker"}),
    "condense.md": frozenset({"history", "question"}),
    "summary.md": frozenset({"theme", "points"}),
    "refusal.md": frozenset(),
    "safety_notice.md": frozenset(),
    "safety_notice.en.md": frozenset(),
    "contact.md": frozenset(),
    "contact.en.md": frozenset(),
}
LEADS_FILE = "templates.toml"
# Lead lines of the extractive composer and the placeholders each MAY use (a lead without one is fine).
LEAD_PLACEHOLDERS: dict[str, frozenset[str]] = {
    "default": frozenset({"question"}),
    "default_en": frozenset({"question"}),
    "workshop_section": frozenset({"workshop", "date", "heading"}),
    "workshop_section_en": frozenset({"workshop", "date", "heading"}),
    "no_figure": frozenset(),
    "no_figure_en": frozenset(),
    "services": frozenset({"situation"}),
    "services_en": frozenset({"situation"}),
    "services_asked": frozenset({"services"}),
    "catalog": frozenset({"services", "scope"}),
    "catalog_en": frozenset({"services", "scope"}),
    "services_asked_en": frozenset({"services"}),
    "services_missing": frozenset({"details"}),
    "services_missing_en": frozenset({"details"}),
    "finder_pointer": frozenset(),
    "also": frozenset(),
    "also_en": frozenset(),
    "finder_pointer_en": frozenset(),
    "summary": frozenset({"theme"}),
    "summary_none": frozenset(),
    "summary_everywhere": frozenset({"themes"}),
    "summary_2022": frozenset(),
    "summary_pointer": frozenset(),
    "summary_en": frozenset({"theme", "words"}),
    "summary_none_en": frozenset(),
    "summary_everywhere_en": frozenset({"themes"}),
    "summary_2022_en": frozenset(),
    "summary_pointer_en": frozenset(),
    "degraded": frozenset(),
    "other_place": frozenset({"place"}),
    "other_place_en": frozenset({"place"}),
    "degraded_en": frozenset(),
    "refusal_en": frozenset(),
}

_SPEAKERS = {"user": "Bruker", "assistant": "Veiviser"}


def placeholders(template: str) -> set[str]:
    """The str.format field names in a template (`{}` shows as '', `{0}` as '0'); ValueError if malformed."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _check_placeholders(where: str, template: str, required: frozenset[str], optional: bool = False) -> None:
    try:
        found = placeholders(template)
    except ValueError as exc:  # a lone "{" or "}" in the text
        raise PromptError(
            f"{where}: malformed placeholder ({exc}); write literal braces as '{{{{' and '}}}}'."
        ) from exc
    missing = set() if optional else required - found
    unknown = found - required
    if missing or unknown:
        shown_unknown = sorted("{}" if name == "" else name for name in unknown)
        raise PromptError(
            f"{where}: placeholders do not match "
            f"(missing: {sorted(missing) or '-'}, unknown: {shown_unknown or '-'}; "
            f"allowed: {sorted(required) or 'none'})."
        )


class PromptSet(BaseModel):
    """All prompt texts of Veiviser; the refusal and safety notice are fixed texts, never generated."""

    model_config = ConfigDict(frozen=True)

    system: str = Field(description="System prompt of the answering LLM ({no_source_marker}).")
    answer: str = Field(description="User prompt for a cited answer ({question}, {passages}, {no_source_marker}).")
    condense: str = Field(description="Turns a follow-up into a stand-alone question ({history}, {question}).")
    summary: str = Field(description="Workshop summary prompt ({theme}, {points}).")
    refusal: str = Field(description="The fixed refusal shown when the sources do not cover a question.")
    safety_notice: str = Field(description="The fixed notice shown first when a question signals acute danger.")
    safety_notice_en: str = Field(description="The same notice in English, for English questions.")
    contact: str = Field(description="Vetted pointer to where the services are reached (no invented numbers).")
    contact_en: str = Field(description="The contact pointer in English.")
    no_source_marker: str = Field(default=NO_SOURCE_MARKER, description="The LLM's 'not in the sources' sentinel.")
    leads: dict[str, str] = Field(description="Lead lines of the extractive composer by key; 'default' is required.")

    def lead(self, key: str, **values: str) -> str:
        """The lead line for `key` (falling back to 'default'), filled with the values it uses."""
        template = self.leads.get(key, self.leads["default"])
        try:
            return template.format_map(values)
        except KeyError as exc:
            raise PromptError(f"{LEADS_FILE} [lead] {key}: no value given for {{{exc.args[0]}}}.") from exc

    def is_no_source(self, text: str) -> bool:
        """True when an LLM reply is the 'not in the sources' sentinel rather than an answer.

        The reply counts as the sentinel when it starts with the marker (models sometimes add an
        explanation after it) or when it contains the marker and cites nothing.
        """
        if self.no_source_marker not in text:
            return False
        head = text.strip().lstrip("*_`\"'«([ \t\n")
        return head.startswith(self.no_source_marker) or not re.search(r"\[\d", text)

    def without_marker(self, text: str) -> str:
        """A partial answer with a stray sentinel (e.g. "Åpningstider: INGEN_KILDE") minus the marker."""
        cleaned = re.sub(rf"[ \t]*\**{re.escape(self.no_source_marker)}\**\.?", "", text)
        return re.sub(r"[ \t]+\n", "\n", cleaned).strip()

    def render_system(self) -> str:
        return self.system.format(no_source_marker=self.no_source_marker)

    def render_answer(self, question: str, passages: Sequence[Passage]) -> str:
        return self.answer.format(
            question=question.strip(), passages=format_passages(passages), no_source_marker=self.no_source_marker
        )

    def render_condense(self, history: Sequence[ChatTurn], question: str) -> str:
        return self.condense.format(history=format_history(history), question=question.strip())

    def render_summary(self, theme: str, points: str) -> str:
        return self.summary.format(theme=theme.strip(), points=points)


def format_passages(passages: Sequence[Passage]) -> str:
    """`[n] (Dokument (dato) › Seksjon) tekst`, numbered from 1 in the order given (the citation numbers); the
    date tells the model how old a figure is."""
    out = []
    for n, p in enumerate(passages, start=1):
        document = f"{p.title or p.document} ({source_date(p.date)})" if p.date else p.title or p.document
        where = " › ".join(x for x in (document, p.section) if x)
        out.append(f"[{n}] ({where}) {p.text.strip()}")
    return "\n\n".join(out)


def format_history(history: Sequence[ChatTurn]) -> str:
    """`Bruker: …` / `Veiviser: …`, one turn per line block, oldest first."""
    return "\n".join(f"{_SPEAKERS[t.role]}: {t.content.strip()}" for t in history)


def _read(path: Path) -> str:
    if not path.is_file():
        raise PromptError(f"{path}: prompt file is missing.")
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise PromptError(f"{path}: cannot be read ({exc}).") from exc
    if not text:
        raise PromptError(f"{path}: prompt file is empty.")
    return text


def _load_leads(path: Path) -> dict[str, str]:
    try:
        data = tomllib.loads(_read(path))
    except tomllib.TOMLDecodeError as exc:
        raise PromptError(f"{path}: not valid TOML ({exc}).") from exc
    leads = data.get("lead")
    if not isinstance(leads, Mapping) or "default" not in leads:
        raise PromptError(f"{path}: needs a [lead] table with at least 'default'.")
    for key, template in leads.items():
        if key not in LEAD_PLACEHOLDERS:
            raise PromptError(f"{path}: unknown lead '{key}' (known: {sorted(LEAD_PLACEHOLDERS)}).")
        if not isinstance(template, str) or not template.strip():
            raise PromptError(f"{path}: lead '{key}' must be a non-empty string.")
        _check_placeholders(f"{path} [lead] {key}", template, LEAD_PLACEHOLDERS[key], optional=True)
    return {key: str(value).strip() for key, value in leads.items()}


def load_prompts(prompts_dir: Path | None = None) -> PromptSet:
    """Read and validate every template once; PromptError names the file and the problem."""
    folder = prompts_dir or PROMPTS_DIR
    texts: dict[str, str] = {}
    for name, required in TEMPLATE_PLACEHOLDERS.items():
        path = folder / name
        text = _read(path)
        _check_placeholders(str(path), text, required)
        texts[name.removesuffix(".md").replace(".", "_")] = text
    prompts = PromptSet(**texts, leads=_load_leads(folder / LEADS_FILE))
    if NO_SOURCE_MARKER in prompts.refusal:
        raise PromptError(f"{folder / 'refusal.md'}: the refusal shown to users must not contain {NO_SOURCE_MARKER}.")
    return prompts
