"""Structure parsing on the bundled guide and law text, and on small synthetic documents."""

from __future__ import annotations

import re

import pytest

from core.models import DocumentInfo, DocumentKind, LoadedDocument
from core.settings import REPO_ROOT
from ingest.clean import clean_pages
from ingest.structure import Block, document_context, is_generic_heading, parse_structure

pytestmark = pytest.mark.unit

CORPUS = REPO_ROOT / "corpus"
GUIDE = "veileder-laering-og-kompetanseutvikling.txt"
LAW = "arbeidsmiljoloven-utdrag.md"


def make_doc(
    pages: list[tuple[int | None, str]], kind: DocumentKind, short_name: str = "Dok"
) -> LoadedDocument:
    result = clean_pages(pages)
    info = DocumentInfo(doc_id=short_name.lower(), title=short_name, short_name=short_name, kind=kind)
    return LoadedDocument(info=info, text=result.text, pages=result.pages, content_hash="h" * 64)


def corpus_doc(name: str, kind: DocumentKind, short_name: str) -> LoadedDocument:
    return make_doc([(None, (CORPUS / name).read_text(encoding="utf-8"))], kind, short_name)


@pytest.fixture(scope="module")
def guide_blocks() -> list[Block]:
    return parse_structure(corpus_doc(GUIDE, "guide", "Veilederen"))


@pytest.fixture(scope="module")
def law_blocks() -> list[Block]:
    return parse_structure(corpus_doc(LAW, "law", "Arbeidsmiljøloven"))


def assert_blocks_cover(doc: LoadedDocument, blocks: list[Block]) -> None:
    position = 0
    for block in blocks:
        assert doc.text[block.start : block.end] == block.text
        assert block.start >= position
        assert not doc.text[position : block.start].strip()
        position = block.end
    assert not doc.text[position:].strip()


def test_blocks_are_exact_slices_covering_the_text() -> None:
    for name, kind in ((GUIDE, "guide"), (LAW, "law")):
        doc = corpus_doc(name, kind, "X")  # type: ignore[arg-type]
        assert_blocks_cover(doc, parse_structure(doc))


def test_guide_headings(guide_blocks: list[Block]) -> None:
    headings = [b.text.rstrip(":") for b in guide_blocks if b.kind == "heading"]
    assert headings == [
        "Innledning",
        "Kompetanseutvikling og samarbeid i virksomheten – viktige sammenhenger",
        "Roller, ansvar og forventninger i arbeidet med kompetanseutvikling",
        "Medarbeidersamtalen",
        "10-faktor",
        "Til refleksjon",
        "Læringsformer og læringsarenaer",
        "Til refleksjon",
        "Læring, kompetanse, arbeidsgiverpolitikk og lokal lønnspolitikk",
        "Til refleksjon",
        "Sammen om kompetanseplanlegging/-analyse",
    ]


def test_guide_provision_headings(guide_blocks: list[Block]) -> None:
    found = [(b.provision, b.text) for b in guide_blocks if b.kind == "provision_heading"]
    assert found == [
        ("HTA kap. 3 pkt. 3.2", "HTA kap. 3.2 Lokal lønnspolitikk:"),
        ("HTA kap. 3 pkt. 3.3", "3.3 Kompetanse – læring og utvikling"),
        ("HTA kap. 1 pkt. 14.2", "14.2 Utdanningspermisjon"),
        ("HTA kap. 3 pkt. 3.2", "HTA kap. 3.2 Lokal lønnspolitikk"),
        ("HTA kap. 4 pkt. 4.2.4", "HTA kap. 4.2.4 Kompetanse"),
    ]


def body(blocks: list[Block], label: str, occurrence: int = 0) -> list[Block]:
    """The body blocks of the ``occurrence``-th quote of ``label``."""
    runs: list[list[Block]] = []
    for block in blocks:
        if block.provision == label:
            if block.kind == "provision_heading":
                runs.append([])
            else:
                runs[-1].append(block)
    return runs[occurrence]


