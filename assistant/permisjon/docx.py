"""Word (.docx) versions of the drafts, written with python-docx from their Markdown."""

from __future__ import annotations

import io
import re

from docx import Document


def _add_runs(paragraph: object, text: str) -> None:
    # **bold** spans become bold runs; everything else is plain text.
    for i, part in enumerate(re.split(r"\*\*", text)):
        if part:
            paragraph.add_run(part).bold = i % 2 == 1  # type: ignore[attr-defined]


# Characters that XML 1.0 (and so a .docx) cannot hold: C0 controls other than tab/newline, surrogates, U+FFFE/F.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def markdown_to_docx(markdown: str) -> bytes:
    """The small Markdown subset the drafts use (headings, bullets, quotes, bold, rules) as .docx bytes.

    Characters a Word file cannot hold (control characters typed or pasted into a field) are left out.
    """
    markdown = _NOT_XML.sub("", markdown)
    doc = Document()
    for raw in markdown.splitlines():
        line = raw.rstrip()
        if not line.strip() or line.strip() == "---":
            continue
        if line.startswith("# "):
            doc.add_heading(line[2:].strip(), level=1)
        elif line.startswith("- [ ] "):
            _add_runs(doc.add_paragraph(style="List Bullet"), "☐ " + line[6:])
        elif line.startswith("- "):
            _add_runs(doc.add_paragraph(style="List Bullet"), line[2:])
        elif line.startswith("> "):
            _add_runs(doc.add_paragraph(style="Intense Quote"), line[2:])
        else:
            _add_runs(doc.add_paragraph(), line.strip())
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
