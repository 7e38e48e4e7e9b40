"""The Gradio UI (bokmål), mounted on the FastAPI app at /ui.

It calls the same Assistant methods as the API and has no logic of its own: the functions here
only turn the assistant's records into Markdown, table rows and files.
"""

from __future__ import annotations

import atexit
import contextlib
import csv
import hmac
import html
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import FastAPI

from assistant.citations import source_name
from assistant.facade import Assistant
from assistant.settings import APIConfig
from assistant.theme_export import short
from assistant.themes import ThemeMap
from assistant.types import Answer, ChatTurn, Citation, ServiceFinderResult, ServiceGroup, ServiceMatch
from ingest.errors import VeiviserError
from ingest.records import PreventionLevel, Role
from web.feedback import FeedbackStore
from web.ui_types import Evaluator

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
MEASURE_HEADERS = ["Tjeneste", "Nivå", "Tiltak", "Roller", "Samarbeid", "Kilde"]
NO_SOURCES = "_Kildene til svaret vises her._"
# The information pages (web/pages.py), relative to the UI at /ui/ so that a path prefix in front still works.
NAV_HTML = (
    '<nav class="vv-nav" aria-label="Om tjenesten"><a href="../om">Om Veiviser</a> · '
    '<a href="../tilgjengelighet">Tilgjengelighetserklæring</a></nav>'
)
# The page loads one script and one stylesheet of ours (same origin: the Content-Security-Policy allows them as they
# are, without a hash); web/pages.py serves them.
HEAD = '<script src="../static/veiviser-ui.js" defer></script><link rel="stylesheet" href="../static/veiviser-ui.css">'
CSS = """
.vv-notice {border-left: 6px solid #b00020; background: #fff4f4; color: #3b0008; padding: .7em 1em;
            font-weight: 600; font-size: 1.05em; border-radius: 4px}
.vv-notice p {margin: 0}
#sources .vv-passage {font-size: .95em; margin: .3em 0 1em 0}
#chat .message-wrap {padding-top: 2.2em}
#measures table, #measures th, #measures td, #measures span {font-family: var(--font) !important}
#measures td span, #measures th span {word-break: normal !important; overflow-wrap: break-word !important}
.vv-cards {display: grid; grid-template-columns: repeat(auto-fill, minmax(min(280px, 100%), 1fr)); gap: .8em}
.vv-card {border: 1px solid #8a8a8a; border-radius: 6px; padding: .6em .9em}
.vv-card h3 {margin: .1em 0 .3em 0}
.vv-card ul {padding-left: 1.1em; margin: .3em 0}
.vv-meta, .vv-partners, .vv-source, .vv-why {font-size: .9em}
.vv-sources summary {cursor: pointer; font-weight: 600; font-size: 1rem}
.vv-sources ul {margin: .3em 0 0 0; padding-left: 1.4em}
.vv-nav {font-size: .95em}
/* Read by screen readers, not shown: the live regions that announce a new answer or result. */
.vv-sr-only {position: absolute !important; width: 1px !important; height: 1px !important; padding: 0 !important;
             margin: -1px !important; overflow: hidden !important; clip: rect(0 0 0 0) !important;
             white-space: nowrap !important; border: 0 !important}
/* A clearly visible keyboard focus on every control (Gradio's own is faint or none on some). */
.gradio-container :focus-visible {outline: 3px solid var(--color-accent) !important; outline-offset: 2px}
/* Phone first: the question box fits in the first screen (below the header, the tabs, «Jeg er» and the chat). */
@media (max-width: 480px) {
  #measures table {font-size: .85em}
  #chat {height: min(440px, 36vh) !important}
  .vv-header h1 {font-size: 1.6em; margin: 0 0 .2em 0}
  .vv-header p {margin: 0}
  [role=tablist] > button {padding: 0 10px}
}
"""


