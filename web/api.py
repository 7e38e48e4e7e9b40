"""The JSON API (FastAPI, /api/v1) with the Gradio UI mounted at /ui (`/` redirects there).

No domain logic here: every route calls one Assistant method. The API is stateless between
requests (chat history travels with each request), so any number of processes can serve behind a
load balancer (with Chroma in server mode). OpenAPI docs: /docs.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

import anyio
import anyio.to_thread
from fastapi import APIRouter, FastAPI, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, StreamingResponse

from assistant.facade import Assistant
from assistant.llm import check_backend
from assistant.retrieval import SearchResult
from assistant.settings import Settings, load_settings
from assistant.themes import ThemeMap
from assistant.types import Answer, Passage, SearchFilters, ServiceFinderResult, WorkshopSummary
from assistant.wiring import build_assistant, reingest, reopen_if_changed, resolve_paths
from web.deps import AdminDep, AppContext, AssistantDep, ContextDep, FeedbackDep, IngestFn, settle_heap
from web.errors import add_error_handlers, log_unexpected, logger
from web.feedback import FeedbackStore, feedback_path
from web.guards import RequestGuard
from web.pages import mount_pages
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
    ThemesRequest,
)
from web.ui_types import Evaluator

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
    answer = assistant.ask(body.question, body.history, body.filters, body.audience)
    log_answer("ask", assistant, body.question, answer)
    return to_response(answer)


def log_question(event: str, assistant: Assistant, text: str) -> None:
    """One line per event. Question text only when `api.log_questions` is on, and then masked: masking cannot
    catch a name in a question about abuse, so by default no text is logged."""
    if assistant.settings.api.log_questions:
        logger.info("%s: %s", event, for_log(text))
    else:
        logger.info("%s", event)


def log_answer(event: str, assistant: Assistant, text: str, answer: Answer) -> None:
    """What was answered, without the question: intent, language, flags and latency."""
    flags = f"intent={answer.intent} language={answer.language} refused={answer.refused} "
    flags += f"safety={answer.safety_notice is not None} mode={answer.mode} ms={answer.latency_ms:.0f}"
    log_question(f"{event} {flags}", assistant, text)


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
    filters = body.filters
    # Validate before the stream starts, so bad input is a 4xx and not a broken stream.
    assistant.check_question(body.question)
    assistant.check_history(body.history)
    assistant.check_filters(filters)
    log_question("chat/stream", assistant, body.question)
    return StreamingResponse(
        stream_events(assistant, body, filters),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def stream_events(assistant: Assistant, body: AskRequest, filters: SearchFilters | None) -> Iterator[str]:
    """The assistant's stream as SSE text; a failure mid-stream ends it with an `error` event."""
    try:
        for event in assistant.ask_stream(body.question, body.history, filters, body.audience):
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
    log_question(f"search mode={body.mode} top_k={body.top_k}", assistant, body.query)
    return assistant.search(body.query, body.top_k, body.filters, body.mode)


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
    log_question(f"services limit={body.limit}", assistant, body.situation)
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


@router.post(
    "/themes",
    response_model=ThemeMap,
    tags=["verksteder"],
    responses={
        200: {
            "content": {
                "text/markdown": {},
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
            },
            "description": "JSON, Markdown (format=markdown) or Word (format=docx).",
        }
    },
)
def themes(body: ThemesRequest, assistant: AssistantDep) -> ThemeMap | Response:
    """Every workshop point grouped into themes, which workshops raised each, and the 2022 links (cited)."""
    from assistant.theme_export import to_docx, to_markdown

    theme_map = assistant.themes()
    if body.format == "markdown":
        return PlainTextResponse(to_markdown(theme_map), media_type="text/markdown; charset=utf-8")
    if body.format == "docx":
        return Response(
            to_docx(theme_map),
            media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            headers={"Content-Disposition": 'attachment; filename="veiviser-temakart.docx"'},
        )
    return theme_map


