"""Generators of real test documents: PDFs (reportlab, pypdf) and DOCX (python-docx).

(About 490 lines, over the 400-line guide: one small generator per kind of real or broken file, plus
the HTA test text; the tests reach every file kind through this one module.)

Every generator writes a real file that the loaders read exactly as they would a
user's file, and returns its path. Text uses DejaVu Sans when it is installed (a
TrueType font with æøå and the other glyphs used here); otherwise reportlab's
built-in Helvetica, whose WinAnsi encoding covers æøå, "§", "–" and "•" too.

The generators are deterministic (same input, same text); they are shared by the
tests of the loaders, the structure parser, the chunker and the pipeline.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_SIZE = 11
LEADING = 14
MARGIN = 60

# The synthetic HTA: fixed strings other tests can assert on.
HTA_TITLE = "Hovedtariffavtalen 1.5.2024–30.4.2026 (syntetisk testutgave)"
HTA_HEADER = "Hovedtariffavtalen 2024–2026"
HTA_PAGES = 6
HTA_142_START = "a) Arbeidstaker som har vært ansatt"
HTA_142_ACROSS_BREAK = ("og skal drøftes med de tillitsvalgte før", "søknadsfristen går ut.")

_font_name: str | None = None


def font_name() -> str:
    """Register and return the font used for text: DejaVuSans if present, else Helvetica."""
    global _font_name
    if _font_name is None:
        if DEJAVU.is_file():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(DEJAVU)))
            _font_name = "DejaVuSans"
        else:
            _font_name = "Helvetica"
    return _font_name


def _wrap(text: str, width: float) -> list[str]:
    """Split ``text`` into lines that fit ``width`` points; keep empty lines."""
    lines: list[str] = []
    for raw in text.split("\n"):
        if not raw.strip():
            lines.append("")
            continue
        lines.extend(simpleSplit(raw, font_name(), FONT_SIZE, width))
    return lines


def _draw_page(
    pdf: canvas.Canvas, text: str, *, header: str = "", footer: str = "", max_lines: int | None = None
) -> None:
    """Draw one page of wrapped text (plus optional running header and footer) and end the page."""
    width, height = A4
    lines = _wrap(text, width - 2 * MARGIN)
    capacity = int((height - 2 * MARGIN) // LEADING)
    if len(lines) > (max_lines or capacity):
        raise ValueError(f"page text needs {len(lines)} lines, only {capacity} fit on a page")
    pdf.setFont(font_name(), FONT_SIZE)
    if header:
        pdf.drawString(MARGIN, height - MARGIN / 2, header)
    y = height - MARGIN
    for line in lines:
        if line:
            pdf.drawString(MARGIN, y, line)
        y -= LEADING
    if footer:  # drawn last, so extraction yields it after the body, as in most real PDFs
        pdf.drawCentredString(width / 2, MARGIN / 2, footer)
    pdf.showPage()


def make_pdf(path: Path, pages: Sequence[str], *, title: str = "") -> Path:
    """Write a PDF with one page per string in ``pages`` (long lines are wrapped).

    An empty string gives a page without any text. ``title`` sets the PDF metadata
    title. Raises ValueError when a page's text does not fit on one A4 page.
    """
    pdf = canvas.Canvas(str(path), pagesize=A4, pageCompression=0, invariant=1)
    if title:
        pdf.setTitle(title)
    for text in pages:
        _draw_page(pdf, text)
    pdf.save()
    return path


def hta_pages() -> list[str]:
    """The page texts of the synthetic HTA (before header/footer), six pages.

    Built to exercise legal-text handling: "14.2 Utdanningspermisjon" runs across
    the break between pages 1 and 2; chapter 3 holds cross-references ("jf. pkt.
    3.3", "jf. kapittel 4 pkt. 4.2.4"), one of them wrapped so that a line starts
    with "3.3 " although it is no heading; chapter 4 has "4.2.4 Kompetanse" with a
    "Merknad:".
    """
    page1 = "\n".join(
        [
            HTA_TITLE,
            "",
            "Kapittel 1 Fellesbestemmelser",
            "",
            "§ 14 Permisjoner",
            "",
            "14.1 Velferdspermisjon",
            "Arbeidstaker kan innvilges velferdspermisjon med lønn når særlige forhold tilsier det. "
            "Søknad om permisjon skal være skriftlig, og svaret skal gis så snart som mulig.",
            "",
            "14.2 Utdanningspermisjon",
            f"{HTA_142_START} i minst to år, og som skal ta utdanning som er "
            "relevant for stillingen, kan få permisjon med lønn. Arbeidsgiver avgjør søknaden ut fra "
            "virksomhetens behov for kompetanse, slik dette går fram av kompetanseplanen.",
            "",
            "b) Ved permisjon for å ta utdanning som arbeidsgiver har behov for, gis det lønn under "
            "permisjonen. Det kan inngås avtale om bindingstid, som ikke kan være lengre enn to år.",
            "",
            "c) Arbeidstaker som får permisjon uten lønn for å ta utdanning, har rett til å gå tilbake "
            "til sin stilling. Retten gjelder også når utdanningen er avbrutt før tiden.",
            "",
            "d) Rutiner for søknad om utdanningspermisjon fastsettes lokalt",
            HTA_142_ACROSS_BREAK[0],
        ]
    )
    page2 = "\n".join(
        [
            HTA_142_ACROSS_BREAK[1] + " Søknader behandles i den rekkefølgen de kommer inn, og avslag "
            "skal grunngis skriftlig dersom arbeidstaker ber om det.",
            "",
            "e) Retten til utdanningspermisjon etter arbeidsmiljøloven § 12-11 gjelder i tillegg til "
            "bestemmelsene her.",
            "",
            "14.3 Permisjon ved opptak til annen stilling",
            "Arbeidstaker som får midlertidig stilling i en annen kommune, kan få permisjon uten lønn i "
            "inntil ett år. Permisjonen forlenges ikke automatisk.",
        ]
    )
    page3 = "\n".join(
        [
            "Kapittel 3 Lokal lønnsdannelse",
            "",
            "3.1 Innledning",
            "Partene er enige om at lønn er et viktig virkemiddel for å rekruttere og beholde "
            "medarbeidere med riktig kompetanse. Lokal lønnsdannelse skal bygge på lokale forhold.",
            "",
            "3.2 Lokal lønnspolitikk",
            "Arbeidsgiver skal drøfte den lokale lønnspolitikken med de tillitsvalgte. Lønnspolitikken "
            "skal bidra til at virksomheten når sine mål, og skal sees i sammenheng med "
            "arbeidsgiverens planer for kompetanseutvikling, jf. pkt.",
            "3.3 om kompetanse, læring og utvikling.",
            "",
            "Ved lokale forhandlinger skal det tas hensyn til om arbeidstaker har gjennomført etter- "
            "og videreutdanning, jf. kapittel 4 pkt. 4.2.4.",
        ]
    )
    page4 = "\n".join(
        [
            "3.3 Kompetanse – læring og utvikling",
            "Kompetanse er avgjørende for kvaliteten på tjenestene. Læring skjer først og fremst i det "
            "daglige arbeidet, og arbeidsgiver skal legge til rette for at arbeidstakerne får brukt og "
            "utviklet sin kompetanse. Dette følges opp i medarbeidersamtalen.",
            "",
            "3.3.1 Kompetanseplan",
            "Arbeidsgiver skal i samarbeid med de tillitsvalgte kartlegge virksomhetens behov for "
            "kompetanse og utarbeide en plan for hvordan behovet skal dekkes. Planen skal omfatte "
            "læring i arbeid, etter- og videreutdanning og øvrig kompetanseheving, jf. pkt. 3.3.",
            "",
            "3.3.2 Arbeidstakers ansvar",
            "Arbeidstaker har et selvstendig ansvar for egen læring og utvikling, og skal delta i de "
            "tiltakene som avtales. Kostnadene ved pålagt opplæring dekkes av arbeidsgiver.",
        ]
    )
    page5 = "\n".join(
        [
            "Kapittel 4 Særlige bestemmelser",
            "",
            "4.1 Virkeområde",
            "Bestemmelsene i dette kapitlet gjelder for stillinger som er nevnt i de enkelte punktene.",
            "",
            "4.2 Lønnsplassering",
            "Arbeidstakere i stillinger i dette kapitlet lønnes etter garantilønnssystemet.",
            "",
            "4.2.4 Kompetanse",
            "Arbeidstaker som gjennomfører relevant videreutdanning av minst 30 studiepoengs omfang som "
            "arbeidsgiver har behov for, skal gis lønnsmessig uttelling etter forhandlinger, "
            "jf. pkt. 3.3 og kapittel 3 pkt. 3.2.",
            "",
            "Merknad:",
            "Med relevant videreutdanning menes utdanning som er avtalt mellom arbeidsgiver og "
            "arbeidstaker, og som følger av virksomhetens kompetanseplan. Uttellingen gis fra den "
            "måneden utdanningen er fullført og dokumentert.",
        ]
    )
    page6 = "\n".join(
        [
            "4.2.5 Funksjoner",
            "Det kan avtales tillegg for særskilte funksjoner, for eksempel veiledning av nyansatte "
            "eller ansvar for opplæring på arbeidsplassen. Tillegget fastsettes lokalt.",
            "",
            "4.3 Ikrafttreden",
            "Avtalen gjelder fra 1. mai 2024 til og med 30. april 2026. Partene møtes ved behov for å "
            "drøfte spørsmål om forståelsen av avtalen, særlig om kompetansebestemmelsene.",
        ]
    )
    return [page1, page2, page3, page4, page5, page6]


def make_hta_pdf(path: Path, *, furniture: bool = True) -> Path:
    """Write the synthetic six-page HTA-style agreement (see :func:`hta_pages`).

    With ``furniture`` each page carries a running header (``HTA_HEADER``) and a
    footer "Side n av 6", as real KS PDFs do; extraction then yields them too.
    """
    pages = hta_pages()
    pdf = canvas.Canvas(str(path), pagesize=A4, pageCompression=0, invariant=1)
    pdf.setTitle("Hovedtariffavtalen 2024–2026")
    for number, text in enumerate(pages, start=1):
        header = HTA_HEADER if furniture else ""
        footer = f"Side {number} av {len(pages)}" if furniture else ""
        _draw_page(pdf, text, header=header, footer=footer)
    pdf.save()
    return path


_FILLER = (
    "Kommunen skal legge til rette for læring og kompetanseutvikling for alle ansatte.",
    "Medarbeidersamtalen er en god arena for å drøfte behovet for etter- og videreutdanning.",
    "Tillitsvalgte skal involveres tidlig når kompetanseplanen utarbeides og følges opp.",
    "Utdanningspermisjon gis etter reglene i arbeidsmiljøloven § 12-11 og tariffavtalen.",
    "Læring på arbeidsplassen skjer gjennom veiledning, hospitering og erfaringsdeling.",
    "Ledere har ansvar for å følge opp at kompetansetiltakene gir ønsket effekt i tjenestene.",
)


def large_page_text(number: int) -> str:
    """The deterministic text of page ``number`` of :func:`make_large_pdf`."""
    lines: list[str] = []
    if number % 5 == 1:
        lines += [f"Kapittel {number // 5 + 1} Kompetansearbeid i praksis, del {number // 5 + 1}", ""]
    for i in range(30):
        lines.append(f"{number}.{i + 1} {_FILLER[(number + i) % len(_FILLER)]}")
    return "\n".join(lines)


def make_large_pdf(path: Path, n_pages: int = 300) -> Path:
    """Write a text PDF of ``n_pages`` pages (~30 lines each) quickly, for timing and limits."""
    pdf = canvas.Canvas(str(path), pagesize=A4, pageCompression=0, invariant=1)
    pdf.setTitle("Stor testfil")
    font = font_name()
    height = A4[1]
    for number in range(1, n_pages + 1):
        pdf.setFont(font, FONT_SIZE)
        y = height - MARGIN
        for line in large_page_text(number).split("\n"):
            if line:
                pdf.drawString(MARGIN, y, line)
            y -= LEADING
        pdf.showPage()
    pdf.save()
    return path


def make_encrypted_pdf(
    path: Path, *, user_password: str = "hemmelig", owner_password: str = "eier", text: str = ""
) -> Path:
    """Write a one-page PDF encrypted with RC4-128 (readable without the cryptography package).

    With ``user_password=""`` anyone can open it (only the owner password is set),
    as in many "secured" PDFs from public bodies.
    """
    from pypdf import PdfReader, PdfWriter

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    _draw_page(pdf, text or "Fortrolig: lønnspolitikk for Eksempel kommune. Åpen for alle ansatte.")
    pdf.save()
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(buffer.getvalue())))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="RC4-128")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def make_scanned_pdf(path: Path, n_pages: int = 2) -> Path:
    """Write a PDF whose pages hold only drawn shapes, like a scan without a text layer."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4
    for page in range(n_pages):
        pdf.setFillGray(0.85)
        pdf.rect(MARGIN, MARGIN, width - 2 * MARGIN, height - 2 * MARGIN, fill=1, stroke=1)
        pdf.setFillGray(0.2)
        for row in range(40):  # "lines of text" as thin bars, as a scan renders them
            y = height - MARGIN - 20 - row * LEADING
            pdf.rect(MARGIN + 10, y, width - 2 * MARGIN - 20 - (row + page) % 7 * 30, 6, fill=1, stroke=0)
        pdf.circle(width / 2, MARGIN + 40, 20, fill=0)
        pdf.showPage()
    pdf.save()
    return path


def make_partly_scanned_pdf(path: Path) -> Path:
    """Write a three-page PDF whose middle page has no text (shapes only)."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    _draw_page(pdf, "Side én: kompetanseplanen for 2025 og 2026.")
    pdf.rect(MARGIN, MARGIN, 200, 300, fill=1)
    pdf.showPage()
    _draw_page(pdf, "Side tre: tiltak for læring på arbeidsplassen.")
    pdf.save()
    return path


def make_truncated_pdf(path: Path, fraction: float = 0.6) -> Path:
    """Write a text PDF cut off after ``fraction`` of its bytes, like an interrupted download."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=0, invariant=1)
    for number in range(1, 4):
        _draw_page(pdf, f"Side {number}. Lokal lønnspolitikk og kompetanseutvikling i kommunen.")
    pdf.save()
    data = buffer.getvalue()
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


def make_many_pages_pdf(path: Path, n: int) -> Path:
    """Write a PDF of ``n`` blank pages cheaply (pypdf's add_blank_page), for page limits."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(n):
        writer.add_blank_page(width=595, height=842)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def _raw_pdf(objects: Sequence[bytes], *, root: int = 1) -> bytes:
    """Assemble a syntactically valid PDF from numbered object bodies (1-based) with a correct xref."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    )
    return out.getvalue()


def make_nested_pdf(path: Path, depth: int = 100_000) -> Path:
    """Write a PDF bomb: a page whose resources hold arrays nested ``depth`` levels deep.

    Parsing it naively recurses once per level (a RecursionError in Python); the
    file is otherwise well-formed, with a text page, so only the nesting is bad.
    """
    stream = b"BT /F1 12 Tf 72 720 Td (Lokal kompetanseplan) Tj ET"
    nested = b"[" * depth + b"]" * depth
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /Bomb " + nested + b" >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    path.write_bytes(_raw_pdf(objects))
    return path


def make_recursive_pdf(path: Path, *, page_cycle: bool = False) -> Path:
    """Write a PDF bomb: a form XObject that draws itself; with ``page_cycle`` the page tree
    also lists itself as one of its own pages."""
    page_stream = b"BT /F1 12 Tf 72 720 Td (Kompetanse) Tj ET /X1 Do"
    form_stream = b"BT /F1 12 Tf 72 700 Td (Igjen) Tj ET /X1 Do"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>"
        if page_cycle
        else b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(page_stream) + page_stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >> /Length %d >>\nstream\n"
        % len(form_stream)
        + form_stream
        + b"\nendstream",
    ]
    path.write_bytes(_raw_pdf(objects))
    return path


