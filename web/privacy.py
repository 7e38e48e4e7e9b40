"""Masking personal data in anything logged: national identity numbers and phone numbers."""

from __future__ import annotations

import logging
import re

_FNR = re.compile(r"(?<!\d)\d{6}\s?\d{5}(?!\d)")
_PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)47[\s-]?)?(?:\d{2}[\s-]?\d{2}[\s-]?\d{2}[\s-]?\d{2}|\d{3}[\s-]?\d{2}[\s-]?\d{3})(?!\d)"
)
MAX_LOGGED = 120


def mask(text: str) -> str:
    """`12345678901` → `[fnr]`, `+47 912 34 567` → `[tlf]`; truncated for logs."""
    text = _FNR.sub("[fnr]", text)
    text = _PHONE.sub("[tlf]", text)
    return text if len(text) <= MAX_LOGGED else text[: MAX_LOGGED - 1] + "…"


class MaskingFilter(logging.Filter):
    """A logging filter that masks the formatted message of every record it sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask(record.getMessage())
        record.args = ()
        return True
