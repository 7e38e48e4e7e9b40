"""Veiviser's composition root and command line.

Builds the services once (models, index, assistant) and passes them in; serves the API and UI.
Run `python app.py --help` for the commands.
"""

from __future__ import annotations

import argparse
import errno
import json
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.settings import Settings, apply_process_environment, load_settings

apply_process_environment()

from assistant.types import SearchFilters  # noqa: E402
from assistant.wiring import (  # noqa: E402  (after the process environment is set)
    PROJECT_ROOT,
    build_assistant,
    format_report,
    load_embedder,
    resolve_paths,
    run_ingest,
)
from ingest.errors import VeiviserError  # noqa: E402
from ingest.records import PreventionLevel, Role  # noqa: E402

ROOT = PROJECT_ROOT


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------
def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    embedder = load_embedder(settings)
    report = run_ingest(settings, embedder, rebuild=args.rebuild, show_progress=not args.json)
    print(report.model_dump_json(indent=2) if args.json else format_report(report))
    return 0


def cmd_search(settings: Settings, args: argparse.Namespace) -> int:
    assistant = build_assistant(settings)
    result = assistant.search(args.question, top_k=args.top_k, filters=_filters(args), mode=args.mode)
    if args.json:
        print(result.model_dump_json(indent=2))
        return 0
    for rank, passage in enumerate(result.passages, start=1):
        print(f"{rank:>2}. [{passage.score:.4f}] {passage.document} › {passage.section}")
        print(f"    {passage.text[:400]}")
    if result.degraded:
        print("Merk: vektorlageret svarer ikke; resultatene bygger bare på ordsøk (BM25).", file=sys.stderr)
    print(f"({result.latency_ms:.0f} ms)")
    return 0


def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.citations import source_name
    from assistant.types import ChatTurn

    assistant = build_assistant(settings)
    history = [ChatTurn.model_validate(t) for t in json.loads(args.history)] if args.history else []
    answer = assistant.ask(args.question, history, _filters(args), audience=args.audience)
    if args.json:
        print(answer.model_dump_json(indent=2, exclude={"passages", "hits"}))
        return 0
    if answer.safety_notice:
        print(answer.safety_notice, end="\n\n")
    if answer.degraded_notice:
        print(f"Merk: {answer.degraded_notice}", file=sys.stderr)
    print(answer.answer)
    if answer.citations:
        print("\nKilder:")
        for c in answer.citations:
            print(f"[{c.n}] {source_name(c)} › {c.section} ({c.node_id})")
    if answer.backend_error:
        print(f"\n({answer.backend_error})")
    print(f"({answer.latency_ms:.0f} ms, {answer.mode})")
    return 0


def cmd_services(settings: Settings, args: argparse.Namespace) -> int:
    if args.input or args.output:
        return services_batch(settings, args)
    assistant = build_assistant(settings)
    result = assistant.find_services(
        args.situation or "", args.level or [], args.role or [], args.service or [], args.limit
    )
    if args.json:
        print(result.model_dump_json(indent=2))
        return 0
    if result.safety_notice:
        print(result.safety_notice, end="\n\n")
    for group in result.groups:
        print(f"\n{group.service}")
        for m in group.measures:
            roles = ", ".join(m.roles) or "–"
            partners = f" · Samarbeid: {m.partners}" if m.partners else ""
            print(f"  - {m.measure} ({m.level or 'uten nivå'}; {roles}){partners} [{m.citation.node_id}]")
    print(f"\n{result.total} tiltak ({result.latency_ms:.0f} ms)")
    return 0


def services_batch(settings: Settings, args: argparse.Namespace) -> int:
    """`services --input IN.jsonl --output OUT.jsonl`: the finder over a file of situations, one process."""
    from eval.batch import run_services_file

    if not (args.input and args.output):
        print("Feil: --input og --output må brukes sammen.", file=sys.stderr)
        return 2
    input_path = Path(args.input)
    if not input_path.is_file():
        print(f"Feil: finner ikke inndatafilen {input_path}", file=sys.stderr)
        return 2
    assistant = build_assistant(settings)
    answered, errors = run_services_file(input_path, Path(args.output), assistant, args.limit)
    print(f"{answered} situasjoner, {errors} med feil → {args.output}", file=sys.stderr)
    return 1 if errors else 0


