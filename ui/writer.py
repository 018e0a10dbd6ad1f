"""The one writer of the embedded index: the running app's in-process ingest and its state file.

Chroma's embedded ``PersistentClient`` keeps state in memory that another process
writing the same folder invalidates, so with the embedded store only one process
may write. While ``kompetanse serve`` runs it is that process: it writes
``<data_dir>/app.json`` (pid, host, port and a per-start admin token, mode 0600)
and ``kompetanse ingest`` hands its work to the app's loopback admin endpoint.
Without a running app the CLI writes directly. Either way the writer holds an
exclusive ``fcntl`` lock on ``<data_dir>/index.lock``, so two writers never
overlap (see docs/DEPLOYMENT.md).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import secrets
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.settings import Settings

if TYPE_CHECKING:
    from assistant.service import Assistant
    from ingest.pipeline import IngestReport, Progress

log = logging.getLogger(__name__)

STATE_FILE = "app.json"
LOCK_FILE = "index.lock"
TOKEN_HEADER = "X-Kompetanse-Admin-Token"


@dataclass(frozen=True)
class AppState:
    """What a running app tells other processes on this machine about itself."""

    pid: int
    host: str
    port: int
    token: str
    data_dir: str

    @property
    def url(self) -> str:
        """The app's loopback base URL."""
        return f"http://127.0.0.1:{self.port}"


def state_path(settings: Settings) -> Path:
    """Where the running app's state file lives."""
    return settings.data_dir / STATE_FILE


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_state(settings: Settings, token: str) -> AppState:
    """Write ``app.json`` (mode 0600) for this process and return it."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    state = AppState(os.getpid(), settings.ui.host, settings.ui.port, token, str(settings.data_dir.resolve()))
    path = state_path(settings)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(state.__dict__, fh)
    os.replace(tmp, path)
    return state


def remove_state(settings: Settings) -> None:
    """Remove ``app.json`` if it is this process's own."""
    state = read_state(settings)
    if state is not None and state.pid == os.getpid():
        with contextlib.suppress(FileNotFoundError):
            state_path(settings).unlink()


def read_state(settings: Settings) -> AppState | None:
    """The live app on this data folder, or None (no file, unreadable, or its process is gone)."""
    try:
        data = json.loads(state_path(settings).read_text(encoding="utf-8"))
        state = AppState(
            int(data["pid"]), str(data["host"]), int(data["port"]), str(data["token"]), str(data["data_dir"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return state if _alive(state.pid) else None


@contextlib.contextmanager
def index_lock(settings: Settings) -> Iterator[None]:
    """Hold the exclusive writer lock on the data folder (blocks until it is free)."""
    path = settings.data_dir / LOCK_FILE
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        try:  # a read-only folder: lock the existing file if there is one
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            # Nobody can write a folder we cannot create a file in, so there is nothing to
            # exclude; the write itself then fails with the index's own clear message.
            log.info("cannot create the writer lock %s: %s", path, exc)
            yield
            return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


class IndexWriter:
    """The app's in-process ingest: one at a time, with the app's own embedder, then a refresh.

    Used by the admin endpoint (``kompetanse ingest`` while the app runs) and the
    Dokumenter upload. ``token`` authenticates the admin endpoint.
    """

    def __init__(self, settings: Settings, assistant: Assistant, token: str | None = None) -> None:
        self.settings = settings
        self.assistant = assistant
        self.token = token or secrets.token_urlsafe(32)
        self._lock = threading.Lock()

    def ingest(
        self, paths: Sequence[Path] | None, *, rebuild: bool = False, progress: Progress | None = None
    ) -> IngestReport:
        """Ingest ``paths`` (default: the corpus folder) and refresh the assistant at once.

        Raises like :func:`ingest.pipeline.ingest_paths`.
        """
        from ingest.pipeline import ingest_paths

        with self._lock, index_lock(self.settings):
            embedder = getattr(self.assistant, "embedder", None)
            report = ingest_paths(self.settings, paths, rebuild=rebuild, progress=progress, embedder=embedder)
        self.assistant.refresh()
        return report


def report_to_dict(report: IngestReport) -> dict[str, Any]:
    """The report as JSON-able data (the admin endpoint's response)."""
    from dataclasses import asdict

    return {
        "outcomes": [asdict(o) for o in report.outcomes],
        "seconds": report.seconds,
        "embedder": report.embedder,
        "rebuilt": report.rebuilt,
        "summary": report.summary(),
        "exit_code": report.exit_code,
    }


def report_from_dict(data: dict[str, Any]) -> IngestReport:
    """Rebuild an :class:`IngestReport` from :func:`report_to_dict`'s output."""
    from ingest.pipeline import FileOutcome, IngestReport

    outcomes = tuple(
        FileOutcome(
            **{
                **o,
                "provisions": tuple(o.get("provisions", ())),
                "warnings": tuple(o.get("warnings", ())),
            }
        )
        for o in data["outcomes"]
    )
    return IngestReport(outcomes, float(data["seconds"]), str(data["embedder"]), bool(data.get("rebuilt")))
