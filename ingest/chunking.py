"""Prose chunking within one section: whole paragraphs and bullets, split at sentences only if needed."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from ingest.config import ChunkingConfig
from ingest.structure import Block
from ingest.text import split_sentences


def block_units(blocks: Sequence[Block]) -> list[str]:
    """Lines of text: a paragraph as written, a bullet as `- item`."""
    units: list[str] = []
    for block in blocks:
        for line in block.lines:
            units.append(f"- {line}" if block.kind == "bullet" else line)
    return units


def split_long(unit: str, max_chars: int) -> list[str]:
    """A paragraph longer than max_chars, cut at sentence boundaries (words if it must)."""
    if len(unit) <= max_chars:
        return [unit]
    pieces: list[str] = []
    current = ""
    for sentence in split_sentences(unit):
        while len(sentence) > max_chars:  # one enormous sentence: cut at a space
            cut = sentence.rfind(" ", 0, max_chars)
            cut = cut if cut > max_chars // 2 else max_chars
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if current and len(current) + 1 + len(sentence) > max_chars:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return pieces


def chunk_units(units: Sequence[str], config: ChunkingConfig) -> list[str]:
    """Pack units into chunks of at most max_chars; an intro line ending in ':' keeps its bullets."""
    pieces = [p for u in units for p in split_long(u, config.max_chars)]
    chunks: list[list[str]] = []
    size = 0
    for piece in pieces:
        intro_pending = bool(chunks) and chunks[-1][-1].endswith(":") and piece.startswith("- ")
        if chunks and (size + len(piece) + 1 <= config.max_chars or (intro_pending and len(chunks[-1]) == 1)):
            chunks[-1].append(piece)
            size += len(piece) + 1
        elif intro_pending:  # the list's intro line moves to the new chunk with its first bullet
            intro = chunks[-1].pop()
            chunks.append([intro, piece])
            size = len(intro) + 1 + len(piece)
        else:
            chunks.append([piece])
            size = len(piece)
    texts = ["\n".join(c) for c in chunks]
    # A short tail joins the chunk before it when there is room enough.
    if (
        len(texts) > 1
        and len(texts[-1]) < config.min_chars
        and len(texts[-2]) + len(texts[-1]) < config.max_chars * 1.3
    ):
        tail = texts.pop()
        texts[-1] = f"{texts[-1]}\n{tail}"
    if config.overlap_sentences and len(texts) > 1:
        with_overlap = [texts[0]]
        for prev, text in itertools.pairwise(texts):
            tail_sentences = split_sentences(prev.splitlines()[-1])[-config.overlap_sentences :]
            with_overlap.append(" ".join(tail_sentences) + "\n" + text)
        texts = with_overlap
    return texts
