"""The Spør tab: the chat with citations, the source panel and feedback on answers.

The chat is rendered by ``ui.render`` into one ``gr.HTML`` component, so every
citation is a real, keyboard-usable button; a click becomes one server event
(``ui/static/actions.js``) that opens the cited passage in the side panel.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

import gradio as gr

from assistant.models import Answer, Turn
from assistant.service import Assistant
from core.errors import KompetanseError
from core.settings import Settings
from ui import render, tab_permisjon
from ui.feedback import FeedbackStore
from ui.provisions_tab import provision_view_html
from ui.render import ChatEntry
from ui.theme import GENERIC_ERROR

log = logging.getLogger(__name__)

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
        entry = ChatEntry(question=q, role=role or "")
        yield render.conversation_html([*entries, entry], ratings), "", [*entries, entry]
        try:
            for item in self._answer(q, history, role or None):
                if isinstance(item, Answer):
                    entry = ChatEntry(question=q, answer=item, role=entry.role)
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
                fb_ids[turn] = self.feedback.add(
                    answer.question, answer.text, chunk_ids, rating, role=entries[turn].role
                )
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


def build_chat_tab(chat: ChatHandlers, js: str) -> None:
    """Lay out the Spør tab (inside a ``gr.Tab``) and wire it to ``chat``."""
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
                max_length=chat.settings.retrieval.max_question_chars,
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
