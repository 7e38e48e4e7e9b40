"""Document cards: one node per document that says what the document is — its title, kind, date and theme —
in a sentence, so that «Når ble arbeidsverkstedet om helse- og sosialpolitikk holdt?» finds and cites the
answer that otherwise only the manifest and the page header know. Built from the corpus manifest alone."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ingest.records import DocumentKind, DocumentMeta, Node

CARD_SECTION = "Om dokumentet"
SECTION_WORDS = 10  # a workshop question can run to 25 words: the card names it by its first ones
# The metadata that marks a card node (Chroma metadata is flat strings).
CARD_METADATA = {"card": "true"}
MONTHS = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)


def is_card(node: Node) -> bool:
    """The node is a document card, not the document's own text."""
    return is_card_metadata(node.metadata)


def is_card_metadata(metadata: Mapping[str, str]) -> bool:
    """The metadata (a node's, or a passage's made from it) mark a document card."""
    return metadata.get("card") == CARD_METADATA["card"]


def spoken_date(date: str) -> str:
    """`2018-06-07` → `7. juni 2018`; a year or another form as given; empty stays empty."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", date.strip())
    if not match:
        return date.strip()
    year, month, day = (int(g) for g in match.groups())
    return f"{day}. {MONTHS[month - 1]} {year}" if 1 <= month <= 12 else date


def document_card(meta: DocumentMeta, sections: Sequence[str] = ()) -> str:
    """What the document is, in a sentence (its kind, theme, date and title), then on a line of its own what it
    holds: its main sections in order (a workshop report's are the questions the workshop discussed, and who took
    part where the report lists them)."""
    when = spoken_date(meta.date)
    theme = meta.theme or meta.title
    if meta.kind == DocumentKind.WORKSHOP_REPORT:
        held = f" ble holdt {when}" if when else " er ikke datert"
        first = f"Det politiske arbeidsverkstedet om {theme} i Drammen kommune{held} (dokumentet «{meta.title}»)."
        holds = "Rapporten er ordnet etter spørsmålene og delene"
    elif meta.kind == DocumentKind.KNOWLEDGE_BASE:
        dated = f" er fra {when}" if when else " er ikke datert"
        first = f"Kunnskapsgrunnlaget om {theme} i Drammen kommune{dated} (dokumentet «{meta.title}»)."
        holds = "Kapitlene er"
    else:
        dated = f" er datert {when}" if when else " er ikke datert"
        first = f"Fagmiljøenes forslag til strategi for {theme} i Drammen kommune{dated} (dokumentet «{meta.title}»)."
        holds = "Temaene er"
    titles = list(dict.fromkeys(s for s in sections if s != CARD_SECTION))
    short = [section_title(t) for t in titles]
    # titles that open alike («Hvilke suksesskriterier mener dere må legges til grunn for at …») are shown whole
    shown = [
        t for t in (section_title(t, 60) if short.count(c) > 1 else c for t, c in zip(titles, short, strict=True)) if t
    ]
    if not shown:
        return first
    listed = ", ".join(f"«{t}»" for t in shown[:-1]) + f" og «{shown[-1]}»" if len(shown) > 1 else f"«{shown[0]}»"
    return f"{first}\n{holds} {listed}."


def section_title(title: str, words: int = SECTION_WORDS) -> str:
    """A section's title as the card lists it: without its number, in one sentence (no «.», «:» or «?» inside
    that would cut the card's line), its first words only."""
    title = re.sub(r"^\s*\d+(\.\d+)*\.?\s+", "", title)
    title = re.sub(r"\s*[.:?!]+\s*", " – ", title).strip(" –")
    parts = title.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def card_headline(text: str) -> str:
    """A card's first line: what the document is and when (its contents follow on the next)."""
    return text.split("\n", 1)[0]
