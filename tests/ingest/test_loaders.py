"""Loading real files (text, markdown, PDF, DOCX) into LoadedDocuments."""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

import pytest

from core.errors import DocumentError
from core.models import LoadedDocument, sha256_hex
from core.settings import REPO_ROOT, Settings, load_settings
from ingest.loaders import SUPPORTED_SUFFIXES, describe_content, load_document, sniff_format, time_limit
from ingest.metadata import derive_info, document_info
from tests import pdfs

CORPUS = REPO_ROOT / "corpus"


def _load(path: Path, settings: Settings) -> LoadedDocument:
    return load_document(path, derive_info(path), settings)


def _assert_pages_partition(doc: LoadedDocument) -> None:
    """Pages are in order and their texts, cut at Page.start, make up the document text."""
    starts = [page.start for page in doc.pages]
    assert starts[0] == 0
    assert starts == sorted(starts)
    assert "".join(page.text for page in doc.pages) == doc.text
    for page in doc.pages:
        assert doc.text[page.start : page.start + len(page.text)] == page.text


# --------------------------------------------------------------------------- sniffing


@pytest.mark.unit
@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n...", "pdf"),
        (b"\n\n  %PDF-1.4 after junk", "pdf"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "ole"),
        (b"{\\rtf1\\ansi", "rtf"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"\xff\xd8\xff\xe0JFIF", "jpeg"),
        (b"\xff\xfeH\x00e\x00", "utf16"),
        (b"\xef\xbb\xbf<!DOCTYPE html><html>", "html"),
        (b"  <html lang='nb'>", "html"),
        (b"PK\x03\x04 not really a zip", "zip"),
        (b"binary\x00stuff", "binary"),
        ("Læring og kompetanse".encode(), "text"),
        ("L\xe6ring".encode("cp1252"), "text"),
    ],
)
def test_sniff_format(data: bytes, kind: str) -> None:
    assert sniff_format(data) == kind


@pytest.mark.integration
def test_sniff_format_real_office_files(tmp_path: Path) -> None:
    docx_path = pdfs.make_docx(tmp_path / "plan.docx")
    pdf_path = pdfs.make_pdf(tmp_path / "a.pdf", ["Hei"])
    assert sniff_format(docx_path.read_bytes()) == "docx"
    assert sniff_format(pdf_path.read_bytes()) == "pdf"
    assert describe_content("docx") == "et Word-dokument (DOCX)"


@pytest.mark.unit
def test_supported_suffixes() -> None:
    assert SUPPORTED_SUFFIXES == (".pdf", ".txt", ".md", ".docx")


# --------------------------------------------------------------------------- text and markdown


@pytest.mark.integration
def test_bundled_corpus_loads(settings: Settings) -> None:
    for name in ("veileder-laering-og-kompetanseutvikling.txt", "arbeidsmiljoloven-utdrag.md"):
        path = CORPUS / name
        doc = load_document(path, document_info(path, CORPUS), settings)
        assert doc.content_hash == sha256_hex(path.read_bytes())
        assert [page.number for page in doc.pages] == [None]
        assert doc.page_at(10) is None
        _assert_pages_partition(doc)
        assert "kompetanse" in doc.text
    law = load_document(CORPUS / "arbeidsmiljoloven-utdrag.md", document_info(CORPUS / "x", CORPUS), settings)
    assert "## § 12-11. Utdanningspermisjon" in law.text.splitlines()
    assert "tvisteløsningsnemnda" in law.text


