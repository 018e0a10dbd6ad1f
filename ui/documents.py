"""The Dokumenter tab: the indexed documents and the administrator's upload.

An upload is stored under ``<data_dir>/uploads`` and ingested by the app's own
:class:`ui.writer.IndexWriter` (the same in-process writer as the admin endpoint,
with the app's embedder), after which the assistant answers from the new index.
"""

from __future__ import annotations

import logging
import queue
import re
import secrets
import shutil
import threading
import time
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.service import Assistant
from core.errors import KompetanseError
from core.settings import Settings
from ui import render_tabs
from ui.theme import GENERIC_ERROR
from ui.writer import IndexWriter

log = logging.getLogger(__name__)


UPLOAD_TYPES = (".pdf", ".docx", ".txt", ".md")
DOC_HEADERS = ["Tittel", "Kortnavn", "Type", "Tekstbiter", "Bestemmelser", "Sider"]


def safe_filename(name: str) -> str:
    """A file name safe to store: no folders, no traversal, only letters, digits, ``._-`` and spaces.

    Keeps the (lower-cased) extension; other characters become ``_``; at most 100 characters.
    """
    base = unicodedata.normalize("NFC", re.split(r"[\\/]", name or "")[-1])
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = re.sub(r"[^\w\- ]", "_", stem, flags=re.UNICODE)
    stem = re.sub(r"[_ ]{2,}", "_", stem).strip(" ._-") or "dokument"
    ext = re.sub(r"[^a-z0-9]", "", ext.lower())[:10]
    return stem[:90] + (f".{ext}" if ext else "")


def admin_ok(settings: Settings, username: str, password: str) -> bool:
    """True when an administrator login is configured and ``username``/``password`` match it."""
    want_user = settings.ui.username
    want_pw = settings.ui.password.get_secret_value() if settings.ui.password else ""
    if not (want_user and want_pw):
        return False
    return secrets.compare_digest((username or "").encode(), want_user.encode()) & secrets.compare_digest(
        (password or "").encode(), want_pw.encode()
    )


def store_uploads(settings: Settings, files: Sequence[str]) -> tuple[list[Path], list[str]]:
    """Copy uploaded temp files into ``<data_dir>/uploads`` under safe names.

    Returns (stored paths, Norwegian messages for files refused by type or size).
    """
    folder = settings.data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    limit = settings.ui.max_upload_mb * 1024 * 1024
    stored: list[Path] = []
    refused: list[str] = []
    for tmp in files:
        src = Path(tmp)
        name = safe_filename(src.name)
        if Path(name).suffix not in UPLOAD_TYPES:
            refused.append(f"{name}: bare PDF, DOCX, TXT og MD kan lastes opp.")
        elif src.stat().st_size > limit:
            refused.append(f"{name}: filen er større enn {settings.ui.max_upload_mb} MB.")
        else:
            dest = folder / name
            n = 2
            # Two files of one upload that sanitise to the same name are both kept;
            # a later upload of the same name replaces the earlier version on purpose.
            while dest in stored:
                dest = folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
                n += 1
            shutil.copyfile(src, dest)
            stored.append(dest)
    return stored, refused


class DocumentsHandlers:
    """The Dokumenter tab: the indexed documents and, if enabled, the administrator's upload."""

    def __init__(self, settings: Settings, assistant: Assistant, writer: IndexWriter | None = None) -> None:
        self.settings = settings
        self.assistant = assistant
        self.writer = writer or IndexWriter(settings, assistant)

    def table(self) -> list[list[object]]:
        """Rows for the documents table (empty when the index cannot be read)."""
        try:
            return render_tabs.documents_rows(self.assistant.documents())
        except KompetanseError as exc:
            gr.Warning(str(exc))
            return []

    def upload(self, files: list[str] | None, username: str, password: str) -> Iterator[tuple[str, Any]]:
        """Store the files and re-index them; yields (progress log, table update) as it goes."""
        if not admin_ok(self.settings, username, password):
            time.sleep(1.0)  # slow down guessing
            raise gr.Error("Feil brukernavn eller passord for administrator.")
        if not files:
            raise gr.Error("Velg minst én fil å laste opp.")
        stored, lines = store_uploads(self.settings, files)
        if not stored:
            yield "\n".join(lines), gr.skip()
            return
        lines.append(f"Lagret {len(stored)} fil(er). Oppdaterer indeksen …")
        yield "\n".join(lines), gr.skip()
        events: queue.Queue[str | None] = queue.Queue()
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:  # the app's one writer: its embedder, the writer lock, then a refresh
                outcome["report"] = self.writer.ingest(
                    stored, rebuild=False, progress=lambda *a: events.put(_progress_text(a))
                )
            except Exception as exc:  # reported below, the thread must not die silently
                outcome["error"] = exc
            finally:
                events.put(None)

        threading.Thread(target=work, name="kompetanse-upload-ingest", daemon=True).start()
        while (event := events.get()) is not None:
            lines.append(event)
            yield "\n".join(lines), gr.skip()
        error = outcome.get("error")
        if isinstance(error, KompetanseError):
            lines.append(f"Feil: {error}")
        elif error is not None:
            log.error("upload ingest failed", exc_info=error)
            lines.append(GENERIC_ERROR)
        else:
            lines.append(_report_text(outcome.get("report")))
            lines.append("Indeksen er oppdatert.")
        yield "\n".join(lines), self.table()


def _progress_text(args: tuple[Any, ...]) -> str:
    return " ".join(str(a) for a in args if a is not None) or "…"


def _report_text(report: Any) -> str:
    # Each file's outcome was already shown as progress; end with the totals.
    summary = getattr(report, "summary", None)
    return summary() if callable(summary) else str(report or "Ferdig.")


def build_documents_tab(
    settings: Settings, assistant: Assistant, writer: IndexWriter, demo: gr.Blocks
) -> None:
    """Lay out the Dokumenter tab; the upload (when enabled) ingests through ``writer``."""
    handlers = DocumentsHandlers(settings, assistant, writer)
    table = gr.Dataframe(
        headers=DOC_HEADERS, interactive=False, label="Dokumenter i indeksen", elem_id="ka-docs"
    )
    refresh = gr.Button("Oppdater listen", size="sm")
    refresh.click(handlers.table, outputs=table)
    demo.load(handlers.table, outputs=table)
    if not settings.ui.allow_upload:
        return
    gr.Markdown("### Last opp dokumenter (administrator)")
    if not (settings.ui.username and settings.ui.password):
        gr.Markdown(
            "Opplasting er slått på, men krever administratorinnlogging: sett "
            "`KOMPETANSE_UI__USERNAME` og `KOMPETANSE_UI__PASSWORD` og start appen på nytt."
        )
        return
    files = gr.File(
        file_count="multiple",
        file_types=list(UPLOAD_TYPES),
        label=f"Filer (PDF, DOCX, TXT eller MD, høyst {settings.ui.max_upload_mb} MB hver)",
        elem_id="ka-upload",
    )
    with gr.Row():
        user = gr.Textbox(label="Administrator-brukernavn", elem_id="ka-admin-user")
        pw = gr.Textbox(label="Administrator-passord", type="password", elem_id="ka-admin-password")
    go = gr.Button("Last opp og oppdater indeksen", variant="primary", elem_id="ka-upload-go")
    progress = gr.Textbox(label="Fremdrift", lines=6, interactive=False, elem_id="ka-upload-log")
    go.click(handlers.upload, inputs=[files, user, pw], outputs=[progress, table], concurrency_limit=1)
