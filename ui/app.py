"""The Gradio web app: Spør (chat), Bestemmelser, Medarbeidersamtale and Dokumenter.

The chat is rendered by ``ui.render`` into one ``gr.HTML`` component, so every
citation is a real, keyboard-usable button; a click becomes one server event
(``ui/static/actions.js``) that opens the cited passage in the side panel.
Handlers are small functions on :class:`ChatHandlers` and friends so tests can call
them without a browser.
"""

from __future__ import annotations

import logging
import queue
import re
import secrets
import shutil
import tempfile
import threading
import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.models import Answer, Turn
from assistant.service import Assistant
from core.errors import KompetanseError
from core.settings import Settings
from ui import render, tab_permisjon
from ui.feedback import FeedbackStore
from ui.render import ChatEntry

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
GENERIC_ERROR = "Noe gikk galt. Prøv igjen om litt, eller kontakt administratoren."
ROLES = [("Ansatt", "ansatt"), ("Leder", "leder"), ("Tillitsvalgt", "tillitsvalgt")]
EXAMPLES: dict[str, list[str]] = {
    "ansatt": [
        "Har jeg rett på utdanningspermisjon?",
        "Kan jeg få lønn mens jeg tar videreutdanning?",
        "Kan lønnen min endres når jeg har fullført videreutdanning?",
        "Hva kan jeg ta opp om kompetanse i medarbeidersamtalen?",
    ],
    "leder": [
        "Hvor lang tid har jeg på å svare på et varsel om utdanningspermisjon?",
        "Hva er mitt ansvar for kompetanseutvikling som leder?",
        "Kan jeg avslå en søknad om utdanningspermisjon?",
        "Hvordan lager vi en plan for kompetanseheving?",
    ],
    "tillitsvalgt": [
        "Hvilken rolle har tillitsvalgte i kompetanseplanleggingen?",
        "Hva sier HTA kapittel 3.3 om kompetanse?",
        "Når kan det forhandles om lønn etter videreutdanning?",
        "Hvem avgjør en tvist om utdanningspermisjon?",
    ],
}
PANEL_HINT = "Klikk på en kildehenvisning, for eksempel [1], for å se kilden her."


def _js() -> str:
    return (STATIC_DIR / "actions.js").read_text(encoding="utf-8")


def history_turns(entries: Sequence[ChatEntry]) -> list[Turn]:
    """Earlier answered exchanges as conversation turns for a follow-up question."""
    turns: list[Turn] = []
    for e in entries:
        if e.answer is not None:
            turns += [Turn(role="user", content=e.question), Turn(role="assistant", content=e.answer.text)]
    return turns


def _event_int(data: dict[str, Any], key: str) -> int | None:
    try:
        return int(str(data.get(key, "")))
    except ValueError:
        return None