@router.post("/feedback", status_code=201, response_model=FeedbackResponse, tags=["tilbakemelding"])
def feedback(body: FeedbackRequest, store: FeedbackDep) -> FeedbackResponse:
    """Store a thumbs up/down (with an optional comment) for an answer."""
    entry = store.add(body.question, body.answer, body.rating, body.comment, body.citations, source="api")
    return FeedbackResponse(stored=True, id=entry["id"])


@router.get("/healthz", tags=["drift"])
async def healthz() -> dict[str, str]:
    """The process is up (liveness). Runs on the event loop: it never waits behind busy workers."""
    return {"status": "ok"}


# Readiness probes run on their own small thread limiter: never behind the request workers.
_PROBES = anyio.CapacityLimiter(2)


@router.get("/readyz", tags=["drift"], responses={503: {"description": "Ikke klar: ingen indeks er lastet."}})
async def readyz(request: Request) -> JSONResponse:
    """Ready whenever an answer is possible (an index is loaded): 503 only without one, so that a load
    balancer never takes every process out for a fault they share. `degraded` and `reasons` say what is
    missing: the vector store (answers from BM25), the language model (extractive answers), the corpus
    (the last good index is served)."""
    services: AppContext | None = getattr(request.app.state, "services", None)
    if services is None:
        body = {"ready": False, "degraded": True, "reasons": ["Tjenesten starter fortsatt."], "index": None}
        return JSONResponse(body, status_code=503)
    assistant = services.assistant
    index = assistant.index
    store_ok = await anyio.to_thread.run_sync(index.store.probe, limiter=_PROBES)
    llm_ok, llm_detail = await anyio.to_thread.run_sync(check_backend, assistant.settings.llm, limiter=_PROBES)
    reasons = [] if store_ok else [index.store.reason or "Vektorlageret svarer ikke."]
    if not llm_ok:
        reasons.append(llm_detail)
    if index.corpus_problem:
        reasons.append(f"Korpuset kan ikke leses; den siste gode indeksen brukes: {index.corpus_problem}")
    body = {
        "ready": True,
        "degraded": not store_ok,
        "reasons": reasons,
        "index": {
            "collection": index.manifest.collection,
            "store_collection": index.manifest.store_name,
            "generation": index.manifest.generation,
            "nodes": len(index.nodes),
            "documents": len(index.documents),
            "built_at": index.manifest.built_at,
        },
        "vector_store": "svarer" if store_ok else index.store.reason,
        "llm": llm_detail,
        "corpus": index.corpus_problem or "ok",
    }
    return JSONResponse(body, status_code=200)


@router.post("/admin/ingest", response_model=IngestResponse, tags=["admin"], responses=ADMIN_ERRORS)
def admin_ingest(_: AdminDep, services: ContextDep) -> IngestResponse:
    """Re-ingest the corpus (incremental) and switch to the new index."""
    manifest = services.run_ingest().index.manifest
    return IngestResponse(collection=manifest.collection, nodes=len(manifest.node_ids), built_at=manifest.built_at)


