"""Chunking rules on small documents, and property tests: nothing lost, nothing duplicated."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import Chunk, DocumentInfo, DocumentKind, LoadedDocument
from ingest.chunker import chunk_document
from ingest.clean import clean_pages

pytestmark = pytest.mark.unit


def make_doc(pages: list[tuple[int | None, str]], kind: DocumentKind = "guide") -> LoadedDocument:
    result = clean_pages(pages)
    info = DocumentInfo(doc_id="dok", title="Dokumentet", short_name="Dok", kind=kind)
    return LoadedDocument(info=info, text=result.text, pages=result.pages, content_hash="c" * 64)


def body_of(chunk: Chunk) -> str:
    if chunk.heading is None:
        return chunk.text
    assert chunk.text.startswith(chunk.heading + "\n")
    return chunk.text[len(chunk.heading) + 1 :]


def check_invariants(doc: LoadedDocument, chunks: list[Chunk]) -> None:
    squeeze = re.compile(r"\s+")
    bodies = [doc.text[c.char_start : c.char_end] for c in chunks]
    assert squeeze.sub("", "".join(bodies)) == squeeze.sub("", doc.text)
    previous_end = 0
    for position, (chunk, body) in enumerate(zip(chunks, bodies, strict=True)):
        assert body == body_of(chunk)
        assert body.strip() == body and body
        assert chunk.char_start >= previous_end
        previous_end = chunk.char_end
        assert chunk.position == position
        assert chunk.doc_hash == doc.content_hash
        assert chunk.doc_id == doc.info.doc_id and chunk.kind == doc.info.kind
        assert chunk.document == doc.info.title and chunk.short_name == doc.info.short_name
        assert chunk.chunk_type in ("provision", "section", "list", "paragraph")
        assert (chunk.provision is not None) == (chunk.chunk_type == "provision")
        assert len(set(chunk.references)) == len(chunk.references)
        assert chunk.provision not in chunk.references
        if chunk.page_start is not None:
            assert chunk.page_end is not None and chunk.page_start <= chunk.page_end
    assert len({c.chunk_id for c in chunks}) == len(chunks)


def sentences(n: int, words: int = 12) -> str:
    return " ".join(f"Setning nummer {i} har " + " ".join(["ord"] * words) + "." for i in range(n))


def test_small_paragraphs_of_a_section_are_merged_with_their_heading() -> None:
    text = "Innledning\n\n" + "\n\n".join(f"Avsnitt {i} er kort og greit." for i in range(5))
    doc = make_doc([(None, text)])
    chunks = chunk_document(doc)
    assert len(chunks) == 1
    assert chunks[0].chunk_type == "section"
    assert chunks[0].text.startswith("Innledning\n\nAvsnitt 0")
    assert chunks[0].heading is None and chunks[0].section_path == ("Innledning",)
    assert chunks[0].page_start is None and chunks[0].page_end is None
    check_invariants(doc, chunks)


def test_long_paragraph_is_split_at_sentences_with_the_heading_repeated() -> None:
    text = "Læringsformer\n\n" + sentences(30)
    doc = make_doc([(None, text)])
    chunks = chunk_document(doc, max_chars=400, min_chars=50)
    assert len(chunks) > 3
    assert chunks[0].heading is None and chunks[0].text.startswith("Læringsformer\n\n")
    for chunk in chunks[1:]:
        assert chunk.heading == "Læringsformer"
        assert chunk.text.startswith("Læringsformer\nSetning nummer")
    for chunk in chunks:
        assert chunk.char_end - chunk.char_start <= 400
        assert body_of(chunk).endswith(".")
    check_invariants(doc, chunks)


def test_abbreviations_are_not_sentence_ends() -> None:
    text = "Overskrift\n\n" + " ".join(
        f"Dette følger av reglene, jf. Hovedtariffavtalen kapittel {i} og ca. 300 kommuner."
        for i in range(20)
    )
    chunks = chunk_document(make_doc([(None, text)]), max_chars=300, min_chars=0)
    for chunk in chunks[1:]:
        assert body_of(chunk).startswith("Dette følger av reglene")


def test_a_single_sentence_longer_than_max_is_kept_whole() -> None:
    long_sentence = "Overskrift\n\nDette er en svært lang setning " + "uten punktum " * 60 + "til slutt."
    doc = make_doc([(None, long_sentence)])
    chunks = chunk_document(doc, max_chars=200, min_chars=0)
    assert len(chunks) == 1
    check_invariants(doc, chunks)


def test_list_is_kept_whole_or_split_between_items() -> None:
    items = "\n".join(f"• Spørsmål nummer {i} om læring og kompetanse i virksomheten?" for i in range(12))
    text = f"Til refleksjon\n\n{items}"
    doc = make_doc([(None, text)])
    whole = chunk_document(doc, max_chars=1200)
    assert len(whole) == 1 and whole[0].chunk_type == "list"
    parts = chunk_document(doc, max_chars=300, min_chars=0)
    assert len(parts) > 1
    for chunk in parts:
        for line in body_of(chunk).split("\n"):
            assert line.startswith(("• Spørsmål", "Til refleksjon")) or not line
        assert chunk.chunk_type == "list"
    check_invariants(doc, parts)


def test_provision_is_its_own_chunk_and_guide_text_only_refers_to_it() -> None:
    text = (
        "Medarbeidersamtalen\n\n"
        "Er det nødvendig med utdanningspermisjon, jf. HTA kap. 1 pkt. 14.2? Hel eller delvis?\n\n"
        "14.2 Utdanningspermisjon\n\n"
        "Rett til utdanningspermisjon reguleres av arbeidsmiljøloven § 12-11.\n\n"
        "Turnusarbeidere gis ny fridag som kompensasjon.\n\n"
        "10-faktor\n\n"
        "Ca. 300 kommuner bruker 10-faktor."
    )
    doc = make_doc([(None, text)])
    chunks = chunk_document(doc)
    assert [c.provision for c in chunks] == [None, "HTA kap. 1 pkt. 14.2", None]
    guide, provision, after = chunks
    assert guide.references == ("HTA kap. 1 pkt. 14.2",)
    assert provision.chunk_type == "provision"
    assert provision.text.startswith("14.2 Utdanningspermisjon\n\nRett til utdanningspermisjon")
    assert provision.section_path == ("Medarbeidersamtalen", "14.2 Utdanningspermisjon")
    assert provision.references == ("aml. § 12-11",)
    assert after.section_path == ("10-faktor",) and after.chunk_type == "section"
    check_invariants(doc, chunks)


def test_page_range_of_a_chunk_spanning_pages() -> None:
    doc = make_doc(
        [
            (7, "Innledning\n\nDette avsnittet begynner på side sju og fortsetter på"),
            (8, "neste side der det slutter.\n\nEt nytt avsnitt på side åtte."),
        ]
    )
    chunks = chunk_document(doc)
    assert len(chunks) == 1
    assert (chunks[0].page_start, chunks[0].page_end) == (7, 8)
    assert chunks[0].page_label == "s. 7–8"


def test_ids_are_content_addressed_and_stable() -> None:
    doc = make_doc([(None, "Innledning\n\n" + sentences(20))])
    first = chunk_document(doc, max_chars=300)
    second = chunk_document(doc, max_chars=300)
    assert [c.chunk_id for c in first] == [c.chunk_id for c in second]
    other = LoadedDocument(doc.info, doc.text, doc.pages, "d" * 64)
    assert not {c.chunk_id for c in first} & {c.chunk_id for c in chunk_document(other, max_chars=300)}


def test_bad_bounds_raise() -> None:
    doc = make_doc([(None, "Tekst.")])
    with pytest.raises(ValueError, match="max_chars"):
        chunk_document(doc, max_chars=0)
    with pytest.raises(ValueError, match="min_chars"):
        chunk_document(doc, min_chars=-1)


def test_empty_document_has_no_chunks() -> None:
    assert chunk_document(make_doc([(None, "")])) == []


# --------------------------------------------------------------------------- property tests

PIECES = [
    "Innledning",
    "Til refleksjon:",
    "HTA kap. 3.2 Lokal lønnspolitikk:",
    "14.2 Utdanningspermisjon",
    "Kapittel 4 Særlige bestemmelser",
    "4.2.4 Kompetanse",
    "§ 14 Permisjoner",
    "## § 12-11. Utdanningspermisjon",
    "# Tittel",
    "Merknad",
    "(1) Arbeidstaker har rett til permisjon.",
    "(2) Permisjon kan likevel ikke kreves,",
    "a. dobbelt så lang tid og",
    "• Hvordan kan vi legge til rette for læring?",
    "- motivere til kompetanseutvikling",
    "Rett til utdanningspermisjon reguleres av arbeidsmiljøloven § 12-11.",
    "jf. Hovedtariffavtalen kapittel 3 pkt. 3.3.",
    "Vi lærer på mange måter. Også for arbeidstakere gjelder HTA kap. 3.4 og 5.",
    "Det er også nedfelt en bestemmelse.",
    "https://www.ks.no/fagomrader/verktoy---",
    "Teknologi1 kan gi nye muligheter",
    "1 https://www.ks.no/x",
    "Rekrutterings-",
    "situasjonen g jelder",
    "KS konsulent AS",
    "Ved en politisk forankring vil også ressursbehov tydeliggjøres, og kan gi økonomisk handlingsrom.",
    "",
    " ",
    "\f",
]

line_strategy = st.one_of(st.sampled_from(PIECES), st.text(max_size=80))
page_strategy = st.lists(line_strategy, max_size=25).map("\n".join)
pages_strategy = st.lists(page_strategy, min_size=1, max_size=3)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pages=pages_strategy,
    paginated=st.booleans(),
    kind=st.sampled_from(["guide", "agreement", "law", "other"]),
    max_chars=st.integers(min_value=40, max_value=1500),
    min_chars=st.integers(min_value=0, max_value=300),
)
def test_chunking_loses_and_duplicates_nothing(
    pages: list[str], paginated: bool, kind: DocumentKind, max_chars: int, min_chars: int
) -> None:
    raw = [(i + 1 if paginated else None, page) for i, page in enumerate(pages)]
    doc = make_doc(raw, kind)
    chunks = chunk_document(doc, max_chars=max_chars, min_chars=min_chars)
    check_invariants(doc, chunks)
    again = chunk_document(doc, max_chars=max_chars, min_chars=min_chars)
    assert [c.chunk_id for c in again] == [c.chunk_id for c in chunks]


raw_text_strategy = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=40), st.sampled_from(["\n", "\n\n", " \n"])),
    max_size=30,
).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=raw_text_strategy, kind=st.sampled_from(["guide", "agreement", "law", "other"]))
def test_chunking_arbitrary_uncleaned_text(text: str, kind: DocumentKind) -> None:
    # Structure and chunking must also hold on text that did not go through cleaning.
    doc = LoadedDocument(DocumentInfo("d", "D", "D", kind), text, (), "e" * 64)
    check_invariants(doc, chunk_document(doc, max_chars=200, min_chars=50))
