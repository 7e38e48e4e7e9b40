"""Document structure: table of contents, headings, section paths and blocks.

A document becomes a list of `Block`s (paragraph, bullet, table), each carrying the section path
it stands under. Headings come from `#` markers, numbering (`5.1 …`), the table of contents
(bare lines whose text matches a TOC title) and a conservative bare-line rule.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

from ingest.text import clean_inline, is_footnote_line, is_page_footer, superscript_markers

BlockKind = Literal["paragraph", "bullet", "table"]

_TOC_TITLE = re.compile(r"^\s*(innholdsfortegnelse|innhold)\s*$", re.I)
_TOC_ENTRY = re.compile(r"^(?P<title>.+?)(?:\s*\.{2,}\s*|\s*\t+\s*)(?P<page>\d{1,3})\s*$")
_DEL = re.compile(r"^(?:#+\s*)?Del\s+\d+\s*$", re.I)
_HASH = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
_NUMBERED = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})*)(?:\.\s+|\s+)(?P<title>[A-ZÆØÅ«(].{1,150})$")
_BULLET = re.compile(r"^\s*(?:[-•–]\s+|\d+\)\s+)")
_ALL_CAPS_WORDS = re.compile(r"^[A-ZÆØÅ\s\-–&]+$")


@dataclass(frozen=True)
class Heading:
    level: int
    title: str
    structural: bool = True  # from #, numbering or the TOC (not the bare-line rule)


@dataclass
class Block:
    kind: BlockKind
    lines: list[str]
    section_path: tuple[str, ...]
    line_no: int
    raw: list[str] = field(default_factory=list)  # tables: the raw tab-separated lines


def _norm(title: str) -> str:
    title = re.sub(r"^\d+(?:\.\d+)*\.?\s+", "", title)
    return re.sub(r"[^\wæøå]+", " ", title.casefold()).strip()


@dataclass
class TocEntry:
    title: str
    level: int


def find_toc(lines: list[str]) -> tuple[int, int, list[TocEntry]]:
    """(first line, line after the TOC, entries); (0, 0, []) when the document has no TOC."""
    start = 0
    for start, line in enumerate(lines[:200]):  # noqa: B007 - start is used after the loop
        if _TOC_TITLE.match(line.lstrip("#").strip()):
            break
    else:
        return 0, 0, []
    entries: list[TocEntry] = []
    in_del = False
    end = start + 1
    for i in range(start + 1, len(lines)):
        text = lines[i].strip()
        if not text:
            continue
        if _DEL.match(text):
            in_del = True
            entries.append(TocEntry(text.lstrip("#").strip(), 1))
            end = i + 1
            continue
        match = _TOC_ENTRY.match(text)
        if not match:
            break
        title = match.group("title").strip().rstrip(".").strip()
        num = re.match(r"^(\d+(?:\.\d+)*)\.?\s", title)
        level = len(num.group(1).split(".")) if num else (2 if in_del else 1)
        entries.append(TocEntry(title, level))
        end = i + 1
    return start, end, entries


class _TocIndex:
    """Titles of the TOC. Bare lines match only unnumbered entries (numbered ones are numbered in the body)."""

    def __init__(self, entries: list[TocEntry]) -> None:
        self.entries = entries
        self.numbered = {_norm(e.title) for e in entries if re.match(r"^\d", e.title)}
        self.by_norm = {_norm(e.title): e for e in entries if not re.match(r"^\d", e.title)}

    def match(self, line: str) -> TocEntry | None:
        key = _norm(line)
        if not key:
            return None
        if key in self.by_norm:
            return self.by_norm[key]
        close = difflib.get_close_matches(key, list(self.by_norm), n=1, cutoff=0.88)
        return self.by_norm[close[0]] if close else None


def _looks_like_bare_heading(lines: list[str], i: int) -> bool:
    """A short line standing alone between blank lines, not a sentence, followed by content."""
    text = lines[i].strip()
    if not text or "\t" in text or len(text) > 80 or _BULLET.match(text) or _NUMBERED.match(text):
        return False
    if text[-1] in ".,;:!" or not (text[0].isupper() or text[0].isdigit()):
        return False
    if len(text.split()) > 10:
        return False
    before = lines[i - 1].strip() if i > 0 else ""
    after = lines[i + 1].strip() if i + 1 < len(lines) else ""
    if before or after:
        return False
    return any(line.strip() for line in lines[i + 1 : i + 6])


def _cover_end(lines: list[str]) -> int:
    """Skip a cover page of all-caps words (NYE / DRAMMEN / KOMMUNE) at the top."""
    i = 0
    while i < len(lines) and (not lines[i].strip() or _ALL_CAPS_WORDS.match(lines[i].strip())):
        i += 1
    return i


class _StructureParser:
    """Reads a document's lines once, keeping the heading stack; each `_read_*` step consumes a line
    (or a table) and returns the index of the next line, or None when the line is not its kind."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.markers = superscript_markers(text)
        _toc_start, toc_end, entries = find_toc(self.lines)
        self.toc = _TocIndex(entries)
        self.body_start = toc_end if entries else _cover_end(self.lines)
        self.stack: list[Heading] = []
        self.blocks: list[Block] = []
        self.numbering: list[int] = []  # the current numbered heading, e.g. [5, 1]

    # -- the heading stack -----------------------------------------------------------------
    def path(self) -> tuple[str, ...]:
        return tuple(h.title for h in self.stack)

    def push(self, heading: Heading) -> None:
        while self.stack and self.stack[-1].level >= heading.level:
            self.stack.pop()
        self.stack.append(heading)

    def structural_depth(self) -> int:
        return max((h.level for h in self.stack if h.structural), default=0)

    def accept_numbered(self, num: str, title: str) -> bool:
        """Numbered lines are headings only in document order (a numbered list is not a chapter)."""
        parts = [int(p) for p in num.split(".")]
        toc, numbering = self.toc, self.numbering
        if toc.entries and len(parts) == 1 and _norm(title) not in toc.numbered:
            return False
        if len(parts) == 1:
            return not numbering or parts[0] > numbering[0]
        if not numbering or parts[0] != numbering[0]:
            return bool(toc.entries) and _norm(title) in toc.numbered
        return parts[1:] > numbering[1:] or len(parts) > len(numbering)

    # -- one step per kind of line ---------------------------------------------------------
    def _read_table(self, i: int) -> int:
        table_raw: list[str] = []
        start = i
        while i < len(self.lines) and "\t" in self.lines[i]:
            if not is_page_footer(self.lines[i].strip()):
                table_raw.append(self.lines[i].rstrip("\n"))
            i += 1
        self.blocks.append(Block("table", [], self.path(), start, table_raw))
        return i

    def _read_hashed(self, i: int, text: str) -> int | None:
        hashed = _HASH.match(text)
        if not hashed:
            return None
        title = clean_inline(hashed.group("title"))
        if title:
            self.push(Heading(len(hashed.group("hashes")), title))
        return i + 1

    def _read_numbered(self, i: int, text: str) -> int | None:
        numbered = _NUMBERED.match(text)
        if not (
            numbered
            and not text.endswith((".", ",", ";"))
            and len(text) <= 120
            and self.accept_numbered(numbered.group("num"), text)
        ):
            return None
        self.numbering[:] = [int(p) for p in numbered.group("num").split(".")]
        title = clean_inline(text)
        # "9.2 Vedlegg 2" followed by "- Tiltak og metoder …": the bullet is the heading's subtitle.
        lines = self.lines
        nxt = next((j for j in range(i + 1, min(i + 4, len(lines))) if lines[j].strip()), None)
        if nxt is not None and re.search(r"Vedlegg \d+$", title) and _BULLET.match(lines[nxt]):
            title = f"{title} – {clean_inline(_BULLET.sub('', lines[nxt]))}"
            i = nxt
        self.push(Heading(len(numbered.group("num").split(".")), title))
        return i + 1

    def _read_listed_heading(self, i: int, text: str) -> int | None:
        """A heading the table of contents lists, or a «Del n» part heading."""
        entry = self.toc.match(text) if not _BULLET.match(text) and len(text) < 250 else None
        if entry is None and not _DEL.match(text):
            return None
        self.push(Heading(entry.level if entry else 1, clean_inline(text.lstrip("#").strip())))
        return i + 1

    def _read_bare_heading(self, i: int, text: str) -> int | None:
        if not _looks_like_bare_heading(self.lines, i):
            return None
        self.push(Heading(self.structural_depth() + 1, clean_inline(text), structural=False))
        return i + 1

    def _read_text(self, i: int, text: str) -> int:
        if _BULLET.match(text):
            self.blocks.append(Block("bullet", [clean_inline(_BULLET.sub("", text))], self.path(), i))
        else:
            self.blocks.append(Block("paragraph", [clean_inline(text)], self.path(), i))
        return i + 1

    def parse(self) -> list[Block]:
        heading_steps = (self._read_hashed, self._read_numbered, self._read_listed_heading, self._read_bare_heading)
        i = self.body_start
        while i < len(self.lines):
            raw = self.lines[i]
            text = raw.strip()
            if not text or is_page_footer(text) or is_footnote_line(text, self.markers):
                i += 1
                continue
            if "\t" in raw:
                i = self._read_table(i)
                continue
            after_heading = next((nxt for step in heading_steps if (nxt := step(i, text)) is not None), None)
            i = after_heading if after_heading is not None else self._read_text(i, text)
        return [b for b in self.blocks if b.kind == "table" or any(line for line in b.lines)]


def parse_structure(text: str) -> list[Block]:
    """Blocks of a document in reading order, with their section paths."""
    return _StructureParser(text).parse()
