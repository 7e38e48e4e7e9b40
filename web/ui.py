"""The Gradio UI (bokmål), mounted on the FastAPI app at /ui. It calls the same Assistant methods as the API."""

from __future__ import annotations

import csv
import html
import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import FastAPI

from assistant.errors import AssistantError
from assistant.service import Assistant
from assistant.types import Answer, ChatTurn, Citation

EXAMPLES_STAFF = [
    "En 15-åring ruser seg og har sluttet å gå på skolen. Hvilke tilbud finnes?",
    "Hvilke tiltak har helsestasjonstjenesten for gravide?",
    "Hva sier kunnskapsgrunnlaget om individuell plan?",
]
EXAMPLES_CITIZEN = [
    "Hva er Ungdomstorget?",
    "Hvor kan jeg få hjelp som forelder til en tenåring?",
    "Hva er helsestasjon for ungdom?",
]
CSS = """
.vv-notice {border-left: 6px solid #b00020; background: #fff4f4; padding: .6em 1em; font-weight: 600}
.vv-refused {border-left: 6px solid #8a6d00; background: #fffbe6; padding: .4em 1em}
@media (max-width: 480px) { .gradio-container {padding: 4px !important} }
"""


def citations_markdown(citations: list[Citation]) -> str:
    """The sources panel: each cited passage with document, section path and text."""
    if not citations:
        return "_Ingen kilder for dette svaret._"
    blocks = []
    for c in citations:
        text = html.escape(c.text).replace("\n", "<br>")
        blocks.append(
            f"**[{c.n}] {html.escape(c.title or c.document)}**  \n_{html.escape(c.section)}_  \n"
            f"<small>node {c.node_id}</small>\n\n> {text}\n"
        )
    return "\n".join(blocks)


def answer_markdown(answer: Answer) -> str:
    if answer.refused:
        return f"**Ikke i dokumentene.** {answer.answer}"
    text = answer.answer
    if answer.backend_error:
        text += f"\n\n_{answer.backend_error}_"
    return text


def _write_temp(suffix: str, content: str) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=suffix, delete=False, encoding="utf-8") as handle:
        handle.write(content)
    return handle.name


