"""The bundled corpus end to end through clean -> structure -> chunks (files only, no models)."""

from __future__ import annotations

import re

import pytest

from core.models import Chunk, DocumentInfo, DocumentKind, LoadedDocument
from core.settings import REPO_ROOT, ChunkingSettings
from ingest.chunker import chunk_document
from ingest.clean import clean_pages

pytestmark = pytest.mark.unit

CORPUS = REPO_ROOT / "corpus"


def load(name: str, kind: DocumentKind, short_name: str) -> LoadedDocument:
    raw = (CORPUS / name).read_text(encoding="utf-8")
    result = clean_pages([(None, raw)])
    info = DocumentInfo(doc_id=name.split(".")[0], title=short_name, short_name=short_name, kind=kind)
    return LoadedDocument(info, result.text, result.pages, "f" * 64, result.warnings)


@pytest.fixture(scope="module")
def guide() -> LoadedDocument:
    return load("veileder-laering-og-kompetanseutvikling.txt", "guide", "Veilederen")


@pytest.fixture(scope="module")
def law() -> LoadedDocument:
    return load("arbeidsmiljoloven-utdrag.md", "law", "Arbeidsmiljøloven")


@pytest.fixture(scope="module")
def guide_chunks(guide: LoadedDocument) -> list[Chunk]:
    return chunk_document(guide)


@pytest.fixture(scope="module")
def law_chunks(law: LoadedDocument) -> list[Chunk]:
    return chunk_document(law)


def labelled(chunks: list[Chunk], label: str) -> list[Chunk]:
    return [c for c in chunks if c.provision == label]


def joined(chunks: list[Chunk]) -> str:
    return " ".join(c.text for c in chunks)


def test_hta_3_2_long_quote(guide_chunks: list[Chunk]) -> None:
    chunks = labelled(guide_chunks, "HTA kap. 3 pkt. 3.2")
    short = [c for c in chunks if "Roller" in c.section]
    long = [c for c in chunks if "Roller" not in c.section]
    assert len(short) == 1 and short[0].text.startswith("HTA kap. 3.2 Lokal lønnspolitikk:")
    assert len(long) == 2
    text = joined(long)
    assert long[0].text.startswith("HTA kap. 3.2 Lokal lønnspolitikk\n\nHovedtariffavtalens lønnssystem")
    assert long[1].heading == "HTA kap. 3.2 Lokal lønnspolitikk"
    for expected in (
        "- motivere til mer heltid",
        "Det gjennomføres årlige drøftingsmøter om rekrutteringssituasjonen",
        "- vise hvordan ønsket og tilegnet kompetanse gir lønnsmessig uttelling.",
    ):
        assert expected in text
    assert long[-1].text.endswith(
        "Arbeidstakere i foreldrepermisjoner og andre lønnede permisjoner omfattes av lokale forhandlinger."
    )
    assert "Det er også nedfelt" not in text


def test_hta_3_3(guide_chunks: list[Chunk]) -> None:
    chunks = labelled(guide_chunks, "HTA kap. 3 pkt. 3.3")
    assert chunks[0].text.startswith(
        "3.3 Kompetanse – læring og utvikling\n\nKompetanse og kompetanseutvikling"
    )
    assert chunks[-1].text.endswith(
        "skal det utarbeides en plan for gjennomføring av kompetansehevende tiltak."
    )
    assert "Dette gjelder både videregående opplæring" in joined(chunks)
    assert "Medarbeidersamtalen" not in joined(chunks)


def test_hta_14_2(guide_chunks: list[Chunk]) -> None:
    (chunk,) = labelled(guide_chunks, "HTA kap. 1 pkt. 14.2")
    assert chunk.text.startswith(
        "14.2 Utdanningspermisjon\n\nRett til utdanningspermisjon reguleres av arbeidsmiljøloven § 12-11."
    )
    assert chunk.text.endswith("gis ny fridag som kompensasjon.")
    assert chunk.section_path == ("Medarbeidersamtalen", "14.2 Utdanningspermisjon")
    assert chunk.references == ("aml. § 12-11",)
    assert "10-faktor" not in chunk.text


