"""The per-process context: a switch to a new index generation hides the loaded heap from the cycle collector."""

from __future__ import annotations

import gc
from typing import Any, cast

from assistant.facade import Assistant
from web.deps import AppContext


def test_a_switch_collects_the_old_generation_and_freezes_the_new_one() -> None:
    old, fresh = cast(Assistant, object()), cast(Any, object())
    context = AppContext(assistant=old, feedback=cast(Any, None), ingest=lambda _: fresh, reopen=lambda _: fresh)
    gc.unfreeze()
    try:
        assert context.follow_writer() is True and context.assistant is fresh
        assert gc.get_freeze_count() > 0  # no full collection walks the loaded index under load
        gc.unfreeze()
        assert context.run_ingest() is fresh and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
