"""Types the UI is given by the composition root (kept apart so that the API need not import Gradio)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assistant.facade import Assistant


@dataclass(frozen=True)
class Evaluator:
    """The Evaluation tab's two jobs, injected so that web/ does not import eval/.

    run: (assistant, split, uploaded file) → (Markdown summary, plots HTML); only with the admin key.
    latest: (assistant) → the latest stored report, (Markdown, plots HTML); shown to everyone."""

    run: Callable[[Assistant, str, str | None], tuple[str, str]]
    latest: Callable[[Assistant], tuple[str, str]]