def test_quote_ends_where_the_guide_text_resumes(guide_blocks: list[Block]) -> None:
    short = body(guide_blocks, "HTA kap. 3 pkt. 3.2", 0)
    assert [b.text[:40] for b in short] == ["Det gjennomføres årlige drøftingsmøte om"]
    long = body(guide_blocks, "HTA kap. 3 pkt. 3.2", 1)
    assert long[0].text.startswith("Hovedtariffavtalens lønnssystem forutsetter")
    assert (
        long[-1].text
        == "Arbeidstakere i foreldrepermisjoner og andre lønnede permisjoner omfattes av lokale forhandlinger."
    )
    assert any("Det gjennomføres årlige drøftingsmøter" in b.text for b in long)
    kompetanse = body(guide_blocks, "HTA kap. 4 pkt. 4.2.4")
    assert (
        kompetanse[-1].text == "Dersom arbeids- og ansvarsområdet er endret kan det forhandles etter 4.2.2."
    )
    permisjon = body(guide_blocks, "HTA kap. 1 pkt. 14.2")
    assert permisjon[0].text == "Rett til utdanningspermisjon reguleres av arbeidsmiljøloven § 12-11."
    assert permisjon[-1].text.endswith("gis ny fridag som kompensasjon.")
    for start in (
        "Det er også nedfelt en særskilt",
        "Også for arbeidstakere omfattet",
        "• Arbeidsgiver har et ansvar",
    ):
        resumed = next(b for b in guide_blocks if b.text.startswith(start))
        assert resumed.provision is None


def test_merknad_belongs_to_its_provision(guide_blocks: list[Block]) -> None:
    merknad = [b for b in guide_blocks if b.kind == "merknad"]
    assert merknad[0].text == "Merknad"
    assert {b.provision for b in merknad} == {"HTA kap. 4 pkt. 4.2.4"}
    assert merknad[1].text.startswith("I henhold til kapittel 3.2 legges den lokale lønnspolitikken")
    assert "vurderes innplassering" in merknad[1].text  # the page break inside the merknad is joined
    assert merknad[1].section_path[-2:] == ("HTA kap. 4.2.4 Kompetanse", "Merknad")
    assert merknad[1].references == ("HTA kap. 3 pkt. 3.2",)
    assert merknad[-1].references == ("HTA kap. 4 pkt. 4.2.2",)


def test_section_paths(guide_blocks: list[Block]) -> None:
    by_start = {b.text[:25]: b.section_path for b in guide_blocks}
    assert by_start["Rett til utdanningspermisj"[:25]] == ("Medarbeidersamtalen", "14.2 Utdanningspermisjon")
    assert by_start["Kompetanse og kompetanseu"] == (
        "Roller, ansvar og forventninger i arbeidet med kompetanseutvikling",
        "3.3 Kompetanse – læring og utvikling",
    )
    assert by_start["• Hva gjør vi for å skape"] == ("Læringsformer og læringsarenaer", "Til refleksjon")
    assert by_start["God dialog om kompetanseb"] == ("Læringsformer og læringsarenaer",)


def test_cross_references_are_recorded_never_headings(guide_blocks: list[Block]) -> None:
    headings = [b.text for b in guide_blocks if b.kind in ("heading", "provision_heading")]
    assert not any(re.search(r"\bjf\.|\bse\b", h) for h in headings)
    intro = next(b for b in guide_blocks if b.text.startswith("Vi oppfordrer ledere"))
    assert intro.references == ("HTA kap. 3 pkt. 3.3",)
    principle = next(b for b in guide_blocks if b.text.startswith("Det er et grunnleggende prinsipp"))
    assert principle.references == ("HTA kap. 4 pkt. 4.0", "HTA kap. 5 pkt. 5.3", "HTA kap. 3 pkt. 3.2")
    quote = next(b for b in guide_blocks if b.text.startswith("Rett til utdanningspermisjon"))
    assert quote.references == ("aml. § 12-11",)
    # A provision never lists itself.
    assert all(b.provision not in b.references for b in guide_blocks if b.provision)


