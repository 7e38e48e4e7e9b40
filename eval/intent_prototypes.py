"""Build `assistant/data/intent_prototypes.toml` from the dev splits (never from test).

    .venv/bin/python -m eval.intent_prototypes [--check]

Situations: the situation slice's dev items and dev-sourced questions labelled `situation` in the analysis
labels. Questions about the sources: the question set's dev items (and their English and nynorsk versions)
not labelled `situation`. `--check` fails when the file is not what the dev splits give (CI keeps them in step).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.intent_semantic import PROTOTYPES

DATASETS = Path(__file__).resolve().parent / "datasets"
HEADER = """\
# Prototypes for the semantic half of situation routing (assistant/intent_semantic.py).
# Generated from the dev splits by `python -m eval.intent_prototypes`; do not edit by hand.
# [situation]: someone's situation or a plea for help (answered with services).
# [question]: a question about what the sources say (answered with facts).
"""


def rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def dev_prototypes() -> tuple[list[str], list[str]]:
    splits: dict[str, str] = {}
    texts: dict[str, str] = {}
    for name, field in (("veiviser", "question"), ("situations", "situation"), ("questions-multilingual", "question")):
        for row in rows(DATASETS / f"{name}.jsonl"):
            key = f"{'multilingual' if name.startswith('questions') else name}:{row['id']}"
            splits[key], texts[key] = str(row.get("split", "")), str(row[field])
    labels = {str(row["source"]): str(row["intent"]) for row in rows(DATASETS / "analysis.jsonl")}
    situation: list[str] = []
    question: list[str] = []
    for key, text in texts.items():
        if splits[key] != "dev":
            continue
        is_situation = key.startswith("situations:") or labels.get(key) == "situation"
        (situation if is_situation else question).append(text.strip())
    return sorted(set(situation)), sorted(set(question) - set(situation))


def render(situation: list[str], question: list[str]) -> str:
    def block(name: str, texts: list[str]) -> str:
        lines = "\n".join(f"    {json.dumps(t, ensure_ascii=False)}," for t in texts)
        return f"[{name}]\ntexts = [\n{lines}\n]\n"

    return f"{HEADER}\n{block('situation', situation)}\n{block('question', question)}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    content = render(*dev_prototypes())
    if args.check:
        same = PROTOTYPES.is_file() and PROTOTYPES.read_text(encoding="utf-8") == content
        print("intent prototypes up to date" if same else f"{PROTOTYPES} differs from the dev splits: regenerate")
        return 0 if same else 1
    PROTOTYPES.write_text(content, encoding="utf-8")
    situation, question = dev_prototypes()
    print(f"{len(situation)} situations, {len(question)} questions → {PROTOTYPES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
