"""Document cards: one node per document that says what the document is — its title, kind, date and theme —
in a sentence, so that «Når ble arbeidsverkstedet om helse- og sosialpolitikk holdt?» finds and cites the
answer that otherwise only the manifest and the page header know. Built from the corpus manifest alone."""

from __future__ import annotations

import re

from ingest.records import DocumentKind, DocumentMeta, Node

CARD_SECTION = "Om dokumentet"
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
    return node.metadata.get("card") == CARD_METADATA["card"]


def spoken_date(date: str) -> str:
    """`2018-06-07` → `7. juni 2018`; a year or another form as given; empty stays empty."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", date.strip())
    if not match:
        return date.strip()
    year, month, day = (int(g) for g in match.groups())
    return f"{day}. {MONTHS[month - 1]} {year}" if 1 <= month <= 12 else date


def document_card(meta: DocumentMeta) -> str:
    """What the document is, in one or two sentences."""
    when = spoken_date(meta.date)
    theme = meta.theme or meta.title
    if meta.kind == DocumentKind.WORKSHOP_REPORT:
        held = f" ble holdt {when}" if when else " er ikke datert"
        return f"Det politiske arbeidsverkstedet om {theme} i Drammen kommune{held} (dokumentet «{meta.title}»)."
    if meta.kind == DocumentKind.KNOWLEDGE_BASE:
        dated = f" er fra {when}" if when else " er ikke datert"
        return f"Kunnskapsgrunnlaget om {theme} i Drammen kommune{dated} (dokumentet «{meta.title}»)."
    dated = f" er datert {when}" if when else " er ikke datert"
    return f"Fagmiljøenes forslag til strategi for {theme} i Drammen kommune{dated} (dokumentet «{meta.title}»)."
