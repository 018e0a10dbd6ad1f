"""The servers the tests start (the app, Chroma, llama.cpp): a free loopback port, and a clean stop
(:mod:`core.processes`, shared with the benchmarks)."""

from __future__ import annotations

from core.processes import free_port, stop_process

__all__ = ["free_port", "stop_process"]