def build_blocks(get: Callable[[], Assistant]) -> gr.Blocks:
    """All four tabs; `get` returns the current assistant (it is swapped after a re-ingest)."""

    def respond(message: str, chat: list[dict[str, Any]], history: list[dict[str, str]]) -> Iterator[tuple[Any, ...]]:
        chat = [*chat, {"role": "user", "content": message}, {"role": "assistant", "content": ""}]
        notice = gr.update(value="", visible=False)
        try:
            assistant = get()
            turns = [ChatTurn.model_validate(t) for t in history]
            text = ""
            for event in assistant.ask_stream(message, turns):
                if event.type == "meta" and event.safety_notice:
                    notice = gr.update(value=event.safety_notice, visible=True)
                elif event.type == "delta":
                    text += event.text
                    chat[-1]["content"] = text
                    yield chat, notice, gr.update(), history, ""
                elif event.type == "done" and event.answer is not None:
                    chat[-1]["content"] = answer_markdown(event.answer)
                    history = [
                        *history,
                        {"role": "user", "content": message},
                        {"role": "assistant", "content": event.answer.answer},
                    ]
                    yield chat, notice, citations_markdown(event.answer.citations), history, ""
        except AssistantError as exc:
            chat[-1]["content"] = f"⚠️ {exc}"
            yield chat, notice, gr.update(), history, message

    def on_like(data: gr.LikeData, chat: list[dict[str, Any]]) -> None:
        index = data.index if isinstance(data.index, int) else data.index[0]
        answer = chat[index]["content"] if index < len(chat) else ""
        question = next((m["content"] for m in reversed(chat[:index]) if m["role"] == "user"), "")
        from web.feedback import FeedbackStore

        store = FeedbackStore(get().settings.index.data_dir / "feedback" / "feedback.jsonl")
        store.add(
            {
                "question": question,
                "answer": str(answer),
                "rating": "up" if data.liked else "down",
                "comment": "",
                "citations": [],
            }
        )

    def find(situation: str, services: list[str], levels: list[str], roles: list[str]) -> tuple[Any, ...]:
        try:
            result = get().find_services(situation or "", levels or [], roles or [], services or [], limit=100)
        except AssistantError as exc:
            return [], None, f"⚠️ {exc}"
        rows = [
            [
                m.service,
                m.level or "",
                m.measure,
                ", ".join(m.roles),
                m.partners,
                f"{m.citation.section} ({m.citation.node_id})",
            ]
            for g in result.groups
            for m in g.measures
        ]
        header = ["Tjeneste", "Nivå", "Tiltak", "Roller", "Samarbeid", "Kilde"]
        path = Path(tempfile.mkdtemp()) / "tiltak.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        status = f"{result.total} tiltak fra {len(result.groups)} tjenester."
        if result.safety_notice:
            status = f"**{result.safety_notice}**\n\n{status}"
        return rows, str(path), status

    def summarize(theme: str, workshops: list[str]) -> tuple[str, str | None]:
        try:
            summary = get().summarize(theme, workshops or [])
        except AssistantError as exc:
            return f"⚠️ {exc}", None
        return summary.markdown, _write_temp(".md", summary.markdown)

    def evaluate(split: str, upload: str | None) -> tuple[str, str]:
        try:
            from eval.report import compare, headline_table, persona_table
            from eval.runner import DEFAULT_DATASET, run_eval, write_result
        except ImportError:
            return "Evalueringen er ikke tilgjengelig i denne installasjonen.", ""
        assistant = get()
        dataset = Path(upload) if upload else DEFAULT_DATASET
        try:
            result = run_eval(
                assistant, dataset, split=None if split == "alle" else split, systems=["veiviser"], progress=False
            )
        except ValueError as exc:
            return f"⚠️ {exc}", ""
        results_dir = assistant.settings.index.data_dir.parent / "results"
        latest = results_dir / "latest.json"
        previous = json.loads(latest.read_text()).get("path") if latest.is_file() else None
        path = write_result(result, results_dir)
        text = f"### Resultat\n\n{headline_table(result)}\n\n### Per persona\n\n{persona_table(result)}\n"
        if previous and Path(previous).is_file():
            prev = json.loads(Path(previous).read_text(encoding="utf-8"))
            if "veiviser" in prev.get("systems", {}):
                text += f"\n### Sammenlignet med forrige kjøring\n\n```\n{compare(prev, result)}\n```\n"
        report = path.parent / "report.html"
        images = report.read_text(encoding="utf-8").split("<figure>", 1)
        plots = "<figure>" + images[1].split("</body>")[0] if len(images) > 1 else ""
        return text, plots

    with gr.Blocks(title="Veiviser – Drammen kommune", analytics_enabled=False) as blocks:
        gr.Markdown(
            "# Veiviser\nSpør Drammen kommunes dokumenter om oppvekst, barnevern, helse og sosiale tjenester. "
            "Alle svar har kilder."
        )
        with gr.Tab("Chat"):
            notice = gr.Markdown(visible=False, elem_classes=["vv-notice"], elem_id="safety-notice")
            chatbot = gr.Chatbot(label="Samtale", height=420, feedback_options=("Like", "Dislike"), elem_id="chat")
            history = gr.State([])
            with gr.Row():
                question = gr.Textbox(
                    label="Spørsmålet ditt", placeholder="Skriv et spørsmål …", scale=5, elem_id="question"
                )
                send = gr.Button("Spør", variant="primary", scale=1, elem_id="ask")
            gr.Examples(EXAMPLES_STAFF, inputs=question, label="Eksempler for ansatte")
            gr.Examples(EXAMPLES_CITIZEN, inputs=question, label="Eksempler for innbyggere")
            sources = gr.Markdown("_Kildene vises her._", label="Kilder", elem_id="sources")
            clear = gr.Button("Ny samtale", size="sm")
            outputs = [chatbot, notice, sources, history, question]
            send.click(respond, [question, chatbot, history], outputs)
            question.submit(respond, [question, chatbot, history], outputs)
            clear.click(lambda: ([], gr.update(visible=False), "_Kildene vises her._", [], ""), None, outputs)
            chatbot.like(on_like, [chatbot], None)
        with gr.Tab("Tiltaksfinner"):
            situation = gr.Textbox(
                label="Beskriv situasjonen",
                placeholder="F.eks. 14-åring med høyt skolefravær og rusbruk",
                elem_id="situation",
            )
            with gr.Row():
                service = gr.Dropdown(label="Tjeneste", choices=[], multiselect=True)
                level = gr.Dropdown(label="Nivå", choices=["universell", "selektert", "indikert"], multiselect=True)
                role = gr.Dropdown(label="Rolle", choices=["forebygge", "fange opp", "følge opp"], multiselect=True)
            go = gr.Button("Finn tiltak", variant="primary", elem_id="find")
            status = gr.Markdown()
            table = gr.Dataframe(
                headers=["Tjeneste", "Nivå", "Tiltak", "Roller", "Samarbeid", "Kilde"],
                wrap=True,
                label="Tiltak",
                elem_id="measures",
            )
            download = gr.File(label="Last ned CSV")
            go.click(find, [situation, service, level, role], [table, download, status])
            situation.submit(find, [situation, service, level, role], [table, download, status])
        with gr.Tab("Verkstedoppsummering"):
            theme = gr.Textbox(
                label="Tema", placeholder="F.eks. frivillighet, tidlig innsats, kompetanse", elem_id="theme"
            )
            workshops = gr.CheckboxGroup(label="Verksteder (ingen valgt = alle tre)", choices=[])
            run = gr.Button("Oppsummer", variant="primary", elem_id="summarize")
            summary = gr.Markdown(elem_id="summary")
            summary_file = gr.File(label="Last ned Markdown")
            run.click(summarize, [theme, workshops], [summary, summary_file])
        with gr.Tab("Evaluering"):
            split = gr.Radio(["dev", "test", "alle"], value="dev", label="Del av evalueringssettet")
            upload = gr.File(label="Eller last opp et eget sett (JSONL)", file_types=[".jsonl"], type="filepath")
            evaluate_button = gr.Button("Kjør evaluering", variant="primary")
            metrics = gr.Markdown()
            plots = gr.HTML()
            evaluate_button.click(evaluate, [split, upload], [metrics, plots])

        def fill_choices() -> tuple[Any, Any]:
            assistant = get()
            return (
                gr.update(choices=assistant.services()),
                gr.update(choices=[(d.title, d.doc_id) for d in assistant.workshops()]),
            )

        blocks.load(fill_choices, None, [service, workshops])
    return blocks  # type: ignore[no-any-return]


def mount_ui(app: FastAPI, path: str = "/ui") -> None:
    """Mount the UI; it reads the assistant from the app state at call time."""

    def get() -> Assistant:
        return app.state.services.assistant  # type: ignore[no-any-return]

    gr.mount_gradio_app(app, build_blocks(get), path=path, css=CSS)