# --------------------------------------------------------------------------------------------
# Rendering (records → Markdown / rows); pure, tested on their own
# --------------------------------------------------------------------------------------------
def citations_markdown(citations: list[Citation]) -> str:
    """The sources panel: each cited passage with its number, document title, section path and text."""
    if not citations:
        return "### Kilder\n\n_Ingen kilder for dette svaret._"
    blocks = ["### Kilder"]
    for c in citations:
        # The passage verbatim (HTML, so list dashes and numbers in it are not re-read as Markdown).
        lines = "<br>".join(html.escape(line) for line in c.text.splitlines() if line.strip())
        quoted = f'<blockquote class="vv-passage">{lines}</blockquote>'
        section = f"_{html.escape(c.section)}_  \n" if c.section else ""
        blocks.append(
            f"**[{c.n}] {html.escape(source_name(c))}**  \n{section}"
            f"<small>{html.escape(c.document)} · node {html.escape(c.node_id)}</small>\n\n{quoted}"
        )
    return "\n\n".join(blocks)


def sources_details(citations: list[Citation]) -> str:
    """The answer's sources folded behind «Kilder (n)» (the answer stays short on a phone): number, document
    and section of each; the passages themselves are in the sources panel."""
    if not citations:
        return ""
    items = "".join(
        f"<li>[{c.n}] {html.escape(source_name(c))}{' › ' + html.escape(c.section) if c.section else ''}</li>"
        for c in citations
    )
    return f'<details class="vv-sources"><summary>Kilder ({len(citations)})</summary><ul>{items}</ul></details>'


def answer_markdown(answer: Answer) -> str:
    """The answer as shown in the chat: refusals are marked plainly, fallbacks say why, the sources are folded
    behind «Kilder (n)» under the answer."""
    degraded = f"\n\n_{answer.degraded_notice}_" if answer.degraded_notice else ""
    sources = f"\n\n{sources_details(answer.citations)}" if answer.citations else ""
    # Slips mended: say what was searched for, so a wrong correction is seen (and can be asked again).
    asked = html.escape(_MARKUP.sub("", answer.standalone_question), quote=False)
    searched = f"_Søkte etter: «{asked}»_\n\n" if answer.spelling_corrected else ""
    if answer.refused:
        return f"{searched}**Ikke i dokumentene.** {answer.answer}{degraded}{sources}"
    text = searched + answer.answer
    if lang := lang_attribute(answer.language):  # blank lines around it: the Markdown inside is still read
        text = f"<div{lang}>\n\n{text}\n\n</div>"
    if answer.backend_error:
        text += f"\n\n_{answer.backend_error}_"
    return text + degraded + sources


_MARKUP = re.compile(r"(\*\*|__|[*_`#>]|\[(?!\d+\]))")


def plain_text(markdown: str) -> str:
    """Markdown as one line of plain text for a screen reader (emphasis, headings and list marks dropped; the
    citation numbers [n] kept)."""
    lines = [re.sub(r"^\s*(?:[-•*>]|\d+\.|#{1,6})\s+", "", line).strip() for line in markdown.splitlines()]
    # Each line (a list item) ends as a sentence, so that a screen reader pauses between them.
    text = " ".join(line if line[-1] in ".!?:;…" else f"{line}." for line in lines if line)
    return " ".join(_MARKUP.sub("", text).replace("](", " (").split())


def live_html(text: str = "", politeness: str = "polite") -> str:
    """A live region's content: the region itself stays in the page (Gradio patches gr.HTML in place), so a
    screen reader reads each new text once it is set."""
    return f'<div class="vv-live" aria-live="{politeness}" aria-atomic="true">{html.escape(text)}</div>'


def answer_announcement(answer: Answer) -> str:
    """What a screen reader hears when an answer is complete: the answer as plain text and how many sources."""
    count = len(answer.citations)
    sources = f" {count} {'kilde' if count == 1 else 'kilder'}, under «Kilder ({count})»." if count else ""
    lead = "Ikke i dokumentene. " if answer.refused else ""
    return f"Nytt svar: {lead}{plain_text(answer.answer)}{sources}"


# Answers in another language than the page's bokmål are marked, so that a screen reader reads them in it.
LANG_ATTRIBUTES = {"en": "en", "nn": "nn"}


def lang_attribute(language: str | None) -> str:
    code = LANG_ATTRIBUTES.get(language or "")
    return f' lang="{code}"' if code else ""