def test_lists_are_whole_with_wrapped_items_joined(guide_blocks: list[Block]) -> None:
    lists = [b for b in guide_blocks if b.kind == "list"]
    questions = next(b for b in lists if b.text.startswith("• Hvordan vurderer du"))
    items = questions.text.split("\n")
    assert len(items) == 4
    assert items[2].endswith("hva bør prioriteres? Hvordan skal vi følge opp dette?")
    lonn = next(b for b in lists if b.text.startswith("- utformes og virke"))
    assert len(lonn.text.split("\n")) == 5
    assert lonn.provision == "HTA kap. 3 pkt. 3.2"
    checklist = lists[-1]
    assert checklist.section_path == ("Sammen om kompetanseplanlegging/-analyse",)
    assert len(checklist.text.split("\n")) == 7
    reflection = [b for b in lists if b.section_path[-1] == "Til refleksjon"]
    assert [len(b.text.split("\n")) for b in reflection] == [4, 7, 7]


def test_stray_lines_are_paragraphs(guide_blocks: list[Block]) -> None:
    stray = {b.text: b.kind for b in guide_blocks}
    assert stray["KS konsulent AS"] == "paragraph"
    assert stray["KF - Medarbeiderundersøkelse | 10FAKTOR"] == "paragraph"
    assert stray["Eksempel på mangfold av læringsformer i oppvekstsektoren:"] == "paragraph"


def test_law_ledd_are_sub_blocks(law_blocks: list[Block]) -> None:
    ledd = [b for b in law_blocks if b.provision == "aml. § 12-11" and b.kind == "paragraph"]
    assert [b.section_path for b in ledd] == [
        ("Arbeidsmiljøloven", "§ 12-11. Utdanningspermisjon", f"({n})") for n in range(1, 7)
    ]
    third = ledd[2].text
    assert third.startswith("(3) Arbeidstaker som har hatt utdanningspermisjon")
    assert "a. dobbelt så lang tid" in third and "b. minst ett år" in third
    provisions = [b.provision for b in law_blocks if b.kind == "provision_heading"]
    assert provisions == ["aml. § 12-11", "aml. § 12-14", "aml. § 14-6", "aml. § 17-2"]
    p_item = next(b for b in law_blocks if b.provision == "aml. § 14-6" and b.text.startswith("(1)"))
    assert "p. rett til kompetanseutvikling" in p_item.text
    tvist = next(b for b in law_blocks if b.text.startswith("(1) Tvist som nevnt"))
    assert tvist.references == ("aml. § 10-13", "aml. § 12-14", "aml. § 14-3", "aml. § 14-4 a")
    assert law_blocks[0].kind == "heading" and law_blocks[0].section_path == ("Arbeidsmiljøloven",)


HTA_TEXT = """Hovedtariffavtalen i KS-området

Kapittel 1 Fellesbestemmelser

§ 14 Permisjoner

14.1 Velferdspermisjon

Arbeidstaker kan innvilges velferdspermisjon, jf. pkt. 14.2.

14.2 Utdanningspermisjon

Rett til utdanningspermisjon reguleres av arbeidsmiljøloven § 12-11.

Kapittel 4 Særlige bestemmelser

4.2 Lønnsforhandlinger

4.2.4 Kompetanse

Partene lokalt kan forhandle om endret lønn.

Merknad:

Dersom arbeids- og ansvarsområdet er endret kan det forhandles etter 4.2.2.
"""


