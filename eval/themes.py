"""Scoring the theme map against hand-labelled themes and judged 2018 → 2022 links.

    .venv/bin/python -m eval.themes [--split dev|test] [--tune | --compare]

Clustering: B-cubed precision and recall over the labelled points of the split's themes (each point's
predicted cluster against its gold theme; points outside the labels take part in the clustering but are not
scored). Links: for each gold theme of the split, the linker's links from the centroid of its labelled points;
a gold link is found when a linked passage contains its text. Precision is against the judged links only, so it
is a lower bound (an unjudged link may well be right). `--tune` prints both over a grid, on the split given.
`--compare` prints the clustering of other feature sets and linkages, each cut at the threshold best on dev, on dev
and test (session 22: dev F1 0.31–0.45, test 0.38–0.60; the map's own is the best on both).
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.themes import ThemeMapper

DATASETS = Path(__file__).resolve().parent / "datasets"
THEMES = DATASETS / "themes.jsonl"
LINKS = DATASETS / "theme_links.jsonl"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("**", "")).strip().casefold()


def load(path: Path, split: str | None = None) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split is None or r.get("split", split) == split]


def bcubed(predicted: Sequence[int], gold: Sequence[str]) -> tuple[float, float]:
    """B-cubed (precision, recall): per item, the share of its predicted cluster with its gold label, and the
    share of its gold class in its predicted cluster; averaged over items."""
    n = len(gold)
    if n == 0:
        return 0.0, 0.0
    precision = recall = 0.0
    for i in range(n):
        same_pred = [j for j in range(n) if predicted[j] == predicted[i]]
        same_gold = [j for j in range(n) if gold[j] == gold[i]]
        both = sum(1 for j in same_pred if gold[j] == gold[i])
        precision += both / len(same_pred)
        recall += both / len(same_gold)
    return precision / n, recall / n


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def gold_indices(mapper: ThemeMapper, themes: list[dict[str, Any]]) -> tuple[list[int], list[str]]:
    """Indices of the mapper's points that are labelled in these themes, and their gold theme ids."""
    where = {(p.document, _norm(p.text)): i for i, p in enumerate(mapper.points)}
    indices, labels = [], []
    for theme in themes:
        for point in theme["points"]:
            i = where.get((point["document"], _norm(point["text"])))
            if i is not None:
                indices.append(i)
                labels.append(theme["id"])
    return indices, labels


def clustering_scores(mapper: ThemeMapper, themes: list[dict[str, Any]]) -> dict[str, float]:
    indices, labels = gold_indices(mapper, themes)
    assignment = mapper.labels()
    precision, recall = bcubed([assignment[i] for i in indices], labels)
    clusters = len(set(assignment))
    return {
        "points": len(indices),
        "precision": precision,
        "recall": recall,
        "f1": f1(precision, recall),
        "themes": clusters,
    }


def link_scores(mapper: ThemeMapper, themes: list[dict[str, Any]], links: list[dict[str, Any]]) -> dict[str, float]:
    indices_by_theme: dict[str, list[int]] = {}
    idx, labels = gold_indices(mapper, themes)
    for i, label in zip(idx, labels, strict=True):
        indices_by_theme.setdefault(label, []).append(i)
    gold = [link for link in links if link["theme"] in indices_by_theme]
    found = predicted = correct = 0
    for theme_id, members in indices_by_theme.items():
        linked = [mapper.index.nodes[t.node_id].text for t, _ in mapper.links(members)]
        wanted = [_norm(g["text"]) for g in gold if g["theme"] == theme_id]
        predicted += len(linked)
        correct += sum(1 for text in linked if any(w in _norm(text) for w in wanted))
        found += sum(1 for w in wanted if any(w in _norm(text) for text in linked))
    return {
        "gold": len(gold),
        "recall": found / len(gold) if gold else 0.0,
        "precision_lower_bound": correct / predicted if predicted else 0.0,
        "links": predicted,
    }


