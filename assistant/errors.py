"""Typed domain errors of the assistant; the API maps them to 4xx/5xx JSON responses."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: the message says what to fix, in Norwegian when shown to users."""


class InvalidQuestion(AssistantError):
    """The question is empty, too long or contains control characters."""


class UnknownFilterValue(AssistantError):
    """A filter names a document, kind, service, level or role that does not exist."""
