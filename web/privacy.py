"""Masking personal data in anything logged or stored: national identity numbers, phone numbers and e-mail
addresses, in the ways people write them; and escaping control characters in log lines."""

from __future__ import annotations

import logging
import re
from typing import Any

# Fødselsnummer / D-nummer: 11 digits; the birth date may be written with dots (01.01.01), and the
# personal number may follow after a space or a hyphen (010101 12345, 010101-12345, 01.01.01 12345).
_FNR = re.compile(r"(?<![\d.])\d{2}\.?\d{2}\.?\d{2}[ \u00a0\-]?\d{5}(?![\d])")
# Norwegian phone numbers: 8 digits, optional +47 / 0047: 12345678, or in pairs with one separator throughout
# (12 34 56 78, 91-23-45-67, 91.23.45.67), or 123 45 678. A year range such as 2019-2020 is not a number.
_PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)47[ \u00a0]?)?"
    r"(?:\d{8}|\d{2}([ \u00a0.\-])\d{2}\1\d{2}\1\d{2}|\d{3}[ \u00a0]\d{2}[ \u00a0]\d{3})(?!\d)"
)
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
FNR_MASK = "[fnr]"
PHONE_MASK = "[tlf]"
EMAIL_MASK = "[e-post]"
MAX_LOGGED = 160


def mask(text: str) -> str:
    """`12345678901` → `[fnr]`, `+47 912 34 567` → `[tlf]`, `ola@example.no` → `[e-post]` (identity numbers
    first: they are longer than phone numbers)."""
    return _PHONE.sub(PHONE_MASK, _FNR.sub(FNR_MASK, _EMAIL.sub(EMAIL_MASK, text)))


def escape_control(text: str) -> str:
    """Control characters (newlines, carriage returns, ESC sequences, NUL) written visibly: one event, one line,
    and nothing a terminal would act on."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def for_log(text: str) -> str:
    """Masked, on one line with control characters escaped, and shortened, for a log line."""
    text = escape_control(mask(text))
    return text if len(text) <= MAX_LOGGED else text[: MAX_LOGGED - 1] + "…"


def _mask_arg(value: Any) -> Any:
    return escape_control(mask(value)) if isinstance(value, str) else value


class MaskingFilter(logging.Filter):
    """Masks the message template and every string argument of a record.

    Arguments are masked in place (not merged into the message) so that formatters which unpack
    `record.args`, such as uvicorn's access-log formatter, keep working.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask(record.msg) if record.exc_info else escape_control(mask(record.msg))
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
