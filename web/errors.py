"""The one place where domain errors and invalid input become HTTP responses `{"detail": ...}`."""

from __future__ import annotations

import logging
import traceback
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ingest.errors import (
    BackendUnavailable,
    CorpusError,
    FeedbackFull,
    IndexNotBuiltError,
    IngestRunning,
    ModelNotAvailableError,
    StoreUnavailable,
    VeiviserError,
)
from web.privacy import MaskingFilter, for_log

logger = logging.getLogger("veiviser.api")
logger.addFilter(MaskingFilter())

# Most specific first; anything else of the domain is a request the client can fix (422).
_STATUS: tuple[tuple[type[VeiviserError], int, str], ...] = (
    (IndexNotBuiltError, 503, "Indeksen er ikke klar: "),
    (StoreUnavailable, 503, "Søkeindeksen svarer ikke: "),
    (ModelNotAvailableError, 503, "Språkmodellen for søk er ikke tilgjengelig: "),
    (BackendUnavailable, 503, "Språkmodellen svarer ikke: "),
    (IngestRunning, 409, ""),
    (FeedbackFull, 507, ""),
    (CorpusError, 422, "Korpuset har en feil: "),
)


def http_status(exc: VeiviserError) -> tuple[int, str]:
    """(status code, message prefix) for a domain error."""
    for kind, status, prefix in _STATUS:
        if isinstance(exc, kind):
            return status, prefix
    return 422, ""


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
    loc = list(error.get("loc", ()))
    if loc and loc[0] in ("body", "query", "path", "header", "cookie"):
        loc = loc[1:]  # where the field came from; a field may itself be called `query`
    where = ".".join(str(p) for p in loc)
    kind, ctx = str(error.get("type", "")), error.get("ctx") or {}
    if kind in _PLAIN:
        what = _PLAIN[kind]
    elif kind in ("literal_error", "enum"):
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

    @app.exception_handler(VeiviserError)
    async def _domain(request: Request, exc: VeiviserError) -> JSONResponse:
        status, prefix = http_status(exc)
        return JSONResponse({"detail": prefix + str(exc)}, status_code=status)

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