def test_hta_4_2_4_with_merknad(guide_chunks: list[Chunk]) -> None:
    (chunk,) = labelled(guide_chunks, "HTA kap. 4 pkt. 4.2.4")
    assert chunk.text.startswith("HTA kap. 4.2.4 Kompetanse\n\nPartene lokalt kan")
    assert "Merknad" in chunk.text
    assert "I henhold til kapittel 3.2 legges den lokale lønnspolitikken til grunn" in chunk.text
    assert chunk.text.endswith("Dersom arbeids- og ansvarsområdet er endret kan det forhandles etter 4.2.2.")
    assert "Også for arbeidstakere" not in chunk.text
    assert chunk.references == ("HTA kap. 3 pkt. 3.2", "HTA kap. 3 pkt. 3.3", "HTA kap. 4 pkt. 4.2.2")


def test_aml_12_11_all_ledd(law_chunks: list[Chunk]) -> None:
    chunks = labelled(law_chunks, "aml. § 12-11")
    assert [c.section_path[-1] for c in chunks] == [f"({n})" for n in range(1, 7)]
    assert chunks[0].text.startswith(
        "## § 12-11. Utdanningspermisjon\n\n(1) Arbeidstaker som har vært i arbeidslivet"
    )
    for chunk in chunks[1:]:
        assert chunk.heading == "§ 12-11. Utdanningspermisjon"
    third = chunks[2].text
    assert "(3) Arbeidstaker som har hatt utdanningspermisjon" in third
    assert "a. dobbelt så lang tid" in third and "b. minst ett år fra den foregående permisjonen" in third
    assert chunks[2].section_path == ("Arbeidsmiljøloven", "§ 12-11. Utdanningspermisjon", "(3)")


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("aml. § 12-14", "Tvist om rett til permisjon etter dette kapittel avgjøres av tvisteløsningsnemnda"),
        ("aml. § 14-6", "p. rett til kompetanseutvikling som arbeidsgiver eventuelt tilbyr"),
        ("aml. § 17-2", "Fristen for å bringe tvisten inn for domstolene er åtte uker"),
    ],
)
def test_other_law_provisions(law_chunks: list[Chunk], label: str, expected: str) -> None:
    chunks = labelled(law_chunks, label)
    assert chunks and all(c.chunk_type == "provision" for c in chunks)
    assert expected in joined(chunks)


def test_references_are_recorded_not_headings(guide_chunks: list[Chunk]) -> None:
    intro = next(c for c in guide_chunks if "Vi oppfordrer ledere" in c.text)
    assert intro.provision is None and "HTA kap. 3 pkt. 3.3" in intro.references
    roles = next(c for c in guide_chunks if "Partene drøfter i fellesskap" in c.text)
    assert roles.provision is None and "HTA kap. 3 pkt. 3.2" in roles.references
    for chunk in guide_chunks:
        assert not (chunk.heading or "").lower().startswith(("jf", "se "))
        assert not any(part.lower().startswith("jf") for part in chunk.section_path)


def test_cleaning_artefacts_are_gone(guide: LoadedDocument, guide_chunks: list[Chunk]) -> None:
    text = " ".join(c.text for c in guide_chunks)
    assert text.count("Ved en politisk forankring vil også ressursbehov") == 1
    assert any("gjentatt avsnitt" in w for w in guide.warnings)
    assert "Dette gjelder både" in text and "g jelder" not in text
    assert "Rekrutteringssituasjonen" in text
    assert "Teknologi kan gi nye muligheter" in text and "Teknologi1" not in text
    assert "Digitale læringsformer" in text
    for chunk in guide_chunks:
        assert not re.search(r"https?://|www\.|\.no/", chunk.text), chunk.text


def test_every_chunk_is_complete_and_bounded(
    guide: LoadedDocument, law: LoadedDocument, guide_chunks: list[Chunk], law_chunks: list[Chunk]
) -> None:
    squeeze = re.compile(r"\s+")
    for doc, chunks in ((guide, guide_chunks), (law, law_chunks)):
        assert squeeze.sub("", "".join(doc.text[c.char_start : c.char_end] for c in chunks)) == squeeze.sub(
            "", doc.text
        )
        for chunk in chunks:
            # packed up to max_chars; a short last piece may join the one before up to 1.25 x max_chars
            limit = ChunkingSettings().max_chars * 1.25
            assert chunk.char_end - chunk.char_start <= limit
            assert chunk.page_start is None and chunk.page_label == ""
    assert len({c.chunk_id for c in guide_chunks + law_chunks}) == len(guide_chunks) + len(law_chunks)


