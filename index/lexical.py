"""Lexical retrieval: BM25 (bm25s) over Norwegian-analysed text.

The analyzer lower-cases, joins digit groups (`1 260` → `1260`), drops Norwegian stop words,
stems with the Norwegian Snowball stemmer and splits compounds against the corpus' own
vocabulary (`barnevernstjenesten` → `barnevern` + `tjenesten`), on both sides of the search.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_NORWEGIAN

_DIGIT_GROUPS = re.compile(r"(?<![\d,.])(\d{1,3})((?:[ \u00a0\u202f\u2009]\d{3})+)(?![\d])")
_TOKEN = re.compile(r"\w+", re.UNICODE)
_STOPWORDS = frozenset(w.casefold() for w in STOPWORDS_NORWEGIAN) | {
    "hva",
    "hvilke",
    "hvilken",
    "hvilket",
    "hvordan",
    "hvor",
    "hvem",
    "kan",
    "finnes",
    "gjelder",
    "sier",
}
_LINKERS = ("s", "e")
MIN_PART = 4  # shortest tail of a compound
MIN_HEAD = 3  # shortest head: "rus" in "rusbruk", "barn" in "barnehage"
MIN_COMPOUND = 7


def join_digit_groups(text: str) -> str:
    """`1 260` and `1 260` (thin/no-break space) become `1260` so numbers match however written."""
    return _DIGIT_GROUPS.sub(lambda m: m.group(1) + re.sub(r"\D", "", m.group(2)), text)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("norwegian")


SHORT_DATE_YEAR = re.compile(r"\b\d{1,2}\.\d{1,2}\.(\d{2})\b")


def raw_words(text: str) -> list[str]:
    """Lower-cased word tokens without stop words (before stemming)."""
    text = join_digit_groups(text.casefold())
    return [w for w in _TOKEN.findall(text) if w not in _STOPWORDS and (len(w) > 1 or w.isdigit())]


def split_compound(word: str, stems: frozenset[str]) -> tuple[str, str] | None:
    """Split a compound into two parts whose stems occur in the corpus, preferring the longest head.

    A linking `s` or `e` between the parts is allowed (`barnevern-s-tjenesten`). Returns the stems.
    """
    if len(word) < MIN_COMPOUND or word.isdigit():
        return None
    stem = _stemmer().stemWord
    for cut in range(len(word) - MIN_PART, MIN_HEAD - 1, -1):
        head, tail = word[:cut], word[cut:]
        tail_stem = stem(tail)
        if tail_stem not in stems:
            continue
        if stem(head) in stems:
            return stem(head), tail_stem
        if head[-1] in _LINKERS and len(head) - 1 >= MIN_HEAD and stem(head[:-1]) in stems:
            return stem(head[:-1]), tail_stem
    return None


def stems(text: str) -> list[str]:
    """Stemmed words without compound splitting (for matching short labels such as headings)."""
    stem = _stemmer().stemWord
    return [stem(w) for w in raw_words(text)]


def word_family(term: str) -> str:
    """A stem with the «-er» Snowball keeps when another ending follows it taken off: the stemmer gives «lær» for
    «lærer» but «lærer» for «lærere» and «læreren», «saksbehandl» for «saksbehandler» but «saksbehandler» for
    «saksbehandlere»; the family is «lær» and «saksbehandl» for all of them."""
    if len(term) >= 6 and term.endswith("ern"):
        return term[:-3]
    if len(term) >= 5 and term.endswith("er"):
        return term[:-2]
    return term


def families(terms: Iterable[str]) -> set[str]:
    """The word families of analysed terms (`word_family`)."""
    return {word_family(t) for t in terms}


class NorwegianAnalyzer:
    """Turns text into BM25 terms; the compound vocabulary (stems) comes from the indexed corpus."""

    def __init__(self, vocabulary: Iterable[str] = (), decompound: bool = True) -> None:
        self.vocabulary = frozenset(vocabulary)
        self.decompound = decompound

    def terms(self, text: str) -> list[str]:
        stem = _stemmer().stemWord
        out: list[str] = []
        for word in raw_words(text):
            out.append(stem(word))
            if self.decompound:
                parts = split_compound(word, self.vocabulary)
                if parts:
                    out.extend(parts)
        # «Pr. 31.12.21 var det 691 barn …» answers «… i 2021?»: a date's two-digit year is its year too.
        out.extend(f"20{m.group(1)}" for m in SHORT_DATE_YEAR.finditer(text))
        return out


def build_vocabulary(texts: Iterable[str], min_len: int = MIN_HEAD) -> list[str]:
    """Stems of the corpus' words long enough to serve as compound parts."""
    stem = _stemmer().stemWord
    stems: set[str] = set()
    for text in texts:
        stems.update(stem(w) for w in raw_words(text) if len(w) >= min_len and not w.isdigit())
    return sorted(s for s in stems if len(s) >= min_len)


