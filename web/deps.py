"""Dependencies of the API routes: the services built once in the lifespan, and the admin check."""

from __future__ import annotations

import gc
import hmac
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request

from assistant.facade import Assistant
from ingest.errors import IndexNotBuiltError, IngestRunning
from web.feedback import FeedbackStore


def settle_heap(collect: bool = True) -> None:
    """Hide what is loaded (index, models, UI) from the cycle collector: a full collection over it took
    0.3 s with the GIL held, a pause for every request and health probe under load. After a switch the old
    generation is collected first (`collect`), so it is not kept alive."""
    if collect:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


IngestFn = Callable[[Assistant], Assistant]
"""Re-ingests the corpus and returns an assistant on the new index (injectable for tests)."""
ReopenFn = Callable[[Assistant], "Assistant | None"]
"""An assistant on a generation committed by another process, or None when the loaded one is current."""


@dataclass
class AppContext:
    """What the routes and the UI need, built once per process. `assistant` is replaced as a whole when the
    index changes; a request takes it once, so it finishes on the generation it started on."""

    assistant: Assistant
    feedback: FeedbackStore
    ingest: IngestFn
    reopen: ReopenFn | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run_ingest(self) -> Assistant:
        """Ingest here and switch; IngestRunning (409) while another ingest of this process is switching."""
        if not self.lock.acquire(blocking=False):
            raise IngestRunning("En indeksering kjører allerede; prøv igjen når den er ferdig.")
        try:
            self.assistant = self.ingest(self.assistant)
            settle_heap()
            return self.assistant
        finally:
            self.lock.release()

    def follow_writer(self) -> bool:
        """Switch to a generation another process committed (CLI ingest, a rebuild); True when switched."""
        if self.reopen is None or not self.lock.acquire(blocking=False):
            return False  # an ingest of this process is switching already
        try:
            fresh = self.reopen(self.assistant)
            if fresh is None:
                return False
            self.assistant = fresh
            settle_heap()
            return True
        finally:
            self.lock.release()


def current_context(request: Request) -> AppContext:
    """The services on the app; 503 (IndexNotBuiltError) while the lifespan is still building them."""
    services: AppContext | None = getattr(request.app.state, "services", None)
    if services is None:
        raise IndexNotBuiltError("Tjenesten starter fortsatt; prøv igjen om litt.")
    return services


ContextDep = Annotated[AppContext, Depends(current_context)]


def get_assistant(services: ContextDep) -> Assistant:
    return services.assistant


def get_feedback(services: ContextDep) -> FeedbackStore:
    return services.feedback


AssistantDep = Annotated[Assistant, Depends(get_assistant)]
FeedbackDep = Annotated[FeedbackStore, Depends(get_feedback)]


def require_admin(
    services: ContextDep,
    x_api_key: Annotated[str | None, Header(description="The admin key (api.admin_api_key).")] = None,
) -> None:
    """X-API-Key must equal the configured key; with no key configured the admin endpoints are disabled."""
    configured = services.assistant.settings.api.admin_api_key
    if configured is None:
        raise HTTPException(403, "Administrasjon er deaktivert: sett VEIVISER_API__ADMIN_API_KEY for å slå den på.")
    if x_api_key is None or not hmac.compare_digest(x_api_key.encode(), configured.get_secret_value().encode()):
        raise HTTPException(401, "Feil eller manglende X-API-Key.", headers={"WWW-Authenticate": "X-API-Key"})


AdminDep = Annotated[None, Depends(require_admin)]
