"""Veiviser's one error model: a root error and one subclass per domain failure.

It lives in the lowest layer (`ingest`) so that every layer can raise these without importing upwards.
The edges translate them once each: `web/errors.py` to HTTP status codes, `app.py` to exit codes and one
Norwegian line. Every message says what to fix; none echoes a secret.
"""

from __future__ import annotations


class VeiviserError(Exception):
    """Root of every expected failure; the message says what to fix."""

    exit_code = 2


class ConfigError(VeiviserError):
    """A setting is invalid; the message names the variable, never its value (it may be a secret)."""

    exit_code = 6


class InvalidQuestion(VeiviserError):
    """The question (or theme, situation, history) is empty, too long or contains control characters."""


class UnknownFilterValue(VeiviserError):
    """A filter names a document, kind, service, level or role that does not exist."""


class CorpusError(VeiviserError, ValueError):
    """A corpus file or the manifest is unusable; the message names the file and what to fix."""


class IndexNotBuiltError(VeiviserError):
    """No index exists for this configuration yet."""

    exit_code = 3


class StoreUnavailable(VeiviserError):
    """The vector store (Chroma server or embedded folder) cannot be reached or opened."""

    exit_code = 4


class ModelNotAvailableError(VeiviserError):
    """The configured embedding model cannot be loaded offline."""

    exit_code = 3


class IngestRunning(VeiviserError):
    """Another ingest is already running for this data folder."""

    exit_code = 5


class FeedbackFull(VeiviserError):
    """The feedback store has reached its size cap; nothing stored is lost, the new record is refused."""


class BackendUnavailable(VeiviserError):
    """The LLM server gave no usable answer; the message says why, in Norwegian, for logs and users."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PromptError(VeiviserError, ValueError):
    """A prompt or data file is missing, unreadable, empty or uses the wrong placeholders."""
