"""A typo slice: the question set's questions as people type them in a hurry, generated deterministically.

    .venv/bin/python -m eval.typos [--dataset DATASET] [--output eval/datasets/questions-typos.jsonl]
    .venv/bin/python -m eval.typos --dataset eval/datasets/situations.jsonl --output SITUATIONS_TYPOS
    (SITUATIONS_TYPOS: eval/datasets/situations-typos.jsonl)

Each question gets one slip in each of up to two of its longer words (a letter dropped, two letters swapped, a
letter doubled, a vowel for its neighbour), and every third question is typed on a keyboard without æ, ø and å
(«ae», «o», «a»). Numbers and all-capital abbreviations are left alone. The choices come from a hash of the item
id, so the file is the same on every run; the gold fields are the item's own. A situation set's `situation` is
typed the same way as a question set's `question`. Written before the query-side spelling correction it measures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from pathlib import Path

from eval.dataset import DEFAULT_DATASET

OUTPUT = Path(__file__).resolve().parent / "datasets" / "questions-typos.jsonl"
MIN_LENGTH = 6
WORDS_CHANGED = 2
_WORD = re.compile(r"[A-Za-zÆØÅæøå]+")
_ASCII = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "å": "a", "Å": "A"})
_NEXT_VOWEL = {"a": "e", "e": "i", "i": "e", "o": "u", "u": "o", "y": "i", "æ": "e", "ø": "o", "å": "o"}


def _draws(key: str) -> list[int]:
    """Deterministic small numbers from a key (the item id)."""
    return list(hashlib.sha256(key.encode("utf-8")).digest())


def slip(word: str, kind: int, at: int) -> str:
    """One typing slip inside a word (its first letter kept): drop, swap, double, or a neighbouring vowel."""
    i = 1 + at % (len(word) - 2)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 2:
        return word[: i + 1] + word[i] + word[i + 1 :]
    vowels = [j for j in range(1, len(word)) if word[j].lower() in _NEXT_VOWEL]
    if not vowels:
        return word[:i] + word[i + 1 :]
    j = vowels[at % len(vowels)]
    return word[:j] + _NEXT_VOWEL[word[j].lower()] + word[j + 1 :]


def with_typos(question: str, key: str) -> str:
    """The question with its slips (and without æøå for every third key)."""
    draws = _draws(key)
    words = [m for m in _WORD.finditer(question) if len(m.group(0)) >= MIN_LENGTH and not m.group(0).isupper()]
    chosen = sorted({words[d % len(words)].start() for d in draws[:WORDS_CHANGED]}) if words else []
    out, last = [], 0
    for n, match in enumerate(m for m in words if m.start() in chosen):
        out.append(question[last : match.start()])
        out.append(slip(match.group(0), draws[2 + n] % 4, draws[4 + n]))
        last = match.end()
    out.append(question[last:])
    typed = "".join(out)
    return typed.translate(_ASCII) if draws[6] % 3 == 0 else typed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    rows = []
    for line in args.dataset.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            field = "question" if "question" in item else "situation"
            item[field] = with_typos(item[field], item["id"])
            rows.append(json.dumps(item, ensure_ascii=False))
    args.output.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(rows)} questions → {args.output}")


if __name__ == "__main__":
    main()
