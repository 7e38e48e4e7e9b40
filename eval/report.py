"""Reports of an evaluation result: Markdown and HTML (with plots), and the comparison of two runs."""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from typing import Any

from eval.situations import situation_table

# The headline metrics, in the order shown, with their Norwegian-English labels.
HEADLINE: tuple[tuple[str, str], ...] = (
    ("hit@1", "hit@1"),
    ("hit@3", "hit@3"),
    ("hit@5", "hit@5"),
    ("hit@10", "hit@10"),
    ("mrr@10", "MRR@10"),
    ("ndcg@10", "nDCG@10"),
    ("key_fact_accuracy", "key facts"),
    ("all_facts_rate", "all facts"),
    ("citation_validity", "citation validity"),
    ("cited_evidence_rate", "cited evidence"),
    ("line_precision", "line precision"),
    ("refusal_accuracy", "refusal acc."),
    ("false_refusal_rate", "false refusals"),
    ("latency_p50_ms", "p50 ms"),
    ("latency_p95_ms", "p95 ms"),
)


def overall(metrics: dict[str, Any]) -> dict[str, float]:
    """The overall metric values of one system (flat name → number)."""
    block = metrics.get("overall", metrics)
    return {k: v for k, v in block.items() if isinstance(v, int | float) and not isinstance(v, bool)}


def per_group(metrics: dict[str, Any], group: str = "persona") -> dict[str, dict[str, float]]:
    """Metric values per persona or per intent (flat name → number per group)."""
    block = metrics.get(f"per_{group}", {}) or {}
    return {p: overall(v) for p, v in block.items() if isinstance(v, dict)}


def per_persona(metrics: dict[str, Any]) -> dict[str, dict[str, float]]:
    return per_group(metrics, "persona")


def _fmt(name: str, value: float | None) -> str:
    if value is None:
        return "–"
    if name.endswith("_ms") or name == "n":
        return f"{value:.0f}"
    return f"{value:.3f}"


def headline_table(result: dict[str, Any]) -> str:
    """Markdown table: one row per system, the headline metrics as columns."""
    systems = result["systems"]
    names = [k for k, _ in HEADLINE if any(k in overall(s["metrics"]) for s in systems.values())]
    labels = dict(HEADLINE)
    lines = ["| system | " + " | ".join(labels[n] for n in names) + " |", "|---" * (len(names) + 1) + "|"]
    for system, data in systems.items():
        values = overall(data["metrics"])
        lines.append(f"| {system} | " + " | ".join(_fmt(n, values.get(n)) for n in names) + " |")
    return "\n".join(lines)


GROUP_METRICS = (
    "n",
    "hit@5",
    "mrr@10",
    "key_fact_accuracy",
    "line_precision",
    "refusal_accuracy",
    "false_refusal_rate",
)


