"""Start ``kompetanse serve`` for an operator script, wait until it is healthy, and stop it again.

Used by ``tools/loadtest.py --spawn``. Talks to the app over HTTP only (``/api/health``),
like every script in ``tools/``. With ``workers`` > 1 it also starts a Chroma server (``chroma run``
from this Python's folder) in the data folder, which ``kompetanse serve --workers`` needs, and waits
until all the workers are ready.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
READY_LINE = "Kompetanseassistenten kjører på"
"""What ``kompetanse serve`` prints once per worker when it is ready."""


def _stop(process: subprocess.Popen[bytes] | None, grace_s: float) -> None:
    """SIGTERM, up to ``grace_s`` to exit, then SIGKILL (tools/ talk to the app over HTTP only, so this
    small helper is not shared with evals/ or tests/)."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


class StartupError(Exception):
    """The app stopped or did not become healthy in time; the message (Norwegian) says where its log is."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SpawnedApp:
    """``kompetanse serve`` on a free loopback port with its own data folder; stopped on exit."""

    def __init__(self, data_dir: Path | None, startup_timeout_s: float, workers: int = 1) -> None:
        self.workers = workers
        self.chroma: subprocess.Popen[bytes] | None = None
        self.own_dir = data_dir is None
        self.data_dir = (
            Path(tempfile.mkdtemp(prefix="kompetanse-loadtest-")) if data_dir is None else data_dir
        )
        self.port = free_port()
        self.startup_timeout_s = startup_timeout_s
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = self.data_dir / "loadtest-serve.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> SpawnedApp:
        import httpx

        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "KOMPETANSE_DATA_DIR": str(self.data_dir)}
        command = [
            sys.executable,
            "-m",
            "kompetanse",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        if self.workers > 1:
            env |= self._start_chroma()
            command += ["--workers", str(self.workers)]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO_ROOT
            )
        deadline = time.monotonic() + self.startup_timeout_s
        with httpx.Client(base_url=self.url, trust_env=False, timeout=10) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    self.stop(keep_files=True)
                    raise StartupError(f"Appen stoppet under oppstart; se {self.log_path}.")
                try:
                    if client.get("/api/health").status_code == 200 and self._all_workers_ready():
                        return self
                except httpx.TransportError:
                    pass
                time.sleep(0.5)
        self.stop(keep_files=True)
        raise StartupError(f"Appen ble ikke klar innen {self.startup_timeout_s:.0f} s; se {self.log_path}.")

    def _start_chroma(self) -> dict[str, str]:
        """Start ``chroma run`` on a free loopback port in the data folder; returns the app's settings for it."""
        binary = Path(sys.executable).parent / "chroma"
        if not binary.exists():
            raise StartupError(f"Fant ikke {binary}; --workers trenger chromadb i dette miljøet.")
        port = free_port()
        command = [str(binary), "run", "--path", str(self.data_dir / "chroma-server")]
        command += ["--host", "127.0.0.1", "--port", str(port)]
        with (self.data_dir / "loadtest-chroma.log").open("wb") as log:
            self.chroma = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # the app's own start-up retries too, but fails fast without it
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        return {"KOMPETANSE_CHROMA__HOST": "127.0.0.1", "KOMPETANSE_CHROMA__PORT": str(port)}

    def _all_workers_ready(self) -> bool:
        if self.workers <= 1:
            return True
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return sum(line.startswith(READY_LINE) for line in text.splitlines()) >= self.workers

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.stop(keep_files=exc_type is not None)

    def stop(self, *, keep_files: bool) -> None:
        """Stop the app (SIGTERM, then SIGKILL); remove our temporary data folder unless ``keep_files``."""
        process, self.process = self.process, None
        _stop(process, 30)
        chroma, self.chroma = self.chroma, None
        _stop(chroma, 15)
        if self.own_dir and not keep_files:
            shutil.rmtree(self.data_dir, ignore_errors=True)
