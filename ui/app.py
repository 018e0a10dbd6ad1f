"""The Gradio web app, assembled from its tabs: Spør, Bestemmelser, Medarbeidersamtale, Dokumenter.

Each tab lives in a module of its own (``ui.chat``, ``ui.provisions_tab``,
``ui.samtale_tab``, ``ui.documents``) with small handler classes that tests can
call without a browser; the look is in ``ui.theme``. This module only assembles.
"""

from __future__ import annotations

import gradio as gr

from assistant.service import Assistant
from core.settings import Settings
from ui import tab_permisjon
from ui.chat import EXAMPLES, PANEL_HINT, ROLES, ChatHandlers, build_chat_tab, history_turns
from ui.documents import (
    DOC_HEADERS,
    UPLOAD_TYPES,
    DocumentsHandlers,
    admin_ok,
    build_documents_tab,
    safe_filename,
    store_uploads,
)
from ui.feedback import FeedbackStore
from ui.provisions_tab import ProvisionHandlers, build_provisions_tab, provision_view_html
from ui.samtale_tab import SamtaleHandlers, build_samtale_tab
from ui.theme import GENERIC_ERROR, STATIC_DIR, mount_options, static_js, theme
from ui.writer import IndexWriter

__all__ = [
    "DOC_HEADERS",
    "EXAMPLES",
    "GENERIC_ERROR",
    "PANEL_HINT",
    "ROLES",
    "STATIC_DIR",
    "UPLOAD_TYPES",
    "ChatHandlers",
    "DocumentsHandlers",
    "ProvisionHandlers",
    "SamtaleHandlers",
    "admin_ok",
    "build_ui",
    "history_turns",
    "mount_options",
    "provision_view_html",
    "safe_filename",
    "store_uploads",
    "theme",
]


def _header() -> str:
    return (
        '<header class="ka-header"><h1>Kompetanseassistenten</h1>'
        "<p>Spør om læring, kompetanseutvikling og utdanningspermisjon i kommunesektoren. "
        "Svarene bygger bare på KS-veilederen, Hovedtariffavtalen og arbeidsmiljøloven, "
        "med henvisning til kilden for hver setning.</p></header>"
    )


def build_ui(
    settings: Settings, assistant: Assistant, feedback: FeedbackStore, writer: IndexWriter | None = None
) -> gr.Blocks:
    """The Gradio app over ``assistant``; theme, CSS and head are passed when mounting (see ``mount_options``).

    ``writer`` ingests uploads in this process (default: a new one over ``assistant``).
    """
    js = static_js()
    writer = writer or IndexWriter(settings, assistant)
    chat = ChatHandlers(settings, assistant, feedback)
    with gr.Blocks(title="Kompetanseassistenten", analytics_enabled=False) as demo:
        gr.HTML(_header(), js_on_load=None)
        with gr.Tabs(elem_id="ka-tabs"):
            with gr.Tab("Spør", id="chat"):
                build_chat_tab(chat, js)
            with gr.Tab("Bestemmelser", id="bestemmelser"):
                build_provisions_tab(assistant, js, demo)
            with gr.Tab(tab_permisjon.TAB_LABEL, id="permisjon"):
                tab_permisjon.build_tab()
            with gr.Tab("Medarbeidersamtale", id="samtale"):
                build_samtale_tab(assistant)
            with gr.Tab("Dokumenter", id="dokumenter"):
                build_documents_tab(settings, assistant, writer, demo)
    # Answers are independent: serve several users at once (the assistant is thread-safe).
    demo.queue(default_concurrency_limit=8)
    return demo