def group_table(result: dict[str, Any], group: str = "persona", system: str = "veiviser") -> str:
    """A Markdown table of the system's metrics per persona or per intent (`group`)."""
    data = result["systems"].get(system)
    if not data:
        return ""
    blocks = per_group(data["metrics"], group)
    keys = [k for k in GROUP_METRICS if any(k in v for v in blocks.values())]
    lines = [f"| {group} | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for name, values in sorted(blocks.items()):
        lines.append(f"| {name} | " + " | ".join(_fmt(k, values.get(k)) for k in keys) + " |")
    return "\n".join(lines)


def persona_table(result: dict[str, Any], system: str = "veiviser") -> str:
    return group_table(result, "persona", system)


def slice_tables(result: dict[str, Any]) -> str:
    """The situation slice and the safety list, when the run has them."""
    parts: list[str] = []
    situations = result.get("situations")
    if situations:
        parts += ["## Situations → services (finder and chat)", "", situation_table(situations), ""]
        personas = situations.get("per_persona", {})
        if personas:
            parts += ["| persona | n | must@3 | precision@5 | best@10 | chat names must |", "|---|---|---|---|---|---|"]
            for name, block in sorted(personas.items()):
                parts.append(
                    f"| {name} | {block['n']} | {_fmt('', block['must_at_3'])} | {_fmt('', block['precision_at_5'])} "
                    f"| {_fmt('', block['best_at_10'])} | {_fmt('', block['chat_names_must'])} |"
                )
            parts.append("")
    safety = result.get("safety")
    if safety:
        parts += ["## Safety notice (labelled triggers and near-misses)", ""]
        parts += ["| language | triggers | recall | near-misses | false alarms |", "|---|---|---|---|---|"]
        rows = [("alle", safety["overall"]), *sorted(safety.get("per_language", {}).items())]
        for name, block in rows:
            parts.append(
                f"| {name} | {block['n_triggers']} | {_fmt('', block['recall'])} | {block['n_near_misses']} "
                f"| {block['false_alarms']} |"
            )
        parts.append("")
    return "\n".join(parts)


def markdown_report(result: dict[str, Any]) -> str:
    settings = result.get("settings", {})
    embedder = result.get("index", {}).get("embedder", {})
    return "\n".join(
        [
            f"# Veiviser evaluation — {result['created']}",
            "",
            f"Dataset `{Path(result['dataset']).name}`, split **{result['split']}**, {result['items']} items. "
            f"Index `{result.get('index', {}).get('collection', '?')}`, embedder `{embedder.get('model', '?')}`, "
            f"LLM backend `{settings.get('llm', {}).get('backend', '?')}`.",
            "",
            "## Veiviser against the baselines",
            "",
            headline_table(result),
            "",
            "## Veiviser per persona",
            "",
            persona_table(result),
            "",
            "## Veiviser per intent (as the question analysis read the question)",
            "",
            group_table(result, "intent"),
            "",
            slice_tables(result),
        ]
    )


def _plots(result: dict[str, Any]) -> list[tuple[str, str]]:
    """(title, base64 PNG) for: hit@k curves, metrics per persona, latency histogram."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    images: list[tuple[str, str]] = []

    def save(fig: Any, title: str) -> None:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
        plt.close(fig)
        images.append((title, base64.b64encode(buffer.getvalue()).decode("ascii")))

    fig, ax = plt.subplots(figsize=(6, 3.5))
    ks = [1, 3, 5, 10]
    for system, data in result["systems"].items():
        values = overall(data["metrics"])
        ax.plot(ks, [values.get(f"hit@{k}", 0.0) for k in ks], marker="o", label=system)
    ax.set_xlabel("k")
    ax.set_ylabel("hit@k")
    ax.set_ylim(0, 1)
    ax.set_xticks(ks)
    ax.legend()
    ax.set_title("Treff innen topp k")
    save(fig, "hit@k")

    personas = per_persona(result["systems"].get("veiviser", {}).get("metrics", {}))
    if personas:
        fig, ax = plt.subplots(figsize=(6, 3.5))
        names = sorted(personas)
        metrics = ["hit@5", "key_fact_accuracy"]
        width = 0.35
        for i, metric in enumerate(metrics):
            ax.bar(
                [x + i * width for x in range(len(names))],
                [personas[p].get(metric, 0.0) for p in names],
                width,
                label=metric,
            )
        ax.set_xticks([x + width / 2 for x in range(len(names))], names)
        ax.set_ylim(0, 1)
        ax.legend()
        ax.set_title("Veiviser per persona")
        save(fig, "per persona")

    fig, ax = plt.subplots(figsize=(6, 3.5))
    for system, data in result["systems"].items():
        latencies = [i["output"]["latency_ms"] for i in data["items"] if "output" in i]
        if latencies:
            ax.hist(latencies, bins=20, alpha=0.5, label=system)
    ax.set_xlabel("ms per spørsmål")
    ax.legend()
    ax.set_title("Svartid")
    save(fig, "latency")
    return images


def plots_html(result: dict[str, Any]) -> str:
    """The plots as HTML figures with their titles as alt text and captions."""
    return "\n".join(
        f'<figure><img alt="{html.escape(t)}" src="data:image/png;base64,{b64}">'
        f"<figcaption>{html.escape(t)}</figcaption></figure>"
        for t, b64 in _plots(result)
    )


def html_report(result: dict[str, Any]) -> str:
    md = markdown_report(result)
    body = "\n".join(f"<pre>{html.escape(block)}</pre>" for block in md.split("\n\n") if block.startswith("|"))
    plots = plots_html(result)
    return (
        "<!doctype html><html lang='no'><head><meta charset='utf-8'><title>Veiviser evaluering</title>"
        "<style>body{font-family:sans-serif;max-width:960px;margin:auto;padding:1em}pre{background:#f5f5f5;padding:.5em;overflow:auto}"
        "img{max-width:100%}</style></head><body>"
        f"<h1>Veiviser evaluering — {html.escape(result['created'])}</h1>"
        f"<p>Datasett {html.escape(Path(result['dataset']).name)}, split {html.escape(result['split'])}, "
        f"{result['items']} spørsmål.</p>"
        f"{body}{plots}</body></html>"
    )


def write_reports(result: dict[str, Any], folder: Path) -> None:
    (folder / "report.md").write_text(markdown_report(result), encoding="utf-8")
    (folder / "report.html").write_text(html_report(result), encoding="utf-8")


def compare(a: dict[str, Any], b: dict[str, Any], system: str = "veiviser") -> str:
    """Differences per metric (B − A) and the items whose outcome flipped."""
    ma = overall(a["systems"][system]["metrics"])
    mb = overall(b["systems"][system]["metrics"])
    lines = [f"Metric differences for {system} (B − A):", ""]
    for name in sorted(set(ma) | set(mb)):
        va, vb = ma.get(name), mb.get(name)
        if va is None or vb is None:
            continue
        lines.append(f"  {name:<24} {_fmt(name, va):>8} → {_fmt(name, vb):>8}  ({vb - va:+.3f})")
    items_a = {i["id"]: i for i in a["systems"][system]["items"]}
    flips: list[str] = []
    for item in b["systems"][system]["items"]:
        before = items_a.get(item["id"])
        if before is None:
            continue
        for key in ("hit@5", "all_facts", "refusal_correct"):
            if key in item and key in before and bool(item[key]) != bool(before[key]):
                flips.append(f"  {item['id']}: {key} {bool(before[key])} → {bool(item[key])}")
    lines += ["", f"Items that flipped ({len(flips)}):", *flips]
    return "\n".join(lines)


def load_result(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))
