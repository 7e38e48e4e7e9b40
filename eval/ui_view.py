"""The evaluation as the UI's Evaluation tab shows it (the composition root injects it into web/)."""

from __future__ import annotations

import html
import json
from pathlib import Path

from assistant.facade import Assistant
from eval.report import compare, headline_table, persona_table
from eval.runner import DEFAULT_DATASET, run_eval, write_result


def evaluate_for_ui(assistant: Assistant, split: str, upload: str | None) -> tuple[str, str]:
    """Run the set (or an uploaded one) with Veiviser; (Markdown summary with comparison, plots HTML)."""
    dataset = Path(upload) if upload else DEFAULT_DATASET
    chosen = None if (upload or split == "alle") else split
    try:
        result = run_eval(assistant, dataset, split=chosen, systems=["veiviser"], progress=False)
    except ValueError as exc:
        return f"⚠️ Kunne ikke lese evalueringssettet: {exc}", ""
    results_dir = assistant.settings.index.data_dir.parent / "results"
    latest = results_dir / "latest.json"
    previous = json.loads(latest.read_text(encoding="utf-8")).get("path") if latest.is_file() else None
    path = write_result(result, results_dir)
    text = (
        f"### Resultat ({result['items']} spørsmål, {html.escape(dataset.name)}, del: {result['split']})\n\n"
        f"{headline_table(result)}\n\n### Per persona\n\n{persona_table(result)}\n"
    )
    if previous and Path(previous).is_file():
        before = json.loads(Path(previous).read_text(encoding="utf-8"))
        if "veiviser" in before.get("systems", {}):
            text += f"\n### Sammenlignet med forrige kjøring\n\n```\n{compare(before, result)}\n```\n"
    else:
        text += "\n_Ingen tidligere kjøring å sammenligne med._\n"
    report = (path.parent / "report.html").read_text(encoding="utf-8")
    figures = report.split("<figure>", 1)
    plots = "<figure>" + figures[1].split("</body>")[0] if len(figures) > 1 else ""
    return text, plots
