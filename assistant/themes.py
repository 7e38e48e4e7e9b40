"""The planners' theme map: every point of the three 2018 workshops grouped into themes by meaning, each theme
labelled from its own most characteristic words, with which workshops raised it, and what the 2022 knowledge
base reports against it (cited, with its similarity), or that it reports nothing (the gap list).

Points are the workshops' own bullets and answer lines (participant lists left out), each cited to its node.
They are embedded as queries (the e5 way for symmetric similarity). e5's vectors all lie in a narrow cone
(cosines 0.75–0.95), so they are centred (the mean vector subtracted) before use. Points are clustered
agglomeratively (cosine, average linkage) on the centred vectors joined with TF-IDF over character 3–5-grams
within words (equal weight); the distance threshold is a setting tuned by B-cubed F1 against hand-labelled themes
on the dev split (`eval/datasets/themes.jsonl`, `python -m eval.themes`). Measured on dev: B-cubed F1 0.35 for raw
e5 vectors, 0.34 centred, 0.42 centred with TF-IDF over stems, 0.45 with character n-grams. A theme's 2022
links are the knowledge-base passages, each scored by its sentence nearest the theme, and the Vedlegg 2 rows nearest
to it: nearness is the cosine to the theme's centroid (both sides centred) blended with the cosine of character
n-grams (`link_word_weight`), above a threshold tuned with it against judged links (`eval/datasets/theme_links.jsonl`);
each link carries that nearness, so a planner can judge it. Dev link recall: 0.29 comparing whole passages (three),
0.47 by their nearest sentence (six), 0.65 with shared words, 0.71 with headings left out (test 0.22, 0.30, 0.30,
0.39). Clustering features measured on dev
and not kept (B-cubed F1 0.33–0.45, none above the 0.45 kept): whole stems added to the n-grams, similarity to the
corpus's sentences (second order), the workshop heading's vector, stop words removed, other weights.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from assistant.types import Citation, ThemeLink
from assistant.vectors import unit_rows
from index.reader import KnowledgeIndex
from ingest.records import DocumentKind, Node, NodeKind
from ingest.text import answer_units

EmbedMany = Callable[[Sequence[str]], Sequence[Sequence[float]]]
Analyze = Callable[[str], list[str]]

# Headings of participant lists and place sub-headings: names, not points.
_NOT_POINTS = re.compile(
    r"medlemmer|fagpersoner|tillitsvalgte|verneombud|^\s*(drammen|nedre eiker|svelvik)\s*:?\s*$", re.I
)
_WORD = re.compile(r"[a-zæøåé]{4,}", re.I)
REPRESENTATIVE = 3
LINKS_PER_KIND = 3  # catalog rows per theme
PROSE_LINKS = 6  # knowledge-base passages per theme (dev: link recall 0.29 -> 0.47 with 3 -> 6 and sentences)
LABEL_WORDS = 3
MIN_LINK_WORDS = 6  # a shorter prose sentence is a heading or a fragment («Barnevern», «På lag med frivilligheten»)


@dataclass(frozen=True)
class WorkshopPoint:
    text: str
    document: str
    heading: str
    node_id: str


@dataclass(frozen=True)
class LinkTarget:
    """A sentence of a 2022 prose passage, or a whole Vedlegg 2 row, that a theme can link to."""

    node_id: str
    text: str
    row: bool


class ThemePoint(BaseModel):
    text: str
    node_id: str = ""
    document: str
    heading: str = Field(description="The workshop question or heading the point answers.")
    n: int = Field(description="Citation number in the theme map's source list.")


class Theme(BaseModel):
    id: str
    label: str = Field(description="The theme's most characteristic words.")
    workshops: dict[str, int] = Field(description="Points per workshop (document id → count).")
    raised_in: int = Field(description="How many of the workshops raised it.")
    representative: list[ThemePoint] = Field(description="The points nearest the theme's centre.")
    points: list[ThemePoint]
    links: list[ThemeLink] = Field(default_factory=list, description="What the 2022 sources report against it.")


class ThemeMap(BaseModel):
    workshops: dict[str, str] = Field(description="Workshop document id → title, in date order.")
    themes: list[Theme]
    gaps: list[str] = Field(default_factory=list, description="Themes for which no 2022 link was found (their ids).")
    citations: list[Citation] = Field(default_factory=list)
    distance_threshold: float
    min_link_similarity: float
    degraded: bool = Field(default=False, description="Always false: the map uses the index's own vectors.")
    latency_ms: float = 0.0


def workshop_points(index: KnowledgeIndex) -> list[WorkshopPoint]:
    """Every point of every workshop report, in document and reading order (participant lists left out)."""
    workshops = sorted(
        (d for d in index.documents.values() if d.kind == DocumentKind.WORKSHOP_REPORT), key=lambda d: d.date
    )
    points: list[WorkshopPoint] = []
    for doc in workshops:
        for node in point_nodes(index, doc.doc_id):
            heading = node.section_path[-1] if node.section_path else ""
            for text in answer_units(node.text, node.kind.value):
                if len(_WORD.findall(text)) >= 1:
                    points.append(WorkshopPoint(text.strip(), doc.doc_id, heading, node.node_id))
    return points


def point_nodes(index: KnowledgeIndex, doc_id: str) -> list[Node]:
    """A workshop report's nodes that hold its points, in reading order: its prose, without its card (what the
    report is, not what the workshop said) and without the participant lists (names, not points)."""
    return sorted(
        (
            n
            for n in index.nodes.values()
            if n.doc_id == doc_id
            and n.kind == NodeKind.PROSE
            and n.node_id not in index.card_ids
            and not _NOT_POINTS.search(n.section_path[-1] if n.section_path else "")
        ),
        key=lambda n: n.position,
    )


def cluster(vectors: np.ndarray, distance_threshold: float) -> list[int]:
    """Agglomerative clusters (cosine distance, average linkage) cut at the threshold; a label per vector."""
    from sklearn.cluster import AgglomerativeClustering

    if len(vectors) < 2:
        return [0] * len(vectors)
    model = AgglomerativeClustering(
        n_clusters=None, distance_threshold=distance_threshold, metric="cosine", linkage="average"
    )
    return [int(label) for label in model.fit_predict(vectors)]


def point_key(document: str, text: str) -> tuple[str, str]:
    """A workshop point's key: its document and its text, spacing and case aside."""
    return document, flat_text(text)