@pytest.mark.integration
def test_text_with_bom_and_crlf(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "lønnspolitikk.txt"
    raw = "\ufeffLønnspolitikk for Øvre Ås kommune\r\n\r\nAlle ansatte skal få utvikle seg.\r\n".encode()
    path.write_bytes(raw)
    doc = _load(path, settings)
    assert doc.text.startswith("Lønnspolitikk for Øvre Ås kommune")
    assert "\ufeff" not in doc.text and "\r" not in doc.text
    assert doc.content_hash == sha256_hex(raw)
    assert doc.info.doc_id == "lonnspolitikk"


@pytest.mark.integration
def test_markdown_headings_kept(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "plan.md"
    path.write_text(
        "# Kompetanseplan\n\n## Mål\n\nVi skal lære mer på jobben.\n\n- første\n- andre\n", "utf-8"
    )
    doc = _load(path, settings)
    lines = doc.text.splitlines()
    assert "# Kompetanseplan" in lines
    assert "## Mål" in lines
    assert doc.pages[0].number is None


@pytest.mark.integration
def test_same_bytes_same_hash_other_bytes_other_hash(tmp_path: Path, settings: Settings) -> None:
    a, b, c = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"
    a.write_text("Samme tekst.", "utf-8")
    b.write_text("Samme tekst.", "utf-8")
    c.write_text("Annen tekst.", "utf-8")
    assert _load(a, settings).content_hash == _load(b, settings).content_hash
    assert _load(a, settings).content_hash != _load(c, settings).content_hash


# --------------------------------------------------------------------------- PDF


@pytest.mark.integration
def test_pdf_pages_numbered_and_aeoa_preserved(tmp_path: Path, settings: Settings) -> None:
    path = pdfs.make_pdf(
        tmp_path / "tre-sider.pdf",
        [
            "Første side om læring.",
            "Andre side: særlige bestemmelser for årets lønnsoppgjør.",
            "Tredje side: ÆØÅ.",
        ],
    )
    doc = _load(path, settings)
    assert [page.number for page in doc.pages] == [1, 2, 3]
    _assert_pages_partition(doc)
    assert "Første side om læring." in doc.pages[0].text
    assert "særlige bestemmelser for årets lønnsoppgjør" in doc.pages[1].text
    assert "ÆØÅ" in doc.pages[2].text
    assert doc.page_at(doc.text.index("Tredje")) == 3
    assert doc.content_hash == sha256_hex(path.read_bytes())
    assert doc.warnings == ()


@pytest.mark.integration
def test_hta_pdf_pages_and_offsets(tmp_path: Path, settings: Settings) -> None:
    path = pdfs.make_hta_pdf(tmp_path / "hovedtariffavtalen.pdf", furniture=False)
    doc = _load(path, settings)
    assert [page.number for page in doc.pages] == list(range(1, pdfs.HTA_PAGES + 1))
    _assert_pages_partition(doc)
    expected_pages = {
        "14.2 Utdanningspermisjon": 1,
        pdfs.HTA_142_ACROSS_BREAK[1]: 2,
        "14.3 Permisjon ved opptak til annen stilling": 2,
        "3.2 Lokal lønnspolitikk": 3,
        "jf. kapittel 4 pkt. 4.2.4": 3,
        "3.3 Kompetanse – læring og utvikling": 4,
        "4.2.4 Kompetanse": 5,
        "Merknad:": 5,
        "4.3 Ikrafttreden": 6,
    }
    for needle, page in expected_pages.items():
        assert doc.page_at(doc.text.index(needle)) == page, needle
    assert doc.info.short_name == "HTA" and doc.info.kind == "agreement"


@pytest.mark.integration
def test_hta_pdf_with_running_headers_has_all_pages(tmp_path: Path, settings: Settings) -> None:
    doc = _load(pdfs.make_hta_pdf(tmp_path / "hta.pdf"), settings)
    assert [page.number for page in doc.pages] == list(range(1, pdfs.HTA_PAGES + 1))
    _assert_pages_partition(doc)
    assert doc.page_at(doc.text.index("4.2.4 Kompetanse")) == 5


@pytest.mark.integration
def test_pdf_some_pages_empty_gives_warning(tmp_path: Path, settings: Settings) -> None:
    doc = _load(pdfs.make_partly_scanned_pdf(tmp_path / "delvis.pdf"), settings)
    assert [page.number for page in doc.pages] == [1, 2, 3]
    assert doc.pages[1].text == ""
    assert doc.page_at(doc.text.index("Side tre")) == 3
    assert len(doc.warnings) == 1
    assert "1 av 3 sider har ingen tekst" in doc.warnings[0] and "s. 2" in doc.warnings[0]


@pytest.mark.integration
def test_pdf_with_only_owner_password_loads(tmp_path: Path, settings: Settings) -> None:
    doc = _load(pdfs.make_encrypted_pdf(tmp_path / "sikret.pdf", user_password=""), settings)
    assert "lønnspolitikk for Eksempel kommune" in doc.text


@pytest.mark.integration
def test_uppercase_suffix(tmp_path: Path, settings: Settings) -> None:
    doc = _load(pdfs.make_pdf(tmp_path / "NOTAT.PDF", ["Notat om kompetanse."]), settings)
    assert doc.pages[0].number == 1


@pytest.mark.integration
def test_content_decides_format_with_warning(tmp_path: Path, settings: Settings) -> None:
    pdf_named_txt = tmp_path / "egentlig-pdf.txt"
    pdf_named_txt.write_bytes(pdfs.make_pdf(tmp_path / "x.pdf", ["Side én om læring."]).read_bytes())
    doc = _load(pdf_named_txt, settings)
    assert doc.pages[0].number == 1
    assert "Side én om læring." in doc.text
    assert any("er en PDF" in warning for warning in doc.warnings)

    docx_named_pdf = tmp_path / "egentlig-word.pdf"
    docx_named_pdf.write_bytes(pdfs.make_docx(tmp_path / "x.docx").read_bytes())
    doc = _load(docx_named_pdf, settings)
    assert doc.pages[0].number is None
    assert "# 1 Formål med planen" in doc.text
    assert any("Word-dokument" in warning for warning in doc.warnings)


@pytest.mark.integration
@pytest.mark.slow
def test_large_pdf_throughput(tmp_path: Path, settings: Settings) -> None:
    path = pdfs.make_large_pdf(tmp_path / "stor.pdf", 300)
    started = time.perf_counter()
    doc = _load(path, settings)
    seconds = time.perf_counter() - started
    rate = 300 / seconds
    print(f"\n300-page PDF loaded in {seconds:.2f} s: {rate:.1f} pages/s")
    assert [page.number for page in doc.pages] == list(range(1, 301))
    _assert_pages_partition(doc)
    assert doc.page_at(doc.text.index("Kapittel 60 ")) == 296
    assert rate > 5, f"only {rate:.1f} pages/s"


# --------------------------------------------------------------------------- DOCX


@pytest.mark.integration
def test_docx_structure(tmp_path: Path, settings: Settings) -> None:
    path = pdfs.make_docx(tmp_path / "kompetanseplan.docx")
    doc = _load(path, settings)
    lines = doc.text.splitlines()
    assert lines[0] == f"# {pdfs.DOCX_TITLE}"
    assert "# 1 Formål med planen" in lines
    assert "## 1.1 Hvem planen gjelder for" in lines
    assert "### Søknader om utdanningspermisjon" in lines  # style "Overskrift 3"
    assert "## Tiltak og ansvar" in lines  # custom style based on Heading 2
    assert "• Læring i arbeidshverdagen" in lines
    assert "• Send søknaden til nærmeste leder" in lines  # numbered list item
    assert "Tiltak | Ansvar | Frist" in lines
    assert "Drøfte planen med tillitsvalgte | Personalsjefen | 15. april" in lines
    # Document order: the table comes after its heading and before the closing paragraph.
    assert (
        doc.text.index("## Tiltak og ansvar")
        < doc.text.index("Tiltak | Ansvar")
        < doc.text.index("evalueres")
    )
    assert [page.number for page in doc.pages] == [None]
    assert doc.info.title == pdfs.DOCX_TITLE
    assert doc.content_hash == sha256_hex(path.read_bytes())


# --------------------------------------------------------------------------- time limit


@pytest.mark.unit
def test_time_limit_interrupts_code_that_swallows_exceptions() -> None:
    started = time.perf_counter()
    with pytest.raises(TimeoutError), time_limit(0.2):
        while True:
            with contextlib.suppress(Exception):  # like a lenient parser: must not swallow the timeout
                sum(range(1000))
    assert time.perf_counter() - started < 5


@pytest.mark.unit
def test_time_limit_holds_when_the_interrupt_is_lost() -> None:
    # the garbage collector runs finalisers and weakref callbacks where an exception is only printed as
    # "ignored"; suppressing everything inside the block stands in for that lost interrupt
    with pytest.raises(TimeoutError), time_limit(0.05):
        deadline = time.perf_counter() + 0.3
        while time.perf_counter() < deadline:
            with contextlib.suppress(BaseException):  # the lost interrupt
                sum(range(1000))


@pytest.mark.unit
def test_time_limit_in_worker_thread_and_no_late_fire() -> None:
    outcome: list[str] = []

    def work() -> None:
        try:
            with time_limit(0.2):
                while True:
                    pass
        except TimeoutError:
            outcome.append("stopped")
        with time_limit(0.05):
            outcome.append("fast")
        time.sleep(0.2)  # a timer that fired late would raise here
        outcome.append("no late fire")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(10)
    assert outcome == ["stopped", "fast", "no late fire"]


@pytest.mark.integration
def test_time_limit_from_settings_field(tmp_path: Path) -> None:
    """The ``max_load_seconds`` setting sets the default limit."""
    path = pdfs.make_large_pdf(tmp_path / "treg.pdf", 40)
    limited = load_settings(data_dir=tmp_path / "data")
    object.__setattr__(limited, "max_load_seconds", 0.05)
    with pytest.raises(DocumentError, match="tok for lang tid"):
        load_document(path, derive_info(path), limited)