def notice_html(notice: str | None, language: str | None = None) -> str:
    """The safety notice as an alert: read out at once by screen readers, in its own language."""
    if not notice:
        return ""
    return f'<div class="vv-notice" role="alert"{lang_attribute(language)}>{html.escape(notice)}</div>'


def notice_update(notice: str | None, language: str | None = None) -> Any:
    """The safety notice box: shown (first, in red) only when the assistant gives a notice."""
    return gr.update(value=notice_html(notice, language), visible=bool(notice))


def measure_rows(result: ServiceFinderResult) -> list[list[str]]:
    """One table row per measure; the source is document › section (node id)."""
    return [
        [
            m.service,
            m.level or "",
            m.measure,
            ", ".join(m.roles),
            m.partners,
            f"{source_name(m.citation)} › {m.citation.section} ({m.citation.node_id})",
        ]
        for group in result.groups
        for m in group.measures
    ]


def measure_item_html(match: ServiceMatch, details: bool) -> str:
    """One measure of a card, with its citation number; level, role and partners when details are asked."""
    text = f'{html.escape(match.measure)} <span class="vv-cite">[{match.citation.n}]</span>'
    if details:
        roles = html.escape(", ".join(match.roles) or "–")
        text += f' <span class="vv-meta">{html.escape(match.level or "uten nivå")} · {roles}</span>'
        if match.partners:
            text += f'<br><span class="vv-partners">Samarbeid: {html.escape(match.partners)}</span>'
    return f"<li>{text}</li>"


def card_html(group: ServiceGroup, number: int, details: bool) -> str:
    """A service card: the service, why it fits, its measures and the source."""
    heading = f"vv-svc-{number}"
    parts = [
        f'<article class="vv-card" aria-labelledby="{heading}"><h3 id="{heading}">{html.escape(group.service)}</h3>'
    ]
    if group.why:
        parts.append(f'<p class="vv-why"><strong>Hvorfor:</strong> {html.escape("; ".join(group.why))}</p>')
    parts.append("<ul>" + "".join(measure_item_html(m, details) for m in group.measures) + "</ul>")
    if group.measures:
        source = group.measures[0].citation
        where = f"{source_name(source)} › {source.section}"
        parts.append(f'<p class="vv-source">Kilde: {html.escape(where)}</p>')
    return "".join(parts) + "</article>"


def service_cards_html(groups: Sequence[ServiceGroup], details: bool = True) -> str:
    """The services as cards: service, why it fits, measures (with level and role for staff), partners, source."""
    if not groups:
        return ""
    return '<div class="vv-cards">' + "".join(card_html(g, n, details) for n, g in enumerate(groups, 1)) + "</div>"


def answer_cards_html(answer: Answer) -> str:
    """The services of a situation answer as cards, with the measures the answer cites and its numbers."""
    cited = {c.node_id: c for c in answer.citations}
    groups = []
    for group in answer.services:
        measures = [
            m.model_copy(update={"citation": cited[m.citation.node_id]})
            for m in group.measures
            if m.citation.node_id in cited
        ]
        if measures:
            groups.append(group.model_copy(update={"measures": measures}))
    return service_cards_html(groups, details=answer.audience == "staff")


# Downloads the UI writes (CSV, Markdown): one folder per process, each file in its own subfolder (a download
# keeps its name), removed after FILE_TTL_S and when the process ends. Gradio serves its own copy.
FILE_TTL_S = 600
_FILES = Path(tempfile.gettempdir()) / f"veiviser-ui-{os.getpid()}"
atexit.register(shutil.rmtree, _FILES, True)


def download_path(name: str, now: float | None = None) -> Path:
    """A fresh path for a download named `name`; older downloads of this process are cleaned up first."""
    now = time.time() if now is None else now
    _FILES.mkdir(parents=True, exist_ok=True)
    for folder in _FILES.iterdir():
        with contextlib.suppress(OSError):
            if now - folder.stat().st_mtime > FILE_TTL_S:
                shutil.rmtree(folder, ignore_errors=True)
    folder = _FILES / uuid.uuid4().hex
    folder.mkdir()
    return folder / name