def cmd_summarize(settings: Settings, args: argparse.Namespace) -> int:
    assistant = build_assistant(settings)
    summary = assistant.summarize(args.theme, args.workshop or [])
    if args.json:
        print(summary.model_dump_json(indent=2))
    elif args.output:
        Path(args.output).write_text(summary.markdown, encoding="utf-8")
        print(f"Skrev {args.output}")
    else:
        print(summary.markdown)
    return 0


def cmd_batch(settings: Settings, args: argparse.Namespace) -> int:
    from eval.batch import run_batch_file

    input_path = Path(args.input)
    if not input_path.is_file():
        print(f"Feil: finner ikke inndatafilen {input_path}", file=sys.stderr)
        return 2
    assistant = build_assistant(settings)
    answered, errors = run_batch_file(input_path, Path(args.output), assistant)
    print(f"{answered} besvart, {errors} med feil → {args.output}", file=sys.stderr)
    return 1 if errors else 0


def cmd_eval(settings: Settings, args: argparse.Namespace) -> int:
    from eval.report import compare, headline_table, load_result, slice_tables

    if args.eval_command == "compare":
        print(compare(load_result(Path(args.a)), load_result(Path(args.b)), args.system))
        return 0
    from eval.gate import check_gate
    from eval.runner import DEFAULT_DATASET, DEFAULT_SYSTEMS, run_eval, write_result

    assistant = build_assistant(settings)
    systems = args.systems.split(",") if args.systems else (["veiviser"] if args.gate else None)
    result = run_eval(
        assistant,
        Path(args.dataset) if args.dataset else DEFAULT_DATASET,
        split=None if args.split == "all" else args.split,
        systems=systems or list(DEFAULT_SYSTEMS),
        situations=Path(args.situations) if args.situations else None,
    )
    path = write_result(result, Path(args.results) if args.results else ROOT / "results")
    print(headline_table(result.to_dict()))
    print(slice_tables(result.to_dict()))
    print(f"\nResultat: {path}  (rapport: {path.parent / 'report.html'})")
    if args.gate:
        failures = check_gate(result.to_dict(), Path(args.gate))
        for failure in failures:
            print(f"GATE FAILED: {failure}", file=sys.stderr)
        return 1 if failures else 0
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from eval.ui_view import evaluate_for_ui, latest_for_ui
    from web.api import configure_logging, create_app
    from web.ui_types import Evaluator

    host = args.host or settings.api.host
    port = args.port or settings.api.port
    print(f"Veiviser: http://{host}:{port}/ui/  (API: /api/v1, dokumentasjon: /docs)", file=sys.stderr)
    configure_logging()
    # The app logs each request itself (masked, with ms), so uvicorn's own access log is off.
    uvicorn.run(
        create_app(
            settings=settings, build=build_assistant, evaluator=Evaluator(run=evaluate_for_ui, latest=latest_for_ui)
        ),
        host=host,
        port=port,
        access_log=False,
    )
    return 0


def _filters(args: argparse.Namespace) -> SearchFilters:
    return SearchFilters(
        documents=getattr(args, "doc_id", None) or [],
        kinds=getattr(args, "doc_kind", None) or [],
        services=getattr(args, "service", None) or [],
        levels=getattr(args, "level", None) or [],
    )


