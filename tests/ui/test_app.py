"""The web app's handlers, called directly with a fake assistant (no browser)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
import pytest

from core.errors import IndexUnavailableError
from core.settings import Settings
from tests.ui.fake_assistant import AML_QUOTE, FakeAssistant, with_ui
from ui import app
from ui.app import ChatHandlers, DocumentsHandlers, ProvisionHandlers, SamtaleHandlers, safe_filename
from ui.feedback import FeedbackStore
from ui.provisions_tab import provision_view_html
from ui.render import ChatEntry

pytestmark = pytest.mark.unit


@pytest.fixture
def fake(settings: Settings) -> FakeAssistant:
    return FakeAssistant(settings=settings)


@pytest.fixture
def store(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore.in_data_dir(tmp_path)


@pytest.fixture
def chat(settings: Settings, fake: FakeAssistant, store: FeedbackStore) -> ChatHandlers:
    return ChatHandlers(settings, fake, store)


def run(chat: ChatHandlers, question: str, entries: list[ChatEntry] | None = None) -> list[Any]:
    return list(chat.submit(question, "ansatt", entries or [], {}))


def event(**data: str) -> gr.EventData:
    return gr.EventData(None, data)


def test_submit_shows_pending_then_the_cited_answer(chat: ChatHandlers, fake: FakeAssistant) -> None:
    steps = run(chat, "  Har jeg rett på utdanningspermisjon?  ")
    first_html, box, entries = steps[0]
    assert "Leter i kildene" in first_html and box == "" and entries[0].answer is None
    last_html, _, entries = steps[-1]
    assert entries[0].answer is not None and 'data-ka-action="cite"' in last_html
    assert fake.calls[-1][0] == "ask" and fake.calls[-1][3] == "ansatt"


def test_follow_up_passes_the_conversation_as_turns(chat: ChatHandlers, fake: FakeAssistant) -> None:
    _, _, entries = run(chat, "Har jeg rett på utdanningspermisjon?")[-1]
    _, _, entries = run(chat, "Får jeg lønn da?", entries)[-1]
    history = fake.calls[-1][2]
    assert [t.role for t in history] == ["user", "assistant"]
    assert history[0].content == "Har jeg rett på utdanningspermisjon?"
    assert len(entries) == 2


def test_streaming_when_an_llm_is_configured(
    settings: Settings, fake: FakeAssistant, store: FeedbackStore
) -> None:
    llm_settings = settings.model_copy(update={"llm": settings.llm.model_copy(update={"provider": "openai"})})
    fake.method = "llm:testmodell"
    steps = list(ChatHandlers(llm_settings, fake, store).submit("Har jeg rett?", "leder", [], {}))
    assert fake.calls[-1][0] == "stream"
    partials = [e[-1].partial for _, _, e in steps if e[-1].answer is None and e[-1].partial]
    assert len(partials) > 3 and partials[-1].startswith("Ja, hvis")
    assert "Skrevet av testmodell og kontrollert mot kildene" in steps[-1][0]


def test_empty_question_asks_nothing(chat: ChatHandlers, fake: FakeAssistant) -> None:
    with pytest.warns(UserWarning, match="Skriv et spørsmål først"):
        steps = run(chat, "   ")
    assert len(steps) == 1 and fake.calls == []


def test_assistant_errors_become_a_visible_message(chat: ChatHandlers, fake: FakeAssistant) -> None:
    fake.fail_with = IndexUnavailableError("Indeksen kan ikke leses nå.")
    html, _, entries = run(chat, "Hei?")[-1]
    assert entries[-1].error == "Indeksen kan ikke leses nå." and 'role="alert"' in html
    fake.fail_with = RuntimeError("intern detalj")
    html, _, entries = run(chat, "Hei?")[-1]
    assert "intern detalj" not in html and app.GENERIC_ERROR in entries[-1].error
    assert app.history_turns(entries) == []  # failed turns are not history


def test_clicking_a_citation_opens_the_passage(chat: ChatHandlers) -> None:
    _, _, entries = run(chat, "Har jeg rett på utdanningspermisjon?")[-1]
    panel, *rest = chat.click(entries, {}, {}, event(action="cite", turn="0", n="1"))
    assert "<mark" in panel and AML_QUOTE in panel and "aml. § 12-11" in panel
    assert all(r == gr.skip() for r in rest)


@pytest.mark.parametrize(
    "data", [{"action": "cite", "turn": "5", "n": "1"}, {"action": "x"}, {"turn": "abc"}]
)
def test_odd_click_events_change_nothing(chat: ChatHandlers, data: dict[str, str]) -> None:
    _, _, entries = run(chat, "Har jeg rett på utdanningspermisjon?")[-1]
    assert all(r == gr.skip() for r in chat.click(entries, {}, {}, event(**data)))


def test_thumbs_store_feedback_and_comment_updates_it(chat: ChatHandlers, store: FeedbackStore) -> None:
    _, _, entries = run(chat, "Har jeg rett på utdanningspermisjon?")[-1]
    _, conv, ratings, fb_ids, group, turn = chat.click(
        entries, {}, {}, event(action="feedback", turn="0", rating="1")
    )
    assert ratings == {0: 1} and turn == 0 and group["visible"] is True
    assert 'aria-pressed="true"' in conv
    # changing one's mind updates the same row
    _, _, ratings, fb_ids, _, _ = chat.click(
        entries, ratings, fb_ids, event(action="feedback", turn="0", rating="-1")
    )
    chat.save_comment("Kilden var feil", 0, fb_ids)
    rows = store.export()
    assert len(rows) == 1
    assert rows[0]["rating"] == -1 and rows[0]["comment"] == "Kilden var feil"
    assert rows[0]["question"] == "Har jeg rett på utdanningspermisjon?"
    assert len(rows[0]["chunk_ids"]) == 2
    assert rows[0]["role"] == "ansatt"  # who was asking, as chosen in "Jeg spør som"


def test_open_provision_from_a_panel(chat: ChatHandlers) -> None:
    assert "Omtalt i" in chat.open_provision(event(action="ref", ref="aml. § 12-11"))
    assert "Fant ingen bestemmelse for «§ 1-1»" in chat.open_provision(event(action="ref", ref="§ 1-1"))
    chapter = chat.open_provision(event(action="ref", ref="aml. § 12"))
    assert "ikke med i kildene i sin helhet" in chapter and 'class="ka-provision-list"' in chapter


def test_examples_follow_the_role() -> None:
    updates = ChatHandlers.examples_for("tillitsvalgt")
    assert [u["value"] for u in updates] == app.EXAMPLES["tillitsvalgt"]
    assert all(len(v) == len(app.EXAMPLES["ansatt"]) for v in app.EXAMPLES.values())


def test_new_chat_resets_everything() -> None:
    _, entries, ratings, fb_ids, panel, _ = ChatHandlers.new_chat()
    assert entries == [] and ratings == {} and fb_ids == {} and app.PANEL_HINT in panel


def test_provision_search(fake: FakeAssistant) -> None:
    handlers = ProvisionHandlers(fake)
    assert handlers.search("lønn").count('data-ka-action="ref"') == 1
    fake.fail_with = IndexUnavailableError("Utilgjengelig.")
    assert "Utilgjengelig." in handlers.search("")


def test_an_ambiguous_provision_offers_the_candidates(fake: FakeAssistant) -> None:
    html = provision_view_html(fake, "14.2")
    assert "finnes i flere dokumenter" in html
    assert 'data-ref="HTA kap. 1 pkt. 14.2"' in html  # the candidate that exists, as a button


def test_samtale_checklist_and_markdown_download(fake: FakeAssistant) -> None:
    html, download = SamtaleHandlers(fake).make("digital kompetanse")
    assert "Har du kompetanse som ikke blir brukt i dag?" in html
    path = Path(download["value"])
    assert path.name == "medarbeidersamtale.md" and download["visible"] is True
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Forberedelse til medarbeidersamtalen") and "Fokus: digital kompetanse" in text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Veileder 2024.PDF", "Veileder 2024.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system.ini", "system.ini"),
        ("tariff<script>.docx", "tariff_script.docx"),
        ("  .skjult.md", "skjult.md"),
        ("lønn & kompetanse!!.txt", "lønn_kompetanse.txt"),
        ("", "dokument"),
        ("a" * 300 + ".pdf", "a" * 90 + ".pdf"),
        ("navn\u202efdp.exe", "navn_fdp.exe"),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_admin_login_is_needed_and_checked(settings: Settings) -> None:
    assert not app.admin_ok(settings, "", "")  # no login configured: nobody is admin
    admin = with_ui(settings, username="admin", password="hemmelig")
    assert app.admin_ok(admin, "admin", "hemmelig")
    assert not app.admin_ok(admin, "admin", "feil") and not app.admin_ok(admin, "Admin", "hemmelig")


def test_store_uploads_checks_type_and_size(settings: Settings, tmp_path: Path) -> None:
    small = with_ui(settings, max_upload_mb=1)
    ok = tmp_path / "notat.md"
    ok.write_text("# Notat\nTekst.", encoding="utf-8")
    big = tmp_path / "stor.txt"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    exe = tmp_path / "virus.exe"
    exe.write_bytes(b"MZ")
    stored, refused = app.store_uploads(small, [str(ok), str(big), str(exe)])
    assert [p.name for p in stored] == ["notat.md"]
    assert stored[0].parent == small.data_dir / "uploads"
    assert any("større enn 1 MB" in r for r in refused) and any("bare PDF" in r for r in refused)


def test_upload_refuses_a_wrong_login(settings: Settings, fake: FakeAssistant) -> None:
    admin = with_ui(settings, username="admin", password="hemmelig", allow_upload=True)
    handlers = DocumentsHandlers(admin, fake)
    with pytest.raises(gr.Error, match="Feil brukernavn eller passord"):
        list(handlers.upload(["/tmp/x.md"], "admin", "feil"))
    assert fake.refreshed == 0


def test_documents_table(fake: FakeAssistant, settings: Settings) -> None:
    rows = DocumentsHandlers(settings, fake).table()
    assert [r[0] for r in rows] == [
        "Arbeidsmiljøloven (utdrag)",
        "Veileder for læring og kompetanseutvikling",
    ]


def test_build_ui_has_all_tabs_and_upload_only_when_enabled(settings: Settings, store: FeedbackStore) -> None:
    def labels(blocks: gr.Blocks) -> set[str]:
        return {str(getattr(b, "label", "")) for b in blocks.blocks.values()}

    plain = app.build_ui(settings, FakeAssistant(settings=settings), store)
    assert {"Spør", "Bestemmelser", "Medarbeidersamtale", "Dokumenter", "Spørsmål"} <= labels(plain)
    assert not any("Administrator" in label for label in labels(plain))
    admin = with_ui(settings, allow_upload=True, username="admin", password="hemmelig")
    with_upload = app.build_ui(admin, FakeAssistant(settings=admin), store)
    assert "Administrator-passord" in labels(with_upload)


@pytest.mark.integration
def test_upload_ingests_for_real_and_refreshes_the_assistant(settings: Settings, tmp_path: Path) -> None:
    """Real ingest pipeline, real Chroma (hash embedder for speed), the real Assistant."""
    from assistant.service import Assistant
    from ingest.pipeline import ensure_index

    admin = with_ui(settings, username="admin", password="hemmelig", allow_upload=True)
    ensure_index(admin)
    assistant = Assistant.from_settings(admin)
    before = {d.title for d in assistant.documents()}
    upload = tmp_path / "Lokal rutine: kurs?.md"
    upload.write_text(
        "# Lokal rutine for kurs\n\nAnsatte som vil delta på kurs, sender søknad til nærmeste leder "
        "innen 1. mars. Søknaden behandles i kompetanseutvalget.\n",
        encoding="utf-8",
    )
    steps = list(DocumentsHandlers(admin, assistant).upload([str(upload)], "admin", "hemmelig"))
    log_text, table = steps[-1]
    assert "Indeksen er oppdatert." in log_text and "lagt til" in log_text
    assert (admin.data_dir / "uploads" / safe_filename(upload.name)).exists()
    after = {d.title for d in assistant.documents()}
    assert len(after - before) == 1
    assert any("kurs" in str(row[0]).lower() for row in table)
    hits = assistant.retrieve("søknad om kurs til nærmeste leder innen 1. mars")
    assert hits and "kompetanseutvalget" in hits[0].chunk.text
