"""Real processes for server-mode and fault tests (the helpers live with the benchmarks, which use them too);
here a missing `chroma` CLI skips the test and a process that fails to start fails it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from eval.bench import processes
from eval.bench.processes import ROOT, cli, stop, veiviser_env

__all__ = ["ROOT", "cli", "start_api", "start_chroma", "stop", "veiviser_env"]


def start_chroma(path: Path, port: int) -> subprocess.Popen[bytes]:
    if processes.chroma_executable() is None:
        pytest.skip("the chroma CLI is not installed")
    try:
        return processes.start_chroma(path, port)
    except RuntimeError as exc:
        pytest.fail(str(exc))


def start_api(env: dict[str, str], port: int, log: Path | None = None) -> subprocess.Popen[bytes]:
    try:
        return processes.start_api(env, port, log)
    except RuntimeError as exc:
        detail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
        pytest.fail(f"{exc}\n{detail}")
