"""What an ingest run reports: per-file outcomes, the run's summary and progress events."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Status = Literal["added", "updated", "unchanged", "removed", "failed"]
STATUS_LABELS: dict[Status, str] = {
    "added": "lagt til",
    "updated": "oppdatert",
    "unchanged": "uendret",
    "removed": "fjernet",
    "failed": "feilet",
}


NO_PROVISIONS_WARNING = (
    "Fant ingen bestemmelser i dokumentet, så de kan ikke slås opp. Sjekk formatet: overskriftene bør "
    "ha formen «§ 3-4 Tittel», «§ 14 Tittel», «14.1 Tittel» eller «Kapittel 1 Tittel», hver på egen linje."
)


def provision_warnings(kind: str, provisions: Sequence[str]) -> tuple[str, ...]:
    """Warnings about a document's provisions: an agreement or a law without any gets one.

    Takes the document's kind and the provision labels found in it; returns Norwegian warnings for
    the ingest summary (CLI table, upload log, API report) so the user can check the format.
    """
    if kind in ("agreement", "law") and not provisions:
        return (NO_PROVISIONS_WARNING,)
    return ()


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one file (or to a document whose file vanished)."""

    path: str
    doc_id: str
    status: Status
    chunks: int = 0
    provisions: tuple[str, ...] = ()
    pages: int = 0
    warnings: tuple[str, ...] = ()
    error: str = ""
    title: str = ""
    embedded: int = 0
    """Chunks embedded in this run (the rest reused stored vectors)."""

    @property
    def name(self) -> str:
        """The document title, or the file name when the file could not be read."""
        return self.title or Path(self.path).name

    def __str__(self) -> str:
        """One Norwegian line: "Tittel: lagt til (13 avsnitt, 4 bestemmelser)" or the failure reason,
        then one indented "Merknad: ..." line per warning."""
        label = STATUS_LABELS[self.status]
        if self.status == "failed":
            return f"{Path(self.path).name}: {label} – {self.error}"
        if self.status == "removed":
            return f"{self.name}: {label}"
        line = f"{self.name}: {label} ({self.chunks} avsnitt, {len(self.provisions)} bestemmelser)"
        return "\n".join([line, *(f"  Merknad: {warning}" for warning in self.warnings)])


@dataclass(frozen=True)
class IngestReport:
    """Per-file outcomes of one ingest run, with totals."""

    outcomes: tuple[FileOutcome, ...]
    seconds: float
    embedder: str
    rebuilt: bool = False

    def count(self, status: Status) -> int:
        """Number of files with ``status``."""
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def failed(self) -> tuple[FileOutcome, ...]:
        """The files that could not be ingested."""
        return tuple(outcome for outcome in self.outcomes if outcome.status == "failed")

    @property
    def chunks(self) -> int:
        """Chunks in the documents this run covered (not counting removed or failed ones)."""
        return sum(o.chunks for o in self.outcomes if o.status not in ("removed", "failed"))

    @property
    def embedded(self) -> int:
        """Chunks embedded in this run."""
        return sum(outcome.embedded for outcome in self.outcomes)

    @property
    def changed(self) -> bool:
        """True when the run changed the index."""
        return self.rebuilt or any(o.status in ("added", "updated", "removed") for o in self.outcomes)

    @property
    def exit_code(self) -> int:
        """0 when every file was ingested, 1 when any failed."""
        return 1 if self.failed else 0

    def summary(self) -> str:
        """One Norwegian line with the totals."""
        counts = ", ".join(f"{self.count(s)} {label}" for s, label in STATUS_LABELS.items() if self.count(s))
        rebuilt = " Indeksen ble bygget på nytt." if self.rebuilt else ""
        return (
            f"{len(self.outcomes)} filer: {counts or 'ingen'}. {self.chunks} avsnitt, "
            f"{self.embedded} nye innbygginger, {self.seconds:.1f} s ({self.embedder}).{rebuilt}"
        )

    def __str__(self) -> str:
        """Norwegian text: one line per file, then the totals."""
        return "\n".join([*(str(outcome) for outcome in self.outcomes), self.summary()])


@dataclass(frozen=True)
class ProgressEvent:
    """Streamed while ingesting.

    ``kind``: "start" (``file_total`` known), "file" (``path`` begins; ``file_index``
    is 0-based), "embed" (``done`` of ``total`` chunks of the current file embedded),
    "outcome" (``outcome`` of the current file), "finish".
    """

    kind: Literal["start", "file", "embed", "outcome", "finish"]
    file_index: int = 0
    file_total: int = 0
    path: str = ""
    done: int = 0
    total: int = 0
    outcome: FileOutcome | None = None

    def __str__(self) -> str:
        """A short Norwegian progress line (for logs and simple UIs)."""
        name = Path(self.path).name
        if self.kind == "start":
            return f"Fant {self.file_total} filer."
        if self.kind == "file":
            return f"Leser inn {name} ({self.file_index + 1}/{self.file_total}) …"
        if self.kind == "embed":
            return f"{name}: {self.done}/{self.total} avsnitt gjort om til vektorer"
        if self.kind == "outcome" and self.outcome is not None:
            return str(self.outcome)
        return "Ferdig."


Progress = Callable[[ProgressEvent], None]