class LexicalIndex:
    """BM25 over a fixed list of node ids (the same ids as the dense store)."""

    def __init__(
        self,
        node_ids: Sequence[str],
        retriever: bm25s.BM25,
        analyzer: NorwegianAnalyzer,
        document_frequency: dict[str, int] | None = None,
    ) -> None:
        self.node_ids = list(node_ids)
        self.document_frequency = document_frequency or {}
        self._position = {nid: i for i, nid in enumerate(self.node_ids)}
        self._retriever = retriever
        self.analyzer = analyzer
        self._vocab: dict[str, int] = dict(retriever.vocab_dict) if retriever.vocab_dict else {}

    @classmethod
    def build(
        cls,
        node_ids: Sequence[str],
        texts: Sequence[str],
        decompound: bool = True,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> LexicalIndex:
        if len(node_ids) != len(texts):
            raise ValueError("node_ids and texts differ in length")
        analyzer = NorwegianAnalyzer(build_vocabulary(texts), decompound=decompound)
        corpus_terms = [analyzer.terms(t) or ["\u2205"] for t in texts]
        retriever = bm25s.BM25(k1=k1, b=b, method="lucene")
        retriever.index(corpus_terms, show_progress=False)
        df: Counter[str] = Counter()
        for terms in corpus_terms:
            df.update(set(terms))
        return cls(node_ids, retriever, analyzer, dict(df))

    def idf(self, term: str) -> float:
        """BM25 idf of a term; unseen terms get the highest idf (they are the most specific)."""
        n = max(len(self.node_ids), 1)
        df = self.document_frequency.get(term, 0)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def knows(self, term: str) -> bool:
        """Whether the term occurs anywhere in the indexed corpus."""
        return term in self.document_frequency

    def search(self, query: str, k: int = 10, allowed: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """Top-k (node id, BM25 score) for the query; `allowed` restricts to those node ids."""
        terms = [t for t in self.analyzer.terms(query) if t in self._vocab]
        if not terms or not self.node_ids:
            return []
        mask = None
        if allowed is not None:
            mask = np.zeros(len(self.node_ids), dtype=np.float32)
            for nid in allowed:
                pos = self._position.get(nid)
                if pos is not None:
                    mask[pos] = 1.0
            if not mask.any():
                return []
        k = min(k, len(self.node_ids))
        docs, scores = self._retriever.retrieve([terms], k=k, show_progress=False, weight_mask=mask, n_threads=1)
        return [(self.node_ids[int(i)], float(s)) for i, s in zip(docs[0], scores[0], strict=True) if float(s) > 0.0]

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._retriever.save(str(directory / "bm25"), show_progress=False)
        meta = {
            "node_ids": self.node_ids,
            "vocabulary": sorted(self.analyzer.vocabulary),
            "decompound": self.analyzer.decompound,
            "document_frequency": self.document_frequency,
        }
        (directory / "lexical.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        meta = json.loads((directory / "lexical.json").read_text(encoding="utf-8"))
        retriever = bm25s.BM25.load(str(directory / "bm25"), show_progress=False)
        analyzer = NorwegianAnalyzer(meta["vocabulary"], decompound=meta["decompound"])
        return cls(meta["node_ids"], retriever, analyzer, meta.get("document_frequency", {}))
