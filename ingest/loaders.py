"""Load a file into a :class:`LoadedDocument`: PDF, Word (DOCX), plain text and markdown.

The format is chosen from the file's content (magic bytes), not only from its
name, and every problem with the content becomes a :class:`DocumentError` with a
Norwegian message that names the reason and an English detail for the log:
empty, too large, wrong encoding, password-protected, truncated, scanned without
a text layer, too many pages, built to exhaust the parser (deep nesting, page-
count bombs, zip bombs) or too slow to read. Extracted page texts are cleaned by
:func:`ingest.clean.clean_pages`.
"""

from __future__ import annotations

import ctypes
import io
import logging
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import DocumentError
from core.models import DocumentInfo, LoadedDocument, sha256_hex
from core.settings import Settings
from ingest.clean import clean_pages
from ingest.docx_reader import read_docx
from ingest.pdf import read_pdf

__all__ = [
    "SUPPORTED_SUFFIXES",
    "describe_content",
    "load_document",
    "sniff_format",
    "time_limit",
]

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES: tuple[str, ...] = (".pdf", ".txt", ".md", ".docx")

_SUPPORTED_TEXT = ", ".join(SUPPORTED_SUFFIXES)
_DESCRIPTIONS = {
    "pdf": "en PDF",
    "docx": "et Word-dokument (DOCX)",
    "xlsx": "et Excel-regneark (XLSX)",
    "pptx": "en PowerPoint-presentasjon (PPTX)",
    "odt": "et OpenDocument-dokument (ODT)",
    "zip": "et ZIP-arkiv",
    "ole": "et eldre Office-dokument (for eksempel .doc)",
    "rtf": "et RTF-dokument",
    "html": "en nettside (HTML)",
    "png": "et bilde (PNG)",
    "jpeg": "et bilde (JPEG)",
    "gif": "et bilde (GIF)",
    "tiff": "et bilde (TIFF)",
    "utf16": "en tekstfil i UTF-16",
    "binary": "en binærfil",
    "text": "en tekstfil",
}
_HINTS = {
    "html": " Kanskje nedlastingen feilet? Last ned filen på nytt.",
    "ole": " Åpne den i Word og lagre den som .docx.",
    "rtf": " Åpne den i Word og lagre den som .docx.",
    "odt": " Lagre den som .docx eller PDF.",
}


def sniff_format(data: bytes) -> str:
    """Classify file content by its magic bytes.

    Takes the raw bytes; returns one of the keys of ``_DESCRIPTIONS`` ("pdf",
    "docx", "zip", "ole", "html", "png", "utf16", "binary", "text", ...). Never raises.
    """
    head = data[:1024]
    if b"%PDF-" in head:  # the header may follow a little junk (PDF 1.7 spec, annex H)
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return "zip"
        if "word/document.xml" in names:
            return "docx"
        if any(name.startswith("xl/") for name in names):
            return "xlsx"
        if any(name.startswith("ppt/") for name in names):
            return "pptx"
        return "odt" if "content.xml" in names else "zip"
    magic = {
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "ole",
        b"{\\rtf": "rtf",
        b"\x89PNG": "png",
        b"\xff\xd8\xff": "jpeg",
        b"GIF8": "gif",
        b"II*\x00": "tiff",
        b"MM\x00*": "tiff",
        b"\xff\xfe": "utf16",
        b"\xfe\xff": "utf16",
    }
    for prefix, kind in magic.items():
        if head.startswith(prefix):
            return kind
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "binary" if b"\x00" in data[:8192] else "text"


def describe_content(kind: str) -> str:
    """Norwegian phrase for a :func:`sniff_format` result ("en nettside (HTML)")."""
    return _DESCRIPTIONS.get(kind, "en ukjent filtype")


