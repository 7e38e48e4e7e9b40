"""Real processes for benchmarks and fault tests: a `chroma run` server, API servers, CLI runs."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
BASE_ENV = {
    "PATH": "/usr/bin:/bin",
    "HF_HUB_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
}


def chroma_executable() -> str | None:
    """The `chroma` CLI next to this Python, or on PATH; None when it is not installed."""
    candidate = Path(sys.executable).parent / "chroma"
    return str(candidate) if candidate.exists() else shutil.which("chroma")


def wait_until(url: str, seconds: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    """Poll GET url until it answers 200; RuntimeError when the process exits or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}")
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {seconds:.0f} s")


def start_chroma(path: Path, port: int) -> subprocess.Popen[bytes]:
    """`chroma run` on loopback, ready when this returns."""
    executable = chroma_executable()
    if executable is None:
        raise RuntimeError("the chroma CLI is not installed")
    proc = subprocess.Popen(
        [executable, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={"ANONYMIZED_TELEMETRY": "False", "PATH": "/usr/bin:/bin"},
    )
    wait_until(f"http://127.0.0.1:{port}/api/v2/heartbeat", 60, proc)
    return proc


def veiviser_env(
    data_dir: Path, corpus_dir: Path = ROOT / "corpus", fake: bool = True, **settings: str
) -> dict[str, str]:
    """The environment of a Veiviser process (fake embedder unless fake=False); settings as VEIVISER_* names."""
    env = {**BASE_ENV, "VEIVISER_INDEX__DATA_DIR": str(data_dir), "VEIVISER_INDEX__CORPUS_DIR": str(corpus_dir)}
    if fake:
        env["VEIVISER_INDEX__EMBEDDING__BACKEND"] = "fake"
    env.update({f"VEIVISER_{k.upper()}": v for k, v in settings.items()})
    return env


def start_api(env: dict[str, str], port: int, log: Path | None = None) -> subprocess.Popen[bytes]:
    """`app.py serve` on loopback, ready (/readyz 200) when this returns."""
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115  (closed with the process)
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
    )
    wait_until(f"http://127.0.0.1:{port}/api/v1/readyz", 300, proc)
    return proc


def cli(
    env: dict[str, str], *args: str, timeout: float = 600, prefix: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `app.py ARGS` to completion (optionally under a prefix such as setpriv)."""
    command = [*(prefix or []), sys.executable, str(ROOT / "app.py"), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)


def rss_mb(pid: int) -> float:
    """Resident memory of a process now (VmRSS), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)
