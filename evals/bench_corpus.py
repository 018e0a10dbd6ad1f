"""The benchmark's generated corpora: ``scale`` variants of the bundled texts, as .txt/.md and real PDF files.

Scale 1 is the bundled corpus unchanged. Above it every sentence of a variant is tagged ("… (utgave 3)."),
so no sentence or chunk repeats across variants and ingest cannot reuse a vector it has seen
(:mod:`evals.bench` measures embedding, not reuse).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

__all__ = ["PAGE_CHARS", "dir_size", "make_corpus"]

PAGE_CHARS = 3000  # a text file counts one page per 3,000 characters
PDF_LINES_PER_PAGE = 48


def dir_size(path: Path) -> int:
    """Bytes of all files under ``path`` (0 if missing)."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


_SENTENCE_END = re.compile(r"[.!?:]+[\"»”')\]]*$")


def _variant_text(text: str, variant: int) -> str:
    """The text with every sentence tagged ("… permisjon (utgave 3)."), so each variant's sentences and
    chunks differ: ingest embeds sentences and reuses the vector of a text it has seen, so a variant
    that repeated them would measure reuse, not embedding."""
    from core.sentences import split_sentences

    tag = f" (utgave {variant})"
    out: list[str] = []
    last = 0
    for span in split_sentences(text):
        end = _SENTENCE_END.search(span.text)
        cut = span.start + (end.start() if end else len(span.text))
        out.append(text[last:cut] + tag)
        last = cut
    out.append(text[last:])
    return "".join(out)


def _write_pdf(path: Path, text: str) -> int:
    """Write ``text`` as a real PDF with reportlab; returns the page count."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = "Helvetica"
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if dejavu.exists():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(dejavu)))
        font = "DejaVuSans"
    lines = [w for line in text.splitlines() for w in (textwrap.wrap(line, 95) or [""])]
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pages = 0
    for start in range(0, len(lines), PDF_LINES_PER_PAGE):
        pdf.setFont(font, 10)
        y = 800
        for line in lines[start : start + PDF_LINES_PER_PAGE]:
            pdf.drawString(50, y, line)
            y -= 15
        pdf.showPage()
        pages += 1
    pdf.save()
    return pages


def make_corpus(source_dir: Path, target: Path, scale: int) -> dict[str, int]:
    """Write ``scale`` variants of every source text into ``target`` (odd variants as PDF).

    Scale 1 copies the files unchanged. Returns counts: files, pages, chars.
    """
    target.mkdir(parents=True, exist_ok=True)
    sources = sorted(p for p in source_dir.iterdir() if p.suffix.lower() in (".txt", ".md"))
    files = pages = chars = 0
    for src in sources:
        text = src.read_text(encoding="utf-8")
        for variant in range(1, scale + 1):
            body = text if scale == 1 else _variant_text(text, variant)
            if scale > 1 and variant % 2 == 1:
                pages += _write_pdf(target / f"{src.stem}-{variant:03d}.pdf", body)
            else:
                name = src.name if scale == 1 else f"{src.stem}-{variant:03d}{src.suffix}"
                (target / name).write_text(body, encoding="utf-8")
                pages += max(1, -(-len(body) // PAGE_CHARS))
            files += 1
            chars += len(body)
    return {"files": files, "pages": pages, "chars": chars}
