"""``kompetanse serve --workers N``: N uvicorn worker processes answering on one port.

The parent process checks the index once (ingesting the corpus if needed), binds
the socket and starts N workers with uvicorn's process supervisor; each worker
builds its own app with :func:`create_worker_app` (an app factory, imported by
name in a freshly spawned interpreter), so each loads its own embedder and lexical
index. The settings travel to the workers as JSON in an environment variable
(:data:`SETTINGS_ENV`), never through a file in the repository; a worker removes the
variable from its own environment once read.

Only with a Chroma server: the embedded store allows a single process (see
docs/DEPLOYMENT.md), so :func:`serve_workers` refuses it. With the server,
``kompetanse ingest`` writes directly and every worker picks the change up through
the collection's generation counter, like separate app instances do. The workers
serve the JSON API only: Gradio keeps a browser's login and event queue in the
process that served the page, and the kernel spreads connections over the workers.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from uvicorn.config import STARTUP_FAILURE  # a worker exiting with it stops the supervisor

from core.errors import KompetanseError
from core.settings import Settings

log = logging.getLogger(__name__)

SETTINGS_ENV = "KOMPETANSE_WORKER_SETTINGS_JSON"
WORKER_HEADER = "X-Kompetanse-Worker"
# uvicorn's supervisor pings each worker and replaces one that does not answer in time.
# Its 5 s default is too tight for a worker whose threads are all embedding on a busy machine.
HEALTHCHECK_SECONDS = 60

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def settings_to_json(settings: Settings) -> str:
    """``settings`` as JSON, secrets included (they must reach the workers); see :func:`settings_from_json`."""

    def plain(value: object) -> str:
        if isinstance(value, SecretStr):
            return value.get_secret_value()
        if isinstance(value, Path):
            return str(value)
        raise TypeError(f"cannot serialise {type(value).__name__}")

    return json.dumps(settings.model_dump(), default=plain)


def settings_from_json(text: str) -> Settings:
    """The settings :func:`settings_to_json` wrote, exactly (no environment or ``.env`` applied again)."""
    return Settings.model_validate(json.loads(text))


def require_server(settings: Settings, workers: int) -> None:
    """Raise ``KompetanseError`` unless ``workers`` processes may serve this index (a Chroma server)."""
    if workers > 1 and not settings.chroma.host:
        raise KompetanseError(
            f"--workers {workers} krever en Chroma-server: den innebygde indeksen kan bare brukes av én "
            "prosess om gangen. Start en Chroma-server (for eksempel `chroma run --path <mappe> --port 8000`), "
            "sett KOMPETANSE_CHROMA__HOST (og KOMPETANSE_CHROMA__PORT) og les inn dokumentene med "
            "`kompetanse ingest`, eller start med --workers 1.",
            detail=f"serve --workers {workers} needs chroma.host: the embedded PersistentClient is "
            "single-process (docs/DEPLOYMENT.md, 'Several processes')",
        )


class WorkerApp:
    """The ASGI app of one worker: announces itself when ready and names itself in each response.

    ``X-Kompetanse-Worker: <pid>`` tells an operator (and the tests) which process answered.
    """

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], ready_line: str) -> None:
        self.app = app
        self.ready_line = ready_line
        self.header = (WORKER_HEADER.lower().encode(), str(os.getpid()).encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":

            async def announce(message: Message) -> None:
                await send(message)
                if message["type"] == "lifespan.startup.complete":
                    # The parent already listens; this worker accepts connections from now on.
                    print(self.ready_line, flush=True)

            await self.app(scope, receive, announce)
        elif scope["type"] == "http":

            async def named(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message = {**message, "headers": [*message.get("headers", []), self.header]}
                await send(message)

            await self.app(scope, receive, named)
        else:
            await self.app(scope, receive, send)


def create_worker_app() -> WorkerApp:
    """uvicorn's app factory, called once in each worker process: the API over this worker's assistant.

    Reads the settings from :data:`SETTINGS_ENV`. A worker that cannot start (index
    unreachable, wrong embedder, ...) prints the Norwegian message and exits with
    uvicorn's start-up failure code, so the supervisor stops instead of restarting it.
    """
    from assistant.service import Assistant
    from ui.server import READY_LINE, create_app, install_log_masking, url_for

    raw = os.environ.pop(SETTINGS_ENV, None)
    try:
        if raw is None:
            raise KompetanseError(
                "Arbeidsprosessen fikk ingen innstillinger. Start den med `kompetanse serve --workers N`.",
                detail=f"{SETTINGS_ENV} is not set",
            )
        settings = settings_from_json(raw)
        install_log_masking()
        assistant = Assistant.from_settings(settings)
        app = create_app(settings, assistant, web_ui=False)
    except KompetanseError as exc:
        log.warning("worker %d did not start: %s", os.getpid(), exc.detail or exc.message)
        print(f"Feil: {exc}", file=sys.stderr, flush=True)
        sys.exit(STARTUP_FAILURE)
    except Exception:
        log.exception("worker %d did not start", os.getpid())
        sys.exit(STARTUP_FAILURE)
    return WorkerApp(app, f"{READY_LINE} {url_for(settings)} (arbeidsprosess {os.getpid()})")


def serve_workers(settings: Settings, workers: int) -> None:
    """Serve the API from ``workers`` processes until interrupted.

    Raises ``KompetanseError`` for the embedded store, a refused bind, a busy port,
    or a worker that could not start.
    """
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from ui.server import check_bind, install_log_masking, prepare_index, url_for

    require_server(settings, workers)
    check_bind(settings)
    install_log_masking()
    prepare_index(settings)  # once, here: N workers must not all ingest at the same time
    url = url_for(settings)
    config = uvicorn.Config(
        "ui.workers:create_worker_app",
        factory=True,
        workers=workers,
        host=settings.ui.host,
        port=settings.ui.port,
        log_level="warning",
        access_log=False,  # request lines can carry questions; keep them out of the log
        timeout_graceful_shutdown=5,
        timeout_worker_healthcheck=HEALTHCHECK_SECONDS,
    )
    install_log_masking()  # again: uvicorn.Config has just installed its own handlers
    try:
        sock = config.bind_socket()
    except SystemExit as exc:  # uvicorn exits when it cannot bind
        raise KompetanseError(
            f"Kunne ikke starte på {url}. Er porten i bruk? Velg en annen med --port.",
            detail=f"uvicorn exited with {exc.code}",
        ) from exc
    print(
        f"Starter {workers} arbeidsprosesser på {url} (bare JSON-API-et under /api); "
        "hver laster sin egen søkemodell …",
        flush=True,
    )
    if settings.ui.allow_upload:
        print(
            "  Merk: opplasting (KOMPETANSE_UI__ALLOW_UPLOAD) hører til nettappen, som ikke kjører med flere "
            "prosesser. Les inn dokumenter med `kompetanse ingest`.",
            flush=True,
        )
    os.environ[SETTINGS_ENV] = settings_to_json(settings)  # inherited by the spawned workers
    try:
        supervisor = Multiprocess(config, sockets=[sock])
        supervisor.run()
    finally:
        os.environ.pop(SETTINGS_ENV, None)
        sock.close()
        sys.stdout.flush()
    if any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes):
        raise KompetanseError(
            "En arbeidsprosess kunne ikke starte; se meldingen over.",
            detail="a worker exited with uvicorn's STARTUP_FAILURE",
        )
