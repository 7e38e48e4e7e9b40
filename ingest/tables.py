"""Tab-separated tables: appendix measure rows (with their repairs), law tables, numeric tables.

Repairs of the PDF conversion, each on its own:
- a header row split over two lines (`Universelle tiltak\tForebyggende\t\t\tI samarbeid…` then
  `\tFange opp\tFølge opp\tFølge opp\t`), and header rows repeated after a page break;
- a row broken over two lines: an empty-celled line whose measure goes on in the next row
  (`PYC-parenting` + `young children\t\tx\tx\t…`, `… f.eks selvsykdom/` + `selvmordstanker/…`,
  `PMTO` + `Parent Management Training Oregon …`), a partners cell that goes on in the next line
  (`Helsefremmende tjenester 0-100,` + `Barneverntjenesten, NAV, …`) and a trailing remark
  (`Delvis implementert.`) that belongs to the row before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.records import PreventionLevel, Role
from ingest.text import clean_inline

_LEVEL_HEADER = re.compile(r"^(universelle|selekterte|indikerte)\s+tiltak", re.I)
_LEVELS = {
    "universelle": PreventionLevel.UNIVERSELL,
    "selekterte": PreventionLevel.SELEKTERT,
    "indikerte": PreventionLevel.INDIKERT,
}
_LEVEL_LABEL = {
    PreventionLevel.UNIVERSELL: "Universelle tiltak",
    PreventionLevel.SELEKTERT: "Selekterte tiltak",
    PreventionLevel.INDIKERT: "Indikerte tiltak",
}
ROLE_COLUMNS = (Role.FOREBYGGE, Role.FANGE_OPP, Role.FOLGE_OPP)
_PREPOSITIONS = {"for", "og", "i", "med", "av", "til", "på", "om", "ved", "mot", "fra"}
_NUMBER = re.compile(r"^[\d\s.,%]+$")


def cells(line: str) -> list[str]:
    return [clean_inline(c) for c in line.split("\t")]


def is_marked(cell: str) -> bool:
    return cell.strip().lower().startswith("x")


def level_label(level: PreventionLevel | None) -> str:
    return _LEVEL_LABEL[level] if level else ""


@dataclass
class MeasureRow:
    """One measure of a Vedlegg 2 table after repairs."""

    level: PreventionLevel | None
    measure: str
    roles: list[Role] = field(default_factory=list)
    partners: str = ""

    @property
    def empty(self) -> bool:
        return not self.roles and not self.partners


def _acronym_matches(acronym: str, text: str) -> bool:
    """PMTO ~ Parent Management Training Oregon; TIBIR ~ Tidlig Innsats for Barn I Risiko."""
    if not re.fullmatch(r"[A-ZÆØÅ]{3,8}", acronym):
        return False
    initials = [w[0].upper() for w in re.findall(r"[\wæøåÆØÅ]+", text)]
    pos = 0
    for letter in acronym:
        while pos < len(initials) and initials[pos] != letter:
            pos += 1
        if pos == len(initials):
            return False
        pos += 1
    return True


def parse_measure_rows(
    raw_lines: list[str], level: PreventionLevel | None = None
) -> tuple[list[MeasureRow], PreventionLevel | None]:
    """Measure rows of a Vedlegg 2 table block; returns the rows and the level in force at the end."""
    rows: list[MeasureRow] = []
    for line in raw_lines:
        parts = cells(line)
        parts += [""] * (5 - len(parts))
        first = parts[0]
        header = _LEVEL_HEADER.match(first)
        if header:
            level = _LEVELS[header.group(1).lower()]
            continue
        if not first and any(p.lower().startswith(("fange opp", "følge opp", "forebyggende")) for p in parts[1:4]):
            continue  # second half of a header split over two lines
        if not first and not any(parts[1:]):
            continue
        roles = [role for role, cell in zip(ROLE_COLUMNS, parts[1:4], strict=True) if is_marked(cell)]
        partners = " ".join(p for p in parts[4:] if p).strip()
        if not first:  # cells without a measure: they continue the previous row
            if rows:
                rows[-1].roles.extend(r for r in roles if r not in rows[-1].roles)
                rows[-1].partners = f"{rows[-1].partners} {partners}".strip()
            continue
        rows.append(MeasureRow(level, first, roles, partners))
    return _repair_broken_rows(rows), level


def _repair_broken_rows(rows: list[MeasureRow]) -> list[MeasureRow]:
    # Forward: partners cut after a comma, and short trailing remarks ("Delvis implementert.").
    forward: list[MeasureRow] = []
    for row in rows:
        prev = forward[-1] if forward else None
        if prev is not None and row.empty and row.level == prev.level:
            if prev.partners.endswith(","):
                prev.partners = f"{prev.partners} {row.measure}"
                continue
            if row.measure.endswith(".") and len(row.measure) <= 40 and not prev.empty:
                prev.measure = f"{prev.measure} {row.measure}"
                continue
        forward.append(row)
    # Backward: an empty-celled head whose measure goes on in the next row.
    result: list[MeasureRow] = []
    for row in reversed(forward):
        nxt = result[-1] if result else None
        if nxt is not None and row.empty and row.level == nxt.level:
            last_word = row.measure.split()[-1].lower() if row.measure.split() else ""
            if nxt.measure[:1].islower() or row.measure.endswith(("/", "-")) or last_word in _PREPOSITIONS:
                joiner = "" if row.measure.endswith(("/", "-")) else " "
                nxt.measure = f"{row.measure}{joiner}{nxt.measure}"
                continue
            if _acronym_matches(row.measure, nxt.measure):
                nxt.measure = f"{row.measure} ({nxt.measure})"
                continue
        result.append(row)
    result.reverse()
    return result


def render_measure(service: str, row: MeasureRow) -> str:
    parts = [f"Tjeneste: {service}"]
    if row.level:
        parts.append(f"Nivå: {level_label(row.level)}")
    parts.append(f"Tiltak: {row.measure}")
    if row.roles:
        parts.append("Rolle: " + ", ".join(r.value for r in row.roles))
    if row.partners:
        parts.append(f"Samarbeid: {row.partners}")
    return " · ".join(parts)


@dataclass
class LawRow:
    """A row of a Vedlegg 1 table (perspective, level, law, description)."""

    perspective: str
    level: str
    law: str
    description: str


def parse_law_rows(raw_lines: list[str]) -> list[LawRow]:
    """Vedlegg 1: empty first cells carry the perspective (and level) of the row above."""
    rows: list[LawRow] = []
    perspective = level = ""
    for line in raw_lines:
        parts = cells(line)
        parts += [""] * (4 - len(parts))
        if parts[0].lower().startswith(("lov og forskrift", "lover og forskrifter")) and not any(parts[1:]):
            continue
        if parts[0]:
            perspective = parts[0]
            level = ""
        if parts[1]:
            level = parts[1]
        law, description = parts[2], " ".join(p for p in parts[3:] if p)
        if not law and not description:
            continue
        # Rows shifted one cell left by the conversion ("Krisesenterlova §3\t\tKommunen skal …").
        if parts[0] and re.search(r"§|lov|forskrift", parts[0], re.I) and not parts[1] and not law:
            perspective, law = rows[-1].perspective if rows else "", parts[0]
        rows.append(LawRow(perspective, level, law, description))
    return rows


def render_law(service: str, row: LawRow) -> str:
    parts = [f"Tjeneste: {service}"]
    if row.perspective:
        parts.append(f"Perspektiv: {row.perspective}")
    if row.level:
        parts.append(f"Nivå: {row.level}")
    if row.law:
        parts.append(f"Lov og forskrift: {row.law}")
    if row.description:
        parts.append(f"Beskrivelse: {row.description}")
    return " · ".join(parts)


def is_numeric_table(raw_lines: list[str]) -> bool:
    """Years/labels in one row and values in the next: most non-label cells are numbers."""
    values = [c for line in raw_lines for c in cells(line)[1:] if c]
    first_row = [c for c in cells(raw_lines[0]) if c] if raw_lines else []
    numeric = sum(1 for c in values if _NUMBER.match(c) or re.match(r"^\d", c))
    return bool(values) and numeric / len(values) >= 0.6 and len(first_row) >= 2


def render_table(raw_lines: list[str], caption: str = "") -> list[str]:
    """Rows rendered so that each value stays next to its column heading (e.g. its year)."""
    rows = [cells(line) for line in raw_lines]
    rows = [r for r in rows if any(r)]
    if not rows:
        return []
    header = rows[0]
    header_is_labels = not header[0] or all(
        not _NUMBER.match(c) or re.fullmatch(r"(19|20)\d\d", c) for c in header if c
    )
    rendered: list[str] = []
    if header_is_labels and len(rows) > 1:
        years_only = all(re.fullmatch(r"(19|20)\d\d", c) for c in header if c) and bool(header[0])
        for row in rows[1:]:
            if years_only:  # "2017 2018 …" over "8 20 …": no label column
                pairs = [f"{h}: {v}" for h, v in zip(header, row, strict=False) if h and v]
                rendered.append(" · ".join(pairs))
                continue
            label, values = row[0], row[1:]
            heads = header[1:] if not header[0] or len(header) == len(row) else header
            pairs = [f"{h}: {v}" for h, v in zip(heads, values, strict=False) if v]
            extra = [v for v in values[len(heads) :] if v]
            text = f"{label}: " + " · ".join(pairs) if label else " · ".join(pairs)
            if extra:
                text += " (" + " ".join(extra) + ")"
            rendered.append(text)
    else:
        rendered = [" · ".join(c for c in r if c) for r in rows]
    if caption:
        rendered.insert(0, caption)
    return rendered