def file_update(path: str | None) -> Any:
    """A download (gr.File) shown only once it holds a file: Gradio's empty file box carries an aria-label that
    its role does not allow (axe: aria-prohibited-attr), and an empty download helps nobody."""
    return gr.update(value=path, visible=path is not None)


def write_csv(rows: list[list[str]], name: str = "tiltak.csv") -> str:
    path = download_path(name)
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:  # BOM: Excel reads æøå right
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(MEASURE_HEADERS)
        writer.writerows(rows)
    return str(path)


def write_text(content: str, name: str) -> str:
    path = download_path(name)
    path.write_text(content, encoding="utf-8")
    return str(path)


# --------------------------------------------------------------------------------------------
# The Blocks
# --------------------------------------------------------------------------------------------
Get = Callable[[], Assistant]
AUDIENCES = [("Innbygger", "citizen"), ("Ansatt", "staff")]
EXAMPLE_SITUATIONS = [
    "Sønnen min på 14 har begynt å røyke hasj. Hvor kan vi få hjelp?",
    "Treåringen vår biter og slår i barnehagen, vi trenger veiledning som foreldre",
    "Elev på 9. trinn med høyt fravær og tegn på angst",
    "Vi har nettopp kommet til Norge med tre barn og vet ikke hvor vi skal begynne",
]


def chat_tab(get: Get, feedback: Callable[[], FeedbackStore]) -> None:
    """The chat: question, answer with a safety notice first when it applies, service cards, sources."""

    def respond(
        message: str,
        chat: list[dict[str, Any]],
        history: list[dict[str, str]],
        rated: list[dict[str, Any]],
        audience: str,
    ) -> Iterator[tuple[Any, ...]]:
        # What the user typed is shown as text: HTML in it is escaped, never rendered.
        shown = html.escape(message, quote=False)
        chat = [*chat, {"role": "user", "content": shown}, {"role": "assistant", "content": "…"}]
        notice = notice_update(None)
        # The live region is emptied first, so that the same answer twice is announced twice. The question box is
        # emptied here only: a question typed while the answer streams is kept.
        yield chat, notice, gr.update(), gr.update(), history, "", rated, "", live_html()
        try:
            turns = [ChatTurn.model_validate(t) for t in history]
            text = ""
            for event in get().ask_stream(message, turns, audience="staff" if audience == "staff" else "citizen"):
                if event.type == "meta":
                    notice = notice_update(event.safety_notice)
                    yield chat, notice, gr.update(), gr.update(), history, gr.update(), rated, "", gr.update()
                elif event.type == "delta":
                    text += event.text
                    chat[-1]["content"] = text
                    yield chat, notice, gr.update(), gr.update(), history, gr.update(), rated, "", gr.update()
                elif event.type == "done" and event.answer is not None:
                    answer = event.answer
                    chat[-1]["content"] = answer_markdown(answer)
                    history = [
                        *history,
                        {"role": "user", "content": message},
                        {"role": "assistant", "content": answer.answer},
                    ]
                    rated = [
                        *rated,
                        {
                            "index": len(chat) - 1,
                            "question": message,
                            "answer": answer.answer,
                            "citations": [c.node_id for c in answer.citations],
                        },
                    ]
                    cards = answer_cards_html(answer)
                    live = live_html(answer_announcement(answer))
                    if answer.safety_notice:  # now that the language is known, the notice is marked with it
                        notice = notice_update(answer.safety_notice, answer.language)
                    yield (
                        chat,
                        notice,
                        cards,
                        citations_markdown(answer.citations),
                        history,
                        gr.update(),
                        rated,
                        "",
                        live,
                    )
        except VeiviserError as exc:
            chat[-1]["content"] = f"⚠️ {exc}"
            yield chat, notice, gr.update(), gr.update(), history, message, rated, "", live_html(f"Feil: {exc}")

    def on_like(data: gr.LikeData, rated: list[dict[str, Any]]) -> str:
        index = data.index if isinstance(data.index, int) else data.index[0]
        entry = next((r for r in rated if r["index"] == index), None)
        if entry is None:
            return ""
        rating = "up" if data.liked else "down"
        feedback().add(entry["question"], entry["answer"], rating, citations=entry["citations"], source="ui")
        return (
            "Takk for tilbakemeldingen!" if rating == "up" else "Takk! Tilbakemeldingen hjelper oss å forbedre svarene."
        )

    # The safety notice comes first, above everything else, whenever it applies (role="alert": read out at once
    # by screen readers).
    notice = gr.HTML("", visible=False, elem_id="safety-notice")
    audience = gr.Radio(AUDIENCES, value="citizen", label="Jeg er", elem_id="audience")
    chatbot = gr.Chatbot(
        label="Samtale",
        height=440,
        feedback_options=("Like", "Dislike"),
        buttons=["copy"],
        elem_id="chat",
        placeholder="Still et spørsmål, eller beskriv situasjonen du trenger hjelp med.",
    )
    # The complete answer, read out once by screen readers (the chat log itself is not a live region: it
    # would read the streamed answer piece by piece; see web/static/veiviser-ui.js).
    live = gr.HTML(live_html(), elem_id="answer-live", elem_classes=["vv-sr-only"])
    history = gr.State([])
    rated = gr.State([])
    with gr.Row(equal_height=True):
        question = gr.Textbox(
            label="Spørsmålet ditt",
            placeholder="Skriv et spørsmål og trykk Enter …",
            scale=5,
            min_width=240,
            elem_id="question",
        )
        send = gr.Button("Spør", variant="primary", scale=1, min_width=90, elem_id="ask")
    thanks = gr.Markdown("", elem_id="feedback-status")
    cards = gr.HTML("", elem_id="answer-services")
    gr.Examples(EXAMPLES_STAFF, inputs=question, label="Eksempler for ansatte")
    gr.Examples(EXAMPLES_CITIZEN, inputs=question, label="Eksempler for innbyggere")
    sources = gr.Markdown(NO_SOURCES, elem_id="sources")
    clear = gr.Button("Ny samtale", size="sm")
    outputs = [chatbot, notice, cards, sources, history, question, rated, thanks, live]
    inputs = [question, chatbot, history, rated, audience]
    asking: list[dict[str, Any]] = [send.click(respond, inputs, outputs), question.submit(respond, inputs, outputs)]
    # A new conversation stops the answer still streaming: its later updates would bring the old chat back.
    clear.click(
        lambda: ([], notice_update(None), "", NO_SOURCES, [], "", [], "", live_html()), None, outputs, cancels=asking
    )
    chatbot.like(on_like, [rated], [thanks])


