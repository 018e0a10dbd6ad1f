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

    from ui.writer import index_lock, read_state

    paths = list(args.paths) if args.paths else None
    if not settings.chroma.host:
        # The embedded store has one writer: a running app on this data folder does the work.
        with index_lock(settings):
            state = read_state(settings)
            if state is None:
                with progress:
                    report = ingest_paths(settings, paths, rebuild=args.rebuild, progress=on_event)
        if state is not None:
            err.print("Appen kjører og leser inn dokumentene for deg …", highlight=False)
            report = hand_over(state, paths, rebuild=args.rebuild, wait_s=settings.ui.handover_wait_seconds)
    else:  # a Chroma server takes several writers; the apps notice the change by themselves
        with progress:
            report = ingest_paths(settings, paths, rebuild=args.rebuild, progress=on_event)
    print_summary(report, Console(soft_wrap=False))
    return report.exit_code


def hand_over(state: Any, paths: list[Path] | None, *, rebuild: bool, wait_s: float) -> IngestReport:
    """Ask the running app (``state``, from ``app.json``) to ingest ``paths``; returns its report.

    Waits up to ``wait_s`` for an app that is still starting. Raises ``KompetanseError``
    when the app cannot be reached or refuses.
    """
    import time

    import httpx

    from core.errors import KompetanseError
    from ui.writer import TOKEN_HEADER, report_from_dict

    body = {"paths": [str(p.expanduser().resolve()) for p in paths] if paths else None, "rebuild": rebuild}
    deadline = time.monotonic() + wait_s
    while True:
        try:
            with httpx.Client(trust_env=False, timeout=httpx.Timeout(10.0, read=None)) as client:
                response = client.post(
                    f"{state.url}/api/admin/ingest", json=body, headers={TOKEN_HEADER: state.token}
                )
            break
        except httpx.ConnectError as exc:  # the app is still starting
            if time.monotonic() > deadline:
                raise KompetanseError(
                    "Appen kjører, men svarer ikke. Vent til den har startet, eller stopp den, og prøv igjen.",
                    detail=f"cannot reach {state.url}: {exc}",
                ) from exc
            time.sleep(1.0)
    if response.status_code != 200:
        try:
            message = str(response.json().get("error", ""))
        except ValueError:
            message = ""
        raise KompetanseError(
            message or "Appen kunne ikke lese inn dokumentene. Se loggen til appen.",
            detail=f"admin ingest answered {response.status_code}: {response.text[:500]}",
        )
    return report_from_dict(response.json())


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
