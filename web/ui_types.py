"""Types the UI is given by the composition root (kept apart so that the API need not import Gradio)."""

from __future__ import annotations

from collections.abc import Callable

from assistant.facade import Assistant

Evaluator = Callable[[Assistant, str, str | None], tuple[str, str]]
"""Runs the evaluation for the UI: (assistant, split, uploaded file) → (Markdown summary, plots HTML)."""
