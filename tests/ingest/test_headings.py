"""Heading recognition in the documents users add: own numbered sections, divisions, list numbering."""

from __future__ import annotations

import pytest

from core.models import DocumentInfo, DocumentKind, LoadedDocument
from ingest.clean import clean_pages
from ingest.headings import division_heading, local_heading, local_heading_flags, local_references
from ingest.structure import document_context, parse_structure

pytestmark = pytest.mark.unit


def make_doc(text: str, kind: DocumentKind, short_name: str, title: str = "") -> LoadedDocument:
    result = clean_pages([(None, text)])
    info = DocumentInfo(doc_id="d", title=title or short_name, short_name=short_name, kind=kind)
    return LoadedDocument(info=info, text=result.text, pages=result.pages, content_hash="h" * 64)


@pytest.mark.parametrize(
    ("line", "number", "kind"),
    [
        ("3 Stipend til videreutdanning", "3", "pkt"),
        ("# 3 Stipend til videreutdanning", "3", "pkt"),
        ("1.2. Mål for læring", "1.2", "pkt"),
        ("1.2.3 Ansvar for opplæring", "1.2.3", "pkt"),
        ("§ 2 Virkeområde", "2", "§"),
        ("§ 2. Virkeområde", "2", "§"),
    ],
)
def test_numbered_section_headings(line: str, number: str, kind: str) -> None:
    heading = local_heading(line)
    assert heading is not None and (heading.number, heading.kind) == (number, kind)


@pytest.mark.parametrize(
    "line",
    [
        "jf. pkt. 3 om stipend",
        "se pkt. 14.1 om velferdspermisjon",
        "3.3 om kompetanse, læring og utvikling.",  # a wrapped cross-reference
        "30 studiepoeng gir uttelling",
        "2025 Budsjett for opplæring",
        "1. mars er fristen for søknader om stipend til videreutdanning.",
        "20 000 kroner",
    ],
)
def test_references_sentences_and_amounts_are_no_headings(line: str) -> None:
    assert local_heading(line) is None


def test_consecutive_numbered_lines_are_a_list() -> None:
    lines = ["2 Kartlegging", "Tekst om det.", "1. Lederen kaller inn", "2. Behovene føres inn", "Slutt."]
    flags, listed = local_heading_flags(lines)
    assert flags[0] is not None and flags[0].number == "2"
    assert flags[2] is None and flags[3] is None and listed == {2, 3}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Del B", True),
        ("Del A Alminnelige bestemmelser", True),
        ("Kapittel 2 Lønn", True),
        ("Delmål for 2025", False),
        ("Del av kostnadene dekkes", False),
    ],
)
def test_divisions(line: str, expected: bool) -> None:
    assert division_heading(line) is expected


def test_local_references_skip_taken_spans() -> None:
    text = "Se pkt. 3 og HTA pkt. 3.3, og § 2."
    refs = local_references(text, [(text.index("HTA"), text.index(","))])
    assert [(kind, number) for kind, number, _ in refs] == [("pkt", "3"), ("§", "2")]


def test_hovedavtalen_parts_close_the_open_paragraph() -> None:
    text = (
        "Hovedavtalen\n\nDel A Alminnelige bestemmelser\n\n§ 1-1 Formål\n\nSamarbeid på øya.\n\n"
        "Del B Tillitsvalgte\n\n§ 3-5. Permisjon for tillitsvalgte\n\nFri med lønn, jf. § 1-1.\n"
    )
    doc = make_doc(text, "agreement", "Hovedavtalen")
    blocks = parse_structure(doc)
    formal = next(b for b in blocks if b.text.startswith("Samarbeid"))
    fri = next(b for b in blocks if b.text.startswith("Fri med"))
    del_b = next(b for b in blocks if b.text.startswith("Del B"))
    assert formal.provision == "HA § 1-1" and fri.provision == "HA § 3-5"
    assert del_b.provision is None and del_b.kind == "heading"
    assert fri.section_path[:2] == ("Hovedavtalen", "Del B Tillitsvalgte")
    assert fri.references == ("HA § 1-1",)