def test_hta_nesting_and_chapters() -> None:
    doc = make_doc([(None, HTA_TEXT)], "agreement", "HTA")
    blocks = parse_structure(doc)
    assert_blocks_cover(doc, blocks)
    paths = {b.text[:20]: (b.provision, b.section_path) for b in blocks}
    assert paths["Rett til utdanningsp"] == (
        "HTA kap. 1 pkt. 14.2",
        (
            "Hovedtariffavtalen i KS-området",
            "Kapittel 1 Fellesbestemmelser",
            "§ 14 Permisjoner",
            "14.2 Utdanningspermisjon",
        ),
    )
    assert paths["Partene lokalt kan f"][0] == "HTA kap. 4 pkt. 4.2.4"
    assert paths["Partene lokalt kan f"][1][1:] == (
        "Kapittel 4 Særlige bestemmelser",
        "4.2 Lønnsforhandlinger",
        "4.2.4 Kompetanse",
    )
    assert paths["Dersom arbeids- og a"][0] == "HTA kap. 4 pkt. 4.2.4"
    velferd = next(b for b in blocks if b.text.startswith("Arbeidstaker kan"))
    assert velferd.references == ("HTA kap. 1 pkt. 14.2",)


def test_other_documents_do_not_invent_hta_labels() -> None:
    text = (
        "Kompetanseplan for Eksempel kommune\n\n3.2 Mål for 2025\n\nKommunen skal øke andelen med fagbrev.\n"
    )
    doc = make_doc([(None, text)], "other", "Plan")
    assert document_context(doc) == "other"
    blocks = parse_structure(doc)
    # Its own numbered section, labelled with its own name: never an HTA point.
    assert [(b.kind, b.provision) for b in blocks] == [
        ("heading", None),
        ("provision_heading", "Plan pkt. 3.2"),
        ("paragraph", "Plan pkt. 3.2"),
    ]


def test_other_documents_are_sniffed() -> None:
    assert document_context(make_doc([(None, HTA_TEXT)], "other")) == "hta"
    law = "## § 12-11. Utdanningspermisjon\n\n(1) Tekst.\n\n## § 12-14. Tvisteløsning\n\nTekst.\n"
    assert document_context(make_doc([(None, law)], "other")) == "law"


def test_markdown_headings_nest_by_level() -> None:
    text = "# Plan\n\nInnledende tekst.\n\n## Mål\n\nMålene våre.\n\n### Tiltak\n\nTiltakene.\n\n## Ressurser\n\nPenger.\n"
    blocks = parse_structure(make_doc([(None, text)], "other"))
    paths = {b.text: b.section_path for b in blocks if b.kind == "paragraph"}
    assert paths == {
        "Innledende tekst.": ("Plan",),
        "Målene våre.": ("Plan", "Mål"),
        "Tiltakene.": ("Plan", "Mål", "Tiltak"),
        "Penger.": ("Plan", "Ressurser"),
    }


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Innledning", True),
        ("Til refleksjon:", True),
        ("10-faktor", True),
        ("Roller, ansvar og forventninger i arbeidet med kompetanseutvikling", True),
        ("Den lokale lønnspolitikken skal:", False),
        ("Hvordan skal vi følge opp dette?", False),
        ("Arbeidstakere omfattes av lokale forhandlinger.", False),
        ("KS konsulent AS", False),
        ("KF - Medarbeiderundersøkelse | 10FAKTOR", False),
        ("læringskultur i egen virksomhet", False),
        ("jf. Hovedtariffavtalen kapittel 3", False),
        ("• Et punkt", False),
        ("(3) Arbeidstaker", False),
        ("2024", False),
    ],
)
def test_generic_heading(line: str, expected: bool) -> None:
    assert is_generic_heading(line) is expected


def test_odd_text_does_not_crash() -> None:
    for text in ["", "\n\n", "#", "# \n\n•", "Merknad", "(1)", "§ 12-11. A\n\n(1) x\n\n- y\n\nMerknad:\n\nz"]:
        doc = LoadedDocument(DocumentInfo("d", "D", "D", "law"), text, (), "h")
        assert_blocks_cover(doc, parse_structure(doc))


def test_a_sub_heading_closes_the_open_ledd() -> None:
    text = "## § 12-11. Utdanningspermisjon\n\n(1) Arbeidstaker har rett til permisjon.\n\nInnledning\n\nInnledning"
    doc = make_doc([(None, text)], "agreement")
    blocks = parse_structure(doc)
    assert_blocks_cover(doc, blocks)
    assert blocks[1].text == "(1) Arbeidstaker har rett til permisjon."


