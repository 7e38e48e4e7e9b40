"""Files of one index generation: nodes, document metadata, catalog and the lexical index."""

from __future__ import annotations

import json
from pathlib import Path

from index.lexical import LexicalIndex
from ingest.records import DocumentMeta, Node, ParsedDocument, ServiceMeasure

NODES_FILE = "nodes.jsonl"
DOCUMENTS_FILE = "documents.json"
CATALOG_FILE = "catalog.json"
LEXICAL_DIR = "lexical"


def write_generation(directory: Path, parsed: list[ParsedDocument], lexical: LexicalIndex) -> None:
    """Write a complete generation folder (a fresh folder: readers never see it half written)."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / NODES_FILE, "w", encoding="utf-8") as handle:
        for p in parsed:
            for node in p.nodes:
                handle.write(node.model_dump_json() + "\n")
    documents = [p.meta.model_dump(mode="json") for p in parsed]
    (directory / DOCUMENTS_FILE).write_text(json.dumps(documents, ensure_ascii=False, indent=1), encoding="utf-8")
    catalog = [m.model_dump(mode="json") for p in parsed for m in p.catalog]
    (directory / CATALOG_FILE).write_text(json.dumps(catalog, ensure_ascii=False, indent=1), encoding="utf-8")
    lexical.save(directory / LEXICAL_DIR)


def read_nodes(directory: Path) -> list[Node]:
    with open(directory / NODES_FILE, encoding="utf-8") as handle:
        return [Node.model_validate_json(line) for line in handle if line.strip()]


def read_documents(directory: Path) -> list[DocumentMeta]:
    data = json.loads((directory / DOCUMENTS_FILE).read_text(encoding="utf-8"))
    return [DocumentMeta.model_validate(d) for d in data]


def read_catalog(directory: Path) -> list[ServiceMeasure]:
    data = json.loads((directory / CATALOG_FILE).read_text(encoding="utf-8"))
    return [ServiceMeasure.model_validate(d) for d in data]


def read_lexical(directory: Path) -> LexicalIndex:
    return LexicalIndex.load(directory / LEXICAL_DIR)
