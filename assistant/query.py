"""Query-side Norwegian handling: abbreviations used in the corpus, expanded for lexical search.

Compounds are split by the lexical analyzer itself (index.lexical), on both sides; numbers are
normalised there too. Here we only add the long forms of abbreviations (and the short form when a
long form is asked), since BM25 cannot know that `HFU` is `helsestasjon for ungdom`, and the bokmål forms of
nynorsk words (assistant/data/nynorsk.toml).
"""

from __future__ import annotations

import re

from assistant.lexicon import with_bokmal

# Abbreviation → long forms, as the corpus writes them.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "hfu": ("helsestasjon for ungdom",),
    "ppt": ("pedagogisk psykologisk tjeneste",),
    "bvt": ("barnevernstjenesten", "barnevernet"),
    "nav": ("arbeids- og velferdsforvaltningen",),
    "sfo": ("skolefritidsordning",),
    "bup": ("barne- og ungdomspsykiatrisk poliklinikk", "barne- og ungdomspsykiatri"),
    "ip": ("individuell plan",),
    "vgs": ("videregående skole",),
    "sptb": ("spesialpedagogiske tjenester barnehage",),
}

_WORD = re.compile(r"\w+", re.UNICODE)


def expand_query(query: str) -> str:
    """Append long forms for abbreviations in the query, abbreviations for long forms, and the bokmål forms
    of nynorsk words («korleis», «ikkje», «låg inntekt»: the sources are in bokmål)."""
    query = with_bokmal(query)
    words = {w.casefold() for w in _WORD.findall(query)}
    folded = query.casefold()
    extra: list[str] = []
    for short, longs in ABBREVIATIONS.items():
        if short in words:
            extra.extend(longs)
        elif any(long in folded for long in longs):
            extra.append(short)
    if not extra:
        return query
    return f"{query} {' '.join(extra)}"
