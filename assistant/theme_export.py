"""The theme map as planners use it: Markdown and Word (python-docx), citations as a numbered source list
(document, section) at the end. JSON is the ThemeMap model itself."""

from __future__ import annotations

import io
from collections.abc import Sequence

from assistant.citations import source_name
from assistant.themes import Theme, ThemeMap
from assistant.types import ThemeLink
from ingest.text import one_line

NO_LINKS = "Ingen tiltak eller omtale funnet i 2022-kildene."

INTRO = (
    "Temakartet grupperer alle punktene fra de tre politiske arbeidsverkstedene i 2018 etter mening, og viser hva "
    "kunnskapsgrunnlaget fra 2022 rapporterer om hvert tema. Tallene i hakeparentes viser til kildelisten nederst. "
    "Likhetstallet (0–1) ved hver kobling sier hvor nær temaet teksten er; vurder koblingene selv."
)


def raised_phrase(theme: Theme, titles: dict[str, str]) -> str:
    """«Tatt opp i alle tre verkstedene» / «i to» / «bare i …»."""
    raised = [doc for doc, count in theme.workshops.items() if count]
    if len(raised) == len(titles) and len(titles) > 1:
        return f"Tatt opp i alle {len(titles)} verkstedene"
    if len(raised) == 1:
        return f"Bare tatt opp i «{short(titles[raised[0]])}»"
    return "Tatt opp i " + " og ".join(f"«{short(titles[d])}»" for d in raised)


LINK_CHARS = 300  # a knowledge-base passage as one line: its opening, up to a sentence end within this length


def link_line(link: ThemeLink) -> str:
    """A 2022 link as a cited line with its similarity (a measure names its service and level)."""
    where = f"{link.service}, {link.level}: " if link.service else ""
    return f"{where}{one_line(link.text, LINK_CHARS)} [{link.n}] (likhet {link.similarity:.2f})"


def link_lines(links: Sequence[ThemeLink], none: str) -> list[str]:
    """The links as Markdown bullets, or one bullet saying that there are none."""
    return [f"- {link_line(link)}" for link in links] or [f"- {none}"]


def short(title: str) -> str:
    return title.split("–")[-1].strip() or title


def to_markdown(theme_map: ThemeMap) -> str:
    titles = theme_map.workshops
    lines = ["# Temakart: de politiske arbeidsverkstedene 2018 og kunnskapsgrunnlaget 2022", "", INTRO, ""]
    lines += ["| Tema | " + " | ".join(short(t) for t in titles.values()) + " |"]
    lines += ["|---|" + "---|" * len(titles)]
    for theme in theme_map.themes:
        counts = " | ".join(str(theme.workshops.get(doc, 0)) for doc in titles)
        lines.append(f"| {theme.label} | {counts} |")
    lines.append("")
    for theme in theme_map.themes:
        lines += [f"## {theme.label}", "", f"{raised_phrase(theme, titles)} ({len(theme.points)} punkter).", ""]
        lines.append("**Typiske punkter:**")
        lines += [f"- {p.text} [{p.n}]" for p in theme.representative]
        rest = [p for p in theme.points if p not in theme.representative]
        if rest:
            lines += ["", "**Øvrige punkter:**"]
            lines += [f"- {p.text} ({short(titles[p.document])}) [{p.n}]" for p in rest]
        lines += ["", "**I 2022-kildene:**", *link_lines(theme.links, NO_LINKS), ""]
    if theme_map.gaps:
        labels = {t.id: t.label for t in theme_map.themes}
        lines += ["## Tema uten treff i 2022-kildene", ""]
        lines += [f"- {labels[g]}" for g in theme_map.gaps]
        lines.append("")
    lines += ["## Kilder", ""]
    lines += [f"{c.n}. {source_name(c)} › {c.section}" for c in theme_map.citations]
    return "\n".join(lines) + "\n"


def to_docx(theme_map: ThemeMap) -> bytes:
    """The same content as the Markdown, as a Word document."""
    from docx import Document

    titles = theme_map.workshops
    doc = Document()
    doc.core_properties.language = "nb-NO"
    doc.add_heading("Temakart: de politiske arbeidsverkstedene 2018 og kunnskapsgrunnlaget 2022", level=1)
    doc.add_paragraph(INTRO)
    table = doc.add_table(rows=1, cols=1 + len(titles))
    table.style = "Table Grid"
    header = table.rows[0].cells
    header[0].text = "Tema"
    for cell, title in zip(header[1:], titles.values(), strict=True):
        cell.text = short(title)
    for theme in theme_map.themes:
        cells = table.add_row().cells
        cells[0].text = theme.label
        for cell, doc_id in zip(cells[1:], titles, strict=True):
            cell.text = str(theme.workshops.get(doc_id, 0))
    for theme in theme_map.themes:
        doc.add_heading(theme.label, level=2)
        doc.add_paragraph(f"{raised_phrase(theme, titles)} ({len(theme.points)} punkter).")
        doc.add_paragraph("Typiske punkter:").runs[0].bold = True
        for p in theme.representative:
            doc.add_paragraph(f"{p.text} [{p.n}]", style="List Bullet")
        rest = [p for p in theme.points if p not in theme.representative]
        if rest:
            doc.add_paragraph("Øvrige punkter:").runs[0].bold = True
            for p in rest:
                doc.add_paragraph(f"{p.text} ({short(titles[p.document])}) [{p.n}]", style="List Bullet")
        doc.add_paragraph("I 2022-kildene:").runs[0].bold = True
        for line in [link_line(link) for link in theme.links] or [NO_LINKS]:
            doc.add_paragraph(line, style="List Bullet")
    doc.add_heading("Kilder", level=2)
    for c in theme_map.citations:
        doc.add_paragraph(f"{source_name(c)} › {c.section}", style="List Number")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
