"""Spelling correction of questions: slips and missing æøå mended to the sources' own words (an English
question's slips to English words, the sources' names left as they are).

A citizen types «famliieteamene», «barnevrnet» or «Nar tradte …»: BM25 finds nothing for such words and the
refusal rule sees no coverage, so a plain question is refused. A word is corrected only when nothing knows it
(neither the sources, the reviewed word lists, the stem of a source word, nor a general Norwegian word list:
«senga», «røyker» and «hasj» stay as written) and a known word lies within one edit (one of the sources' words
within two, for words of eight letters or more). A word written without æøå becomes the word with them when that
one is far more common («nar» → «når», «hort» → «hørt»; «sa» stays). Abbreviations in capitals and hyphenated
compounds are left alone. Candidates come from a delete index over the vocabulary (SymSpell's idea) and one-edit
variants found in the general list, checked by the optimal string alignment distance; the nearest wins, then the
most common (the general list's frequency, raised for the sources' own words), then the most frequent in the
sources, then the alphabet (deterministic).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from itertools import combinations

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})
MIN_LENGTH = 4  # shorter words are too often right by accident («tid» / «tud»): left alone
LONG_WORD = 8  # from this length two edits are allowed
FOLD_MIN_LENGTH = 2  # «pa» → «på», «nar» → «når»
# A word the general list knows at this frequency (Zipf scale: 1 = once per 10^8 words) is a word, not a slip:
# «exen» (1.60), «risser» (1.90), «skolelei» (1.97) stand; 233 of the 262 slipped words of the dev typo slices
# are not in the list at all.
KNOWN_ZIPF = 1.5
# A word without æøå is read as the word with them when that one is this much more common (Zipf): «nar» (2.96)
# → «når» (6.43), «hort» → «hørt»; «sa» (5.58, "said") stays beside «så» (6.83), as do «far», «star» and
# nynorsk «vart» (3.70 beside «vårt», 5.36).
FOLD_MARGIN = 1.75
# The sources' own words are preferred among equally near candidates by this much (Zipf).
SOURCE_BONUS = 1.0
# A word restored with æøå to a rare word of the general list («vidregaende» → «vidregående», 1.83, a common slip
# itself), or a word known only as the bare stem of a source word («kostr» of «KOSTRA»), is read as the word of the
# sources one edit away when that one is this much more likely (Zipf, the source bonus included): «videregående»
# (4.89 + 1), «koster» (4.86 + 1). Other known words stand: in the general list are nynorsk («finst», «vart») and
# English words («were», «base») that one edit would make bokmål words.
RARE_MARGIN = 3.0
# ... and when no other source word one edit away comes within this much of it (Zipf): «kostr» is «koster»
# (5.86; «kost» 5.10), «seder» stays («leder» 6.35, «steder» 6.19), as does «snekke» («snakke» 6.46, «sjekke» 6.09).
CLEAR_MARGIN = 0.5
# Words of the general list below this frequency are too rare to be what someone meant (or to be known).
GENERAL_MIN_ZIPF = KNOWN_ZIPF
_LETTERS = "abcdefghijklmnopqrstuvwxyzæøå"
_NORDIC = re.compile("[æøå]")


@cache
def word_frequencies(language: str, min_zipf: float = GENERAL_MIN_ZIPF) -> dict[str, float]:
    """wordfreq's word list of a language («nb», «en»; its data ships in the wheel): word → Zipf frequency, the
    rarest left out."""
    from wordfreq import get_frequency_dict

    floor = 10 ** (min_zipf - 9)
    return {w: math.log10(f) + 9 for w, f in get_frequency_dict(language).items() if f >= floor}


def fold(word: str) -> str:
    """The word as typed on a keyboard without æøå."""
    return word.casefold().translate(_FOLD)


def osa_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def deletes(word: str, distance: int) -> set[str]:
    """The word with up to `distance` letters deleted (itself included)."""
    out = {word}
    for n in range(1, min(distance, len(word) - 1) + 1):
        for positions in combinations(range(len(word)), n):
            out.add("".join(ch for i, ch in enumerate(word) if i not in positions))
    return out


def edits1(word: str) -> set[str]:
    """Every string one edit from the word (Norvig): deletions, swaps, substitutions, insertions."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    out |= {a + c + b for a, b in splits for c in _LETTERS}
    return out


def allowed_distance(word: str) -> int:
    return 2 if len(word) >= LONG_WORD else 1


def matching_case(original: str, word: str) -> str:
    """The correction written in the original's case (capitalised or all lower)."""
    return word[:1].upper() + word[1:] if original[:1].isupper() else word


@dataclass(frozen=True)
class Correction:
    text: str
    changes: list[tuple[str, str]] = field(default_factory=list)


