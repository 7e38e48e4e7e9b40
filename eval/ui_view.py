"""The evaluation as the UI's Evaluation tab shows it (the composition root injects it into web/)."""

from __future__ import annotations

import html
import json
from pathlib import Path

from assistant.facade import Assistant
from eval.report import compare, headline_table, persona_table, plots_html, slice_tables
from eval.results import EvalResult
from eval.runner import DEFAULT_DATASET, run_eval, write_result


def latest_for_ui(assistant: Assistant) -> tuple[str, str]:
    """The latest stored report (Markdown, plots HTML), or a line saying there is none yet."""
    latest = results_folder(assistant) / "latest.json"
    path = json.loads(latest.read_text(encoding="utf-8")).get("path") if latest.is_file() else None
    if not path or not Path(path).is_file():
        return "_Ingen evaluering er kjørt ennå._", ""
    result = EvalResult.load(Path(path))
    data = result.to_dict()
    text = (
        f"### Siste kjøring ({result.created}, {result.items} spørsmål, del: {result.split})\n\n"
        f"{headline_table(data)}\n\n### Per persona\n\n{persona_table(data)}\n\n{slice_tables(data)}\n"
    )
    return text, plots_html(data)


def results_folder(assistant: Assistant) -> Path:
    return assistant.settings.index.data_dir.parent / "results"


def evaluate_for_ui(assistant: Assistant, split: str, upload: str | None) -> tuple[str, str]:
    """Run the set (or an uploaded one) with Veiviser; (Markdown summary with comparison, plots HTML)."""
    dataset = Path(upload) if upload else DEFAULT_DATASET
    chosen = None if (upload or split == "alle") else split
    try:
        result = run_eval(assistant, dataset, split=chosen, systems=["veiviser"], progress=False)
    except ValueError as exc:
        return f"⚠️ Kunne ikke lese evalueringssettet: {exc}", ""
    results_dir = results_folder(assistant)
    latest = results_dir / "latest.json"
    previous = json.loads(latest.read_text(encoding="utf-8")).get("path") if latest.is_file() else None
    write_result(result, results_dir)
    data = result.to_dict()
    text = (
        f"### Resultat ({result.items} spørsmål, {html.escape(dataset.name)}, del: {result.split})\n\n"
        f"{headline_table(data)}\n\n### Per persona\n\n{persona_table(data)}\n\n{slice_tables(data)}\n"
    )
    if previous and Path(previous).is_file():
        before = EvalResult.load(Path(previous))
        if "veiviser" in before.systems:
            text += f"\n### Sammenlignet med forrige kjøring\n\n```\n{compare(before.to_dict(), data)}\n```\n"
    else:
        text += "\n_Ingen tidligere kjøring å sammenligne med._\n"
    return text, plots_html(data)
