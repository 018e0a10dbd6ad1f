"""`kompetanse serve`: start the web app and HTTP API."""

from __future__ import annotations

import argparse
from typing import Any

from core.settings import Settings


def register(sub: Any) -> None:
    """Add the ``serve`` subcommand to the CLI's subparsers."""
    parser = sub.add_parser(
        "serve",
        help="Start nettappen og HTTP-API-et (bygger indeksen først om nødvendig).",
        description="Start Kompetanseassistenten i nettleseren (http://127.0.0.1:7860) med JSON-API under "
        "/api. Bygger indeksen over de medfølgende dokumentene først om nødvendig. Å lytte på andre "
        "adresser enn 127.0.0.1 krever KOMPETANSE_UI__USERNAME og KOMPETANSE_UI__PASSWORD.",
    )
    parser.add_argument("--host", help="Adressen å lytte på (standard: 127.0.0.1, bare denne maskinen).")
    parser.add_argument("--port", type=port_number, help="Porten å lytte på (standard: 7860).")
    parser.add_argument(
        "--workers",
        type=worker_count,
        metavar="N",
        help="Antall prosesser som svarer (standard: 1). Flere enn 1 krever en Chroma-server "
        "(KOMPETANSE_CHROMA__HOST), gir bare JSON-API-et (ikke nettappen) og laster søkemodellen én gang "
        "per prosess.",
    )
    parser.set_defaults(func=run)


def port_number(text: str) -> int:
    """Parse a TCP port (1–65535) for argparse; raises ``ArgumentTypeError`` in Norwegian."""
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"ugyldig port: {text!r} (må være et tall fra 1 til 65535)")
    return port


def worker_count(text: str) -> int:
    """Parse a number of worker processes (1–64) for argparse; raises ``ArgumentTypeError`` in Norwegian."""
    try:
        workers = int(text)
    except ValueError:
        workers = 0
    if not 1 <= workers <= 64:
        raise argparse.ArgumentTypeError(f"ugyldig antall prosesser: {text!r} (må være et tall fra 1 til 64)")
    return workers


def with_overrides(
    settings: Settings, host: str | None, port: int | None, workers: int | None = None
) -> Settings:
    """``settings`` with the command line's host, port and workers applied (validated like the settings)."""
    ui = settings.ui.model_dump()
    for key, value in (("host", host), ("port", port), ("workers", workers)):
        if value is not None:
            ui[key] = value
    return settings.model_copy(update={"ui": type(settings.ui).model_validate(ui)})


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Serve until interrupted; returns the exit code."""
    settings = with_overrides(settings, args.host, args.port, getattr(args, "workers", None))
    if settings.ui.workers > 1:
        from ui.workers import serve_workers

        serve_workers(settings, settings.ui.workers)
        return 0
    from ui.server import serve

    serve(settings)
    return 0
