"""The Medarbeidersamtale tab: a cited checklist for the conversation and its Markdown download."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.service import Assistant
from core.errors import KompetanseError
from ui import render, render_tabs
from ui.theme import GENERIC_ERROR

log = logging.getLogger(__name__)


class SamtaleHandlers:
    """The Medarbeidersamtale tab: a cited checklist and its Markdown download."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def make(self, focus: str) -> tuple[str, Any]:
        """Build the checklist; returns (HTML, download button update with the Markdown file)."""
        try:
            checklist = self.assistant.samtale((focus or "").strip()[:500])
        except KompetanseError as exc:
            return render.panel_message_html(str(exc)), gr.update(visible=False)
        except Exception:
            log.exception("samtale failed")
            return render.panel_message_html(GENERIC_ERROR), gr.update(visible=False)
        folder = Path(tempfile.mkdtemp(prefix="kompetanse-samtale-"))
        path = folder / "medarbeidersamtale.md"
        path.write_text(checklist.to_markdown(), encoding="utf-8")
        return render_tabs.checklist_html(checklist), gr.update(
            value=str(path), visible=bool(checklist.items)
        )


def build_samtale_tab(assistant: Assistant) -> None:
    """Lay out the Medarbeidersamtale tab (inside a ``gr.Tab``) over ``assistant``."""
    handlers = SamtaleHandlers(assistant)
    gr.Markdown(
        "Lag en liste med spørsmål til medarbeidersamtalen, hentet fra kildene og med henvisning til dem."
    )
    with gr.Row():
        focus = gr.Textbox(
            label="Fokus for samtalen (valgfritt)",
            placeholder="For eksempel digital kompetanse, videreutdanning eller ny rolle",
            scale=4,
            elem_id="ka-focus",
        )
        make = gr.Button("Lag sjekkliste", variant="primary", scale=1, elem_id="ka-make-checklist")
    out = gr.HTML(elem_id="ka-checklist")
    download = gr.DownloadButton("Last ned som Markdown", visible=False, elem_id="ka-download")
    focus.submit(handlers.make, inputs=focus, outputs=[out, download])
    make.click(handlers.make, inputs=focus, outputs=[out, download])
