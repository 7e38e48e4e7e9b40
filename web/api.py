"""The JSON API (FastAPI, /api/v1) with the Gradio UI mounted at /ui (`/` redirects there).

No domain logic here: every route calls one Assistant method. The API is stateless between
requests (chat history travels with each request), so any number of processes can serve behind a
load balancer (with Chroma in server mode). OpenAPI docs: /docs.
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import AssistantError
from assistant.llm import check_backend
from assistant.retrieval import SearchResult
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.types import Answer, Passage, ServiceFinderResult, WorkshopSummary
from index.manifest import IndexNotBuiltError
from web.deps import AdminDep, AssistantDep, FeedbackDep, IngestFn, Services, ServicesDep
from web.feedback import FeedbackStore, feedback_path
from web.privacy import MaskingFilter, for_log, install_masking
from web.schemas import (
    AskRequest,
    AskResponse,
    ErrorResponse,
    FeedbackRequest,
    FeedbackResponse,
    IngestResponse,
    SearchRequest,
    ServicesRequest,
    SummaryRequest,
    assistant_filters,
)

logger = logging.getLogger("veiviser.api")
logger.addFilter(MaskingFilter())

UI_PATH = "/ui"
ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorResponse, "description": "Ugyldig forespørsel (hva som er galt står i `detail`)."},
    503: {"model": ErrorResponse, "description": "Indeksen er ikke klar."},
}
ADMIN_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Feil eller manglende X-API-Key."},
    403: {"model": ErrorResponse, "description": "Administrasjon er deaktivert (ingen nøkkel konfigurert)."},
}

router = APIRouter(prefix="/api/v1", responses=ERRORS)


def to_response(answer: Answer) -> AskResponse:
    return AskResponse.model_validate(answer.model_dump(include=set(AskResponse.model_fields)))


@router.post("/ask", response_model=AskResponse, tags=["spørsmål"])
def ask(body: AskRequest, assistant: AssistantDep) -> AskResponse:
    """Answer a question with numbered, cited sources (extractive, or the configured LLM)."""
    logger.info("ask: %s", for_log(body.question))
    return to_response(assistant.ask(body.question, body.history, assistant_filters(body.filters)))


def sse(event: str, data: dict[str, Any]) -> str:
    """One Server-Sent Event."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post(
    "/chat/stream",
    tags=["spørsmål"],
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "meta, delta …, done (or error)."}},
)
def chat_stream(body: AskRequest, assistant: AssistantDep) -> StreamingResponse:
    """Stream the answer as Server-Sent Events: `meta`, `delta`…, then `done` with the citations."""
    filters = assistant_filters(body.filters)
    # Validate before the stream starts, so bad input is a 4xx and not a broken stream.
    assistant.check_question(body.question)
    assistant.check_history(body.history)
    assistant.check_filters(filters)
    logger.info("chat/stream: %s", for_log(body.question))
    return StreamingResponse(
        stream_events(assistant, body, filters),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def stream_events(assistant: Assistant, body: AskRequest, filters: dict[str, list[str]] | None) -> Iterator[str]:
    """The assistant's stream as SSE text; a failure mid-stream ends it with an `error` event."""
    try:
        for event in assistant.ask_stream(body.question, body.history, filters):
            if event.type == "meta":
                yield sse("meta", {"safety_notice": event.safety_notice})
            elif event.type == "delta":
                yield sse("delta", {"text": event.text})
            elif event.answer is not None:
                yield sse("done", to_response(event.answer).model_dump())
    except Exception as exc:
        log_unexpected(exc, "POST", "/api/v1/chat/stream")
        yield sse("error", {"detail": "Intern feil"})


@router.post("/search", response_model=SearchResult, tags=["søk"])
def search(body: SearchRequest, assistant: AssistantDep) -> SearchResult:
    """Hybrid (or dense/lexical) retrieval: the ranked passages."""
    logger.info("search: %s", for_log(body.query))
    return assistant.search(body.query, body.top_k, assistant_filters(body.filters), body.mode)


@router.get(
    "/passages/{node_id}",
    response_model=Passage,
    tags=["søk"],
    responses={404: {"model": ErrorResponse, "description": "Ukjent node-id."}},
)
def passage(node_id: str, assistant: AssistantDep) -> Passage:
    """One passage by node id (to show a citation in full)."""
    found = assistant.passage(node_id)
    if found is None:
        raise HTTPException(404, f"Fant ingen passasje med id '{node_id[:40]}'.")
    return found


@router.post("/services", response_model=ServiceFinderResult, tags=["tiltaksfinner"])
def services_finder(body: ServicesRequest, assistant: AssistantDep) -> ServiceFinderResult:
    """Service finder: measures from the catalog that fit a situation, grouped by service, cited."""
    logger.info("services: %s", for_log(body.situation))
    return assistant.find_services(body.situation, body.levels, body.roles, body.services, body.limit)


@router.post(
    "/summaries",
    response_model=WorkshopSummary,
    tags=["verksteder"],
    responses={200: {"content": {"text/markdown": {}}, "description": "JSON, or Markdown with format=markdown."}},
)
def summaries(body: SummaryRequest, assistant: AssistantDep) -> WorkshopSummary | Response:
    """What the 2018 workshops said on a theme, per workshop, every point cited (JSON or Markdown)."""
    summary = assistant.summarize(body.theme, body.workshops)
    if body.format == "markdown":
        return PlainTextResponse(summary.markdown, media_type="text/markdown; charset=utf-8")
    return summary


@router.post("/feedback", status_code=201, response_model=FeedbackResponse, tags=["tilbakemelding"])
def feedback(body: FeedbackRequest, store: FeedbackDep) -> FeedbackResponse:
    """Store a thumbs up/down (with an optional comment) for an answer."""
    entry = store.add(body.question, body.answer, body.rating, body.comment, body.citations, source="api")
    return FeedbackResponse(stored=True, id=entry["id"])


@router.get("/healthz", tags=["drift"])
def healthz() -> dict[str, str]:
    """The process is up (liveness)."""
    return {"status": "ok"}


@router.get("/readyz", tags=["drift"], responses={503: {"description": "Ikke klar: indeks eller språkmodell."}})
def readyz(request: Request) -> JSONResponse:
    """Ready: the index is loaded, and the LLM backend answers when one is configured."""
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None:
        return JSONResponse({"ready": False, "index": None, "llm": "ikke sjekket"}, status_code=503)
    index = services.assistant.index
    llm_ok, llm_detail = check_backend(services.assistant.settings.llm)
    body = {
        "ready": llm_ok,
        "index": {
            "collection": index.manifest.collection,
            "nodes": len(index.nodes),
            "documents": len(index.documents),
            "built_at": index.manifest.built_at,
        },
        "llm": llm_detail,
    }
    return JSONResponse(body, status_code=200 if llm_ok else 503)


@router.post("/admin/ingest", response_model=IngestResponse, tags=["admin"], responses=ADMIN_ERRORS)
def admin_ingest(_: AdminDep, services: ServicesDep) -> IngestResponse:
    """Re-ingest the corpus (incremental) and switch to the new index."""
    with services.lock:
        services.assistant = services.ingest(services.assistant)
    manifest = services.assistant.index.manifest
    return IngestResponse(collection=manifest.collection, nodes=len(manifest.node_ids), built_at=manifest.built_at)


@router.get(
    "/admin/feedback/export",
    tags=["admin"],
    response_class=PlainTextResponse,
    responses={**ADMIN_ERRORS, 200: {"content": {"application/x-ndjson": {}, "text/csv": {}}}},
)
def feedback_export(
    _: AdminDep, store: FeedbackDep, format: Annotated[Literal["jsonl", "csv"], Query()] = "jsonl"
) -> PlainTextResponse:
    """All feedback as JSONL (default) or CSV."""
    if format == "csv":
        return PlainTextResponse(
            store.export_csv(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="veiviser-tilbakemeldinger.csv"'},
        )
    return PlainTextResponse(store.export_jsonl(), media_type="application/x-ndjson; charset=utf-8")


# --------------------------------------------------------------------------------------------
# Errors and logging
# --------------------------------------------------------------------------------------------
_PLAIN = {
    "missing": "mangler",
    "extra_forbidden": "ukjent felt (ikke tillatt)",
    "string_type": "må være tekst",
    "int_type": "må være et heltall",
    "int_parsing": "må være et heltall",
    "int_from_float": "må være et heltall",
    "bool_type": "må være true eller false",
    "bool_parsing": "må være true eller false",
    "list_type": "må være en liste",
    "dict_type": "må være et objekt",
    "model_type": "må være et objekt",
    "model_attributes_type": "må være et objekt",
    "string_too_short": "kan ikke være tom",
    "json_invalid": "ugyldig JSON",
}


def describe_error(error: dict[str, Any]) -> str:
    """One pydantic/FastAPI validation error as `field: what is wrong` in Norwegian (never echoes input)."""
    where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "header"))
    kind, ctx = str(error.get("type", "")), error.get("ctx") or {}
    if kind in _PLAIN:
        what = _PLAIN[kind]
    elif kind == "literal_error":
        what = f"må være en av {ctx.get('expected', '')}"
    elif kind == "string_too_long":
        what = f"for langt (maks {ctx.get('max_length')} tegn)"
    elif kind == "too_long":
        what = f"for mange elementer (maks {ctx.get('max_length')})"
    elif kind == "greater_than_equal":
        what = f"må være minst {ctx.get('ge')}"
    elif kind == "less_than_equal":
        what = f"må være høyst {ctx.get('le')}"
    elif kind == "value_error":
        what = str(ctx.get("error", error.get("msg", "ugyldig verdi")))
    else:
        what = str(error.get("msg", "ugyldig verdi"))
    return f"{where or 'body'}: {what}"


