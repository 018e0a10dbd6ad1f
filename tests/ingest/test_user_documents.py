"""The documents union representatives add, read from real generated files: each provision is its own
labelled chunk with the right page, and cross-references are recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.models import Chunk, DocumentInfo, DocumentKind
from core.settings import Settings
from ingest.chunker import chunk_document
from ingest.loaders import load_document
from ingest.metadata import derive_info
from tests.user_documents import (
    FULL_HTA_PROVISIONS,
    HA_35_ACROSS_BREAK,
    HA_PROVISIONS,
    PLAN_PROVISIONS,
    make_full_hta_pdf,
    make_ha_pdf,
    make_plan_docx,
)

pytestmark = pytest.mark.integration


def chunks_of(path: Path, settings: Settings, kind: DocumentKind | None, short_name: str) -> list[Chunk]:
    if kind is None:
        info = derive_info(path)  # no manifest entry: short name and kind guessed from the file
    else:
        info = DocumentInfo(
            doc_id=path.stem, title=short_name, short_name=short_name, kind=kind, path=str(path)
        )
    return chunk_document(load_document(path, info, settings))


def first_pages(chunks: list[Chunk]) -> dict[str, int | None]:
    pages: dict[str, int | None] = {}
    for chunk in chunks:
        if chunk.provision and chunk.provision not in pages:
            pages[chunk.provision] = chunk.page_start
    return pages


def by_label(chunks: list[Chunk], label: str) -> list[Chunk]:
    return [c for c in chunks if c.provision == label]


def test_hovedavtalen_pdf(tmp_path: Path, settings: Settings) -> None:
    chunks = chunks_of(make_ha_pdf(tmp_path / "hovedavtalen.pdf"), settings, "agreement", "Hovedavtalen")
    assert first_pages(chunks) == HA_PROVISIONS
    assert all(c.provision for c in chunks)  # the title and "Del A" sit in the first provision's chunk
    # Each provision is one chunk; § 3-5 runs across the page break and keeps its whole text.
    assert [len(by_label(chunks, label)) for label in HA_PROVISIONS] == [1] * len(HA_PROVISIONS)
    permisjon = by_label(chunks, "HA § 3-5")[0]
    assert (permisjon.page_start, permisjon.page_end) == (2, 3)
    assert HA_35_ACROSS_BREAK[0] in permisjon.text and HA_35_ACROSS_BREAK[1] in permisjon.text
    assert permisjon.text.startswith("§ 3-5. Permisjon for tillitsvalgte")
    assert permisjon.section_path[1] == "Del B Tillitsvalgte og arbeidsgivers rettigheter"
    assert by_label(chunks, "HA § 1-2")[0].section_path[1] == "Del A Alminnelige bestemmelser"
    # Cross-references: "jf. § 3-4" inside the agreement is its own, "arbeidsmiljøloven § 12-11" the law's.
    assert by_label(chunks, "HA § 1-2")[0].references == ("HA § 3-4",)
    assert by_label(chunks, "HA § 3-4")[0].references == ("HA § 3-5",)
    assert by_label(chunks, "HA § 3-6")[0].references == ("HA § 3-5", "aml. § 12-11")


def test_full_hta_pdf(tmp_path: Path, settings: Settings) -> None:
    chunks = chunks_of(make_full_hta_pdf(tmp_path / "hta.pdf"), settings, "agreement", "HTA")
    assert first_pages(chunks) == FULL_HTA_PROVISIONS
    first = by_label(chunks, "HTA kap. 1 pkt. 14.1")[0]
    # "Kapittel 1" and "§ 14" have no body of their own: their headings open 14.1's chunk.
    assert first.section_path[1:] == (
        "Kapittel 1 Generelle bestemmelser",
        "§ 14 Permisjoner",
        "14.1 Velferdspermisjon",
    )
    assert "Røros" in first.text
    assert by_label(chunks, "HTA kap. 1 pkt. 14.3")[0].section_path[1] == "Kapittel 1 Generelle bestemmelser"
    lonn = by_label(chunks, "HTA kap. 4 pkt. 4.2")
    assert len(lonn) == 1 and "Merknad:" in lonn[0].text and "bindingstid" in lonn[0].text
    assert "HTA kap. 3 pkt. 3.3" in by_label(chunks, "HTA kap. 1 pkt. 14.2")[0].references
    assert by_label(chunks, "HTA kap. 3 pkt. 3.3")[0].references == ("HTA kap. 1 pkt. 14.2",)


def test_kompetanseplan_docx(tmp_path: Path, settings: Settings) -> None:
    path = make_plan_docx(tmp_path / "kompetanseplan-orsta.docx")
    info = derive_info(path)
    assert (info.short_name, info.kind) == ("Kompetanseplan", "other")
    chunks = chunks_of(path, settings, None, "")
    assert tuple(first_pages(chunks)) == PLAN_PROVISIONS
    stipend = by_label(chunks, "Kompetanseplan pkt. 3")
    assert len(stipend) == 1 and "20 000 kroner" in stipend[0].text
    assert stipend[0].references == ("Kompetanseplan pkt. 2.1",)
    rolle = by_label(chunks, "Kompetanseplan pkt. 2.1")[0]
    # The numbered list "1. Lederen ..." / "2. Behovene ..." is body text of 2.1, not headings.
    assert "1. Lederen kaller inn til møte" in rolle.text and "2. Behovene" in rolle.text
    assert rolle.section_path == ("2 Kartlegging av behov", "2.1 Tillitsvalgtes rolle")
    assert rolle.references == ("HA § 3-5",)
    assert by_label(chunks, "Kompetanseplan pkt. 1")[0].references == (
        "HTA kap. 3 pkt. 3.3",
        "Kompetanseplan pkt. 3",
    )