def finder_tab(get: Get) -> Any:
    """The Tiltaksfinner: services as cards (why, measures, level, role, partners, source), a table and CSV."""

    def find(situation: str, services: list[str], levels: list[str], roles: list[str]) -> tuple[Any, ...]:
        try:
            result = get().find_services(situation or "", levels or [], roles or [], services or [], limit=100)
        except VeiviserError as exc:
            return "", [], file_update(None), f"⚠️ {exc}", live_html(f"Feil: {exc}")
        rows = measure_rows(result)
        status = f"{result.total} tiltak fra {len(result.groups)} tjenester."
        heard = f"Resultat: {status}"
        if result.safety_notice:
            status = f"{notice_html(result.safety_notice)}\n\n{status}"
        cards = service_cards_html(result.groups)
        return cards, rows, file_update(write_csv(rows)), status, live_html(heard)

    gr.Markdown("Beskriv en situasjon, eller velg bare filtre for å bla i tiltakskatalogen (Vedlegg 2).")
    situation = gr.Textbox(
        label="Beskriv situasjonen",
        placeholder="F.eks. 14-åring med høyt skolefravær og rusbruk",
        elem_id="situation",
    )
    with gr.Row():
        service = gr.Dropdown(label="Tjeneste", choices=[], multiselect=True, min_width=200)
        level = gr.Dropdown(
            label="Nivå", choices=[lvl.value for lvl in PreventionLevel], multiselect=True, min_width=200
        )
        role = gr.Dropdown(label="Rolle", choices=[r.value for r in Role], multiselect=True, min_width=200)
    go = gr.Button("Finn tiltak", variant="primary", elem_id="find")
    gr.Examples(EXAMPLE_SITUATIONS, inputs=situation, label="Eksempler på situasjoner")
    status = gr.Markdown(elem_id="finder-status")
    live = gr.HTML(live_html(), elem_id="finder-live", elem_classes=["vv-sr-only"])
    cards = gr.HTML("", elem_id="finder-cards")
    with gr.Accordion("Tabellvisning og nedlasting", open=False):
        table = gr.Dataframe(
            headers=MEASURE_HEADERS,
            wrap=True,
            label="Tiltak",
            interactive=False,
            column_widths=["15%", "10%", "22%", "12%", "18%", "23%"],
            max_height=600,
            elem_id="measures",
        )
        download = gr.File(label="Last ned CSV", elem_id="measures-csv", visible=False)
    outputs = [cards, table, download, status, live]
    go.click(find, [situation, service, level, role], outputs)
    situation.submit(find, [situation, service, level, role], outputs)
    return service


