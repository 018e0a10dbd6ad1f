"""The look of the web app: system fonts, AA-contrast buttons, our CSS and page head."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

STATIC_DIR = Path(__file__).parent / "static"
GENERIC_ERROR = "Noe gikk galt. Prøv igjen om litt, eller kontakt administratoren."


def static_js() -> str:
    """The client-side actions (citation clicks, focus handling) shared by the tabs."""
    return (STATIC_DIR / "actions.js").read_text(encoding="utf-8")


def theme() -> gr.themes.Base:
    """System fonts only (nothing fetched from the internet) and AA-contrast primary buttons."""
    system = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
    mono = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace"]
    return gr.themes.Default(primary_hue="blue", neutral_hue="slate", font=system, font_mono=mono).set(
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_text_color="white",
        button_primary_background_fill_dark="*primary_600",
        button_primary_background_fill_hover_dark="*primary_700",
        body_text_color_subdued="*neutral_600",
        body_text_color_subdued_dark="*neutral_300",
        block_label_text_color="*neutral_700",
        block_label_text_color_dark="*neutral_200",
        block_info_text_color="*neutral_600",
        block_title_text_color="*neutral_700",
        block_title_text_color_dark="*neutral_200",
        input_placeholder_color="*neutral_500",
    )


def mount_options() -> dict[str, Any]:
    """Keyword arguments for ``gr.mount_gradio_app`` (in Gradio 6 theme/css/head moved here from Blocks)."""
    return {
        "theme": theme(),
        "css_paths": [STATIC_DIR / "app.css"],
        # The page is Norwegian Bokmål (screen readers pick their voice from this).
        "js": '() => { document.documentElement.lang = "nb"; }',
        "head": '<meta name="description" content="Kompetanseassistenten: svar med kildehenvisninger">',
        "footer_links": [],
        "run_history": False,
        "mcp_server": False,
        "ssr_mode": False,
        "pwa": False,
        "enable_monitoring": False,
        "show_error": False,
    }
