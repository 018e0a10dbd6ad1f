"""Every kind of bad file gives a DocumentError naming the file and the reason, in Norwegian."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from core.errors import DocumentError
from core.settings import Settings, load_settings
from ingest import docx_reader, loaders
from ingest.loaders import load_document
from ingest.metadata import derive_info
from tests import pdfs


def _error(path: Path, settings: Settings, **kwargs: float) -> DocumentError:
    """Load ``path`` expecting a DocumentError; check it names the file and has a detail."""
    with pytest.raises(DocumentError) as caught:
        load_document(path, derive_info(path), settings, **kwargs)
    error = caught.value
    assert error.path == str(path)
    assert str(path) in str(error)
    assert error.message and error.detail
    return error


# --------------------------------------------------------------------------- any file


@pytest.mark.integration
@pytest.mark.parametrize("name", ["tom.txt", "tom.md", "tom.pdf", "tom.docx"])
def test_empty_file(tmp_path: Path, settings: Settings, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    assert "Filen er tom" in _error(path, settings).message


@pytest.mark.integration
def test_whitespace_only_text_is_empty(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "blank.txt"
    path.write_text(" \n\n\t \n", "utf-8")
    assert "tom" in _error(path, settings).message


@pytest.mark.integration
@pytest.mark.parametrize("name", ["regneark.xlsx", "notat.doc", "uten-endelse"])
def test_unsupported_suffix_lists_supported_types(tmp_path: Path, settings: Settings, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"noe innhold")
    message = _error(path, settings).message
    assert "støttes ikke" in message
    assert ".pdf, .txt, .md, .docx" in message


@pytest.mark.integration
def test_missing_file_and_folder(tmp_path: Path, settings: Settings) -> None:
    assert "finnes ikke" in _error(tmp_path / "borte.pdf", settings).message
    folder = tmp_path / "mappe.txt"
    folder.mkdir()
    assert "ikke en fil" in _error(folder, settings).message


@pytest.mark.integration
def test_file_too_large(tmp_path: Path) -> None:
    small = load_settings(data_dir=tmp_path / "data", max_file_mb=1)
    path = tmp_path / "stor.txt"
    path.write_text("læring " * 200_000, "utf-8")  # ~1.6 MB
    message = _error(path, small).message
    assert "for stor" in message and "1 MB" in message


# --------------------------------------------------------------------------- text encodings


@pytest.mark.integration
def test_windows_1252_text(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "gammel.txt"
    path.write_bytes("Lønnspolitikk – særlig for ansatte på Ås".encode("cp1252"))
    error = _error(path, settings)
    assert (
        error.message == "Filen er ikke UTF-8 (ser ut som Windows-1252). Lagre den som UTF-8 og prøv igjen."
    )
    assert "UnicodeDecodeError" in error.detail


@pytest.mark.integration
def test_latin1_text(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "latin.md"
    path.write_bytes("Kompetanse for ansatte på Øya".encode("latin-1") + b"\x81")  # 0x81 is not in cp1252
    message = _error(path, settings).message
    assert "ikke UTF-8" in message and "Latin-1" in message


@pytest.mark.integration
def test_utf16_text(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "notisblokk.txt"
    path.write_bytes("Læring på arbeidsplassen".encode("utf-16"))
    assert "ikke UTF-8 (ser ut som UTF-16)" in _error(path, settings).message


@pytest.mark.integration
def test_binary_named_txt(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "bilde.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    message = _error(path, settings).message
    assert "ikke tekst" in message and "bilde (PNG)" in message


# --------------------------------------------------------------------------- PDF


@pytest.mark.integration
def test_non_pdf_named_pdf(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "hta.pdf"
    path.write_text("<!DOCTYPE html><html><body>Siden finnes ikke</body></html>", "utf-8")
    message = _error(path, settings).message
    assert "heter .pdf, men er ikke en PDF" in message
    assert "nettside (HTML)" in message and "Last ned filen på nytt" in message

    text = tmp_path / "notat.pdf"
    text.write_text("Bare vanlig tekst om læring.", "utf-8")
    assert "ser ut som en tekstfil" in _error(text, settings).message


@pytest.mark.integration
def test_encrypted_pdf(tmp_path: Path, settings: Settings) -> None:
    message = _error(pdfs.make_encrypted_pdf(tmp_path / "hemmelig.pdf"), settings).message
    assert "PDF-en er passordbeskyttet" in message


@pytest.mark.integration
@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.95])
def test_truncated_pdf(tmp_path: Path, settings: Settings, fraction: float) -> None:
    message = _error(pdfs.make_truncated_pdf(tmp_path / "avkortet.pdf", fraction), settings).message
    assert "ufullstendig" in message and "avkortet" in message


@pytest.mark.integration
def test_broken_pdf(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "skadet.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ngarbage\n%%EOF\n")
    assert "PDF-en er skadet" in _error(path, settings).message


@pytest.mark.integration
def test_scanned_pdf_without_text(tmp_path: Path, settings: Settings) -> None:
    message = _error(pdfs.make_scanned_pdf(tmp_path / "skannet.pdf"), settings).message
    assert "PDF-en har ingen tekst (skannet bilde?)" in message
    assert "OCR" in message


@pytest.mark.integration
def test_blank_pages_only(tmp_path: Path, settings: Settings) -> None:
    assert "ingen tekst" in _error(pdfs.make_many_pages_pdf(tmp_path / "blank.pdf", 3), settings).message


@pytest.mark.integration
def test_too_many_pages(tmp_path: Path) -> None:
    limited = load_settings(data_dir=tmp_path / "data", max_pdf_pages=20)
    path = pdfs.make_many_pages_pdf(tmp_path / "mange.pdf", 25)
    message = _error(path, limited).message
    assert "for mange sider (25)" in message and "20 sider" in message


@pytest.mark.integration
def test_page_count_bomb(tmp_path: Path, settings: Settings) -> None:
    path = pdfs.make_lying_count_pdf(tmp_path / "bombe.pdf", declared=10_000_000)
    assert "for mange sider (10000000)" in _error(path, settings).message


@pytest.mark.integration
@pytest.mark.parametrize("depth", [2_000, 200_000])
def test_deeply_nested_pdf(tmp_path: Path, settings: Settings, depth: int) -> None:
    message = _error(pdfs.make_nested_pdf(tmp_path / "nestet.pdf", depth), settings).message
    assert "dypt nestede objekter" in message


@pytest.mark.integration
def test_page_tree_containing_itself(tmp_path: Path, settings: Settings) -> None:
    path = pdfs.make_recursive_pdf(tmp_path / "sirkel.pdf", page_cycle=True)
    error = _error(path, settings)
    assert "PDF-en er skadet" in error.message and "cyclic" in error.detail


@pytest.mark.integration
def test_form_drawing_itself_is_cut_short(tmp_path: Path, settings: Settings) -> None:
    path = pdfs.make_recursive_pdf(tmp_path / "selvtegnende.pdf")
    doc = load_document(path, derive_info(path), settings, time_limit_s=20)
    assert doc.text.count("Igjen") == 1 and "Kompetanse" in doc.text


@pytest.mark.integration
def test_shallow_nesting_is_fine(tmp_path: Path, settings: Settings) -> None:
    doc = load_document(
        pdfs.make_nested_pdf(tmp_path / "ok.pdf", depth=5), derive_info(tmp_path / "ok.pdf"), settings
    )
    assert "Lokal kompetanseplan" in doc.text


@pytest.mark.integration
def test_slow_pdf_is_stopped(tmp_path: Path, settings: Settings) -> None:
    path = pdfs.make_large_pdf(tmp_path / "treg.pdf", 30)
    message = _error(path, settings, time_limit_s=0.05).message
    assert "tok for lang tid (over 0,05 sekunder)" in message


# --------------------------------------------------------------------------- DOCX


@pytest.mark.integration
@pytest.mark.parametrize(
    ("content", "looks_like"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "eldre Office-dokument"),
        (b"\xff\xd8\xff\xe0" + bytes(100), "bilde (JPEG)"),
        (b"Vanlig tekst i en fil som heter .docx", "tekstfil"),
    ],
)
def test_non_docx_named_docx(tmp_path: Path, settings: Settings, content: bytes, looks_like: str) -> None:
    path = tmp_path / "plan.docx"
    path.write_bytes(content)
    message = _error(path, settings).message
    assert "heter .docx, men er ikke et Word-dokument" in message and looks_like in message


@pytest.mark.integration
def test_zip_without_word_document(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "arkiv.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notat.txt", "hei")
    assert "ZIP-arkiv" in _error(path, settings).message


@pytest.mark.integration
def test_truncated_docx(tmp_path: Path, settings: Settings) -> None:
    data = pdfs.make_docx(tmp_path / "hel.docx").read_bytes()
    path = tmp_path / "halv.docx"
    path.write_bytes(data[: len(data) // 2])
    message = _error(path, settings).message
    assert "ikke et Word-dokument" in message and "skadet" in message


@pytest.mark.integration
def test_corrupt_docx_xml(tmp_path: Path, settings: Settings) -> None:
    source = pdfs.make_docx(tmp_path / "hel.docx")
    path = tmp_path / "korrupt.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            new.writestr(item, b"<w:document><ikke xml" if item.filename == "word/document.xml" else data)
    assert "Word-filen er skadet" in _error(path, settings).message


@pytest.mark.integration
def test_docx_zip_bomb(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_reader, "MAX_DOCX_XML_MB", 1)
    source = pdfs.make_docx(tmp_path / "hel.docx")
    path = tmp_path / "bombe.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item, old.read(item))
        new.writestr("word/fyll.xml", b" " * 3_000_000)
    assert path.stat().st_size < 100_000
    assert "zip-bombe" in _error(path, settings).message


@pytest.mark.integration
def test_docx_without_text(tmp_path: Path, settings: Settings) -> None:
    path = pdfs.make_docx(tmp_path / "tom.docx", title=None, paragraphs=["   "])
    assert "tom" in _error(path, settings).message


# --------------------------------------------------------------------------- fuzzing


@pytest.fixture(scope="module")
def good_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("good")
    return {
        ".pdf": pdfs.make_pdf(folder / "a.pdf", ["Kompetanse og læring.", "Side to."]).read_bytes(),
        ".docx": pdfs.make_docx(folder / "a.docx").read_bytes(),
    }


@pytest.mark.integration
@hyp_settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    suffix=st.sampled_from([".pdf", ".docx"]),
    edits=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=8)), max_size=6
    ),
    cut=st.floats(0.05, 1.0),
)
def test_damaged_files_never_raise_raw_exceptions(
    good_files: dict[str, bytes], suffix: str, edits: list[tuple[float, bytes]], cut: float
) -> None:
    data = bytearray(good_files[suffix])
    for where, patch in edits:
        start = int(where * len(data))
        data[start : start + len(patch)] = patch
    data = data[: max(1, int(len(data) * cut))]
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(data_dir=Path(folder) / "data")
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(bytes(data))
        try:
            doc = load_document(path, derive_info(path), settings, time_limit_s=10)
        except DocumentError as error:
            assert error.message and str(path) in str(error)
        else:
            assert doc.text.strip()


@pytest.mark.integration
@hyp_settings(max_examples=30, deadline=None, database=None)
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".pdf", ".docx", ".txt", ".md"]))
def test_random_bytes_never_raise_raw_exceptions(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(data_dir=Path(folder) / "data")
        path = Path(folder) / f"tilfeldig{suffix}"
        path.write_bytes(data)
        try:
            load_document(path, derive_info(path), settings, time_limit_s=10)
        except DocumentError as error:
            assert error.message


@pytest.mark.unit
@pytest.mark.parametrize(
    ("member", "kind"), [("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"), ("ppt/x.xml", "pptx")]
)
def test_zip_members_decide_office_kind(member: str, kind: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, "<x/>")
    assert loaders.sniff_format(buffer.getvalue()) == kind