class ChatHandlers:
    """The chat tab's event handlers, bound to one assistant and feedback store."""

    def __init__(self, settings: Settings, assistant: Assistant, feedback: FeedbackStore) -> None:
        self.settings = settings
        self.assistant = assistant
        self.feedback = feedback

    @property
    def streaming(self) -> bool:
        """True when an LLM writes the answers (then text is shown as it arrives)."""
        return self.settings.llm.provider != "none"

    def _answer(self, question: str, history: list[Turn], role: str | None) -> Iterator[str | Answer]:
        if self.streaming:
            yield from self.assistant.stream(question, history=history, role=role)
        else:
            yield self.assistant.ask(question, history=history, role=role)

    def submit(
        self, question: str, role: str | None, entries: list[ChatEntry], ratings: dict[int, int]
    ) -> Iterator[tuple[str, str, list[ChatEntry]]]:
        """Ask the question; yields (conversation HTML, new question box value, entries) as the answer grows."""
        q = (question or "").strip()
        if not q:
            gr.Warning("Skriv et spørsmål først.")
            yield render.conversation_html(entries, ratings), question, entries
            return
        history = history_turns(entries)
        entry = ChatEntry(question=q)
        yield render.conversation_html([*entries, entry], ratings), "", [*entries, entry]
        try:
            for item in self._answer(q, history, role or None):
                if isinstance(item, Answer):
                    entry = ChatEntry(question=q, answer=item)
                else:
                    entry = replace(entry, partial=entry.partial + item)
                yield render.conversation_html([*entries, entry], ratings), "", [*entries, entry]
            if entry.answer is None:
                raise RuntimeError("the assistant finished without an Answer")
        except KompetanseError as exc:
            log.warning("ask failed: %s", exc.detail or exc.message)
            entry = ChatEntry(question=q, error=str(exc))
        except Exception:
            log.exception("Unexpected error while answering")
            entry = ChatEntry(question=q, error=GENERIC_ERROR)
        else:
            return
        yield render.conversation_html([*entries, entry], ratings), "", [*entries, entry]

    def click(
        self, entries: list[ChatEntry], ratings: dict[int, int], fb_ids: dict[int, int], evt: gr.EventData
    ) -> tuple[Any, ...]:
        """A click inside the conversation: open a citation, or rate an answer.

        Returns updates for (panel, conversation, ratings, feedback ids, comment group, comment target).
        """
        data: dict[str, Any] = dict(evt._data or {})
        turn = _event_int(data, "turn")
        skip = gr.skip()
        if turn is None or not 0 <= turn < len(entries) or entries[turn].answer is None:
            return skip, skip, skip, skip, skip, skip
        answer = entries[turn].answer
        assert answer is not None
        if data.get("action") == "cite":
            n = _event_int(data, "n")
            panel = render.passage_panel_html(answer, n, _event_int(data, "c")) if n is not None else skip
            return panel, skip, skip, skip, skip, skip
        rating = _event_int(data, "rating")
        if data.get("action") == "feedback" and rating in (1, -1):
            assert rating is not None
            ratings, fb_ids = dict(ratings), dict(fb_ids)
            if turn in fb_ids:
                self.feedback.update(fb_ids[turn], rating=rating)
            else:
                chunk_ids = [c.chunk_id for c in answer.citations]
                fb_ids[turn] = self.feedback.add(answer.question, answer.text, chunk_ids, rating)
            ratings[turn] = rating
            gr.Info("Takk! Tilbakemeldingen er lagret lokalt.")
            conv = render.conversation_html(entries, ratings)
            return skip, conv, ratings, fb_ids, gr.update(visible=True), turn
        return skip, skip, skip, skip, skip, skip

    def save_comment(self, comment: str, turn: int | None, fb_ids: dict[int, int]) -> tuple[Any, str]:
        """Attach the optional comment to the rating just given; returns (comment group, comment box)."""
        if turn is None or turn not in fb_ids:
            return gr.update(visible=False), ""
        if (comment or "").strip():
            self.feedback.update(fb_ids[turn], comment=comment.strip())
            gr.Info("Takk for tilbakemeldingen!")
        return gr.update(visible=False), ""

    def open_provision(self, evt: gr.EventData) -> str:
        """A provision reference clicked in a panel: show its full text (or say it is unknown)."""
        ref = str((evt._data or {}).get("ref", ""))[:200]
        if not ref:
            return gr.skip()
        return provision_view_html(self.assistant, ref)

    @staticmethod
    def new_chat() -> tuple[str, list[ChatEntry], dict[int, int], dict[int, int], str, Any]:
        """Forget the conversation; returns fresh outputs."""
        return (
            render.conversation_html([]),
            [],
            {},
            {},
            render.panel_message_html(PANEL_HINT),
            gr.update(visible=False),
        )

    @staticmethod
    def examples_for(role: str) -> list[Any]:
        """Example question buttons for ``role``."""
        return [gr.update(value=q) for q in EXAMPLES.get(role, EXAMPLES["ansatt"])]


def provision_view_html(assistant: Assistant, ref: str) -> str:
    """The full provision for ``ref`` as HTML, or a Norwegian message when it is unknown or fails."""
    try:
        view = assistant.lookup(ref)
    except KompetanseError as exc:
        return render.panel_message_html(str(exc))
    except Exception:
        log.exception("lookup failed")
        return render.panel_message_html(GENERIC_ERROR)
    if view is None:
        return render.panel_message_html(f"Fant ingen bestemmelse for «{ref}».")
    return render.provision_html(view)


