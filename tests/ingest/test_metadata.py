"""The corpus manifest, derived document descriptions and file discovery."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import DocumentError
from core.settings import REPO_ROOT
from ingest.metadata import (
    MANIFEST_NAME,
    derive_info,
    discover,
    document_info,
    guess_kind,
    guess_short_name,
    load_manifest,
    slugify,
)
from tests import pdfs

CORPUS = REPO_ROOT / "corpus"


def _write_manifest(folder: Path, documents: object) -> Path:
    path = folder / MANIFEST_NAME
    path.write_text(json.dumps({"documents": documents}, ensure_ascii=False), "utf-8")
    return path


# --------------------------------------------------------------------------- bundled manifest


@pytest.mark.unit
def test_bundled_manifest_describes_every_bundled_file() -> None:
    entries = load_manifest(CORPUS)
    files = discover([CORPUS]).supported
    assert files and sorted(entries) == sorted(path.name for path in files)
    for entry in entries.values():
        assert entry.title and entry.short_name and entry.kind and entry.version and entry.source
        assert entry.attribution


@pytest.mark.unit
def test_bundled_guide_and_law() -> None:
    guide = document_info(CORPUS / "veileder-laering-og-kompetanseutvikling.txt", CORPUS)
    assert guide.doc_id == "veileder-laering-og-kompetanseutvikling"
    assert guide.title == "Læring og kompetanseutvikling i kommunesektoren – veileder"
    assert (guide.short_name, guide.kind) == ("Veilederen", "guide")
    assert "KS" in guide.source

    law = document_info(CORPUS / "arbeidsmiljoloven-utdrag.md", CORPUS)
    assert law.doc_id == "arbeidsmiljoloven-utdrag"
    assert law.title == "Arbeidsmiljøloven (lov 17. juni 2005 nr. 62) – utdrag"
    assert (law.short_name, law.kind) == ("Arbeidsmiljøloven", "law")
    assert law.version == "i kraft fra 2026-01-01"
    assert law.source == "Lovdata"
    entry = load_manifest(CORPUS)["arbeidsmiljoloven-utdrag.md"]
    assert entry.attribution == (
        "Inneholder data under Norsk lisens for offentlige data (NLOD) distribuert av Lovdata"
    )


# --------------------------------------------------------------------------- user manifests


@pytest.mark.unit
def test_user_entry_in_corpus_manifest(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write_manifest(
        corpus,
        {
            "_kommentar": "ignored",
            "lonnspolitikk.pdf": {
                "title": "Lønnspolitikk for Eksempel kommune",
                "short_name": "Lønnspolitikken",
                "kind": "other",
                "version": "2025",
                "doc_id": "lonnspolitikk-2025",
            },
        },
    )
    info = document_info(corpus / "lonnspolitikk.pdf", corpus)
    assert info.doc_id == "lonnspolitikk-2025"
    assert (info.title, info.short_name, info.version) == (
        "Lønnspolitikk for Eksempel kommune",
        "Lønnspolitikken",
        "2025",
    )
    assert info.path == str(corpus / "lonnspolitikk.pdf")


@pytest.mark.unit
def test_folder_manifest_wins_over_corpus_manifest(tmp_path: Path) -> None:
    corpus, own = tmp_path / "corpus", tmp_path / "egne"
    corpus.mkdir()
    own.mkdir()
    _write_manifest(corpus, {"plan.md": {"title": "Fra korpuset", "kind": "other"}})
    _write_manifest(own, {"plan.md": {"title": "Fra mappen", "kind": "guide"}})
    info = document_info(own / "plan.md", corpus)
    assert (info.title, info.kind, info.short_name) == ("Fra mappen", "guide", "Fra mappen")
    assert document_info(tmp_path / "plan.md", corpus).title == "Fra korpuset"


@pytest.mark.unit
@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{ikke json", "ikke gyldig JSON (linje 1"),
        ("[]", '{"documents"'),
        (json.dumps({"documents": {"a.pdf": "tekst"}}), "må være et objekt"),
        (json.dumps({"documents": {"a.pdf": {"kind": "law"}}}), "title mangler"),
        (json.dumps({"documents": {"a.pdf": {"title": "A", "kind": "lov"}}}), "kind må være en av"),
        (json.dumps({"documents": {"a.pdf": {"title": "A", "shortname": "A"}}}), "ukjente felt shortname"),
        (json.dumps({"documents": {"a.pdf": {"title": "A", "version": 2024}}}), "version må være tekst"),
        (json.dumps({"documents": {"a.pdf": {"title": "A", "doc_id": "Æ Ø"}}}), "doc_id kan bare"),
    ],
)
def test_invalid_manifest_is_reported(tmp_path: Path, content: str, reason: str) -> None:
    (tmp_path / MANIFEST_NAME).write_text(content, "utf-8")
    with pytest.raises(DocumentError) as caught:
        document_info(tmp_path / "a.pdf", tmp_path)
    assert reason in caught.value.message
    assert MANIFEST_NAME in str(caught.value)


@pytest.mark.unit
def test_no_manifest_is_fine(tmp_path: Path) -> None:
    assert load_manifest(tmp_path) == {}


# --------------------------------------------------------------------------- derivation


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Læring og kompetanse (2024)", "laering-og-kompetanse-2024"),
        ("Lønnspolitikk_Øvre Årdal", "lonnspolitikk-ovre-ardal"),
        ("ÆØÅ æøå", "aeoa-aeoa"),
        ("Café  Übersicht--v2", "cafe-ubersicht-v2"),
        ("HTA 2024-2026", "hta-2024-2026"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


@pytest.mark.unit
def test_slugify_without_letters() -> None:
    assert slugify("§§ –").startswith("dokument-")
    assert slugify("§§ –") == slugify("§§ –")


@pytest.mark.unit
@pytest.mark.parametrize(
    ("stem", "title", "short_name", "kind"),
    [
        ("hovedtariffavtalen-2024-2026", "Hovedtariffavtalen 2024–2026", "HTA", "agreement"),
        ("hta_kap3", "Kapittel 3", "HTA", "agreement"),
        ("hovedavtalen", "Hovedavtalen 2024–2025", "Hovedavtalen", "agreement"),
        ("kompetanseplan-2025", "Kompetanseplan for Eksempel kommune", "Kompetanseplan", "other"),
        ("aml", "Aml", "Arbeidsmiljøloven", "law"),
        ("arbeidsmiljoloven", "Arbeidsmiljøloven", "Arbeidsmiljøloven", "law"),
        ("opplaeringslova", "Opplæringslova", "Opplæringslova", "law"),
        ("lov-om-kommuner", "Lov om kommuner og fylkeskommuner", "Lov om kommuner og fylkeskommuner", "law"),
        (
            "veileder-medarbeidersamtalen",
            "Veileder for medarbeidersamtalen",
            "Veileder for medarbeidersamtalen",
            "guide",
        ),
        ("lonnspolitikk", "Lønnspolitikk", "Lønnspolitikk", "other"),
        ("lovisa-notat", "Notat fra Lovisa", "Notat fra Lovisa", "other"),
    ],
)
def test_guesses(stem: str, title: str, short_name: str, kind: str) -> None:
    assert guess_short_name(stem, title) == short_name
    assert guess_kind(stem, title) == kind


@pytest.mark.unit
def test_derived_from_markdown_heading(tmp_path: Path) -> None:
    path = tmp_path / "Lønnspolitikk 2025.md"
    path.write_text("Innledende merknad.\n\n## Del 1\n\n# Lønnspolitikk for Ås kommune\n", "utf-8")
    info = document_info(path, tmp_path)
    assert info.doc_id == "lonnspolitikk-2025"
    assert info.title == "Lønnspolitikk for Ås kommune"
    assert (info.kind, info.version, info.source) == ("other", "", "")


@pytest.mark.unit
def test_derived_from_text_first_line_or_stem(tmp_path: Path) -> None:
    titled = tmp_path / "plan.txt"
    titled.write_text("\n  Kompetanseplan for skolene  \n\nTekst.\n", "utf-8")
    assert derive_info(titled).title == "Kompetanseplan for skolene"
    assert derive_info(titled).short_name == "Kompetanseplan"

    sentence = tmp_path / "hovedavtalen_utdrag.txt"
    sentence.write_text("Denne teksten begynner med en setning.\n", "utf-8")
    info = derive_info(sentence)
    assert (info.title, info.short_name, info.kind) == ("Hovedavtalen utdrag", "Hovedavtalen", "agreement")

    broken = tmp_path / "ødelagt-fil.txt"
    broken.write_bytes(b"\xff\xfe\x00")  # unreadable: the loader reports it, the name still works
    assert derive_info(broken).title == "Ødelagt fil"


@pytest.mark.integration
def test_derived_from_pdf_metadata_and_first_line(tmp_path: Path) -> None:
    hta = derive_info(pdfs.make_hta_pdf(tmp_path / "hovedtariffavtalen.pdf"))
    assert (hta.doc_id, hta.title, hta.short_name, hta.kind) == (
        "hovedtariffavtalen",
        "Hovedtariffavtalen 2024–2026",
        "HTA",
        "agreement",
    )
    junk_meta = pdfs.make_pdf(
        tmp_path / "x.pdf", ["Veileder om læring i skolen\n\nTekst."], title="Microsoft Word - x.docx"
    )
    assert derive_info(junk_meta).title == "Veileder om læring i skolen"
    assert derive_info(junk_meta).kind == "guide"
    scanned = derive_info(pdfs.make_scanned_pdf(tmp_path / "skannet_plan.pdf", 1))
    assert scanned.title == "Skannet plan"
    encrypted = derive_info(pdfs.make_encrypted_pdf(tmp_path / "laast.pdf"))
    assert encrypted.title == "Laast"


@pytest.mark.integration
def test_derived_from_docx(tmp_path: Path) -> None:
    info = derive_info(pdfs.make_docx(tmp_path / "plan-2025.docx"))
    assert info.title == pdfs.DOCX_TITLE
    assert info.short_name == "Kompetanseplan"
    no_meta = derive_info(pdfs.make_docx(tmp_path / "notat.docx", title=None))
    assert no_meta.title == "1 Formål med planen"


# --------------------------------------------------------------------------- discover


@pytest.mark.unit
def test_discover_folder(tmp_path: Path) -> None:
    for name in (
        "b.pdf",
        "a.md",
        "C.DOCX",
        "notat.txt",
        "tabell.xlsx",
        "bilde.png",
        ".skjult.pdf",
        "~$laast.docx",
        "README.md",
        "readme.txt",
        MANIFEST_NAME,
        "Thumbs.db",
    ):
        (tmp_path / name).write_text("x", "utf-8")
    sub = tmp_path / "undermappe"
    sub.mkdir()
    (sub / "dypt.pdf").write_text("x", "utf-8")
    found = discover([tmp_path])
    assert [p.name for p in found.supported] == ["C.DOCX", "a.md", "b.pdf", "notat.txt"]
    assert [p.name for p in found.unsupported] == ["bilde.png", "tabell.xlsx"]
    supported, unsupported = found  # also a plain (supported, unsupported) tuple
    assert supported == found.supported and unsupported == found.unsupported


@pytest.mark.unit
def test_discover_files_and_duplicates(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_text("x", "utf-8")
    (tmp_path / ".skjult.md").write_text("x", "utf-8")
    found = discover(
        [tmp_path / "a.pdf", tmp_path, tmp_path / ".skjult.md", tmp_path / "borte.txt", tmp_path / "x.csv"]
    )
    assert [p.name for p in found.supported] == [".skjult.md", "a.pdf", "borte.txt"]
    assert [p.name for p in found.unsupported] == ["x.csv"]
    assert discover([]) == ([], [])


@pytest.mark.unit
def test_discover_bundled_corpus() -> None:
    found = discover([CORPUS])
    assert [p.name for p in found.supported] == [
        "arbeidsmiljoloven-utdrag.md",
        "veileder-laering-og-kompetanseutvikling.txt",
    ]
    assert found.unsupported == []
