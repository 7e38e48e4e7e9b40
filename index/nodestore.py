"""Files of one index generation: nodes, document metadata, catalog, the lexical index, node vectors,
the vectors of the answer units (sentences, bullets, rows) the extractive composer selects from, and the
workshop points embedded as queries (the theme map clusters them: e5 wants the query prefix for symmetric
similarity), so nothing derived from a generation needs the embedder at query time.

The node vectors are a copy of what Chroma holds, kept with the generation so that what is derived from
them (the service finder's rows and profiles, the safety check) never depends on the vector store being up.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from index.lexical import LexicalIndex
from ingest.records import DocumentMeta, Node, ParsedDocument, ServiceMeasure

NODES_FILE = "nodes.jsonl"
DOCUMENTS_FILE = "documents.json"
CATALOG_FILE = "catalog.json"
LEXICAL_DIR = "lexical"
VECTORS_FILE = "vectors.npy"
VECTOR_IDS_FILE = "vector-ids.json"
UNIT_VECTORS_FILE = "unit-vectors.npy"
UNIT_TEXTS_FILE = "unit-texts.json"
POINT_VECTORS_FILE = "point-vectors.npy"
POINT_TEXTS_FILE = "point-texts.json"


def write_generation(
    directory: Path,
    parsed: list[ParsedDocument],
    lexical: LexicalIndex,
    vectors: Mapping[str, Sequence[float]] | None = None,
    unit_vectors: Mapping[str, Sequence[float]] | None = None,
    point_vectors: Mapping[str, Sequence[float]] | None = None,
) -> None:
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
    if vectors:
        ids = list(vectors)
        np.save(directory / VECTORS_FILE, np.asarray([vectors[i] for i in ids], dtype=np.float32))
        (directory / VECTOR_IDS_FILE).write_text(json.dumps(ids), encoding="utf-8")
    _write_text_vectors(directory, unit_vectors, UNIT_VECTORS_FILE, UNIT_TEXTS_FILE)
    _write_text_vectors(directory, point_vectors, POINT_VECTORS_FILE, POINT_TEXTS_FILE)


def _write_text_vectors(
    directory: Path, vectors: Mapping[str, Sequence[float]] | None, vectors_file: str, texts_file: str
) -> None:
    if vectors:
        texts = list(vectors)
        np.save(directory / vectors_file, np.asarray([vectors[t] for t in texts], dtype=np.float32))
        (directory / texts_file).write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")


def _read_text_vectors(directory: Path, vectors_file: str, texts_file: str) -> dict[str, np.ndarray]:
    texts_path = directory / texts_file
    if not texts_path.is_file() or not (directory / vectors_file).is_file():
        return {}
    texts = json.loads(texts_path.read_text(encoding="utf-8"))
    matrix = np.load(directory / vectors_file)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix = matrix / np.where(norms == 0, 1.0, norms)
    return dict(zip(texts, matrix, strict=True))


def stored_texts(directory: Path) -> tuple[set[str], set[str]] | None:
    """(answer unit texts, workshop point texts) a generation holds vectors for; None when it lacks either file."""
    paths = [directory / f for f in (UNIT_TEXTS_FILE, POINT_TEXTS_FILE, UNIT_VECTORS_FILE, POINT_VECTORS_FILE)]
    if not all(p.is_file() for p in paths):
        return None
    units, points = (set(json.loads(p.read_text(encoding="utf-8"))) for p in paths[:2])
    return units, points


def read_unit_vectors(directory: Path) -> dict[str, np.ndarray]:
    """Answer unit text → its unit-length vector; empty for a generation written without them."""
    return _read_text_vectors(directory, UNIT_VECTORS_FILE, UNIT_TEXTS_FILE)


def read_point_vectors(directory: Path) -> dict[str, np.ndarray]:
    """Workshop point text → its unit-length query vector; empty for a generation written without them."""
    return _read_text_vectors(directory, POINT_VECTORS_FILE, POINT_TEXTS_FILE)


def read_vector_matrix(directory: Path) -> tuple[dict[str, int], np.ndarray] | None:
    """(node id → row, matrix) of the generation's node vectors; None for a generation written without them."""
    ids_path = directory / VECTOR_IDS_FILE
    if not ids_path.is_file() or not (directory / VECTORS_FILE).is_file():
        return None
    ids = json.loads(ids_path.read_text(encoding="utf-8"))
    return {nid: i for i, nid in enumerate(ids)}, np.load(directory / VECTORS_FILE, mmap_mode="r")


def read_vectors(directory: Path, wanted: set[str] | None = None) -> dict[str, list[float]]:
    """The generation's node vectors (all, or those in `wanted`); empty for a generation written without them."""
    found = read_vector_matrix(directory)
    if found is None:
        return {}
    rows, matrix = found
    return {nid: matrix[i].tolist() for nid, i in rows.items() if wanted is None or nid in wanted}


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
