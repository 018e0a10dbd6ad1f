"""The Utdanningspermisjon tab's handlers without a browser."""

from pathlib import Path
from types import SimpleNamespace

import pytest
from docx import Document

from assistant.permisjon import rules
from ui.render import ChatEntry
from ui.tab_permisjon import cites_leave_rules, run_sjekk, run_svarfrist, run_varsel

pytestmark = pytest.mark.unit


def test_sjekk_html_shows_verdict_status_and_quote() -> None:
    html = run_sjekk(4, 1, "Nei", "", "", "", "4 måneder", "høyere", "Ja", "hel", "Vet ikke", "Vet ikke")
    assert "Vurdering: ikke rett" in html
    assert "ikke oppfylt" in html and "som har vært ansatt hos arbeidsgiveren de siste to år" in html


def test_sjekk_html_escapes_and_reports_bad_input() -> None:
    html = run_sjekk(
        None, None, "Vet ikke", "<b>1.1.</b>", "", "", "", "", "Vet ikke", "", "Vet ikke", "Vet ikke"
    )
    assert 'role="alert"' in html and "<b>1.1.</b>" not in html and "ÅÅÅÅ-MM-DD" in html
    html = run_sjekk(-1, None, "Vet ikke", "", "", "", "", "", "Vet ikke", "", "Vet ikke", "Vet ikke")
    assert "«years_working_life» kan ikke være negativt" in html


def test_varsel_and_svarfrist_give_downloads() -> None:
    html, md, dx = run_varsel("Kari", "Eksempel kommune", "Veiledning", "", "", "4 måneder", "hel", "søkt",
                              "høyere", "Jeg veileder nyansatte.")  # fmt: skip
    assert "Alle feltene loven krever er fylt ut" in html
    text = "\n".join(p.text for p in Document(dx["value"]).paragraphs)
    assert rules.NOTICE_CONTENT.quote in text
    assert Path(md["value"]).read_text(encoding="utf-8").startswith("# Varsel om utdanningspermisjon")
    html, _, dx = run_svarfrist("2026-12-01", "4 måneder", "", "", "")
    assert "Svarfrist: 1. mars 2027" in html and dx["visible"] is True
    html, _, dx = run_svarfrist("", "4 måneder", "", "", "")
    assert "«received» mangler" in html and dx["visible"] is False


def _entry(provision: str | None, section: str, refused: bool = False) -> ChatEntry:
    citation = SimpleNamespace(provision=provision, section=section)
    return ChatEntry(question="q", answer=SimpleNamespace(refused=refused, citations=[citation]))  # type: ignore[arg-type]


def test_offer_only_for_answers_citing_the_leave_rules() -> None:
    assert cites_leave_rules([_entry("aml. § 12-11", "")])
    assert cites_leave_rules([_entry(None, "14.2 Utdanningspermisjon")])
    assert not cites_leave_rules([_entry("HTA 3.3", "Kompetanse")])
    assert not cites_leave_rules([_entry("aml. § 12-11", "", refused=True)])
    assert not cites_leave_rules([])


def test_the_app_has_the_tab_and_no_event_listens_to_a_state(tmp_path: Path) -> None:
    # A change listener on a gr.State makes Gradio hash the state; real answers hold dicts and cannot be
    # hashed, which broke every answer. The offer button must listen to the conversation HTML instead.
    import gradio as gr

    from core.settings import load_settings
    from tests.ui.fake_assistant import FakeAssistant
    from ui.app import build_ui
    from ui.feedback import FeedbackStore

    settings = load_settings(data_dir=tmp_path, embedding={"backend": "hash"})
    demo = build_ui(settings, FakeAssistant(settings=settings), FeedbackStore.in_data_dir(tmp_path))
    states = {b._id for b in demo.blocks.values() if isinstance(b, gr.State)}
    triggers = [(t[0], t[1]) for fn in demo.fns.values() for t in fn.targets]
    assert triggers and not [t for t in triggers if t[0] in states]
    labels = [b.label for b in demo.blocks.values() if isinstance(b, gr.Tab)]
    assert "Utdanningspermisjon" in labels
    assert any(getattr(b, "elem_id", None) == "ka-perm-offer" for b in demo.blocks.values())