def test_hovedavtalen_mentioning_the_hta_early_is_still_hovedavtalen() -> None:
    text = "Hovedavtalen\n\nHovedtariffavtalen gjelder ved siden av.\n\n§ 3-4 Opplæring\n\nTekst her.\n"
    assert document_context(make_doc(text, "agreement", "Hovedavtalen")) == "law"
    assert document_context(make_doc("Hovedavtalen\n\nHovedtariffavtalen nevnes.\n", "agreement", "HA")) == (
        "other"
    )


def test_a_local_agreement_numbers_its_own_sections_and_references() -> None:
    text = (
        "Lokal særavtale om kompetanse\n\n§ 1 Formål\n\nAvtalen skal fremme læring, se § 2.\n\n"
        "§ 2 Virkeområde\n\nGjelder alle ansatte.\n\n2.1 Unntak\n\nGjelder ikke vikarer, jf. pkt. 9.\n"
    )
    doc = make_doc(text, "agreement", "Særavtalen")
    assert document_context(doc) == "other"
    blocks = parse_structure(doc)
    labelled = {b.text.split("\n")[0]: b.provision for b in blocks}
    assert labelled["Avtalen skal fremme læring, se § 2."] == "Særavtalen § 1"
    assert labelled["Gjelder alle ansatte."] == "Særavtalen § 2"
    assert labelled["Gjelder ikke vikarer, jf. pkt. 9."] == "Særavtalen pkt. 2.1"
    unntak = next(b for b in blocks if b.text.startswith("Gjelder ikke"))
    assert unntak.section_path == ("Lokal særavtale om kompetanse", "§ 2 Virkeområde", "2.1 Unntak")
    assert unntak.references == ()  # the plan has no point 9
    formal = next(b for b in blocks if b.text.startswith("Avtalen"))
    assert formal.references == ("Særavtalen § 2",)


def test_a_plan_keeps_unnumbered_sub_headings_inside_its_sections() -> None:
    text = "# Kompetanseplan\n\n# 1 Formål\n\nTekst.\n\n### Søknader\n\nSøk i tide.\n\n# Vedlegg\n\nSkjema.\n"
    blocks = parse_structure(make_doc(text, "other", "Kompetanseplan"))
    by_text = {b.text: b.provision for b in blocks}
    assert by_text["Søk i tide."] == "Kompetanseplan pkt. 1"
    assert by_text["Skjema."] is None


def test_plain_paragraphs_in_a_law_like_document() -> None:
    text = (
        "Forvaltningsloven\n\n§ 11 Veiledningsplikt\n\nForvaltningsorganene har veiledningsplikt.\n\n"
        "§ 11-1 Særregel\n\nTekst om særregelen.\n\n§ 12 Klage\n\nVedtak kan påklages.\n"
    )
    doc = make_doc(text, "law", "Forvaltningsloven")
    blocks = parse_structure(doc)
    labels = {b.text: b.provision for b in blocks if b.kind == "paragraph"}
    assert labels == {
        "Forvaltningsorganene har veiledningsplikt.": "Forvaltningsloven § 11",
        "Tekst om særregelen.": "Forvaltningsloven § 11-1",
        "Vedtak kan påklages.": "Forvaltningsloven § 12",
    }


def test_a_number_repeated_in_two_parts_is_qualified_by_part() -> None:
    text = (
        "Hovedavtalen\n\nDel A Alminnelige bestemmelser\n\n§ 1-1 Formål\n\nSamarbeid.\n\n"
        "§ 2 Virkeområde\n\nGjelder alle, jf. § 1-1.\n\n"
        "Del B Tillitsvalgte\n\n§ 1-1 Formål\n\nTillitsvalgte representerer, jf. § 1-1 og § 3-1.\n\n"
        "§ 3-1 Drøfting\n\nDrøft tidlig.\n"
    )
    blocks = parse_structure(make_doc(text, "agreement", "Hovedavtalen"))
    body = {b.text: (b.provision, b.references) for b in blocks if b.kind == "paragraph"}
    assert body == {
        "Samarbeid.": ("HA del A § 1-1", ()),
        "Gjelder alle, jf. § 1-1.": ("HA § 2", ("HA del A § 1-1",)),  # unique numbers stay unqualified
        "Tillitsvalgte representerer, jf. § 1-1 og § 3-1.": ("HA del B § 1-1", ("HA § 3-1",)),
        "Drøft tidlig.": ("HA § 3-1", ()),
    }
