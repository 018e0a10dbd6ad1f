"""One process serving the web app at ``/`` and the JSON API at ``/api``.

``create_app(settings, assistant)`` builds the FastAPI application (tests inject a
fake assistant); ``serve(settings)`` ensures the index, builds the real assistant and
runs uvicorn. Nothing here talks to the internet: Gradio analytics are off, fonts are
system fonts, and the API's CDN-based docs pages are disabled.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import signal
import sys
import threading
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from assistant.service import Assistant
from core.errors import KompetanseError
from core.settings import Settings
from ui.feedback import FeedbackStore, FnrMaskingFilter
from ui.writer import IndexWriter, index_lock, remove_state, write_state

log = logging.getLogger(__name__)

OFFLINE_ENV = {"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_DISABLE_TELEMETRY": "1"}
READY_LINE = "Kompetanseassistenten kjører på"
NO_WEB_UI_PAGE = (
    '<!doctype html><html lang="nb"><meta charset="utf-8"><title>Kompetanseassistenten</title>'
    "<p>Denne adressen betjener bare JSON-API-et under <code>/api</code> (for eksempel "
    "<code>POST /api/ask</code>), fordi den kjører med flere arbeidsprosesser. Nettappen trenger "
    "én prosess: start den med <code>kompetanse serve</code> uten <code>--workers</code>, gjerne på en "
    "annen port mot den samme Chroma-serveren.</p></html>"
)


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    name = host.strip().strip("[]").lower()
    if name in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def login(settings: Settings) -> tuple[str, str] | None:
    """The configured (username, password), or None when no login is set."""
    password = settings.ui.password.get_secret_value() if settings.ui.password else ""
    return (settings.ui.username, password) if settings.ui.username and password else None


def check_bind(settings: Settings) -> None:
    """Refuse to listen beyond loopback without a login; raises ``KompetanseError`` in Norwegian."""
    host = settings.ui.host
    if not is_loopback(host) and login(settings) is None:
        raise KompetanseError(
            f"Vil ikke lytte på {host or 'alle nettverksgrensesnitt'} uten innlogging: da kan andre på nettverket "
            "bruke appen. Sett KOMPETANSE_UI__USERNAME og KOMPETANSE_UI__PASSWORD, eller bruk "
            "--host 127.0.0.1 for bare denne maskinen.",
            detail=f"refusing non-loopback bind to {host!r} without ui.username/ui.password",
        )


def url_for(settings: Settings) -> str:
    """The address users open, e.g. http://127.0.0.1:7860."""
    host = settings.ui.host
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{settings.ui.port}"


def create_app(
    settings: Settings,
    assistant: Assistant,
    feedback: FeedbackStore | None = None,
    writer: IndexWriter | None = None,
    *,
    web_ui: bool = True,
) -> FastAPI:
    """The FastAPI application: JSON API at ``/api`` (schema ``/api/openapi.json``), Gradio UI at ``/``.

    ``writer`` is this process's in-process ingest (the admin endpoint and the upload use it);
    by default one is made over ``assistant``. ``web_ui=False`` serves the API only, with a
    short Norwegian note at ``/`` (the worker processes of ``kompetanse serve --workers``).
    """
    from ui.api import create_api

    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    store = feedback or FeedbackStore.in_data_dir(settings.data_dir)
    writer = writer or IndexWriter(settings, assistant)
    app = FastAPI(title="Kompetanseassistenten", docs_url=None, redoc_url=None, openapi_url=None)
    app.mount(
        "/api", create_api(settings, assistant, store, writer)
    )  # before "/", which would catch everything

    @app.middleware("http")
    async def _api_paths_stay_json(request: Any, call_next: Any) -> Any:
        # A path under /api with a control character (an encoded line break) matches no route,
        # not even the /api mount; answer in the API's error shape instead of Gradio's.
        path = request.scope.get("path", "")
        if path.startswith("/api") and any(ord(ch) < 32 for ch in path):
            return JSONResponse({"error": "Fant ikke det du spurte etter."}, status_code=404)
        return await call_next(request)

    if not web_ui:
        from fastapi.responses import HTMLResponse

        @app.get("/", include_in_schema=False)
        def _no_web_ui() -> HTMLResponse:
            return HTMLResponse(NO_WEB_UI_PAGE)

        return app

    import gradio as gr

    from ui.app import build_ui, mount_options

    blocks = build_ui(settings, assistant, store, writer)
    options: dict[str, Any] = mount_options()
    return gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        server_name=settings.ui.host,
        server_port=settings.ui.port,
        auth=login(settings),
        auth_message="Logg inn for å bruke Kompetanseassistenten.",
        max_file_size=f"{settings.ui.max_upload_mb}mb",
        **options,
    )


