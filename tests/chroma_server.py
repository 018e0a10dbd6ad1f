"""A real Chroma server for tests: ``<venv>/bin/chroma run`` in a subprocess.

Use the session-wide :func:`chroma_server` fixture (import it into a test module
or a conftest), giving each test its own collection name; or
:class:`ChromaServer` directly for a private server a test may stop and restart.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import free_port, stop_process

CHROMA_BIN = Path(sys.executable).parent / "chroma"


class ChromaServer:
    """``chroma run --path PATH --port PORT --host 127.0.0.1``, started and stopped on demand."""

    host = "127.0.0.1"

    def __init__(self, path: Path, port: int | None = None) -> None:
        self.path = path
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = path.parent / f"chroma-{self.port}.log"

    def start(self, timeout: float = 90.0) -> ChromaServer:
        """Start the server and wait until it answers a heartbeat; raises RuntimeError if it does not."""
        if not CHROMA_BIN.exists():
            raise RuntimeError(f"{CHROMA_BIN} not found: is chromadb installed in this venv?")
        self.path.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(CHROMA_BIN),
                    "run",
                    "--path",
                    str(self.path),
                    "--port",
                    str(self.port),
                    "--host",
                    self.host,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float) -> None:
        """Poll a chromadb.HttpClient heartbeat until it succeeds."""
        import chromadb
        from chromadb.config import Settings

        deadline = time.monotonic() + timeout
        last: BaseException | None = None
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self.process.returncode}; see {self.log_path}")
            try:
                client = chromadb.HttpClient(
                    host=self.host, port=self.port, settings=Settings(anonymized_telemetry=False)
                )
                client.heartbeat()
                return
            except Exception as exc:  # not up yet
                last = exc
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"chroma run did not answer within {timeout} s: {last!r}; see {self.log_path}")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and wait for it to exit."""
        process, self.process = self.process, None
        stop_process(process, 15, kill_wait_s=15)

    def __enter__(self) -> ChromaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """One Chroma server for the session; tests must use their own collection names."""
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "data")
    server.start()
    try:
        yield server
    finally:
        server.stop()
