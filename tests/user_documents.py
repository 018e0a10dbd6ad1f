"""Generators of the documents union representatives add: a Hovedavtalen-style PDF, a full-HTA-style PDF
and a municipality's kompetanseplan (DOCX).

Each writes a real file (see :mod:`tests.pdfs`) with fixed strings the tests assert on, æøå throughout.
The provision numbers and the pages they start on are listed next to each generator.
"""

from __future__ import annotations

from pathlib import Path

from tests.pdfs import make_pdf

HA_TITLE = "Hovedavtalen KS 2024–2025 (syntetisk testutgave)"
# label -> first page; § 3-5 runs across the break between pages 2 and 3.
HA_PROVISIONS = {"HA § 1-1": 1, "HA § 1-2": 1, "HA § 3-4": 2, "HA § 3-5": 2, "HA § 3-6": 3}
HA_35_ACROSS_BREAK = ("Permisjonen gjelder også for møter i", "forhandlingsutvalg og styrer")


def ha_pages() -> list[str]:
    """Three pages: del A (§ 1-1, § 1-2. with a period), del B (§ 3-4, § 3-5. across a page break, § 3-6)."""
    page1 = "\n".join(
        [
            HA_TITLE,
            "",
            "Del A Alminnelige bestemmelser",
            "",
            "§ 1-1 Formål",
            "Hovedavtalen skal bidra til et godt samarbeid mellom arbeidsgiver og de ansattes "
            "organisasjoner, slik at tjenestene utvikles til beste for innbyggerne.",
            "",
            "§ 1-2. Virkeområde",
            "Avtalen gjelder for alle arbeidstakere i kommunen, jf. § 3-4 om opplæring av "
            "tillitsvalgte. Særlige regler for ansatte på øyer og i fjellbygder avtales lokalt.",
        ]
    )
    page2 = "\n".join(
        [
            "Del B Tillitsvalgte og arbeidsgivers rettigheter",
            "",
            "§ 3-4 Opplæring av tillitsvalgte",
            "Tillitsvalgte skal gis nødvendig opplæring for å kunne utføre vervet. Arbeidsgiver dekker "
            "utgiftene til opplæringen, jf. § 3-5 om permisjon.",
            "",
            "§ 3-5. Permisjon for tillitsvalgte",
            "Tillitsvalgte får fri med lønn for å delta på kurs og konferanser som organisasjonen "
            "arrangerer, når særlige forhold ikke er til hinder for det.",
            HA_35_ACROSS_BREAK[0],
        ]
    )
    page3 = "\n".join(
        [
            HA_35_ACROSS_BREAK[1] + " der tillitsvalgte er valgt. Søknad om fri sendes i god tid, "
            "og svaret gis skriftlig.",
            "",
            "§ 3-6 Tillitsvalgtes arbeidssituasjon",
            "Tillitsvalgte skal ikke få dårligere lønns- og arbeidsvilkår på grunn av vervet, se § 3-5 "
            "og arbeidsmiljøloven § 12-11 om utdanningspermisjon.",
        ]
    )
    return [page1, page2, page3]


def make_ha_pdf(path: Path) -> Path:
    """Write the Hovedavtalen-style PDF (see :func:`ha_pages`)."""
    return make_pdf(path, ha_pages(), title=HA_TITLE)


FULL_HTA_TITLE = "Hovedtariffavtalen i KS 2024–2026 (syntetisk fullversjon)"
# label -> first page ("Kapittel 1" and "§ 14" have no body: their headings open 14.1's chunk)
FULL_HTA_PROVISIONS = {
    "HTA kap. 1 pkt. 14.1": 1,
    "HTA kap. 1 pkt. 14.2": 1,
    "HTA kap. 1 pkt. 14.3": 2,
    "HTA kap. 3 pkt. 3.3": 2,
    "HTA kap. 4 pkt. 4.2": 3,
}