@router.get(
    "/admin/feedback/export",
    tags=["admin"],
    response_class=StreamingResponse,
    responses={**ADMIN_ERRORS, 200: {"content": {"application/x-ndjson": {}, "text/csv": {}}}},
)
def feedback_export(
    _: AdminDep, store: FeedbackDep, format: Annotated[Literal["jsonl", "csv"], Query()] = "jsonl"
) -> StreamingResponse:
    """All feedback as JSONL (default) or CSV, streamed."""
    if format == "csv":
        return StreamingResponse(
            store.export_csv(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="veiviser-tilbakemeldinger.csv"'},
        )
    return StreamingResponse(store.export_jsonl(), media_type="application/x-ndjson; charset=utf-8")


# --------------------------------------------------------------------------------------------
# Logging
# --------------------------------------------------------------------------------------------
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


DOCS_ASSETS = "/docs-assets"


def mount_docs(app: FastAPI) -> None:
    """Swagger UI at /docs from the swagger-ui-bundle package's files (the page loads nothing from elsewhere)."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles
    from swagger_ui_bundle import swagger_ui_path

    app.mount(DOCS_ASSETS, StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} – dokumentasjon",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
        )


def make_context(assistant: Assistant, ingest_fn: IngestFn | None) -> AppContext:
    return AppContext(
        assistant=assistant,
        feedback=FeedbackStore(
            feedback_path(assistant.settings.index.data_dir),
            assistant.settings.api.feedback_max_bytes,
            assistant.settings.api.feedback_retention_days,
        ),
        ingest=ingest_fn or reingest,
        reopen=reopen_if_changed,
    )


def follow_writer(context: AppContext, interval_s: float, stop: threading.Event) -> None:
    """Every interval: switch to an index generation committed by another process (never raises)."""
    while not stop.wait(interval_s):
        try:
            if context.follow_writer():
                manifest = context.assistant.index.manifest
                logger.info("index reopened: generation %s (%s)", manifest.generation, manifest.store_name)
        except Exception as exc:  # a half-visible generation or a store hiccup: the loaded index goes on
            log_unexpected(exc, "WATCH", "index")


def create_app(
    settings: Settings | None = None,
    assistant: Assistant | None = None,
    build: Callable[[Settings], Assistant] | None = None,
    ingest_fn: IngestFn | None = None,
    mount_ui: bool = True,
    evaluator: Evaluator | None = None,
) -> FastAPI:
    """The API (+ UI at /ui). The context is built once in the lifespan unless an assistant is injected.

    settings: used by `build` (default `build_assistant`) when no assistant is given.
    build: how to build the assistant .
    ingest_fn: what POST /admin/ingest runs (default: `reingest` with the loaded embedder).
    """
    api_config = (assistant.settings if assistant else settings or load_settings()).api
    limit = api_config.max_question_chars

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if getattr(app.state, "services", None) is None:
            built = (build or build_assistant)(settings or resolve_paths(load_settings()))
            app.state.services = make_context(built, ingest_fn)
        context: AppContext = app.state.services
        # Sync routes run on anyio's default limiter (40 threads). With 40 CPU-bound requests on 2 cores the
        # event loop waits for the GIL behind each of them, so /healthz took 1.5 s; a few threads serve the same.
        anyio.to_thread.current_default_thread_limiter().total_tokens = context.assistant.settings.api.worker_threads
        settle_heap(collect=False)  # startup garbage is small; a collection here would cost every test app 0.3 s
        interval = context.assistant.settings.api.reload_interval_s
        stop = threading.Event()
        watcher = threading.Thread(target=follow_writer, args=(context, interval, stop), daemon=True)
        if interval > 0:
            watcher.start()
        try:
            yield
        finally:
            stop.set()

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
        docs_url=None,  # served below from local assets: no CDN
        redoc_url=None,
    )
    mount_docs(app)
    mount_pages(app)
    if assistant is not None:
        # Ready at once: also served by ASGI clients that do not run the lifespan (schemathesis).
        app.state.services = make_context(assistant, ingest_fn)
    install_masking("uvicorn.access", "uvicorn.error")
    app.include_router(router)
    add_error_handlers(app)
    app.middleware("http")(access_log)
    app.add_middleware(
        RequestGuard,
        max_body_bytes=api_config.max_body_bytes,
        ui_path=UI_PATH,
        max_upload_bytes=api_config.ui_max_upload_bytes,
    )

    if mount_ui:
        from web.ui import mount_ui as mount

        mount(app, UI_PATH, evaluator, api_config)

        @app.get("/", include_in_schema=False)
        def root() -> RedirectResponse:
            return RedirectResponse(f"{UI_PATH}/")

    return app
