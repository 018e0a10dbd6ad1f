"""Word (DOCX) reading with python-docx: headings as '#', list items as '• ', tables row by row.

Zip bombs (XML that unpacks beyond ``MAX_DOCX_XML_MB``) and broken archives are refused with a
:class:`DocumentError`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Any

from core.errors import DocumentError

__all__ = ["MAX_DOCX_XML_MB", "read_docx"]

MAX_DOCX_XML_MB = 256
"""Largest total unpacked size of a DOCX's XML parts; more is a zip bomb, not a document."""


def read_docx(where: str, data: bytes) -> str:
    """Flatten a Word document to text: '#' headings, '• ' list items, tables row by row."""
    import docx
    from docx.table import Table

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(i.file_size for i in archive.infolist() if i.filename.endswith((".xml", ".rels")))
        if unpacked > MAX_DOCX_XML_MB * 1024 * 1024:
            raise DocumentError(
                where,
                "Word-filen pakker ut til urimelig mye data (mulig zip-bombe, eller filen er skadet) "
                "og ble avvist.",
                f"{unpacked} bytes of XML",
            )
        document = docx.Document(io.BytesIO(data))
        blocks: list[tuple[str, str]] = []  # (kind, text); kind "item" blocks stay on adjacent lines
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                blocks.extend(("row", row) for row in _table_rows(block))
            else:
                blocks.extend(_paragraph_block(block))
    except DocumentError:
        raise
    except Exception as exc:  # python-docx/lxml/zipfile raise many types on broken files
        raise DocumentError(
            where, "Word-filen er skadet og kan ikke leses. Prøv å lagre den på nytt i Word.", repr(exc)
        ) from exc
    out: list[str] = []
    for index, (kind, text) in enumerate(blocks):
        if index:
            out.append("\n" if kind == "item" and blocks[index - 1][0] == "item" else "\n\n")
        out.append(text)
    return "".join(out)


def _heading_level(paragraph: Any) -> int | None:
    """Heading level from the style ("Heading 2", "Overskrift 2", "Title", or a style based on one)."""
    style = paragraph.style
    for _ in range(10):  # follow base styles, guarding against cycles
        if style is None:
            break
        name = (style.name or "").strip().lower()
        if name in ("title", "tittel"):
            return 1
        for prefix in ("heading", "overskrift"):
            rest = name.removeprefix(prefix).strip()
            if name.startswith(prefix) and rest.isdigit() and 1 <= int(rest) <= 9:
                return int(rest)
        style = style.base_style
    levels = paragraph._p.xpath("./w:pPr/w:outlineLvl/@w:val")
    if levels and str(levels[0]).isdigit() and int(levels[0]) < 9:
        return int(levels[0]) + 1
    return None


def _is_list(paragraph: Any) -> bool:
    name = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
    if any(word in name for word in ("list", "liste", "punkt", "bullet")):
        return True
    return bool(paragraph._p.xpath("./w:pPr/w:numPr"))


def _paragraph_block(paragraph: Any) -> list[tuple[str, str]]:
    text = " ".join(paragraph.text.split())
    if not text:
        return []
    level = _heading_level(paragraph)
    if level is not None:
        return [("heading", "#" * min(level, 6) + " " + text)]
    if _is_list(paragraph):
        return [("item", "• " + text)]
    return [("para", text)]


def _table_rows(table: Any) -> Sequence[str]:
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        last: object = None
        for cell in row.cells:
            if cell._tc is last:  # a merged cell is repeated once per grid column
                continue
            last = cell._tc
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            rows.append(" | ".join(cells))
    return rows
