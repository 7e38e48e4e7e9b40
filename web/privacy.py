"""Masking personal data in anything logged or stored: national identity numbers and phone numbers."""

from __future__ import annotations

import logging
import re
from typing import Any

# Fødselsnummer / D-nummer: 11 digits, also written 6 + 5 with a space.
_FNR = re.compile(r"(?<!\d)\d{6}[ \u00a0]?\d{5}(?!\d)")
# Norwegian phone numbers: 8 digits, optional +47 / 0047, written 12345678, 12 34 56 78 or 123 45 678.
_PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)47[ \u00a0]?)?"
    r"(?:\d{2}[ \u00a0]?\d{2}[ \u00a0]?\d{2}[ \u00a0]?\d{2}|\d{3}[ \u00a0]?\d{2}[ \u00a0]?\d{3})(?!\d)"
)
FNR_MASK = "[fnr]"
PHONE_MASK = "[tlf]"
MAX_LOGGED = 160


def mask(text: str) -> str:
    """`12345678901` → `[fnr]`, `+47 912 34 567` → `[tlf]` (identity numbers first: they are longer)."""
    return _PHONE.sub(PHONE_MASK, _FNR.sub(FNR_MASK, text))


def for_log(text: str) -> str:
    """Masked and shortened, for a log line."""
    text = mask(text).replace("\n", " ")
    return text if len(text) <= MAX_LOGGED else text[: MAX_LOGGED - 1] + "…"


def _mask_arg(value: Any) -> Any:
    return mask(value) if isinstance(value, str) else value


class MaskingFilter(logging.Filter):
    """Masks the message template and every string argument of a record.

    Arguments are masked in place (not merged into the message) so that formatters which unpack
    `record.args`, such as uvicorn's access-log formatter, keep working.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_mask_arg(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _mask_arg(v) for k, v in record.args.items()}
        return True


def install_masking(*logger_names: str) -> None:
    """Attach one MaskingFilter to each named logger (idempotent)."""
    for name in logger_names:
        target = logging.getLogger(name)
        if not any(isinstance(f, MaskingFilter) for f in target.filters):
            target.addFilter(MaskingFilter())
