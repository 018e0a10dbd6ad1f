"""Hostile files against the real product: odd upload names, and files built to break the ingest.

Real e5, real embedded Chroma, the bundled corpus (the questions are in ``test_hostile_input.py``).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import pdfs
from tests.reliability.conftest import (
    MemoEmbeddings,
    assert_citations_resolve,
    assert_same_grounding,
    build_index,
    corpus_settings,
    open_assistant,
)

pytestmark = pytest.mark.integration

XSS = "<script>alert(1)</script>"

# --------------------------------------------------------------------------- upload names


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\System32\\evil.DOCX", "evil.docx"),
        ("..", "dokument"),
        ("...pdf", "dokument.pdf"),
        (".bashrc", "dokument.bashrc"),
        ("-rf .txt", "rf.txt"),
        ("Kompetanseplan (ny) æøå.PDF", "Kompetanseplan_ny_æøå.pdf"),
        ("a\x00b\x1b.md", "a_b.md"),
        (f"{XSS}.txt", "script.txt"),
    ],
)
def test_upload_names_are_sanitised(name: str, expected: str) -> None:
    from ui.app import safe_filename

    assert safe_filename(name) == expected


@settings(max_examples=200, deadline=None, database=None)
@given(name=st.text(st.characters(exclude_categories=()), max_size=300))
def test_no_upload_name_escapes_the_upload_folder(name: str) -> None:
    from ui.app import safe_filename

    safe = safe_filename(name)
    folder = Path("/srv/kompetanse/uploads")
    assert safe and len(safe) <= 101
    assert "/" not in safe and "\\" not in safe and not safe.startswith(".") and ".." not in safe
    assert re.fullmatch(r"[\w\- .]+", safe), safe
    assert (folder / safe).parent == folder


def test_store_uploads_refuses_by_type_and_size_and_names_each_file(tmp_path: Path) -> None:
    from ui.app import store_uploads

    settings = corpus_settings(tmp_path / "data", ui={"max_upload_mb": 1})
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    files = {
        "plan æøå (v2).PDF": b"%PDF-1.7\n",
        "virus.exe": b"MZ",
        "stor.txt": b"x" * (1024 * 1024 + 1),
        "notat.md": b"# Notat\n",
    }
    for name, data in files.items():
        (incoming / name).write_bytes(data)
    stored, refused = store_uploads(settings, [str(incoming / n) for n in files])
    uploads = (settings.data_dir / "uploads").resolve()
    assert sorted(p.name for p in stored) == ["notat.md", "plan æøå_v2.pdf"]
    assert all(p.resolve().parent == uploads for p in stored)
    assert any(m.startswith("virus.exe:") for m in refused) and any(
        m.startswith("stor.txt:") for m in refused
    )


def test_uploads_with_colliding_names_are_both_kept(tmp_path: Path) -> None:
    from ui.app import store_uploads

    settings = corpus_settings(tmp_path / "data")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "plan?.txt", tmp_path / "b" / "plan*.txt"
    first.write_text("Første plan.", encoding="utf-8")
    second.write_text("Andre plan.", encoding="utf-8")
    stored, _ = store_uploads(settings, [str(first), str(second)])
    assert len({p.name for p in stored}) == 2


# --------------------------------------------------------------------------- bad files


@pytest.mark.slow
def test_bad_files_are_reported_by_name_and_the_rest_is_ingested(tmp_path: Path, e5: MemoEmbeddings) -> None:
    settings = corpus_settings(tmp_path / "data")
    assert build_index(settings, e5).exit_code == 0
    before = open_assistant(settings, e5).ask(
        "Må jeg varsle arbeidsgiveren skriftlig før utdanningspermisjon?"
    )

    d = tmp_path / "upload"
    d.mkdir()
    bad = {
        pdfs.make_lying_count_pdf(d / "sidebombe.pdf"): "for mange sider",
        pdfs.make_many_pages_pdf(d / "mange-sider.pdf", 60): "for mange sider",
        pdfs.make_nested_pdf(d / "nestebombe.pdf"): "nestede",
        d / "rapport.pdf": "ikke en PDF",
        d / "bilde.pdf": "ikke en PDF",
        d / "stor.txt": "for stor",
    }
    (d / "rapport.pdf").write_text("<!doctype html><html><body>Ikke funnet</body></html>", encoding="utf-8")
    (d / "bilde.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (d / "stor.txt").write_text("Kompetanseutvikling i kommunen. " * 40_000, encoding="utf-8")
    good_txt = d / "kursstotte.txt"
    good_txt.write_text(
        "Kursstøtte i Eksempel kommune\n\nAnsatte som tar fagbrev i helsearbeiderfaget får dekket "
        "eksamensavgiften av kommunen.\n",
        encoding="utf-8",
    )
    good_pdf = pdfs.make_pdf(
        d / "opplaeringsplan.pdf", ["Opplæringsplan\n\nNyansatte i barnehagene får fem dager med opplæring."]
    )

    limited = settings.model_copy(update={"max_file_mb": 1, "max_pdf_pages": 50})
    started = time.perf_counter()
    report = build_index(limited, e5, extra=[*bad, good_txt, good_pdf])
    elapsed = time.perf_counter() - started

    by_name = {Path(o.path).name: o for o in report.outcomes}
    for path, reason in bad.items():
        outcome = by_name[path.name]
        assert outcome.status == "failed", outcome
        assert reason in outcome.error and "Traceback" not in outcome.error
    assert by_name[good_txt.name].status == "added" and by_name[good_pdf.name].status == "added"
    assert by_name["veileder-laering-og-kompetanseutvikling.txt"].status == "unchanged"
    assert report.exit_code == 1
    assert elapsed < 120, f"bad files took {elapsed:.0f} s"

    after = open_assistant(settings, e5)
    assert {d.doc_id for d in after.documents()} >= {"kursstotte", "opplaeringsplan"}
    again = after.ask("Må jeg varsle arbeidsgiveren skriftlig før utdanningspermisjon?")
    assert_same_grounding(before, again, {"kursstotte", "opplaeringsplan"})
    assert_citations_resolve(again)
    new = after.ask("Får ansatte som tar fagbrev i helsearbeiderfaget dekket eksamensavgiften?")
    assert any(
        c.chunk_id in {ch.chunk_id for ch in after.searcher.chunks if ch.doc_id == "kursstotte"}
        for c in new.citations
    )
