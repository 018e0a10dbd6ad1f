"""`kompetanse feedback export|delete`: the locally stored answer feedback."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the feedback subcommand."""
    fb = sub.add_parser(
        "feedback",
        help="Eksporter eller slett tilbakemeldingene som er lagret lokalt (tommel opp/ned og kommentarer).",
        description="Tilbakemeldingene lagres bare i datamappen (feedback.sqlite3) og sendes aldri noe sted.",
    )
    fb.add_argument(
        "action", choices=["export", "delete"], help="export: skriv alle som JSON; delete: slett alle."
    )
    fb.add_argument("--yes", action="store_true", help="Bekreft sletting uten å spørre.")
    fb.set_defaults(func=run_feedback)


def run_feedback(args: argparse.Namespace, settings: Settings) -> int:
    from ui.feedback import FeedbackStore

    store = FeedbackStore.in_data_dir(settings.data_dir)
    if args.action == "export":
        print(json.dumps(store.export(), ensure_ascii=False, indent=2))
        return 0
    if not args.yes:
        print("Legg til --yes for å slette alle tilbakemeldinger.", file=sys.stderr)
        return 2
    print(f"Slettet {store.delete_all()} tilbakemeldinger.")
    return 0