def make_lying_count_pdf(path: Path, declared: int = 10_000_000) -> Path:
    """Write a one-page PDF whose page tree claims ``declared`` pages (a page-count bomb)."""
    stream = b"BT /F1 12 Tf 72 720 Td (Hei) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % declared,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    path.write_bytes(_raw_pdf(objects))
    return path


DOCX_TITLE = "Kompetanseplan for Eksempel kommune 2025–2028"


def make_docx(
    path: Path,
    *,
    title: str | None = DOCX_TITLE,
    with_table: bool = True,
    paragraphs: Sequence[str] = (),
) -> Path:
    """Write a Word document: headings (three levels, one via a Norwegian style name),
    paragraphs, a bullet list, a numbered list, a table, æøå throughout.

    ``title`` also becomes the core-properties title (None leaves it empty and
    puts no Title paragraph in). ``paragraphs`` replaces the default body text
    when given (then only those plain paragraphs are written).
    """
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    if title is not None:
        document.core_properties.title = title
    if paragraphs:
        for text in paragraphs:
            document.add_paragraph(text)
        document.save(str(path))
        return path
    # Norwegian Word templates name their heading styles "Overskrift n".
    norwegian = document.styles.add_style("Overskrift 3", WD_STYLE_TYPE.PARAGRAPH)
    norwegian.base_style = document.styles["Normal"]
    # A custom style based on a heading counts as that heading level.
    custom = document.styles.add_style("Kommunens overskrift", WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = document.styles["Heading 2"]

    if title is not None:
        document.add_heading(title, level=0)
    document.add_heading("1 Formål med planen", level=1)
    document.add_paragraph(
        "Planen skal sikre at kommunen har riktig kompetanse for å løse oppgavene, nå og i årene "
        "som kommer. Den bygger på Hovedtariffavtalen kapittel 3 pkt. 3.3."
    )
    document.add_heading("1.1 Hvem planen gjelder for", level=2)
    document.add_paragraph("Planen gjelder alle ansatte i helse- og omsorgstjenestene og skolene.")
    document.add_paragraph("Satsingsområdene er:")
    for item in ("Læring i arbeidshverdagen", "Etter- og videreutdanning", "Digital kompetanse for ledere"):
        document.add_paragraph(item, style="List Bullet")
    document.add_paragraph("Søknader om utdanningspermisjon", style="Overskrift 3")
    document.add_paragraph("Slik søker du:")
    for item in ("Avklar behovet i medarbeidersamtalen", "Send søknaden til nærmeste leder"):
        document.add_paragraph(item, style="List Number")
    document.add_paragraph("Tiltak og ansvar", style="Kommunens overskrift")
    if with_table:
        table = document.add_table(rows=3, cols=3)
        rows = (
            ("Tiltak", "Ansvar", "Frist"),
            ("Kartlegge kompetansebehov", "Rådmannen", "1. mars"),
            ("Drøfte planen med tillitsvalgte", "Personalsjefen", "15. april"),
        )
        for row, values in zip(table.rows, rows, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    document.add_paragraph("Planen evalueres årlig i samarbeid med de tillitsvalgte.")
    document.save(str(path))
    return path