PAGE_1 = """Hovedtariffavtalen i KS-området 2024-2026
Kapittel 1 Fellesbestemmelser
§ 14 Permisjoner
14.1 Velferdspermisjon
Arbeidstaker kan innvilges velferdspermisjon med lønn etter reglene i dette punkt, jf. pkt.
14.2 og arbeidsmiljøloven § 12-11. Søknad skal være skriftlig.
14.2 Utdanningspermisjon
Rett til utdanningspermisjon reguleres av arbeidsmiljøloven § 12-11.
Hvis det, i forbindelse med utdannelse som er av verdi både for arbeidstakeren og
"""
PAGE_2 = """arbeidsgiver, er nødvendig med hel eller delvis permisjon, skal dette innvilges, med
mindre særlige grunner er til hinder for det.
Kapittel 3 Lokal lønnsdannelse
3.2 Lokal lønnspolitikk
Hovedtariffavtalens lønnssystem forutsetter at det utarbeides en lokal lønnspolitikk.
Kapittel 4 Særlige bestemmelser
4.2 Lønnsforhandlinger
4.2.4 Kompetanse
Partene lokalt kan uavhengig av øvrige forhandlingsbestemmelser forhandle om endret lønn
når en arbeidstaker har gjennomført relevant etter-/videreutdanning.
Merknad:
I henhold til kapittel 3.2 legges den lokale lønnspolitikken til grunn for forhandlingene.
Dersom arbeids- og ansvarsområdet er endret kan det forhandles etter 4.2.2.
"""


def test_synthetic_hta_pdf_text_with_a_provision_over_a_page_break() -> None:
    result = clean_pages([(1, PAGE_1), (2, PAGE_2)])
    info = DocumentInfo("hta", "Hovedtariffavtalen", "HTA", "agreement")
    doc = LoadedDocument(info, result.text, result.pages, "a" * 64)
    chunks = chunk_document(doc)
    by_label = {c.provision: c for c in chunks}
    assert list(by_label) == [
        "HTA kap. 1 pkt. 14.1",
        "HTA kap. 1 pkt. 14.2",
        "HTA kap. 3 pkt. 3.2",
        "HTA kap. 4 pkt. 4.2.4",
    ]
    velferd = by_label["HTA kap. 1 pkt. 14.1"]
    assert velferd.references == ("HTA kap. 1 pkt. 14.2", "aml. § 12-11")
    assert "14.2 og arbeidsmiljøloven" in velferd.text  # a wrapped reference is not a heading
    permisjon = by_label["HTA kap. 1 pkt. 14.2"]
    assert permisjon.text.startswith("14.2 Utdanningspermisjon\n\nRett til utdanningspermisjon")
    assert "verdi både for arbeidstakeren og arbeidsgiver, er nødvendig" in permisjon.text
    assert (permisjon.page_start, permisjon.page_end) == (1, 2)
    assert permisjon.section_path == (
        "Hovedtariffavtalen i KS-området 2024-2026",
        "Kapittel 1 Fellesbestemmelser",
        "§ 14 Permisjoner",
        "14.2 Utdanningspermisjon",
    )
    lonn = by_label["HTA kap. 3 pkt. 3.2"]
    assert lonn.section_path[1:] == ("Kapittel 3 Lokal lønnsdannelse", "3.2 Lokal lønnspolitikk")
    assert (lonn.page_start, lonn.page_end) == (2, 2)
    kompetanse = by_label["HTA kap. 4 pkt. 4.2.4"]
    assert "Merknad:" in kompetanse.text and kompetanse.text.endswith("forhandles etter 4.2.2.")
    assert kompetanse.references == ("HTA kap. 3 pkt. 3.2", "HTA kap. 4 pkt. 4.2.2")
    assert velferd.page_start == 1