def theme_heatmap_html(theme_map: ThemeMap) -> str:
    """Themes × workshops as a heatmap (points per cell), an inline PNG with a text alternative."""
    import base64
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    titles = [short(t) for t in theme_map.workshops.values()]
    rows = [[t.workshops.get(doc, 0) for doc in theme_map.workshops] for t in theme_map.themes]
    if not rows:
        return ""
    peak = max(max(row) for row in rows) or 1
    figure, axis = plt.subplots(figsize=(7, 0.32 * len(rows) + 1.2), dpi=100)
    axis.imshow(rows, cmap="Blues", aspect="auto")
    axis.set_xticks(range(len(titles)), titles, fontsize=8)
    axis.set_yticks(range(len(rows)), [t.label[:40] for t in theme_map.themes], fontsize=7)
    for y, row in enumerate(rows):
        for x, count in enumerate(row):
            dark = count > 0.6 * peak  # white on the darkest cells only: readable everywhere
            axis.text(x, y, str(count), ha="center", va="center", fontsize=7, color="white" if dark else "black")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    alt = "Varmekart: antall punkter per tema og verksted (tallene står også i tabellen)"
    return f'<img alt="{alt}" src="data:image/png;base64,{encoded}" style="max-width:100%">'


def themes_details(markdown: str) -> str:
    """The export's per-theme sections, each folded behind its heading (the page stays short on a phone)."""
    sections = markdown.split("\n## ")[1:]
    folded = []
    for section in sections:
        heading, _, body = section.partition("\n")
        folded.append(f"<details><summary>{html.escape(heading)}</summary>\n\n{body.strip()}\n\n</details>")
    return "\n\n".join(folded)


def themes_tab(get: Get) -> None:
    """The theme map: overview table and heatmap, each theme with its cited points and 2022 links."""
    gr.Markdown(
        "Alle punktene fra de tre politiske arbeidsverkstedene i 2018, gruppert i tema etter mening, og hva "
        "kunnskapsgrunnlaget fra 2022 rapporterer om hvert tema. Hver kobling har et likhetstall, så du kan "
        "vurdere den selv."
    )
    show = gr.Button("Vis temakartet", variant="primary", elem_id="show-themes")
    overview = gr.Dataframe(label="Punkter per tema og verksted", interactive=False, wrap=True, elem_id="theme-table")
    heatmap = gr.HTML("", elem_id="theme-heatmap")
    details = gr.Markdown(elem_id="theme-details")
    with gr.Row():
        markdown_file = gr.File(label="Last ned Markdown", elem_id="themes-md", visible=False)
        word_file = gr.File(label="Last ned Word", elem_id="themes-docx", visible=False)

    def build() -> tuple[Any, str, str, Any, Any]:
        from assistant.theme_export import to_docx, to_markdown

        theme_map = get().themes()
        headers = ["Tema", *(short(t) for t in theme_map.workshops.values())]
        rows = [[t.label, *(t.workshops.get(d, 0) for d in theme_map.workshops)] for t in theme_map.themes]
        text = to_markdown(theme_map)
        word = download_path("veiviser-temakart.docx")
        word.write_bytes(to_docx(theme_map))
        return (
            gr.update(value=rows, headers=headers),
            theme_heatmap_html(theme_map),
            themes_details(text),
            file_update(write_text(text, "veiviser-temakart.md")),
            file_update(str(word)),
        )

    show.click(build, None, [overview, heatmap, details, markdown_file, word_file])