def evaluate(mapper: ThemeMapper, split: str | None) -> dict[str, Any]:
    themes = load(THEMES, split)
    ids = {t["id"] for t in themes}
    links = [link for link in load(LINKS) if link["theme"] in ids]
    return {"clustering": clustering_scores(mapper, themes), "links": link_scores(mapper, themes, links)}


def feature_sets(mapper: ThemeMapper) -> dict[str, np.ndarray]:
    """The map's clustering features and the alternatives `--compare` measures against them."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from assistant.themes import char_ngrams
    from assistant.vectors import unit_rows

    texts = [p.text for p in mapper.points]
    analyze = mapper.index.lexical.analyzer.terms
    stems = TfidfVectorizer(analyzer=analyze, sublinear_tf=True, min_df=2).fit_transform(texts).toarray()
    ngrams = char_ngrams(texts).toarray()
    half = float(np.sqrt(0.5))
    return {
        "map (e5 centred + character n-grams)": mapper.features,
        "e5 centred": mapper.vectors,
        "character n-grams": unit_rows(ngrams),
        "e5 centred + stems and compound parts": unit_rows(np.hstack([half * mapper.vectors, half * unit_rows(stems)])),
    }


def compare(mapper: ThemeMapper) -> None:
    """Each feature set and linkage cut at its best dev threshold (B-cubed F1), scored on dev and test."""
    from sklearn.cluster import AgglomerativeClustering

    splits = {name: gold_indices(mapper, load(THEMES, name)) for name in ("dev", "test")}

    def scores(labels: Sequence[int], split: str) -> tuple[float, float, float]:
        indices, gold = splits[split]
        precision, recall = bcubed([labels[i] for i in indices], gold)
        return precision, recall, f1(precision, recall)

    for name, features in feature_sets(mapper).items():
        for linkage in ("average", "complete"):
            best: tuple[float, float, list[int]] = (-1.0, 0.0, [])
            for threshold in np.arange(0.60, 1.20, 0.025):
                model = AgglomerativeClustering(
                    n_clusters=None, distance_threshold=float(threshold), metric="cosine", linkage=linkage
                )
                labels = [int(x) for x in model.fit_predict(features)]
                dev_f1 = scores(labels, "dev")[2]
                if dev_f1 > best[0]:
                    best = (dev_f1, float(threshold), labels)
            _, threshold, labels = best
            dev, test = scores(labels, "dev"), scores(labels, "test")
            print(
                f"{name:42} {linkage:8} cut {threshold:.3f} themes {len(set(labels)):3}  "
                f"dev P/R/F1 {dev[0]:.3f}/{dev[1]:.3f}/{dev[2]:.3f}  test {test[0]:.3f}/{test[1]:.3f}/{test[2]:.3f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["dev", "test", "all"], default="dev")
    parser.add_argument("--tune", action="store_true")
    parser.add_argument("--compare", action="store_true", help="other clustering features and linkages")
    args = parser.parse_args()
    from assistant.settings import load_settings
    from assistant.wiring import build_assistant, resolve_paths

    assistant = build_assistant(resolve_paths(load_settings()))
    mapper = assistant.theme_mapper()
    split = None if args.split == "all" else args.split
    if args.compare:
        compare(mapper)
        return
    if not args.tune:
        print(json.dumps(evaluate(mapper, split), indent=1))
        return
    for threshold in np.arange(0.80, 1.10, 0.025):
        mapper.distance_threshold = float(threshold)
        print(
            f"distance {threshold:.2f}",
            {k: round(v, 3) for k, v in clustering_scores(mapper, load(THEMES, split)).items()},
        )
    ids = {t["id"] for t in load(THEMES, split)}
    links = [g for g in load(LINKS) if g["theme"] in ids]
    for weight in np.arange(0.0, 1.01, 0.1):
        mapper.link_word_weight = float(weight)
        for similarity in np.arange(0.10, 0.40, 0.02):
            mapper.min_link_similarity = float(similarity)
            scores = link_scores(mapper, load(THEMES, split), links)
            print(f"words {weight:.1f} similarity {similarity:.2f}", {k: round(v, 3) for k, v in scores.items()})


if __name__ == "__main__":
    main()
