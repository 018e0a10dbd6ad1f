"""Child processes the project starts (Chroma, the app, llama.cpp) from the benchmarks and the tests: a free
loopback port for one, and a clean stop."""

from __future__ import annotations

import socket
import subprocess
from typing import Any


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_process(process: subprocess.Popen[Any] | None, grace_s: float, kill_wait_s: float = 10) -> None:
    """SIGTERM, up to ``grace_s`` to exit, then SIGKILL; nothing to do if it already ended."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=kill_wait_s)