def summary_tab(get: Get) -> Any:
    """What the 2018 workshops said on a theme, per workshop, cited; Markdown download."""

    def summarize(theme: str, workshops: list[str]) -> tuple[str, Any, str]:
        try:
            summary = get().summarize(theme, workshops or [])
        except VeiviserError as exc:
            return f"⚠️ {exc}", file_update(None), live_html(f"Feil: {exc}")
        heard = f"Oppsummeringen av «{theme.strip()}» er klar."
        return summary.markdown, file_update(write_text(summary.markdown, "verkstedoppsummering.md")), live_html(heard)

    gr.Markdown("Hva sa de tre politiske arbeidsverkstedene (2018) om et tema? Hvert punkt har kilde.")
    theme = gr.Textbox(label="Tema", placeholder="F.eks. frivillighet, tidlig innsats, kompetanse", elem_id="theme")
    workshops = gr.CheckboxGroup(label="Verksteder (ingen valgt = alle tre)", choices=[], elem_id="workshops")
    run = gr.Button("Oppsummer", variant="primary", elem_id="summarize")
    summary = gr.Markdown(elem_id="summary")
    summary_file = gr.File(label="Last ned Markdown", elem_id="summary-md", visible=False)
    live = gr.HTML(live_html(), elem_id="summary-live", elem_classes=["vv-sr-only"])
    run.click(summarize, [theme, workshops], [summary, summary_file, live])
    theme.submit(summarize, [theme, workshops], [summary, summary_file, live])
    return workshops


def evaluation_tab(get: Get, evaluator: Evaluator | None) -> tuple[Any, Any, Callable[[], tuple[str, str]]] | None:
    """The latest report for everyone; running the set (or an uploaded one) only with the admin key."""
    if evaluator is None:
        gr.Markdown("Evalueringen er ikke tilgjengelig i denne installasjonen.")
        return None
    gr.Markdown(
        "Siste evaluering av Veiviser vises under. Å kjøre evalueringssettet (eller et eget sett i samme "
        "JSONL-format) krever administratornøkkelen; resultatet lagres under `results/` og sammenlignes med "
        "forrige kjøring."
    )
    split = gr.Radio(["dev", "test", "alle"], value="dev", label="Del av evalueringssettet")
    key = gr.Textbox(label="Administratornøkkel", type="password", elem_id="eval-key")
    upload = gr.File(
        label="Eller last opp et eget sett (JSONL; hele filen kjøres)",
        file_types=[".jsonl"],
        type="filepath",
        elem_id="eval-upload",
        visible=False,  # shown once the admin key is given
    )
    key.change(lambda given: gr.update(visible=admin_refusal(get(), given) is None), key, upload)
    evaluate_button = gr.Button("Kjør evaluering", variant="primary", elem_id="evaluate")
    metrics = gr.Markdown(elem_id="eval-metrics")
    plots = gr.HTML(elem_id="eval-plots")

    def run(chosen: str, file: str | None, given: str) -> tuple[str, str]:
        assistant = get()
        refused = admin_refusal(assistant, given)
        if refused:
            return refused, gr.skip()
        return evaluator.run(assistant, chosen, file)

    evaluate_button.click(run, [split, upload, key], [metrics, plots])
    return metrics, plots, lambda: evaluator.latest(get())


def admin_refusal(assistant: Assistant, given: str | None) -> str | None:
    """Why a run is refused (no key configured, or the wrong one), or None when the key is right."""
    configured = assistant.settings.api.admin_api_key
    if configured is None:
        return "⚠️ Kjøring er slått av: sett `VEIVISER_API__ADMIN_API_KEY` for å slå den på."
    if not given or not hmac.compare_digest(given.encode(), configured.get_secret_value().encode()):
        return "⚠️ Feil eller manglende administratornøkkel. Siste rapport vises uendret."
    return None


