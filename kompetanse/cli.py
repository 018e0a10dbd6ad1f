"""The `kompetanse` command: parses arguments and calls the library.

Each subcommand lives in its own ``kompetanse/cmd_*.py`` module exposing
``register(subparsers)``; its parser sets ``func(args, settings) -> int``.
Heavy imports happen inside those functions, so ``kompetanse --help`` is fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from core.errors import KompetanseError

COMMAND_MODULES = ("cmd_ingest", "cmd_ask", "cmd_serve", "cmd_eval", "cmd_feedback", "cmd_permisjon")

OFFLINE_ENV = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}

log = logging.getLogger("kompetanse")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="kompetanse",
        description="Kompetanseassistenten: svar med kildehenvisninger om læring, kompetanseutvikling "
        "og utdanningspermisjon i kommunesektoren.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="Show technical log messages.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"kompetanse.{name}")
        except ModuleNotFoundError as exc:  # a subcommand not built yet
            if exc.name != f"kompetanse.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from core.settings import load_settings

    try:
        settings = load_settings()
        return int(args.func(args, settings) or 0)
    except KompetanseError as exc:
        if exc.detail:
            log.info("detail: %s", exc.detail)
        print(f"Feil: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Avbrutt.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