def cmd_themes(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.theme_export import to_docx, to_markdown

    theme_map = build_assistant(settings).themes()
    output = Path(args.output) if args.output else None
    if output is None:
        print(to_markdown(theme_map))
        return 0
    if output.suffix == ".docx":
        output.write_bytes(to_docx(theme_map))
    elif output.suffix == ".json":
        output.write_text(theme_map.model_dump_json(indent=1), encoding="utf-8")
    else:
        output.write_text(to_markdown(theme_map), encoding="utf-8")
    print(f"{len(theme_map.themes)} tema, {len(theme_map.gaps)} uten treff i 2022-kildene → {output}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="veiviser", description="Veiviser: spør Drammen kommunes dokumenter.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="Index the corpus (incremental; --rebuild starts over).")
    p.add_argument("--rebuild", action="store_true")
    p.add_argument("--json", action="store_true", help="Print the report as JSON.")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("search", help="Hybrid search (dense + BM25, fused).")
    p.add_argument("question")
    p.add_argument("--top-k", type=int, default=None)
    p.add_argument("--mode", choices=["hybrid", "dense", "lexical"], default="hybrid")
    p.add_argument("--document", dest="doc_id", action="append")
    p.add_argument("--kind", dest="doc_kind", action="append")
    p.add_argument("--service", action="append")
    p.add_argument("--level", action="append")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", help="Answer a question with cited sources.")
    p.add_argument("question")
    p.add_argument("--history", help='JSON list of earlier turns: [{"role": "user", "content": "..."}]')
    p.add_argument("--document", dest="doc_id", action="append")
    p.add_argument("--kind", dest="doc_kind", action="append")
    p.add_argument("--audience", choices=["citizen", "staff"], default="citizen")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("services", help="Service finder: measures that fit a situation (or a filtered listing).")
    p.add_argument("situation", nargs="?", default="")
    p.add_argument("--level", action="append", choices=[lvl.value for lvl in PreventionLevel])
    p.add_argument("--role", action="append", choices=[r.value for r in Role])
    p.add_argument("--service", action="append")
    p.add_argument("--limit", type=int, default=10, help="At most this many services.")
    p.add_argument("--input", help='JSONL of situations: {"id", "situation", "levels"?, "roles"?, "services"?}')
    p.add_argument("--output", help="JSONL: each input line plus the ordered groups and latency_ms.")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_services)

    p = sub.add_parser("summarize", help="What the 2018 workshops said on a theme, per workshop, cited.")
    p.add_argument("theme")
    p.add_argument("--workshop", action="append", help="Document id (file name); repeat for several.")
    p.add_argument("--output", help="Write the Markdown summary to this file.")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_summarize)

    p = sub.add_parser("themes", help="Theme map of the 2018 workshops and what 2022 reports (Markdown, Word, JSON).")
    p.add_argument("--output", help="themes.md, themes.docx or themes.json (default: Markdown on stdout).")
    p.set_defaults(func=cmd_themes)

    p = sub.add_parser("batch", help="Answer a JSONL file of questions (the evaluation contract).")
    p.add_argument("--input", required=True)
    p.add_argument("--output", required=True)
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("serve", help="Serve the API and the UI (builds the model and index if needed).")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("eval", help="Run the evaluation set (Veiviser and baselines) or compare two runs.")
    p.add_argument("--dataset")
    p.add_argument("--split", choices=["dev", "test", "all"], default="test")
    p.add_argument("--situations", help="Situation set scored with it (default: eval/datasets/situations.jsonl).")
    p.add_argument("--systems", help="Comma-separated: veiviser,bm25,dense,naive (default: all four).")
    p.add_argument("--results", help="Results folder (default: results/).")
    p.add_argument("--gate", help="Thresholds file (TOML); exit 1 when a metric falls below it.")
    p.set_defaults(func=cmd_eval, eval_command="run")
    eval_sub = p.add_subparsers(dest="eval_command")
    c = eval_sub.add_parser("compare", help="Differences per metric and the items that flipped.")
    c.add_argument("a")
    c.add_argument("b")
    c.add_argument("--system", default="veiviser")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = resolve_paths(load_settings())
        return int(args.func(settings, args))
    except VeiviserError as exc:  # every known failure: one line saying what to do, and its exit code
        print(f"Feil: {one_line(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except (OSError, sqlite3.Error) as exc:  # the data folder: read-only, full, missing
        print(f"Feil: {one_line(storage_message(exc))}", file=sys.stderr)
        return STORAGE_EXIT_CODE


STORAGE_EXIT_CODE = 7


def storage_message(exc: OSError | sqlite3.Error) -> str:
    """What to do when the data folder cannot be written or read."""
    where = getattr(exc, "filename", None)
    at = f" ({where})" if where else ""
    if isinstance(exc, PermissionError) or "readonly" in str(exc) or "read-only" in str(exc):
        return (
            f"Ingen skrivetilgang til datamappen{at}. Gi brukeren skrivetilgang, eller sett "
            "VEIVISER_INDEX__DATA_DIR til en mappe den kan skrive i."
        )
    if getattr(exc, "errno", None) == errno.ENOSPC:
        return f"Disken er full{at}. Frigjør plass og prøv igjen; den forrige indeksen er uendret."
    reason = getattr(exc, "strerror", None) or str(exc)
    return f"Kunne ikke lese eller skrive datamappen{at}: {reason}."


def one_line(message: str) -> str:
    """A message on one line (a CLI error is one line)."""
    return " ".join(message.split())


if __name__ == "__main__":
    sys.exit(main())
