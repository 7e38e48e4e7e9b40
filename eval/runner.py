"""The evaluation runner: answer the dataset with Veiviser and the baselines, score, and report.

Writes under `results/<timestamp>/`: `result.json` (settings, index manifest, metrics per system,
per-item scores), `report.md` and `report.html` (with plots). `results/latest.json` points to the
newest run so the UI and `eval compare` can find the previous one.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.facade import Assistant
from assistant.lexicon import service_names
from assistant.types import ChatTurn
from eval.baselines import build_systems
from eval.batch import answer_to_record
from eval.dataset import EvalItem, load_dataset
from eval.metrics import aggregate, score_item
from eval.results import EvalResult, SafetyReport, SituationReport, SystemMetrics, SystemResult
from eval.safety_list import load_safety, safety_breakdown
from eval.situations import breakdown, load_situations, run_situations

DEFAULT_DATASET = Path(__file__).resolve().parent / "datasets" / "veiviser.jsonl"
DEFAULT_SYSTEMS = ("veiviser", "bm25", "dense", "naive")


def run_system(system: Any, items: Sequence[EvalItem], progress: bool = True) -> tuple[list[dict[str, Any]], list[Any]]:
    """Answer every item with one system; returns (batch outputs, item scores)."""
    from tqdm import tqdm

    outputs: list[dict[str, Any]] = []
    scores: list[Any] = []
    for item in tqdm(items, desc=f"Evaluerer {system.name}", unit="spm", disable=not progress):
        history = [ChatTurn(role=t.role, content=t.content) for t in item.history]
        started = time.perf_counter()
        answer = system.ask(item.question, history)
        record = {"id": item.id, "question": item.question, "history": [t.model_dump() for t in history]}
        record.update(answer_to_record(answer))
        record["latency_ms"] = round((time.perf_counter() - started) * 1000, 2)
        outputs.append(record)
        scores.append(score_item(item, record))
    return outputs, scores


def run_eval(
    assistant: Assistant,
    dataset: Path = DEFAULT_DATASET,
    split: str | None = None,
    systems: Sequence[str] = DEFAULT_SYSTEMS,
    progress: bool = True,
    slices: bool = True,
    situations: Path | None = None,
) -> EvalResult:
    """Run the chosen systems over the dataset (optionally one split) and return the result."""
    items = load_dataset(dataset, split=split)
    if not items:
        raise ValueError(f"No items in {dataset} for split {split!r}")
    corpus_dir = assistant.settings.index.corpus_dir
    result = EvalResult(
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        dataset=str(dataset),
        split=split or "all",
        items=len(items),
        settings=json.loads(assistant.settings.model_dump_json(exclude={"llm": {"api_key"}, "api": {"admin_api_key"}})),
        index=assistant.index.manifest.model_dump(exclude={"documents"}),
    )
    if slices:
        result.situations = SituationReport.model_validate(run_situation_slice(assistant, split, situations))
        result.safety = SafetyReport.model_validate(safety_breakdown(load_safety(split=split), assistant.is_acute))
    for system in build_systems(assistant, systems, corpus_dir):
        outputs, scores = run_system(system, items, progress)
        result.systems[system.name] = SystemResult(
            metrics=SystemMetrics.model_validate(aggregate(scores)),
            items=[
                {**dict(s), "output": {k: o[k] for k in ("answer", "refused", "citations", "latency_ms")}}
                for s, o in zip(scores, outputs, strict=True)
            ],
        )
    return result


def run_situation_slice(assistant: Assistant, split: str | None, path: Path | None = None) -> dict[str, Any]:
    """The situation slice (eval/datasets/situations.jsonl unless `path` names another set) on the finder and the
    chat (Veiviser), overall and per split, persona, language."""
    names = service_names()
    aliases = {n: names.forms(n)[1:] for n in names.names}
    items = load_situations(split=split) if path is None else load_situations(path, split=split)
    scores = run_situations(assistant, assistant, items, aliases)
    out = breakdown(scores)
    out["items"] = [s.model_dump() for s in scores]
    return out


def write_result(result: EvalResult, results_dir: Path) -> Path:
    """Write result.json + report.md + report.html into a new timestamped folder."""
    from eval.report import write_reports

    stamp = result.created.replace(":", "").replace("-", "")
    folder = results_dir / f"{stamp}-{result.split}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "result.json"
    result.save(path)
    write_reports(result.to_dict(), folder)
    latest = results_dir / "latest.json"
    previous = json.loads(latest.read_text(encoding="utf-8")).get("path") if latest.is_file() else None
    latest.write_text(json.dumps({"path": str(path), "previous": previous}), encoding="utf-8")
    return path
