"""The Bestemmelser tab: search the provisions and guide sections and show one in full."""

from __future__ import annotations

import logging

import gradio as gr

from assistant.models import ProvisionView
from assistant.service import Assistant
from core.errors import AmbiguousReferenceError, KompetanseError
from ui import render, render_tabs
from ui.theme import GENERIC_ERROR

log = logging.getLogger(__name__)


def provision_view_html(assistant: Assistant, ref: str) -> str:
    """The full provision for ``ref`` as HTML, or a Norwegian message when it is unknown or fails."""
    try:
        view = assistant.lookup(ref)
    except AmbiguousReferenceError as exc:  # the same number in several documents: let the user choose
        views = [v for v in (_candidate(assistant, label) for label in exc.candidates) if v is not None]
        return render.panel_message_html(str(exc)) + render_tabs.provision_list_html(views)
    except KompetanseError as exc:
        return render.panel_message_html(str(exc))
    except Exception:
        log.exception("lookup failed")
        return render.panel_message_html(GENERIC_ERROR)
    if view is None:
        parts = assistant.sub_provisions(ref)  # a chapter quoted in part: offer its parts
        return render.panel_message_html(assistant.not_found(ref, parts)) + (
            render_tabs.provision_list_html(parts) if parts else ""
        )
    return render_tabs.provision_html(view)


def _candidate(assistant: Assistant, label: str) -> ProvisionView | None:
    try:
        return assistant.lookup(label)
    except KompetanseError:
        return None


class ProvisionHandlers:
    """The Bestemmelser tab: search the provisions and show one."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def search(self, query: str) -> str:
        """The list of provisions matching ``query`` as HTML."""
        q = (query or "").strip()[:500]
        try:
            return render_tabs.provision_list_html(self.assistant.provisions(q), q)
        except KompetanseError as exc:
            return render.panel_message_html(str(exc))
        except Exception:
            log.exception("provisions failed")
            return render.panel_message_html(GENERIC_ERROR)


def build_provisions_tab(assistant: Assistant, js: str, demo: gr.Blocks) -> None:
    """Lay out the Bestemmelser tab (inside a ``gr.Tab``) over ``assistant``."""
    handlers = ProvisionHandlers(assistant)
    with gr.Row():
        query = gr.Textbox(
            label="Søk i bestemmelser og avsnitt",
            placeholder="For eksempel utdanningspermisjon, 14.2 eller § 12-11",
            scale=4,
            elem_id="ka-prov-query",
        )
        search = gr.Button("Søk", scale=1, elem_id="ka-prov-search")
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=280):
            results = gr.HTML(js_on_load=js, elem_id="ka-prov-results", label="Treff")
        with gr.Column(scale=3, min_width=300):
            view = gr.HTML(
                render.panel_message_html("Velg en bestemmelse for å se hele teksten."),
                js_on_load=js,
                elem_id="ka-prov-view",
                elem_classes=["ka-focus-on-update"],
                label="Bestemmelse",
            )

    def open_ref(evt: gr.EventData) -> str:
        ref = str((evt._data or {}).get("ref", ""))[:200]
        return provision_view_html(assistant, ref) if ref else gr.skip()

    query.submit(handlers.search, inputs=query, outputs=results)
    search.click(handlers.search, inputs=query, outputs=results)
    results.click(open_ref, outputs=view)
    view.click(open_ref, outputs=view)
    demo.load(handlers.search, inputs=query, outputs=results)