class _Timeout(BaseException):
    """Raised inside the loading thread when its time is up.

    A BaseException, so that parsers' ``except Exception`` recovery cannot swallow it.
    """


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Interrupt the block with ``TimeoutError`` when it runs longer than ``seconds``.

    A watchdog thread raises an exception asynchronously in the calling thread
    (CPython's ``PyThreadState_SetAsyncExc``, the mechanism behind Ctrl-C), so it
    works in any thread (unlike SIGALRM, which only reaches the main thread) and
    stops pure-Python parsers such as pypdf between two bytecodes; a long single
    C call finishes first. An exception that lands where Python cannot raise it (a finaliser or weakref
    callback run by the garbage collector prints it as "ignored") is lost; a block that ran past its
    limit is then stopped when it ends. None or <= 0 means no limit.
    """
    if not seconds or seconds <= 0:
        yield
        return
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def fire() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(_Timeout))

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    try:
        try:
            timer.start()
            yield
        finally:
            # Once "done" is set under the lock no exception can be injected any more; one
            # injected before is delivered at the latest here, inside the outer try.
            with lock:
                state["done"] = True
            timer.cancel()
        if state["fired"]:  # the block ended normally although its time was up: the exception was lost
            raise _Timeout
    except _Timeout:
        raise TimeoutError(f"time limit of {seconds:g} s exceeded") from None


def load_document(
    path: Path, info: DocumentInfo, settings: Settings, *, time_limit_s: float | None = None
) -> LoadedDocument:
    """Read, extract and clean one file.

    Takes the file, its :class:`DocumentInfo` and the settings (``max_file_mb``,
    ``max_pdf_pages``); ``time_limit_s`` caps the reading time (default: the
    setting ``max_load_seconds``).
    Returns the :class:`LoadedDocument` with cleaned text, pages (1-based numbers
    for PDF, None otherwise), the SHA-256 of the raw bytes and warnings.
    Raises :class:`DocumentError` for every problem with the file or its content.
    """
    where = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "uten filendelse"
        raise DocumentError(
            where,
            f"Filtypen {shown} støttes ikke. Støttede filtyper: {_SUPPORTED_TEXT}.",
            f"unsupported suffix {suffix!r}",
        )
    data = _read_bytes(path, settings)
    kind = sniff_format(data)
    fmt, warnings = _choose_format(where, suffix, kind)
    limit = time_limit_s if time_limit_s is not None else settings.max_load_seconds
    started = time.perf_counter()
    try:
        with time_limit(limit):
            if fmt == "pdf":
                raw_pages = read_pdf(where, data, settings, warnings)
            elif fmt == "docx":
                raw_pages = [(None, read_docx(where, data))]
            else:
                raw_pages = [(None, _decode_text(where, data))]
            result = clean_pages(raw_pages)
    except TimeoutError as exc:
        raise DocumentError(
            where,
            f"Lesingen av filen tok for lang tid (over {_number(limit)} sekunder) og ble stoppet. "
            "Filen kan være skadet eller laget for å overbelaste systemet.",
            str(exc),
        ) from exc
    if not result.text.strip():
        raise DocumentError(
            where, "Filen er tom: den inneholder ingen tekst.", f"no text after cleaning ({fmt})"
        )
    log.debug(
        "loaded %s (%s, %d pages) in %.2f s", where, fmt, len(result.pages), time.perf_counter() - started
    )
    return LoadedDocument(
        info=info,
        text=result.text,
        pages=result.pages,
        content_hash=sha256_hex(data),
        warnings=(*warnings, *result.warnings),
    )


def _number(value: float) -> str:
    """A number as Norwegian text ("0,5", "300")."""
    return f"{value:g}".replace(".", ",")


def _read_bytes(path: Path, settings: Settings) -> bytes:
    where = str(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise DocumentError(where, "Dette er ikke en fil (kanskje en mappe?).", "not a regular file")
        if size > settings.max_file_mb * 1024 * 1024:
            raise DocumentError(
                where,
                f"Filen er for stor ({size / 1024 / 1024:.0f} MB). Grensen er {settings.max_file_mb} MB.",
                f"{size} bytes > max_file_mb={settings.max_file_mb}",
            )
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise DocumentError(where, "Filen finnes ikke.", repr(exc)) from exc
    except PermissionError as exc:
        raise DocumentError(where, "Filen kan ikke leses: mangler tilgang.", repr(exc)) from exc
    except OSError as exc:
        raise DocumentError(where, "Filen kan ikke leses.", repr(exc)) from exc
    if not data or (len(data) < 4096 and not data.strip()):  # longer blank text: "no text" later
        raise DocumentError(where, "Filen er tom.", f"{len(data)} bytes, none but whitespace")
    return data


def _choose_format(where: str, suffix: str, kind: str) -> tuple[str, list[str]]:
    """Pick the reader from the content; the name only decides when the content is plain text."""
    warnings: list[str] = []
    expected = suffix.lstrip(".")
    if kind in ("pdf", "docx"):
        if kind != expected:
            warnings.append(
                f"Filen heter {suffix}, men er {describe_content(kind)}; den ble lest som {kind.upper()}."
            )
        return kind, warnings
    looks = describe_content(kind)
    if kind == "utf16":
        raise DocumentError(
            where,
            "Filen er ikke UTF-8 (ser ut som UTF-16). Lagre den som UTF-8 og prøv igjen.",
            "UTF-16 byte order mark",
        )
    if suffix in (".pdf", ".docx"):
        name = "en PDF" if suffix == ".pdf" else "et Word-dokument (DOCX)"
        damaged = " Filen kan være skadet." if kind in ("zip", "binary") else ""
        raise DocumentError(
            where,
            f"Filen heter {suffix}, men er ikke {name}: den ser ut som {looks}.{damaged}{_HINTS.get(kind, '')}",
            f"content sniffed as {kind!r}",
        )
    if kind not in ("text", "html"):
        raise DocumentError(
            where,
            f"Filen heter {suffix}, men er ikke tekst: den ser ut som {looks}.{_HINTS.get(kind, '')}",
            f"content sniffed as {kind!r}",
        )
    return "text", warnings


def _decode_text(where: str, data: bytes) -> str:
    """Strict UTF-8 (a BOM is allowed); otherwise an error that guesses the real encoding."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            data.decode("cp1252")
            guess = "Windows-1252"
        except UnicodeDecodeError:
            guess = "ISO-8859-1 (Latin-1)"
        raise DocumentError(
            where,
            f"Filen er ikke UTF-8 (ser ut som {guess}). Lagre den som UTF-8 og prøv igjen.",
            f"UnicodeDecodeError: {exc}",
        ) from exc