class ProvisionHandlers:
    """The Bestemmelser tab: search the provisions and show one."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def search(self, query: str) -> str:
        """The list of provisions matching ``query`` as HTML."""
        q = (query or "").strip()[:500]
        try:
            return render.provision_list_html(self.assistant.provisions(q), q)
        except KompetanseError as exc:
            return render.panel_message_html(str(exc))
        except Exception:
            log.exception("provisions failed")
            return render.panel_message_html(GENERIC_ERROR)


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
        return render.checklist_html(checklist), gr.update(value=str(path), visible=bool(checklist.items))


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

    def __init__(self, settings: Settings, assistant: Assistant) -> None:
        self.settings = settings
        self.assistant = assistant

    def table(self) -> list[list[object]]:
        """Rows for the documents table (empty when the index cannot be read)."""
        try:
            return render.documents_rows(self.assistant.documents())
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
            from ingest.pipeline import ingest_paths

            try:
                outcome["report"] = ingest_paths(
                    self.settings, stored, rebuild=False, progress=lambda *a: events.put(_progress_text(a))
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
            self.assistant.refresh()
            lines.append("Indeksen er oppdatert.")
        yield "\n".join(lines), self.table()


def _progress_text(args: tuple[Any, ...]) -> str:
    return " ".join(str(a) for a in args if a is not None) or "…"


def _report_text(report: Any) -> str:
    # Each file's outcome was already shown as progress; end with the totals.
    summary = getattr(report, "summary", None)
    return summary() if callable(summary) else str(report or "Ferdig.")


def _documents_tab(settings: Settings, assistant: Assistant, demo: gr.Blocks) -> None:
    handlers = DocumentsHandlers(settings, assistant)
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


def _header() -> str:
    return (
        '<header class="ka-header"><h1>Kompetanseassistenten</h1>'
        "<p>Spør om læring, kompetanseutvikling og utdanningspermisjon i kommunesektoren. "
        "Svarene bygger bare på KS-veilederen, Hovedtariffavtalen og arbeidsmiljøloven, "
        "med henvisning til kilden for hver setning.</p></header>"
    )


def _chat_tab(chat: ChatHandlers, js: str) -> None:
    entries = gr.State([])
    ratings = gr.State({})
    fb_ids = gr.State({})
    fb_turn = gr.State(None)
    with gr.Row(equal_height=False, elem_id="ka-chat-row"):
        with gr.Column(scale=3, min_width=320):
            role = gr.Radio(ROLES, value="ansatt", label="Jeg spør som", elem_id="ka-role")
            with gr.Row(elem_id="ka-examples", elem_classes=["ka-examples"]):
                examples = [
                    gr.Button(q, size="sm", elem_classes=["ka-example"], min_width=140)
                    for q in EXAMPLES["ansatt"]
                ]
            conv = gr.HTML(
                render.conversation_html([]),
                js_on_load=js,
                elem_id="ka-conv",
                elem_classes=["ka-scroll-last"],
                label="Samtale",
            )
            tab_permisjon.offer_from_answers(entries, conv)
            with gr.Group(visible=False, elem_id="ka-comment") as comment_group:
                comment = gr.Textbox(
                    label="Vil du si mer? (valgfritt, lagres bare lokalt)", lines=2, max_length=5000
                )
                save = gr.Button("Lagre kommentar", size="sm")
            question = gr.Textbox(
                label="Spørsmål",
                placeholder="Skriv spørsmålet ditt og trykk Enter (Shift+Enter gir ny linje)",
                lines=1,
                max_lines=8,
                max_length=100_000,
                elem_id="ka-question",
            )
            with gr.Row():
                send = gr.Button("Spør", variant="primary", elem_id="ka-send")
                reset = gr.Button("Ny samtale", elem_id="ka-reset")
        with gr.Column(scale=2, min_width=300):
            panel = gr.HTML(
                render.panel_message_html(PANEL_HINT),
                js_on_load=js,
                elem_id="ka-panel",
                elem_classes=["ka-focus-on-update"],
                label="Kilde",
            )

    for btn in examples:
        btn.click(lambda text: text, inputs=btn, outputs=question, queue=False)
    role.change(ChatHandlers.examples_for, inputs=role, outputs=examples, queue=False)
    ask_args: dict[str, Any] = {
        "fn": chat.submit,
        "inputs": [question, role, entries, ratings],
        "outputs": [conv, question, entries],
        "concurrency_id": "ask",
    }
    question.submit(**ask_args)
    send.click(**ask_args)
    conv.click(
        chat.click,
        inputs=[entries, ratings, fb_ids],
        outputs=[panel, conv, ratings, fb_ids, comment_group, fb_turn],
        queue=False,
    )
    panel.click(chat.open_provision, outputs=panel)
    save.click(chat.save_comment, inputs=[comment, fb_turn, fb_ids], outputs=[comment_group, comment])
    reset.click(chat.new_chat, outputs=[conv, entries, ratings, fb_ids, panel, comment_group], queue=False)


def _provisions_tab(assistant: Assistant, js: str, demo: gr.Blocks) -> None:
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


def _samtale_tab(assistant: Assistant) -> None:
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


def build_ui(settings: Settings, assistant: Assistant, feedback: FeedbackStore) -> gr.Blocks:
    """The Gradio app over ``assistant``; theme, CSS and head are passed when mounting (see ``mount_options``)."""
    js = _js()
    chat = ChatHandlers(settings, assistant, feedback)
    with gr.Blocks(title="Kompetanseassistenten", analytics_enabled=False) as demo:
        gr.HTML(_header(), js_on_load=None)
        with gr.Tabs(elem_id="ka-tabs"):
            with gr.Tab("Spør", id="chat"):
                _chat_tab(chat, js)
            with gr.Tab("Bestemmelser", id="bestemmelser"):
                _provisions_tab(assistant, js, demo)
            with gr.Tab(tab_permisjon.TAB_LABEL, id="permisjon"):
                tab_permisjon.build_tab()
            with gr.Tab("Medarbeidersamtale", id="samtale"):
                _samtale_tab(assistant)
            with gr.Tab("Dokumenter", id="dokumenter"):
                _documents_tab(settings, assistant, demo)
    # Answers are independent: serve several users at once (the assistant is thread-safe).
    demo.queue(default_concurrency_limit=8)
    return demo


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
