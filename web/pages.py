"""The information pages: «Om Veiviser» (GET /om) and the accessibility statement (GET /tilgjengelighet).

Plain HTML in bokmål (lang="nb"), with no script, one stylesheet and the security headers of every page. The text is
kept in web/pages/*.html; the facts that depend on the running installation (the documents of the loaded index,
whether question text is logged, whether a language model is used, how long feedback is kept and how much) are
filled in from the index and the settings, so that the page says what this installation does.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from string import Template

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from assistant.facade import Assistant
from ingest.records import DocumentKind, DocumentMeta
from web.deps import AssistantDep

PAGES_DIR = Path(__file__).resolve().parent / "pages"
STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_PATH = "/static"
KINDS = {
    DocumentKind.WORKSHOP_REPORT: "rapport fra politisk arbeidsverksted",
    DocumentKind.KNOWLEDGE_BASE: "kunnskapsgrunnlag med tabeller over tiltak og tjenester",
    DocumentKind.STRATEGY: "forslag til strategi",
}
MONTHS = [
    "januar", "februar", "mars", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "desember",
]  # fmt: skip

router = APIRouter(include_in_schema=False)


@cache
def template(name: str) -> Template:
    return Template((PAGES_DIR / name).read_text(encoding="utf-8"))


def render(name: str, title: str, **values: str) -> str:
    """A page: its body (web/pages/<name>, with `values` filled in) inside the shared layout."""
    current = ' aria-current="page"'
    return template("layout.html").substitute(
        title=html.escape(title),
        body=template(name).substitute(values),
        current_about=current if name == "om.html" else "",
        current_statement=current if name == "tilgjengelighet.html" else "",
    )


def document_date(date: str) -> str:
    """`2018-04-26` → `26. april 2018`; a year stays a year; no date → «ikke datert»."""
    parts = date.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
        return f"{int(parts[2])}. {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return date or "ikke datert"


def documents_html(documents: list[DocumentMeta]) -> str:
    items = "".join(
        f"<li><strong>{html.escape(d.title)}</strong> – {KINDS.get(d.kind, 'dokument')}, "
        f"{html.escape(document_date(d.date))}</li>"
        for d in sorted(documents, key=lambda d: (d.date or "9999", d.title))
    )
    return f"<ul>{items}</ul>"


def about_values(assistant: Assistant) -> dict[str, str]:
    """What the «Om Veiviser» page says about this installation, from its index and settings."""
    settings = assistant.settings
    api = settings.api
    if api.log_questions:
        logging = (
            "I denne installasjonen er logging av selve spørsmålsteksten slått på for feilsøking "
            "(innstillingen VEIVISER_API__LOG_QUESTIONS): teksten logges da med fødselsnumre, telefonnumre og "
            "e-postadresser maskert, på én linje og forkortet til 160 tegn."
        )
    else:
        logging = (
            "Selve spørsmålsteksten logges ikke. En driftsansvarlig kan slå den på for feilsøking (innstillingen "
            "VEIVISER_API__LOG_QUESTIONS); da logges teksten med fødselsnumre, telefonnumre og e-postadresser "
            "maskert og forkortet til 160 tegn. I denne installasjonen er den slått av."
        )
    if settings.llm.backend == "none":
        model = (
            "Ingen språkmodell er koblet til i denne installasjonen: Veiviser setter sammen svarene selv fra "
            "dokumentene, og spørsmålet ditt sendes ikke til noen språkmodelltjeneste."
        )
    else:
        model = (
            "En språkmodell formulerer svarene i denne installasjonen: spørsmålet ditt, de tidligere spørsmålene i "
            "samtalen og avsnittene fra dokumentene sendes til språkmodelltjenesten kommunen har satt opp."
        )
    documents = assistant.documents()
    return {
        "documents": documents_html(documents),
        "document_count": str(len(documents)),
        "question_logging": logging,
        "language_model": model,
        "retention_days": str(api.feedback_retention_days),
        "feedback_max_mb": f"{api.feedback_max_bytes / (1024 * 1024):g}",
    }


@router.get("/om", response_class=HTMLResponse)
def about(assistant: AssistantDep) -> HTMLResponse:
    """«Om Veiviser»: what it knows and does not know, what it logs and stores, how to give feedback."""
    return HTMLResponse(render("om.html", "Om Veiviser", **about_values(assistant)))


@router.get("/tilgjengelighet", response_class=HTMLResponse)
def accessibility_statement() -> HTMLResponse:
    """The accessibility statement (tilgjengelighetserklæring)."""
    return HTMLResponse(render("tilgjengelighet.html", "Tilgjengelighetserklæring"))


def mount_pages(app: FastAPI) -> None:
    """The two pages and the static files they and the UI load (a stylesheet, the UI's one script)."""
    app.include_router(router)
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="static")