def flat_text(text: str) -> str:
    return " ".join(text.split()).casefold()


def char_ngrams(texts: Sequence[str]) -> Any:
    """TF-IDF (sublinear, unit rows) over the texts' character 3–5-grams within words, casefolded, n-grams in two
    texts or more: a sparse matrix (the 2022 sentences' is ~18 000 columns wide)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    ngrams = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2, dtype=np.float32)
    return ngrams.fit_transform([t.casefold() for t in texts]).tocsr()


def label_words(groups: Sequence[Sequence[str]], analyze: Analyze, top: int = LABEL_WORDS) -> list[str]:
    """Per group, its most characteristic words: frequency in the group times rarity across groups (c-TF-IDF),
    counted by stem and shown in the group's most common spelling."""
    stem_of: dict[str, str] = {}
    per_group: list[Counter[str]] = []
    spellings: list[dict[str, Counter[str]]] = []
    for texts in groups:
        counts: Counter[str] = Counter()
        spelled: dict[str, Counter[str]] = {}
        for text in texts:
            for word in {w.casefold() for w in _WORD.findall(text)}:
                stem = stem_of.setdefault(word, (analyze(word) or [""])[0])
                if stem:
                    counts[stem] += 1
                    spelled.setdefault(stem, Counter())[word] += 1
        per_group.append(counts)
        spellings.append(spelled)
    df = Counter(stem for counts in per_group for stem in counts)
    labels = []
    for counts, spelled in zip(per_group, spellings, strict=True):
        ranked = sorted(counts, key=lambda s: (-counts[s] * math.log(1 + len(groups) / df[s]), s))
        labels.append(", ".join(spelled[s].most_common(1)[0][0] for s in ranked[:top]))
    return labels


