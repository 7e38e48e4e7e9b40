"""Stable ids: the document id is the file name; a node id hashes document id + position + text."""

from __future__ import annotations

import hashlib


def node_id(doc_id: str, position: int, text: str) -> str:
    """Same document, position and text → the same id, on every run and machine."""
    return hashlib.sha256(f"{doc_id}\x1f{position}\x1f{text}".encode()).hexdigest()[:16]