def full_hta_pages() -> list[str]:
    """Three pages: kap. 1 with § 14 and 14.1–14.3 (14.3 on page 2), kap. 3 with 3.3, kap. 4 with 4.2 + Merknad."""
    page1 = "\n".join(
        [
            FULL_HTA_TITLE,
            "",
            "Kapittel 1 Generelle bestemmelser",
            "",
            "§ 14 Permisjoner",
            "",
            "14.1 Velferdspermisjon",
            "Arbeidstaker kan få velferdspermisjon med lønn når særlige forhold tilsier det, "
            "for eksempel ved sykdom i nær familie eller ved flytting til ny bolig på Røros.",
            "",
            "14.2 Utdanningspermisjon",
            "Arbeidstaker som skal ta relevant utdanning, kan få permisjon med lønn når arbeidsgiver "
            "har behov for kompetansen, jf. kapittel 3 pkt. 3.3 om kompetanseutvikling.",
        ]
    )
    page2 = "\n".join(
        [
            "14.3 Permisjon ved opptak til annen stilling",
            "Arbeidstaker som får midlertidig stilling i en annen kommune, kan få permisjon uten lønn "
            "i inntil ett år.",
            "",
            "Kapittel 3 Lokal lønnsdannelse",
            "",
            "3.3 Kompetanse – læring og utvikling",
            "Arbeidsgiver skal sammen med de tillitsvalgte kartlegge behovet for kompetanse og lage en "
            "plan for hvordan behovet skal dekkes, se pkt. 14.2.",
        ]
    )
    page3 = "\n".join(
        [
            "Kapittel 4 Særlige bestemmelser",
            "",
            "4.2 Lønnsplassering ved fullført videreutdanning",
            "Arbeidstaker som har fullført videreutdanning av minst 30 studiepoengs omfang etter avtale "
            "med arbeidsgiver, skal gis lønnsmessig uttelling etter lokale forhandlinger.",
            "",
            "Merknad:",
            "Uttellingen gis fra måneden etter at utdanningen er dokumentert. Særavtaler om "
            "bindingstid gjelder i tillegg.",
        ]
    )
    return [page1, page2, page3]


def make_full_hta_pdf(path: Path) -> Path:
    """Write the full-HTA-style PDF (see :func:`full_hta_pages`)."""
    return make_pdf(path, full_hta_pages(), title=FULL_HTA_TITLE)


PLAN_TITLE = "Kompetanseplan for Ørsta kommune 2025–2028"
PLAN_PROVISIONS = (
    "Kompetanseplan pkt. 1",
    "Kompetanseplan pkt. 2",
    "Kompetanseplan pkt. 2.1",
    "Kompetanseplan pkt. 3",
)


def make_plan_docx(path: Path) -> Path:
    """Write the kompetanseplan: numbered headings 1, 2, 2.1, 3 (Word heading styles), a numbered
    list "1. ..", "2. .." that is no heading, and references to its own points and to HA § 3-5."""
    import docx

    document = docx.Document()
    document.core_properties.title = PLAN_TITLE
    document.add_heading(PLAN_TITLE, level=0)
    document.add_heading("1 Formål", level=1)
    document.add_paragraph(
        "Planen skal sikre at kommunen har riktig kompetanse i årene som kommer. Tiltakene er "
        "beskrevet i pkt. 3, og planen bygger på Hovedtariffavtalen kapittel 3 pkt. 3.3."
    )
    document.add_heading("2 Kartlegging av behov", level=1)
    document.add_paragraph("Behovet kartlegges hvert år i medarbeidersamtalen.")
    document.add_heading("2.1 Tillitsvalgtes rolle", level=2)
    document.add_paragraph(
        "Tillitsvalgte deltar i kartleggingen og får fri etter Hovedavtalen § 3-5. Slik går vi fram:"
    )
    document.add_paragraph("1. Lederen kaller inn til møte")
    document.add_paragraph("2. Behovene føres inn i skjemaet")
    document.add_heading("3 Stipend til videreutdanning", level=1)
    document.add_paragraph(
        "Ansatte som tar videreutdanning som kommunen har behov for, kan få stipend på inntil "
        "20 000 kroner i året. Søknad sendes til personalavdelingen innen 1. mars, jf. punkt 2.1."
    )
    document.save(str(path))
    return path