class ThemeMapper:
    """Builds the theme map of an index generation (once; the vectors come through `embed_many`)."""

    def __init__(
        self,
        index: KnowledgeIndex,
        embed_many: EmbedMany,
        distance_threshold: float,
        min_link_similarity: float,
        link_word_weight: float = 0.0,
    ) -> None:
        self.index = index
        self.distance_threshold = distance_threshold
        self.min_link_similarity = min_link_similarity
        self.link_word_weight = link_word_weight
        self.points = workshop_points(index)
        raw = np.array(embed_many([p.text for p in self.points]), dtype=np.float32)
        self.vectors = unit_rows(raw - raw.mean(axis=0)) if len(raw) > 1 else unit_rows(raw)
        self.features = self._features()
        self._targets = self._link_targets()
        self._target_words, self._point_words = self._link_words()
        self._measures = {m.node_id: m for m in index.catalog if m.appendix == "Vedlegg 2"}

    def _features(self) -> np.ndarray:
        """Centred vectors and TF-IDF over character 3–5-grams within words, equally weighted, for clustering.
        The n-grams see the parts of Norwegian compounds («lavterskeltilbud» and «lav terskel»,
        «foreldreveiledning» and «veiledning av foreldre»), which whole stems do not."""
        if len(self.points) < 2:
            return self.vectors
        words = unit_rows(char_ngrams([p.text for p in self.points]).toarray())
        return unit_rows(np.hstack([math.sqrt(0.5) * self.vectors, math.sqrt(0.5) * words]))

    def _link_targets(self) -> tuple[list[LinkTarget], np.ndarray]:
        """What a theme can link to: each sentence of the knowledge base's prose passages (its stored unit vector;
        a passage without them counts as one sentence, with its own vector) and each Vedlegg 2 row, with their
        vectors centred together."""
        targets: list[LinkTarget] = []
        vectors: list[np.ndarray] = []
        nodes = [
            n
            for n in self.index.nodes.values()
            if self.index.documents.get(n.doc_id) is not None
            and self.index.documents[n.doc_id].kind == DocumentKind.KNOWLEDGE_BASE
            and n.node_id not in self.index.card_ids
            and (n.kind == NodeKind.PROSE or n.metadata.get("appendix") == "Vedlegg 2")
        ]
        stored = self.index.vectors([n.node_id for n in nodes])
        for node in nodes:
            row = node.kind == NodeKind.TABLE_ROW
            units = [] if row else answer_units(node.text, node.kind.value)
            with_vectors = [(u, v) for u in units if (v := self.index.unit_vector(u)) is not None]
            if with_vectors:
                for unit, vector in with_vectors:
                    targets.append(LinkTarget(node.node_id, unit, row=False))
                    vectors.append(np.asarray(vector, dtype=np.float32))
            elif node.node_id in stored:
                targets.append(LinkTarget(node.node_id, node.text, row=row))
                vectors.append(np.asarray(stored[node.node_id], dtype=np.float32))
        if not targets:
            return targets, np.zeros((0, 1), dtype=np.float32)
        matrix = unit_rows(np.array(vectors, dtype=np.float32))
        return targets, unit_rows(matrix - matrix.mean(axis=0))

    def _link_words(self) -> tuple[Any, Any]:
        """Character n-grams of the link targets and of the workshop points (sparse, unit rows): the words a theme
        and a 2022 sentence share, compound parts included («lavterskeltilbud» and «lavterskelarenaer»,
        «frivillige» and «frivilligheten»)."""
        targets, _ = self._targets
        if not targets or not self.points:
            return np.zeros((len(targets), 1), dtype=np.float32), np.zeros((len(self.points), 1), dtype=np.float32)
        words = char_ngrams([t.text for t in targets] + [p.text for p in self.points])
        return words[: len(targets)], words[len(targets) :]

    def links(self, members: Sequence[int]) -> list[tuple[LinkTarget, float]]:
        """The 2022 passages and rows nearest a theme (its points `members`), above the threshold."""
        return self.nearest(self.link_scores(members))

    def link_scores(self, members: Sequence[int]) -> np.ndarray:
        """Each link target's nearness to a theme: the cosine to its points' centroid, blended with the cosine of
        their summed character n-grams to the target's (`link_word_weight`; dev link recall 0.47 -> 0.65 at 0.8):
        by meaning alone «frivillighet» is as near any sentence on cooperation as one on volunteers."""
        targets, matrix = self._targets
        if not targets or not len(members):
            return np.zeros(len(targets), dtype=np.float32)
        centroid = self.vectors[list(members)].mean(axis=0)
        sims = matrix @ (centroid / (np.linalg.norm(centroid) or 1.0))
        if self.link_word_weight <= 0.0:
            return np.asarray(sims, dtype=np.float32)
        words = np.asarray(self._point_words[list(members)].sum(axis=0), dtype=np.float32).ravel()
        lexical = np.asarray(self._target_words @ (words / (np.linalg.norm(words) or 1.0))).ravel()
        return np.asarray((1.0 - self.link_word_weight) * sims + self.link_word_weight * lexical, dtype=np.float32)

    def nearest(self, scores: np.ndarray) -> list[tuple[LinkTarget, float]]:
        """The targets scored highest, above the threshold, most similar first: at most LINKS_PER_KIND rows and
        PROSE_LINKS passages, a passage scored and shown by its sentence nearest the theme (a passage's whole
        vector blurs the one sentence that addresses it), each text once, no prose sentence under MIN_LINK_WORDS
        words (dev link recall 0.65 -> 0.71: headings no longer take a passage's place)."""
        targets, _ = self._targets
        chosen: list[tuple[LinkTarget, float]] = []
        seen: set[str] = set()  # node ids and texts: two passages or rows may say the same
        taken = {False: 0, True: 0}
        cap = {False: PROSE_LINKS, True: LINKS_PER_KIND}
        for i in np.argsort(-scores, kind="stable"):
            if float(scores[i]) < self.min_link_similarity:
                break
            target = targets[i]
            text = flat_text(target.text)
            if target.node_id in seen or text in seen or taken[target.row] >= cap[target.row]:
                continue
            if not target.row and len(re.findall(r"\w+", target.text)) < MIN_LINK_WORDS:
                continue
            seen.update((target.node_id, text))
            taken[target.row] += 1
            chosen.append((target, float(scores[i])))
        return chosen

    def theme_links(
        self, members: Sequence[int], cite: Callable[[str], int], limit: int | None = None
    ) -> list[ThemeLink]:
        """The links of the points `members` (at most `limit`, nearest first), as cited ThemeLinks (a Vedlegg 2 row
        by its measure and service)."""
        links = []
        for target, similarity in self.links(members)[:limit]:
            measure = self._measures.get(target.node_id)
            links.append(
                ThemeLink(
                    kind="measure" if measure is not None else "knowledge_base",
                    text=measure.measure if measure is not None else target.text,
                    node_id=target.node_id,
                    service=measure.service if measure is not None else "",
                    level=measure.level.value if measure is not None and measure.level else "",
                    similarity=round(similarity, 3),
                    n=cite(target.node_id),
                )
            )
        return links

    def point_indices(self, points: Sequence[tuple[str, str]]) -> list[int]:
        """The indices of the given (document, text) points among the map's points (unknown ones left out)."""
        where = {point_key(p.document, p.text): i for i, p in enumerate(self.points)}
        found = (where.get(point_key(document, text)) for document, text in points)
        return sorted({i for i in found if i is not None})

    def labels(self) -> list[int]:
        return cluster(self.features, self.distance_threshold)

    def build(self) -> ThemeMap:
        assignment = self.labels()
        members: dict[int, list[int]] = {}
        for i, label in enumerate(assignment):
            members.setdefault(label, []).append(i)
        groups = sorted(members.values(), key=lambda g: (-len({self.points[i].document for i in g}), -len(g), g[0]))
        names = label_words([[self.points[i].text for i in g] for g in groups], self.index.lexical.analyzer.terms)
        workshops = {
            d.doc_id: d.title
            for d in sorted(self.index.documents.values(), key=lambda d: d.date)
            if d.kind == DocumentKind.WORKSHOP_REPORT
        }
        sources: dict[str, int] = {}
        citations: list[Citation] = []

        def cite(node_id: str) -> int:
            if node_id not in sources:
                node = self.index.nodes[node_id]
                sources[node_id] = len(sources) + 1
                citations.append(
                    Citation(
                        n=sources[node_id],
                        node_id=node_id,
                        document=node.doc_id,
                        title=self.index.title(node.doc_id),
                        date=self.index.date(node.doc_id),
                        section=node.section,
                        text=node.text,
                    )
                )
            return sources[node_id]

        themes: list[Theme] = []
        for number, (group, name) in enumerate(zip(groups, names, strict=True), start=1):
            centroid = self.vectors[group].mean(axis=0)
            order = sorted(group, key=lambda i: -float(self.vectors[i] @ centroid))
            counts = Counter(self.points[i].document for i in group)

            def point(i: int) -> ThemePoint:
                p = self.points[i]
                return ThemePoint(
                    text=p.text, node_id=p.node_id, document=p.document, heading=p.heading, n=cite(p.node_id)
                )

            links = self.theme_links(group, cite)
            themes.append(
                Theme(
                    id=f"tema-{number:02d}",
                    label=name,
                    workshops={doc: counts.get(doc, 0) for doc in workshops},
                    raised_in=len(counts),
                    representative=[point(i) for i in order[:REPRESENTATIVE]],
                    points=[point(i) for i in sorted(group)],
                    links=links,
                )
            )
        return ThemeMap(
            workshops=workshops,
            themes=themes,
            gaps=[t.id for t in themes if not t.links and len(t.points) > 1],
            citations=citations,
            distance_threshold=self.distance_threshold,
            min_link_similarity=self.min_link_similarity,
        )
