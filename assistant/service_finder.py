"""The service finder: a situation → the services that fit, ranked as services, each with why, cited.

Every measure row of Vedlegg 2 is scored against the situation by meaning (the row's stored vector
against the situation's embedding) and by words (BM25 over the row's measure, partners and acronym
expansions, with the situation's lay words mapped to the appendix's own words through the reviewed
lexicon, and its numbers read as ages or school years). Each service is then scored from its best rows
and its profile (the mean vector of its rows and of the knowledge base's prose that names it), so a
service with several fitting measures beats one lucky short row. Without a situation the catalog is
listed with the filters applied.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.lexicon import (
    Acronyms,
    LexiconLink,
    ServiceNames,
    SituationLexicon,
    acronyms,
    age_terms,
    service_names,
    situation_lexicon,
    stated_ages,
    to_bokmal,
    with_bokmal,
    without_numbers,
)
from assistant.settings import FinderConfig
from assistant.types import Citation, ServiceFinderResult, ServiceGroup, ServiceMatch
from assistant.vectors import unit_rows, unit_vector
from index.reader import KnowledgeIndex
from ingest.errors import StoreUnavailable
from ingest.records import Node, NodeKind, ServiceMeasure

APPENDIX = "Vedlegg 2"
# A situation that names one or two services asks about them; one that lists more names the setting.
MAX_NAMED = 2
# The asker's role written first («Saksbehandler NAV: …», «Helsesykepleier vgs: …») names who asks, not a
# service asked for.
_ROLE_PREFIX = re.compile(r"^\s*[^:.!?\n]{1,40}:\s+")


def without_role(situation: str) -> str:
    """The situation without a leading «Role:» prefix."""
    return _ROLE_PREFIX.sub("", situation, count=1)


Analyze = Callable[[str], list[str]]


def with_concepts(situation: str, links: Sequence[LexiconLink]) -> str:
    """The situation followed by the appendix words its lay words link to (what the embedder reads)."""
    terms = list(dict.fromkeys(term for link in links for term in link.terms))
    return f"{situation} ({', '.join(terms)})" if terms else situation


def matches_filters(
    measure: ServiceMeasure, levels: Sequence[str], roles: Sequence[str], services: Sequence[str]
) -> bool:
    """A measure passes when it has one of the levels, one of the roles and one of the services asked."""
    if levels and (measure.level is None or measure.level.value not in levels):
        return False
    if roles and not any(r.value in roles for r in measure.roles):
        return False
    return not (services and measure.service not in services)


def row_text(measure: ServiceMeasure, expand: Acronyms) -> str:
    """What a row is matched on: the measure and the long forms of its acronyms (partners apart)."""
    return " ".join([measure.measure, *expand.expansions(measure.measure)])


# English function words: BM25 must not match «of», «and», «to» in programme names (the embedder
# carries English meaning; Norwegian stop words are the analyzer's).
_ENGLISH_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "get",
        "got",
        "has",
        "have",
        "he",
        "her",
        "him",
        "his",
        "how",
        "i",
        "i'm",
        "im",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "too",
        "up",
        "us",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
    ]
)
# Words of asking for help say nothing about the need («Hvor kan vi få hjelp?» must not match «Leksehjelp»).
_NOT_A_NEED = _ENGLISH_STOP | frozenset(["hjelp", "hjelpe", "hjelper", "hjelpa", "help"])


_REFERS_ELSEWHERE = re.compile(r"^\s*(samme som|se over|som over|se ovenfor)\b", re.I)


def informative(measure: str) -> bool:
    """A row that only points at another row («Samme som ved selekterte tiltak») is not a measure to show."""
    return bool(measure.strip()) and not _REFERS_ELSEWHERE.match(measure)


def minmax(values: np.ndarray) -> np.ndarray:
    """Scale to 0..1 (all equal → zeros)."""
    low, high = float(values.min()), float(values.max())
    return (values - low) / (high - low) if high > low else np.zeros_like(values)


@dataclass(frozen=True)
class SituationQuery:
    """A situation prepared for matching: lexical terms (weighted) and what linked them."""

    text: str
    terms: dict[str, float]
    links: list[LexiconLink]
    ages: list[str]
    named: list[str]
    vector: np.ndarray | None = None  # the situation's unit embedding (None without stored row vectors)
    ages_stated: list[float] = field(default_factory=list)  # ages in years («på 14», «10. trinn», a baby)


class BM25Rows:
    """Okapi BM25 over a few hundred rows, scoring all of them at once (numpy)."""

    def __init__(self, docs: Sequence[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.lengths = np.array([len(d) for d in docs], dtype=np.float32)
        self.avg = float(self.lengths.mean()) if len(docs) else 1.0
        self.counts = [Counter(d) for d in docs]
        df: Counter[str] = Counter()
        for d in docs:
            df.update(set(d))
        n = len(docs)
        self.idf = {t: math.log(1.0 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def scores(self, terms: dict[str, float]) -> np.ndarray:
        out = np.zeros(len(self.counts), dtype=np.float32)
        norm = self.k1 * (1 - self.b + self.b * self.lengths / self.avg)
        for term, weight in terms.items():
            idf = self.idf.get(term)
            if idf is None:
                continue
            tf = np.array([c.get(term, 0) for c in self.counts], dtype=np.float32)
            out += weight * idf * tf * (self.k1 + 1) / (tf + norm)
        return out


class ServiceFinder:
    """Ranks services for a situation over one opened index (built once per index)."""

    def __init__(
        self,
        index: KnowledgeIndex,
        config: FinderConfig,
        lexicon: SituationLexicon | None = None,
        expand: Acronyms | None = None,
        names: ServiceNames | None = None,
    ) -> None:
        self.index = index
        self.config = config
        self.lexicon = lexicon or situation_lexicon()
        self.expand = expand or acronyms()
        self.names = names or service_names()
        self.analyze: Analyze = index.lexical.analyzer.terms
        self.rows = [
            m for m in index.catalog if m.appendix == APPENDIX and m.node_id in index.nodes and informative(m.measure)
        ]
        self.services = list(dict.fromkeys(m.service for m in self.rows))
        self.rows_of: dict[str, list[int]] = {service: [] for service in self.services}
        for i, measure in enumerate(self.rows):
            self.rows_of[measure.service].append(i)
        self.mentions = self._prose_mentions()
        self.row_terms = [self.analyze(row_text(m, self.expand)) for m in self.rows]
        self.bm25 = BM25Rows(self.row_terms)
        self.partner_bm25 = BM25Rows([self.analyze(m.partners) for m in self.rows])
        self.service_bm25 = BM25Rows([self._service_terms(s) for s in self.services])
        # The vectors come with the index generation; only a generation written without them asks the store,
        # and when that is down the finder ranks by words alone and says so (`degraded`).
        try:
            vectors = index.vectors([m.node_id for m in self.rows])
            self.degraded = False
        except StoreUnavailable:
            vectors, self.degraded = {}, True
        self.has_vectors = len(vectors) == len(self.rows) and len(self.rows) > 0
        self.row_vectors = unit_rows(np.array([vectors[m.node_id] for m in self.rows])) if self.has_vectors else None
        self.profiles = self._profiles() if self.has_vectors else None

    def _prose_mentions(self) -> dict[str, list[Node]]:
        """Per service, the first prose nodes that name it (its profile's prose)."""
        mentions: dict[str, list[Node]] = {s: [] for s in self.services}
        for node in self.index.nodes.values():
            if node.kind != NodeKind.PROSE:
                continue
            for service in self.names.mentioned(node.text):
                if service in mentions and len(mentions[service]) < self.config.profile_prose_nodes:
                    mentions[service].append(node)
        return mentions

    def _service_terms(self, service: str) -> list[str]:
        """A service's words: its name and aliases, its rows, and the knowledge-base prose that names it."""
        text = [*self.names.forms(service), *(row_text(self.rows[i], self.expand) for i in self.rows_of[service])]
        text += [n.text for n in self.mentions[service]]
        return self.analyze(" ".join(text))

    def _profiles(self) -> np.ndarray:
        """Per service: the mean of its row vectors and of the knowledge-base prose that names it."""
        assert self.row_vectors is not None
        prose_vectors = self.index.vectors([n.node_id for nodes in self.mentions.values() for n in nodes])
        rows = []
        for service in self.services:
            members = [self.row_vectors[i] for i in self.rows_of[service]]
            members += [
                np.array(prose_vectors[n.node_id]) for n in self.mentions[service] if n.node_id in prose_vectors
            ]
            rows.append(np.mean(members, axis=0))
        return unit_rows(np.array(rows))

    # -- the situation ---------------------------------------------------------------------
    def prepare(self, situation: str) -> SituationQuery:
        """Lexical terms of a situation: its own words without numbers, lay words mapped, ages as words."""
        text = with_bokmal(situation)  # nynorsk words reach the bokmål rows and the lexicon
        bokmal = to_bokmal(situation)
        # The nynorsk words themselves link by their listed phrases only: by stem, «sonen» (the son) would be
        # «soner» (serving a sentence); their bokmål forms link by stem too.
        links = self.lexicon.links(bokmal)
        if bokmal != situation:
            known = {link.concept for link in links}
            links += [link for link in self.lexicon.links(situation, stems_too=False) if link.concept not in known]
        ages = age_terms(situation)
        terms: dict[str, float] = {}
        words = " ".join(w for w in without_numbers(text).split() if w.casefold().strip(".,!?:;") not in _NOT_A_NEED)
        for term in self.analyze(words):
            terms[term] = max(terms.get(term, 0.0), 1.0)
        for link in links:
            for term in self.analyze(" ".join(link.terms)):
                terms[term] = max(terms.get(term, 0.0), self.config.lexicon_weight)
        for term in self.analyze(" ".join(ages)):
            terms[term] = max(terms.get(term, 0.0), self.config.age_weight)
        vector = None
        if self.row_vectors is not None:
            # The lexicon's appendix words go to the embedder too: «hasj» alone is far from «Cannabisbruk» in
            # e5-small's space, the situation with «(rus, cannabis …)» is near (best row by meaning alone:
            # must@3 0.68 → 0.76 dev, 0.56 → 0.75 test).
            vector = unit_vector(self.index.query_embedding(with_concepts(situation, links)))
        named = self.names.mentioned(without_role(situation))
        return SituationQuery(situation, terms, links, ages, named, vector, stated_ages(situation))

    def row_scores(self, query: SituationQuery) -> np.ndarray:
        """Every row's score 0..1: meaning and words combined."""
        cfg = self.config
        lexical = minmax(self.bm25.scores(query.terms) + cfg.partner_weight * self.partner_bm25.scores(query.terms))
        if self.row_vectors is None or query.vector is None:
            return (1 - cfg.dense_weight) * lexical
        return cfg.dense_weight * minmax(self.row_vectors @ query.vector) + (1 - cfg.dense_weight) * lexical

    def service_scores(
        self, query: SituationQuery, rows: np.ndarray, allowed: np.ndarray, first_help: Sequence[str] = ()
    ) -> dict[str, float]:
        cfg = self.config
        profile = np.zeros(len(self.services), dtype=np.float32)
        if self.profiles is not None and query.vector is not None:
            profile = minmax(self.profiles @ query.vector)
        words = minmax(self.service_bm25.scores(query.terms))
        scores: dict[str, float] = {}
        for s_index, service in enumerate(self.services):
            member = [rows[i] for i in self.rows_of[service] if allowed[i]]
            if not member:
                continue
            top = sorted(member, reverse=True)[: cfg.top_rows]
            score = cfg.best_row_weight * top[0] + cfg.top_rows_weight * float(np.mean(top))
            score += cfg.profile_weight * float(profile[s_index]) + cfg.service_words_weight * float(words[s_index])
            if service in query.named and len(query.named) <= MAX_NAMED:
                score += cfg.named_bonus
            if service in first_help:
                score += cfg.acute_bonus
            if not self.names.fits_ages(service, query.ages_stated):
                score *= cfg.age_mismatch_factor
            elif query.ages_stated and self.names.made_for_ages(service, query.ages_stated):
                score += cfg.age_match_bonus
            scores[service] = score
        return scores

    def find(
        self,
        situation: str,
        levels: Sequence[str] = (),
        roles: Sequence[str] = (),
        services: Sequence[str] = (),
        limit: int = 10,
        measures_per_service: int | None = None,
        first_help: Sequence[str] = (),
        min_services: int | None = None,
        one: bool = False,
    ) -> ServiceFinderResult:
        """Services (at most `limit`) with their best measures; a listing when there is no situation.
        `first_help`: services that help first in an acute situation (they get `acute_bonus`); `min_services`
        overrides the setting (the chat names a few services to choose from even when one stands out); `one`: the
        question asks for one service, so only those nearly as strong as the best stand beside it."""
        started = time.perf_counter()
        allowed = np.array([matches_filters(m, levels, roles, services) for m in self.rows], dtype=bool)
        if not situation:
            groups = self._listing(allowed, limit)
        else:
            query = self.prepare(situation)
            rows = self.row_scores(query)
            scores = self.service_scores(query, rows, allowed, first_help)
            ranked = self.fitting(scores, min_services, one)[:limit]
            per = measures_per_service or self.measures_for(len(ranked))
            groups = [self._group(service, score, rows, allowed, query, per) for service, score in ranked]
        numbered = self._number(groups)
        return ServiceFinderResult(
            situation=situation,
            filters={k: list(v) for k, v in {"level": levels, "role": roles, "service": services}.items() if v},
            groups=numbered,
            total=sum(len(g.measures) for g in numbered),
            latency_ms=round((time.perf_counter() - started) * 1000, 2),
            degraded=self.degraded,
        )

    def fitting(
        self, scores: dict[str, float], min_services: int | None = None, one: bool = False
    ) -> list[tuple[str, float]]:
        """The services that fit, best first: those that stand out from the typical service as much as the best
        one does, at least a share of the way from the median service's score to the best. The share rises with
        the rank: the runner-up from `second_relative_score`, the third from `min_relative_score`, the rest from
        `later_relative_score` (and always `min_services`). Far below the best is noise. When the question asks
        for `one` service, every service after the best needs `one_relative_score`."""
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        cfg = self.config
        if len(ranked) < 3 or cfg.min_relative_score <= 0:
            return ranked
        best, median = ranked[0][1], float(np.median([v for _, v in ranked]))
        if best - median <= 1e-9:
            return ranked
        keep = cfg.min_services if min_services is None else min_services
        shares = [0.0, min(cfg.second_relative_score, cfg.min_relative_score), cfg.min_relative_score]
        later = max(cfg.later_relative_score, cfg.min_relative_score)
        if one:
            shares = [0.0, *(max(x, cfg.one_relative_score) for x in shares[1:])]
            later = max(later, cfg.one_relative_score)

        def share(rank: int) -> float:
            return shares[rank] if rank < len(shares) else later

        return [(s, v) for i, (s, v) in enumerate(ranked) if i < keep or (v - median) / (best - median) >= share(i)]

    def measures_for(self, services: int) -> int:
        """Measures per service: fewer services shown, more of each one's measures (up to `measures_shown`)."""
        cfg = self.config
        return max(
            cfg.measures_per_service, min(cfg.max_measures_per_service, -(-cfg.measures_shown // max(services, 1)))
        )

    # -- building the result ---------------------------------------------------------------
    def _listing(self, allowed: np.ndarray, limit: int) -> list[ServiceGroup]:
        groups: dict[str, list[ServiceMatch]] = {}
        for i, measure in enumerate(self.rows):
            if allowed[i]:
                groups.setdefault(measure.service, []).append(self._match(measure, 0.0, []))
        return [ServiceGroup(service=s, measures=ms) for s, ms in list(groups.items())[:limit]]

    def _group(
        self,
        service: str,
        score: float,
        rows: np.ndarray,
        allowed: np.ndarray,
        query: SituationQuery,
        per: int,
    ) -> ServiceGroup:
        members = sorted((i for i in self.rows_of[service] if allowed[i]), key=lambda i: -rows[i])[:per]
        wanted = set(query.terms)
        matches = []
        for i in members:
            matches.append(self._match(self.rows[i], float(rows[i]), self._shared_words(i, wanted)))
        row_terms = {t for i in members for t in self.row_terms[i]}
        why = [link.explain() for link in query.links if self._whole_terms(link.terms) & row_terms]
        if service in query.named and len(query.named) <= MAX_NAMED:
            why.insert(0, f"nevnt i situasjonen: {service}")
        shared_words = list(dict.fromkeys(w for m in matches for w in m.matched_terms))
        if shared_words:
            why.append("felles ord: " + ", ".join(shared_words[:6]))
        return ServiceGroup(service=service, measures=matches, score=round(score, 4), why=why)

    def _whole_terms(self, terms: Sequence[str]) -> set[str]:
        """The stems of whole words (not their compound parts), so «Nærværarbeid» does not link on «arbeid»."""
        return {stems[0] for word in " ".join(terms).split() if (stems := self.analyze(word))}

    def _shared_words(self, row: int, wanted: set[str]) -> list[str]:
        """The row's own words (as written) whose terms the situation shares, for «why» and highlighting."""
        words = re.findall(r"[\wæøåÆØÅ-]+", row_text(self.rows[row], self.expand))
        shared = [w for w in words if len(w) > 2 and set(self.analyze(w)) & wanted]
        return list(dict.fromkeys(w.casefold() for w in shared))

    def _match(self, measure: ServiceMeasure, score: float, shared: list[str]) -> ServiceMatch:
        node = self.index.node(measure.node_id)
        return ServiceMatch(
            service=measure.service,
            level=measure.level.value if measure.level else None,
            measure=measure.measure,
            roles=[r.value for r in measure.roles],
            partners=measure.partners,
            appendix=measure.appendix,
            municipality=measure.municipality,
            score=round(score, 6),
            matched_terms=shared,
            citation=self._citation(measure, node, 0),
        )

    def _citation(self, measure: ServiceMeasure, node: Node | None, n: int) -> Citation:
        return Citation(
            n=max(n, 1),
            node_id=measure.node_id,
            document=measure.doc_id,
            title=self.index.title(measure.doc_id),
            date=self.index.date(measure.doc_id),
            section=node.section if node else f"{APPENDIX} › {measure.service}",
            text=node.text if node else measure.measure,
        )

    @staticmethod
    def _number(groups: list[ServiceGroup]) -> list[ServiceGroup]:
        """Citation numbers in the order shown (groups in order, measures within each group)."""
        n = 0
        out = []
        for group in groups:
            measures = []
            for match in group.measures:
                n += 1
                measures.append(match.model_copy(update={"citation": match.citation.model_copy(update={"n": n})}))
            out.append(group.model_copy(update={"measures": measures}))
        return out