def theme() -> gr.themes.Base:
    """Gradio's default theme with colours that meet WCAG 2.1 AA contrast (4.5:1 for text): primary buttons
    white on blue 700 (6.7:1) instead of white on orange 500 (2.8:1), the selected tab and other accents in
    blue 700, subdued text (placeholders, hints, the footer) in grey 600 instead of grey 400 (1.9:1), and a
    strong focus ring on inputs. Dark mode gets the same contrasts."""
    base = gr.themes.Default(primary_hue=gr.themes.colors.blue, secondary_hue=gr.themes.colors.blue)
    return base.set(
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_border_color="*primary_700",
        button_primary_text_color="white",
        button_primary_background_fill_dark="*primary_700",
        button_primary_background_fill_hover_dark="*primary_800",
        button_primary_border_color_dark="*primary_700",
        button_primary_text_color_dark="white",
        color_accent="*primary_700",
        body_text_color_subdued="*neutral_600",
        body_text_color_subdued_dark="*neutral_300",
        input_placeholder_color="*neutral_600",
        input_placeholder_color_dark="*neutral_300",
        input_border_color_focus="*primary_700",
        input_shadow_focus="0 0 0 2px *primary_700",
        link_text_color="*primary_700",
        link_text_color_visited="*primary_800",
        link_text_color_dark="*primary_300",
        link_text_color_visited_dark="*primary_300",
    )


def build_blocks(get: Get, feedback: Callable[[], FeedbackStore], evaluator: Evaluator | None = None) -> gr.Blocks:
    """All five tabs under a header that links the information pages. `get` returns the current assistant
    (swapped after a re-ingest)."""
    # Gradio's copies of downloads and uploads: checked hourly, removed when older than an hour.
    with gr.Blocks(title="Veiviser – Drammen kommune", analytics_enabled=False, delete_cache=(3600, 3600)) as blocks:
        gr.Markdown(
            "# Veiviser\nSpør Drammen kommunes dokumenter om oppvekst, barnevern, helse og sosiale tjenester. "
            "Alle svar viser hvilke dokumenter de bygger på.",
            elem_classes=["vv-header"],
        )
        gr.HTML(NAV_HTML, elem_id="info-links")
        # Tabs that do not fit wrap onto a new row (the default hides them behind a menu button named in English).
        with gr.Tabs(overflow_behavior="wrap"):
            with gr.Tab("Chat", id="chat-tab"):
                chat_tab(get, feedback)
            with gr.Tab("Tiltaksfinner", id="finder-tab"):
                service = finder_tab(get)
            with gr.Tab("Verkstedoppsummering", id="summary-tab"):
                workshops = summary_tab(get)
            with gr.Tab("Temakart", id="themes-tab"):
                themes_tab(get)
            with gr.Tab("Evaluering", id="eval-tab"):
                report = evaluation_tab(get, evaluator)

        def fill_choices() -> tuple[Any, Any]:
            assistant = get()
            return (
                gr.update(choices=assistant.service_names()),
                gr.update(choices=[(d.title, d.doc_id) for d in assistant.workshops()]),
            )

        blocks.load(fill_choices, None, [service, workshops])
        if report is not None:
            metrics, plots, latest = report
            blocks.load(latest, None, [metrics, plots])
    return blocks  # type: ignore[no-any-return]


def mount_ui(
    app: FastAPI, path: str = "/ui", evaluator: Evaluator | None = None, settings: APIConfig | None = None
) -> None:
    """Mount the UI on the API app; it reads the services from the app state at call time."""
    settings = settings or APIConfig()

    def get() -> Assistant:
        return app.state.services.assistant  # type: ignore[no-any-return]

    def feedback() -> FeedbackStore:
        return app.state.services.feedback  # type: ignore[no-any-return]

    blocks = build_blocks(get, feedback, evaluator)
    # Requests the UI works on at once (Gradio's default is one): measured in eval/bench/ui_concurrency.py.
    blocks.queue(default_concurrency_limit=settings.ui_concurrency)
    gr.mount_gradio_app(
        app,
        blocks,
        path=path,
        theme=theme(),
        css=CSS,
        head=HEAD,
        footer_links=["api"],
        max_file_size=settings.ui_max_upload_bytes,
    )
