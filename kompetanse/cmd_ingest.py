"""`kompetanse ingest [PATHS...] [--rebuild]`: read documents into the index.

Shows a progress bar on stderr and ends with a summary table per document; the
exit code is non-zero when any file failed.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.settings import Settings
    from ingest.pipeline import IngestReport, ProgressEvent

_STATUS_STYLES = {
    "added": "green",
    "updated": "cyan",
    "unchanged": "dim",
    "removed": "yellow",
    "failed": "bold red",
}


def register(subparsers: Any) -> None:
    """Add the ``ingest`` subcommand."""
    parser = subparsers.add_parser(
        "ingest",
        help="Les inn dokumenter i indeksen (standard: den medfølgende korpusmappen).",
        description="Les inn dokumenter (PDF, Word, tekst, markdown) i indeksen. En mappe synkroniseres: "
        "dokumenter som er fjernet fra mappen, fjernes også fra indeksen. Uendrede filer hoppes over.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="STI",
        help="Filer eller mapper som skal leses inn (standard: korpusmappen i innstillingene).",
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="Bygg hele indeksen på nytt (for eksempel etter bytte av innebyggingsmodell).",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the ingest with a progress bar and print the summary; returns the exit code."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ingest.pipeline import ingest_paths

    err = Console(stderr=True)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    files = progress.add_task("Leser inn", total=None)
    embedding = progress.add_task("Innbygging", total=None, visible=False)

    def on_event(event: ProgressEvent) -> None:
        if event.kind == "start":
            progress.update(files, total=event.file_total)
        elif event.kind == "file":
            name = Path(event.path).name
            progress.update(files, description=f"Leser inn {name}")
            progress.update(embedding, visible=False, completed=0, total=None)
        elif event.kind == "embed":
            progress.update(embedding, visible=True, completed=event.done, total=event.total)
        elif event.kind == "outcome":
            progress.update(files, advance=1)
            progress.update(embedding, visible=False)

    paths = list(args.paths) if args.paths else None
    with progress:
        report = ingest_paths(settings, paths, rebuild=args.rebuild, progress=on_event)
    print_summary(report, Console(soft_wrap=False))
    return report.exit_code


def print_summary(report: IngestReport, console: Any) -> None:
    """Print the per-document table, the failed files with their reasons, and the totals."""
    from rich.markup import escape
    from rich.table import Table

    from ingest.pipeline import STATUS_LABELS

    table = Table(title="Innlesing", title_justify="left")
    table.add_column("Dokument", overflow="fold")
    table.add_column("Status")
    table.add_column("Avsnitt", justify="right")
    table.add_column("Bestemmelser", justify="right")
    table.add_column("Sider", justify="right")
    table.add_column("Merknader", justify="right")
    for outcome in report.outcomes:
        name = outcome.name
        style = _STATUS_STYLES.get(outcome.status, "")
        table.add_row(
            escape(name),
            f"[{style}]{STATUS_LABELS[outcome.status]}[/]",
            "" if outcome.status == "failed" else str(outcome.chunks),
            "" if outcome.status == "failed" else str(len(outcome.provisions)),
            str(outcome.pages) if outcome.pages else "",
            str(len(outcome.warnings)) if outcome.warnings else "",
        )
    console.print(table)
    for outcome in report.outcomes:
        for warning in outcome.warnings:
            console.print(f"Merknad for {Path(outcome.path).name}: {warning}", soft_wrap=True, markup=False)
    for outcome in report.failed:
        console.print(f"[bold red]Feilet:[/] {escape(outcome.path)}", soft_wrap=True, highlight=False)
        console.print(f"  {outcome.error}", soft_wrap=True, markup=False, highlight=False)
    console.print(report.summary(), soft_wrap=True, highlight=False)