def validation_detail(exc: RequestValidationError) -> str:
    errors = list(exc.errors())
    parts = [describe_error(dict(e)) for e in errors[:5]]
    more = f" (og {len(errors) - 5} til)" if len(errors) > 5 else ""
    return "Ugyldig forespørsel – " + "; ".join(parts) + more


def log_unexpected(exc: BaseException, method: str, path: str) -> None:
    """Log an unexpected error with its trace (masked by the logger's filter); the client never sees it."""
    trace = "".join(traceback.format_exception(exc))
    logger.error("uventet feil %s %s\n%s", method, for_log(path), trace)


def add_error_handlers(app: FastAPI) -> None:
    """Domain errors and invalid input become 4xx/503 JSON `{"detail": ...}`; the rest a bare 500."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": validation_detail(exc)}, status_code=422)

    @app.exception_handler(AssistantError)
    async def _domain(request: Request, exc: AssistantError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(IndexNotBuiltError)
    async def _not_ready(request: Request, exc: IndexNotBuiltError) -> JSONResponse:
        return JSONResponse({"detail": f"Indeksen er ikke klar: {exc}"}, status_code=503)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        if exc.status_code == 404 and detail == "Not Found":
            detail = "Fant ikke adressen. API-et ligger under /api/v1 (se /docs)."
        elif exc.status_code == 400 and detail == "There was an error parsing the body":
            detail = "Kunne ikke lese forespørselen: innholdet må være gyldig JSON i UTF-8."
        elif exc.status_code == 405:
            detail = "Metoden er ikke tillatt for denne adressen (se /docs)."
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log_unexpected(exc, request.method, request.url.path)
        return JSONResponse({"detail": "Intern feil"}, status_code=500)


async def access_log(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """One line per request: method, path (masked), status, ms. Bodies (questions) are never logged here."""
    started = time.perf_counter()
    try:
        response = await call_next(request)
    except Exception as exc:  # an error that escaped the handlers: answer JSON, log the trace
        log_unexpected(exc, request.method, request.url.path)
        response = JSONResponse({"detail": "Intern feil"}, status_code=500)
    elapsed = (time.perf_counter() - started) * 1000
    logger.info("%s %s %s %.0f ms", request.method, for_log(request.url.path), response.status_code, elapsed)
    return response


# --------------------------------------------------------------------------------------------
# Composition
# --------------------------------------------------------------------------------------------
def configure_logging(level: int = logging.INFO) -> None:
    """Request and error lines of `veiviser.*` on stderr (for `app.py serve`; idempotent)."""
    root = logging.getLogger("veiviser")
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(MaskingFilter())
        root.addHandler(handler)
    root.setLevel(level)


def default_ingest(assistant: Assistant) -> Assistant:
    """Re-ingest with the loaded embedder (`app.run_ingest`) and return an assistant on the new index."""
    from app import Embedder, run_ingest
    from index.reader import KnowledgeIndex

    settings = assistant.settings
    embedder = Embedder(model=assistant.index.embed_model, identity=dict(assistant.index.manifest.embedder))
    run_ingest(settings, embedder, show_progress=False)
    index = KnowledgeIndex.open(settings.index, embedder.model, identity=embedder.identity)
    return Assistant(index, settings, assistant.prompts, assistant.llm)


def make_services(assistant: Assistant, ingest_fn: IngestFn | None) -> Services:
    return Services(
        assistant=assistant,
        feedback=FeedbackStore(feedback_path(assistant.settings.index.data_dir)),
        ingest=ingest_fn or default_ingest,
    )


def create_app(
    settings: Settings | None = None,
    assistant: Assistant | None = None,
    build: Callable[[Settings], Assistant] | None = None,
    ingest_fn: IngestFn | None = None,
    mount_ui: bool = True,
) -> FastAPI:
    """The API (+ UI at /ui). Services are built once in the lifespan unless an assistant is injected.

    settings: used by `build` (default `app.build_services`) when no assistant is given.
    build: how to build the assistant (the composition root passes `app.build_services`).
    ingest_fn: what POST /admin/ingest runs (default: `app.run_ingest` with the loaded embedder).
    """
    limit = (assistant.settings if assistant else settings or Settings()).api.max_question_chars

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if getattr(app.state, "services", None) is None:
            from app import build_services, resolve_paths

            built = (build or build_services)(settings or resolve_paths(Settings()))
            app.state.services = make_services(built, ingest_fn)
        yield

    app = FastAPI(
        title="Veiviser API",
        version="1.0",
        description=(
            "Spørsmål og svar med kildehenvisninger fra Drammen kommunes dokumenter om oppvekst, barnevern, "
            f"helse og sosiale tjenester.\n\nSpørsmål, søk, situasjon og tema: maks **{limit} tegn** "
            "(innstillingen `VEIVISER_API__MAX_QUESTION_CHARS`), ikke tomme, uten kontrolltegn. "
            "API-et er tilstandsløst: samtalehistorikken sendes med hver forespørsel. "
            f"Brukergrensesnittet ligger på `{UI_PATH}/`."
        ),
        lifespan=lifespan,
    )
    if assistant is not None:
        # Ready at once: also served by ASGI clients that do not run the lifespan (schemathesis).
        app.state.services = make_services(assistant, ingest_fn)
    install_masking("uvicorn.access", "uvicorn.error")
    app.include_router(router)
    add_error_handlers(app)
    app.middleware("http")(access_log)

    if mount_ui:
        from web.ui import mount_ui as mount

        mount(app, UI_PATH)

        @app.get("/", include_in_schema=False)
        def root() -> RedirectResponse:
            return RedirectResponse(f"{UI_PATH}/")

    return app