def install_log_masking() -> None:
    """Mask fødselsnummer-like numbers in every record our, uvicorn's and Gradio's handlers write.

    Call after logging (and uvicorn's logging config) is set up: filters go on the
    handlers, which see records propagated from every child logger too.
    """
    masking = FnrMaskingFilter()
    for name in ("", "uvicorn", "uvicorn.access", "uvicorn.error", "kompetanse", "ui", "assistant", "ingest"):
        logger = logging.getLogger(name)
        for target in [logger, *logger.handlers]:
            if not any(isinstance(f, FnrMaskingFilter) for f in target.filters):
                target.addFilter(masking)


def print_progress(event: Any) -> None:
    """Print one ingest progress event as a Norwegian line (per-chunk embedding steps only when a file is done)."""
    if getattr(event, "kind", "") == "embed" and getattr(event, "done", 0) != getattr(event, "total", 0):
        return
    print(f"  {event}", flush=True)


def prepare_assistant(settings: Settings) -> Assistant:
    """Ingest the bundled corpus if the index needs it (printing progress), then open the assistant.

    Raises ``KompetanseError`` subclasses from the ingest or when the index cannot be opened.
    """
    prepare_index(settings)
    print("Åpner indeksen og laster søkemodellen …", flush=True)
    return Assistant.from_settings(settings)


def prepare_index(settings: Settings) -> None:
    """Ingest the bundled corpus if the index needs it, printing progress; raises like the ingest."""
    from ingest.pipeline import ensure_index

    print("Sjekker indeksen …", flush=True)
    with index_lock(settings):  # waits while `kompetanse ingest` writes the index directly
        report = ensure_index(settings, progress=print_progress)
    if report is None:
        print("  Indeksen er oppdatert.", flush=True)
    else:
        print(f"  {report.summary()}", flush=True)
        for failed in report.failed:
            print(f"  Advarsel: {failed}", flush=True)


def serve(settings: Settings) -> None:
    """Run the app until interrupted; raises ``KompetanseError`` on a refused bind or a busy port.

    With the embedded store, ``<data_dir>/app.json`` announces this process as the index's
    writer while it runs (see :mod:`ui.writer`).
    """
    import secrets

    check_bind(settings)
    install_log_masking()
    token = secrets.token_urlsafe(32)
    if not settings.chroma.host:
        # From now on this process is the embedded index's only writer: `kompetanse ingest`
        # sees app.json and hands its work over (waiting while the app starts).
        with index_lock(settings):
            write_state(settings, token)
    # uvicorn shuts down gracefully on SIGTERM and then re-raises the signal; end normally
    # instead of dying, so the state file is removed (a stale one would also be ignored).
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _stop) if main else None
    try:
        _serve(settings, token)
    except _Stopped:
        pass
    finally:
        remove_state(settings)
        if main:
            signal.signal(signal.SIGTERM, previous)


class _Stopped(Exception):
    """SIGTERM arrived (after uvicorn's graceful shutdown)."""


def _stop(signum: int, frame: Any) -> None:
    raise _Stopped


def _serve(settings: Settings, token: str) -> None:
    import uvicorn

    assistant = prepare_assistant(settings)
    app = create_app(settings, assistant, writer=IndexWriter(settings, assistant, token))
    url = url_for(settings)

    class AnnouncingServer(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:
                print(f"{READY_LINE} {url}", flush=True)

    config = uvicorn.Config(
        app,
        host=settings.ui.host,
        port=settings.ui.port,
        log_level="warning",
        access_log=False,  # request lines can carry questions; keep them out of the log
        timeout_graceful_shutdown=5,
    )
    install_log_masking()  # again: uvicorn.Config has just installed its own handlers
    try:
        AnnouncingServer(config).run()
    except SystemExit as exc:  # uvicorn exits when it cannot bind
        raise KompetanseError(
            f"Kunne ikke starte på {url}. Er porten i bruk? Velg en annen med --port.",
            detail=f"uvicorn exited with {exc.code}",
        ) from exc
    finally:
        sys.stdout.flush()