class SpellingCorrector:
    """Corrects the unknown words of a question to the nearest known word, the sources' words first in kind.

    `vocabulary`: the sources' words (and the reviewed lists') with their counts; `general`: a general Norwegian
    word list, word → Zipf frequency; `stem`: the index's stemmer, so an inflection of a source word
    («barnehagebarna» of «barnehagebarn») counts as known."""

    def __init__(
        self,
        vocabulary: Mapping[str, int],
        general: Mapping[str, float] | None = None,
        stem: Callable[[str], str] = lambda w: w,
        also_known: Iterable[str] = (),
    ) -> None:
        self.counts = {w.casefold(): n for w, n in vocabulary.items()}
        self.general = general or {}
        # Words that stand but are never offered (an English question's Norwegian names: «Fritidskortet»).
        self.also_known = frozenset(w.casefold() for w in also_known)
        self.stem = stem
        self._stems = {stem(w) for w in self.counts}
        self._folded: dict[str, str] = {}
        self._deletes: dict[str, set[str]] = {}
        for word in sorted(self.counts, key=lambda w: (-self.weight(w), w)):
            self._folded.setdefault(fold(word), word)
            if len(word) >= MIN_LENGTH:
                for key in deletes(word, allowed_distance(word)):
                    self._deletes.setdefault(key, set()).add(word)
        for word in sorted((w for w in self.general if _NORDIC.search(w)), key=lambda w: (-self.weight(w), w)):
            self._folded.setdefault(fold(word), word)

    @classmethod
    def from_texts(
        cls,
        texts: Iterable[str],
        extra_words: Iterable[str] = (),
        general: Mapping[str, float] | None = None,
        stem: Callable[[str], str] = lambda w: w,
    ) -> SpellingCorrector:
        """A corrector over the words of the texts (counted) and the extra words (reviewed lists)."""
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(w.casefold() for w in _WORD.findall(text))
        for word in extra_words:
            counts.update(part.casefold() for part in _WORD.findall(word))
        return cls(counts, general, stem)

    def weight(self, word: str) -> float:
        """How likely a word is meant: its general frequency, raised for the sources' own words."""
        return self.general.get(word, 0.0) + (SOURCE_BONUS if word in self.counts else 0.0)

    def knows(self, word: str) -> bool:
        return (
            word in self.counts
            or word in self.also_known
            or self.general.get(word, 0.0) >= KNOWN_ZIPF
            or self.stem(word) in self._stems
        )

    def correct_word(self, word: str) -> str | None:
        """The word's correction, or None when it stands."""
        lower = word.casefold()
        if lower in self.counts or lower in self.also_known or word.isupper() or "-" in word:
            return None  # known, an abbreviation or a hyphenated compound («e-postadressen»)
        if len(lower) < FOLD_MIN_LENGTH:
            return None
        with_letters = self._folded.get(fold(lower))
        if with_letters is not None and with_letters != lower:
            general = self.general.get
            if not self.knows(lower) or general(with_letters, 0.0) >= general(lower, 0.0) + FOLD_MARGIN:
                return self.likelier_neighbour(with_letters) or with_letters
        if len(lower) < MIN_LENGTH:
            return None
        if self.knows(lower):
            return self.likelier_neighbour(lower) if self.bare_stem(lower) else None
        limit = allowed_distance(lower)
        candidates = {c for key in deletes(lower, limit) for c in self._deletes.get(key, ())}
        candidates |= {c for c in edits1(lower) if self.general.get(c, 0.0) >= KNOWN_ZIPF}
        scored = sorted(
            (distance, -self.weight(c), -self.counts.get(c, 0), c)
            for c in candidates
            if abs(len(c) - len(lower)) <= limit and (distance := osa_distance(lower, c)) <= limit
        )
        return scored[0][3] if scored else None

    def bare_stem(self, word: str) -> bool:
        """Whether a word is known only as the stem of a source word and is that stem itself («kostr» of «KOSTRA»),
        which no one writes; an inflection stands («barnehagelovens»), as does a word of the general list."""
        return (
            word not in self.counts
            and word not in self.also_known
            and self.general.get(word, 0.0) < KNOWN_ZIPF
            and self.stem(word) == word
        )

    def likelier_neighbour(self, word: str) -> str | None:
        """The source word one edit from a word the sources do not use, when that one is RARE_MARGIN more likely
        and CLEAR_MARGIN more likely than any other such word; None for a source word, a common word or a word
        without one clear neighbour."""
        if word in self.counts or word in self.also_known or len(word) < MIN_LENGTH:
            return None
        near = {c for key in deletes(word, 1) for c in self._deletes.get(key, ()) if osa_distance(word, c) == 1}
        ranked = sorted(near, key=lambda c: (-self.weight(c), -self.counts.get(c, 0), c))
        if not ranked or self.weight(ranked[0]) < self.weight(word) + RARE_MARGIN:
            return None
        if len(ranked) > 1 and self.weight(ranked[1]) > self.weight(ranked[0]) - CLEAR_MARGIN:
            return None  # «seder»: «leder», «sider» or «sender»? Left as written.
        return ranked[0]

    def correct(self, text: str) -> Correction:
        """The text with its unknown words corrected, and the changes made (original, correction)."""
        changes: list[tuple[str, str]] = []

        def mend(match: re.Match[str]) -> str:
            word = match.group(0)
            fixed = self.correct_word(word)
            if fixed is None:
                return word
            written = matching_case(word, fixed)
            changes.append((word, written))
            return written

        return Correction(_WORD.sub(mend, text), changes)
