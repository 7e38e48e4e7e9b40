"""Reading the corpus folder: manifest.toml + text files, validated before anything is indexed."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from ingest.errors import CorpusError
from ingest.records import DocumentKind, DocumentMeta

MANIFEST = "manifest.toml"


@dataclass(frozen=True)
class CorpusDocument:
    meta: DocumentMeta
    text: str
    sha256: str


def read_manifest(corpus_dir: Path) -> list[DocumentMeta]:
    path = corpus_dir / MANIFEST
    if not path.is_file():
        raise CorpusError(f"{path}: the corpus manifest is missing. Create it with one [[documents]] entry per file.")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: not valid TOML ({exc}).") from exc
    entries = data.get("documents")
    if not isinstance(entries, list) or not entries:
        raise CorpusError(f"{path}: no [[documents]] entries.")
    metas: list[DocumentMeta] = []
    seen: set[str] = set()
    kinds = ", ".join(k.value for k in DocumentKind)
    for number, entry in enumerate(entries, start=1):
        name = entry.get("file") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name:
            raise CorpusError(f"{path}: entry {number} has no 'file'.")
        if name in seen:
            raise CorpusError(f"{path}: '{name}' is listed twice.")
        if "/" in name or "\\" in name or name.startswith(".") or Path(name).name != name:
            raise CorpusError(
                f"{path}: '{name}' is not a file name in the corpus folder. Put the file in {path.parent} "
                "and list it by its name alone."
            )
        seen.add(name)
        try:
            metas.append(
                DocumentMeta(
                    doc_id=name,
                    title=entry.get("title", ""),
                    kind=entry.get("kind", ""),
                    date=str(entry.get("date", "")),
                    theme=entry.get("theme", ""),
                )
            )
        except ValidationError as exc:
            raise CorpusError(
                f"{path}: entry for '{name}' is invalid (kind must be one of {kinds}; {exc.errors()[0]['msg']})."
            ) from exc
        if not metas[-1].title:
            raise CorpusError(f"{path}: entry for '{name}' has no title.")
    return metas


def read_text(path: Path) -> tuple[str, str]:
    """(text, sha256 of the bytes); CorpusError for a missing, empty, binary or non-UTF-8 file."""
    if not path.is_file():
        raise CorpusError(f"{path.name}: listed in {MANIFEST} but the file does not exist in {path.parent}.")
    data = path.read_bytes()
    if b"\x00" in data:
        raise CorpusError(
            f"{path.name}: looks like a binary file (it contains NUL bytes); convert it to plain UTF-8 text."
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{path.name}: not valid UTF-8 (byte {exc.start}: {data[exc.start : exc.start + 1]!r}); save it as UTF-8."
        ) from exc
    if not text.strip():
        raise CorpusError(f"{path.name}: the file is empty.")
    return text, hashlib.sha256(data).hexdigest()


def load_corpus(corpus_dir: Path) -> list[CorpusDocument]:
    """All documents of the manifest, validated; nothing is returned unless everything is usable."""
    metas = read_manifest(corpus_dir)
    listed = {m.doc_id for m in metas}
    unlisted = sorted(p.name for p in corpus_dir.glob("*.txt") if p.name not in listed)
    if unlisted:
        raise CorpusError(
            f"{unlisted[0]}: a text file in {corpus_dir} that {MANIFEST} does not list; add an entry for it."
        )
    documents = []
    for meta in metas:
        text, digest = read_text(corpus_dir / meta.doc_id)
        documents.append(CorpusDocument(meta, text, digest))
    return documents
