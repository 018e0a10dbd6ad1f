"""PDF reading with pypdf: page texts, with every problem turned into a :class:`DocumentError`.

Password protection, truncation, scans without a text layer, page-count bombs and parser-exhausting
nesting are refused with a Norwegian message that names the reason.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from core.errors import DocumentError
from core.settings import Settings

__all__ = ["read_pdf"]


class _ThreadLog(logging.Handler):
    """Collects pypdf's warnings emitted by one thread (it logs problems it recovers from)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


@contextmanager
def _pypdf_warnings() -> Iterator[list[str]]:
    handler = _ThreadLog()
    logger = logging.getLogger("pypdf")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def _pdf_error(where: str, message: str, exc: BaseException | str) -> DocumentError:
    detail = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
    return DocumentError(where, message, detail)


_BROKEN = "PDF-en er skadet og kan ikke leses. Prøv å lagre eller eksportere den på nytt."
_NESTED = (
    "PDF-en er bygd opp på en unormal måte (svært dypt nestede objekter) og ble avvist for å beskytte "
    "systemet. Prøv å skrive den ut til en ny PDF."
)


def read_pdf(
    where: str, data: bytes, settings: Settings, warnings: list[str]
) -> list[tuple[int | None, str]]:
    """Extract each page's text with pypdf; returns ``(page_number, text)`` pairs (1-based)."""
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError, LimitReachedError

    # Readers require %%EOF within the last 1024 bytes; without it the file was cut off.
    if b"%%EOF" not in data[-1024:]:
        raise _pdf_error(
            where,
            "PDF-en er ufullstendig (filen er avkortet, kanskje en avbrutt nedlasting). "
            "Last ned eller lagre den på nytt.",
            "no %%EOF marker in the last 1024 bytes",
        )
    pages: list[tuple[int | None, str]] = []
    with _pypdf_warnings() as pypdf_log:
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                raise _pdf_error(
                    where,
                    "PDF-en er passordbeskyttet. Fjern passordet (eller lagre en kopi uten passord) og prøv igjen.",
                    "encrypted, empty user password rejected",
                )
            _check_page_count(where, reader, settings)
            for index, page in enumerate(reader.pages):
                pages.append((index + 1, _page_text(page)))
        except DocumentError:
            raise
        except DependencyError as exc:
            raise _pdf_error(
                where,
                "PDF-en er kryptert med AES, som krever Python-pakken «cryptography». "
                "Installer den, eller lagre en kopi av PDF-en uten beskyttelse.",
                exc,
            ) from exc
        except LimitReachedError as exc:
            raise _pdf_error(
                where,
                "PDF-en overskrider sikkerhetsgrensene for lesing (mulig PDF-bombe) og ble avvist.",
                exc,
            ) from exc
        except (RecursionError, MemoryError) as exc:
            raise _pdf_error(where, _NESTED, exc) from exc
        except Exception as exc:  # pypdf raises many types (KeyError, ValueError, ...) on broken files
            raise _pdf_error(where, _BROKEN, exc) from exc
    # In its lenient mode pypdf logs (and skips) objects it hit RecursionError/MemoryError on.
    if any("Error reading PDF file" in message for message in pypdf_log):
        raise _pdf_error(where, _NESTED, "pypdf recovered from RecursionError/MemoryError: " + pypdf_log[0])
    empty = [number for number, text in pages if not text.strip()]
    if len(empty) == len(pages):
        raise _pdf_error(
            where,
            "PDF-en har ingen tekst (skannet bilde?). Kjør OCR først, for eksempel med ocrmypdf, og prøv igjen.",
            f"all {len(pages)} pages empty",
        )
    if empty:
        listed = ", ".join(str(number) for number in empty[:10]) + (" …" if len(empty) > 10 else "")
        warnings.append(
            f"{len(empty)} av {len(pages)} sider har ingen tekst (skannet bilde eller blank side): s. {listed}."
        )
    return pages


def _check_page_count(where: str, reader: Any, settings: Settings) -> None:
    """Refuse PDFs over ``max_pdf_pages``: first by the declared count (cheap), then the real one."""
    limit = settings.max_pdf_pages
    message = "PDF-en har for mange sider ({count}). Grensen er {limit} sider."
    try:
        declared = int(reader.root_object["/Pages"]["/Count"])
    except Exception:  # a missing or odd /Count: the real count below decides
        declared = 0
    if declared > limit:
        raise _pdf_error(where, message.format(count=declared, limit=limit), f"declared /Count {declared}")
    count = len(reader.pages)
    if count > limit:
        raise _pdf_error(where, message.format(count=count, limit=limit), f"{count} pages")
    if count == 0:
        raise _pdf_error(where, "PDF-en har ingen sider.", "0 pages")


def _page_text(page: Any) -> str:
    text = page.extract_text()
    return text if isinstance(text, str) else ""