def test_other_agreements_and_laws_get_no_foreign_labels() -> None:
    hovedavtalen = "Hovedavtalen\n\n§ 3-3 Drøftinger\n\nPartene drøfter saker, jf. § 3-1.\n\n3.1 Generelt\n\nTekst om dette."
    doc = make_doc([(None, hovedavtalen)], "agreement", "HA")
    assert document_context(doc) == "law"  # numbered like a law; labelled with its own short name
    blocks = parse_structure(doc)
    assert {b.provision for b in blocks} == {None, "HA § 3-3"}
    assert [b.text for b in blocks if b.kind == "provision_heading"] == ["§ 3-3 Drøftinger"]
    drofting = next(b for b in blocks if b.text.startswith("Partene"))
    assert drofting.references == ("HA § 3-1",)

    law = (
        "## § 12-1. Rett til opplæring\n\n(1) Elevar har rett til opplæring, jf. § 12-3 og "
        "arbeidsmiljøloven § 12-11.\n\n## § 12-3. Klage\n\nKlage går til statsforvaltaren."
    )
    blocks = parse_structure(make_doc([(None, law)], "law", "Opplæringslova"))
    assert [b.provision for b in blocks if b.kind == "provision_heading"] == [
        "Opplæringslova § 12-1",
        "Opplæringslova § 12-3",
    ]
    first = next(b for b in blocks if b.text.startswith("(1)"))
    assert first.references == ("Opplæringslova § 12-3", "aml. § 12-11")


def test_a_municipal_plan_mentioning_chapters_is_not_the_hta() -> None:
    text = (
        "Lønnspolitikk for Eksempel kommune\n\nKapittel 3 i tariffavtalen gjelder.\n\n"
        "Kapittel 4 gjelder også.\n\n3.2 Mål\n\nVi vil beholde ansatte."
    )
    assert document_context(make_doc([(None, text)], "other")) == "other"


def test_a_guide_with_its_own_numbering_keeps_its_numbers() -> None:
    text = (
        "1 Innledning\n\nTekst om planen.\n\n3.3 Kartlegging av kompetanse\n\nVi kartlegger.\n\n"
        "HTA kap. 3.3 Kompetanse – læring og utvikling\n\nKompetanse og kompetanseutvikling har stor betydning."
    )
    blocks = parse_structure(make_doc([(None, text)], "guide", "Egen veileder"))
    labels = [(b.text, b.provision) for b in blocks if b.kind in ("heading", "provision_heading")]
    assert labels == [
        ("1 Innledning", None),
        ("3.3 Kartlegging av kompetanse", None),
        ("HTA kap. 3.3 Kompetanse – læring og utvikling", "HTA kap. 3 pkt. 3.3"),
    ]


def test_hovedavtalen_style_paragraphs_are_provisions() -> None:
    text = (
        "Hovedavtalen\n\nDel B\n\n§ 3-4 Opplæring av tillitsvalgte\n\n"
        "Tillitsvalgte skal gis nødvendig opplæring, jf. § 3-5.\n\n"
        "§ 3-5. Permisjon for tillitsvalgte\n\nTillitsvalgte får fri med lønn for møter i særlige forhold.\n"
    )
    doc = make_doc([(None, text)], "agreement", "HA")
    assert document_context(doc) == "law"
    blocks = parse_structure(doc)
    assert_blocks_cover(doc, blocks)
    first = next(b for b in blocks if b.text.startswith("Tillitsvalgte skal"))
    second = next(b for b in blocks if b.text.startswith("Tillitsvalgte får"))
    assert first.provision == "HA § 3-4"
    assert second.provision == "HA § 3-5"
    assert "HA § 3-5" in first.references
    assert all(b.provision is None or b.provision.startswith("HA § ") for b in blocks)
