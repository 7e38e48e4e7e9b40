"""The JSON API (FastAPI, /api/v1) with the Gradio UI mounted at /ui. No domain logic here.

The app is stateless between requests: chat history travels with each request, so any number of
processes can serve behind a load balancer (with Chroma in server mode).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse

from assistant.errors import AssistantError
from assistant.llm import check_backend
from assistant.service import Assistant
from assistant.settings import Settings
from index.manifest import IndexNotBuiltError
from web.feedback import FeedbackStore
from web.privacy import MaskingFilter, mask
from web.schemas import AskRequest, AskResponse, FeedbackRequest, SearchRequest, ServicesRequest, SummaryRequest

logger = logging.getLogger("veiviser.api")
logger.addFilter(MaskingFilter())

IngestFn = Callable[[Assistant], Assistant]


@dataclass
class Services:
    """What the routes need, built once in the lifespan."""

    assistant: Assistant
    feedback: FeedbackStore
    ingest: IngestFn
    lock: threading.Lock


def default_ingest(assistant: Assistant) -> Assistant:
    """Re-ingest with the loaded embedder and return an assistant on the new index."""
    from index.builder import ingest
    from index.reader import KnowledgeIndex

    settings = assistant.settings
    embed_model = assistant.index.embed_model
    ingest(settings.index, embed_model)
    index = KnowledgeIndex.open(settings.index, embed_model)
    return Assistant(index, settings, assistant.prompts, assistant.llm)


def get_services(request: Request) -> Services:
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None:
        raise IndexNotBuiltError("Tjenesten starter fortsatt; prøv igjen om litt.")
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_assistant(services: ServicesDep) -> Assistant:
    return services.assistant


AssistantDep = Annotated[Assistant, Depends(get_assistant)]


def require_admin(request: Request, x_api_key: Annotated[str | None, Header()] = None) -> None:
    """Admin endpoints need X-API-Key equal to the configured key; without a key they are disabled."""
    services = get_services(request)
    configured = services.assistant.settings.api.admin_api_key
    if configured is None:
        raise HTTPException(403, "Administrasjon er deaktivert: ingen VEIVISER_API__ADMIN_API_KEY er satt.")
    if x_api_key != configured.get_secret_value():
        raise HTTPException(401, "Feil eller manglende X-API-Key.")


AdminDep = Annotated[None, Depends(require_admin)]
router = APIRouter(prefix="/api/v1")


@router.post("/ask", response_model=AskResponse)
def ask(body: AskRequest, assistant: AssistantDep) -> AskResponse:
    """Answer a question with cited sources (extractive, or the configured LLM)."""
    logger.info("ask: %s", mask(body.question))
    answer = assistant.ask(body.question, body.history, body.filters.to_assistant() if body.filters else None)
    return AskResponse(**answer.model_dump(include=set(AskResponse.model_fields)))


def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post("/chat/stream")
def chat_stream(body: AskRequest, assistant: AssistantDep) -> StreamingResponse:
    """Stream the answer as Server-Sent Events: meta, delta…, done (with the citations)."""
    filters = body.filters.to_assistant() if body.filters else None
    assistant.check_question(body.question)  # validate before the stream starts (4xx, not a broken stream)
    assistant.check_filters(filters)
    logger.info("chat/stream: %s", mask(body.question))

    def events() -> Iterator[str]:
        try:
            for event in assistant.ask_stream(body.question, body.history, filters):
                if event.type == "meta":
                    yield _sse("meta", {"safety_notice": event.safety_notice})
                elif event.type == "delta":
                    yield _sse("delta", {"text": event.text})
                elif event.answer is not None:
                    payload = AskResponse(**event.answer.model_dump(include=set(AskResponse.model_fields)))
                    yield _sse("done", payload.model_dump())
        except Exception:  # a failure mid-stream ends the stream with an error event, never a trace
            logger.exception("stream failed")
            yield _sse("error", {"detail": "Intern feil"})

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


@router.post("/search")
def search(body: SearchRequest, assistant: AssistantDep) -> dict[str, Any]:
    """Hybrid (or dense/lexical) retrieval: the ranked passages."""
    logger.info("search: %s", mask(body.query))
    filters = body.filters.to_assistant() if body.filters else None
    return assistant.search(body.query, body.top_k, filters, body.mode).model_dump()


@router.get("/passages/{node_id}")
def passage(node_id: str, assistant: AssistantDep) -> dict[str, Any]:
    """One passage by node id (for showing a citation in full)."""
    found = assistant.passage(node_id)
    if found is None:
        raise HTTPException(404, f"Fant ingen passasje med id '{node_id[:40]}'.")
    return found.model_dump()


@router.post("/services")
def services_finder(body: ServicesRequest, assistant: AssistantDep) -> dict[str, Any]:
    """Service finder: measures from the catalog that fit a situation, grouped by service."""
    logger.info("services: %s", mask(body.situation))
    result = assistant.find_services(body.situation, body.levels, body.roles, body.services, body.limit)
    return result.model_dump()


@router.post("/summaries", response_model=None)
def summaries(body: SummaryRequest, assistant: AssistantDep) -> dict[str, Any] | Response:
    """What the 2018 workshops said on a theme, per workshop, every point cited (JSON or Markdown)."""
    summary = assistant.summarize(body.theme, body.workshops)
    if body.format == "markdown":
        return PlainTextResponse(summary.markdown, media_type="text/markdown; charset=utf-8")
    return summary.model_dump()


@router.post("/feedback", status_code=201)
def feedback(body: FeedbackRequest, services: ServicesDep) -> dict[str, Any]:
    """Store a thumbs up/down (with an optional comment) for an answer."""
    services.feedback.add(body.model_dump())
    return {"stored": True}


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """Index loaded, and the LLM backend reachable when one is configured."""
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None:
        return JSONResponse({"ready": False, "index": "ikke lastet"}, status_code=503)
    index = services.assistant.index
    llm_ok, llm_detail = check_backend(services.assistant.settings.llm)
    body = {
        "ready": llm_ok,
        "index": {
            "collection": index.manifest.collection,
            "nodes": len(index.nodes),
            "built_at": index.manifest.built_at,
        },
        "llm": llm_detail,
    }
    return JSONResponse(body, status_code=200 if llm_ok else 503)


@router.post("/admin/ingest")
def admin_ingest(_: AdminDep, services: ServicesDep) -> dict[str, Any]:
    """Re-ingest the corpus (incremental) and switch to the new index."""
    with services.lock:
        services.assistant = services.ingest(services.assistant)
    manifest = services.assistant.index.manifest
    return {"collection": manifest.collection, "nodes": len(manifest.node_ids), "built_at": manifest.built_at}


@router.get("/admin/feedback/export", response_model=None)
def feedback_export(
    _: AdminDep, services: ServicesDep, format: Annotated[str, Query(pattern="^(jsonl|csv)$")] = "jsonl"
) -> Response:
    """All feedback as JSONL or CSV."""
    if format == "csv":
        return PlainTextResponse(services.feedback.export_csv(), media_type="text/csv; charset=utf-8")
    return PlainTextResponse(services.feedback.export_jsonl(), media_type="application/x-ndjson")


def _validation_detail(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
        parts.append(f"{where or 'body'}: {error.get('msg', 'ugyldig verdi')}")
    return "Ugyldig forespørsel – " + "; ".join(parts)


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_detail(exc)}, status_code=422)

    @app.exception_handler(AssistantError)
    async def _domain(request: Request, exc: AssistantError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(IndexNotBuiltError)
    async def _not_ready(request: Request, exc: IndexNotBuiltError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unexpected error on %s", request.url.path)
        return JSONResponse({"detail": "Intern feil"}, status_code=500)


def create_app(
    settings: Settings | None = None,
    assistant: Assistant | None = None,
    build: Callable[[Settings], Assistant] | None = None,
    ingest_fn: IngestFn | None = None,
    mount_ui: bool = True,
) -> FastAPI:
    """The API (+ UI). Services are built once in the lifespan unless an assistant is injected."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        current = assistant
        if current is None:
            from app import build_services, resolve_paths

            current = (build or build_services)(settings or resolve_paths(Settings()))
        data_dir = current.settings.index.data_dir
        app.state.services = Services(
            current,
            FeedbackStore(data_dir / "feedback" / "feedback.jsonl"),
            ingest_fn or default_ingest,
            threading.Lock(),
        )
        yield

    app = FastAPI(
        title="Veiviser API",
        version="1.0",
        description="Spørsmål og svar med kildehenvisninger fra Drammen kommunes dokumenter om oppvekst.",
        lifespan=lifespan,
    )
    app.include_router(router)
    add_error_handlers(app)

    @app.middleware("http")
    async def access_log(request: Request, call_next: Callable[[Request], Any]) -> Any:
        started = time.perf_counter()
        response = await call_next(request)
        logger.info(
            "%s %s %s %.0f ms",
            request.method,
            request.url.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response

    if mount_ui:
        from web.ui import mount_ui as mount

        mount(app)

        @app.get("/", include_in_schema=False)
        def root() -> RedirectResponse:
            return RedirectResponse("/ui/")

    return app
