"""Lookup of "§ n-m" provisions in documents users add, named by short name or title."""

from __future__ import annotations

import pytest

from assistant.lookup import (
    all_views,
    document_summaries,
    lookup,
    not_found_message,
    sub_provision_views,
    sub_provisions,
)
from assistant.resolve import named_in_question, question_labels
from core.errors import AmbiguousReferenceError
from core.models import Chunk
from index.records import DocRecord

pytestmark = pytest.mark.unit


def chunk(
    label: str | None, document: str, short: str, text: str, pos: int, path: tuple[str, ...] = ()
) -> Chunk:
    return Chunk(
        chunk_id=f"c{pos}",
        doc_id=short.lower(),
        document=document,
        short_name=short,
        kind="agreement",
        text=text,
        section_path=path or (short,),
        provision=label,
        heading=None,
        chunk_type="provision",
        page_start=2,
        page_end=2,
        char_start=0,
        char_end=len(text),
        position=pos,
        doc_hash="h" * 64,
    )


CHUNKS = [
    chunk(
        "HA § 3-5", "Hovedavtalen", "HA", "Tillitsvalgte får fri med lønn.", 0, ("HA", "Del B Tillitsvalgte")
    ),
    chunk("HA § 1-3", "Hovedavtalen", "HA", "Formålet er samarbeid.", 1, ("HA", "Del A Alminnelig")),
    chunk("Særavtalen § 3-5", "Særavtale om reiser", "Særavtalen", "Reiseutgifter dekkes.", 2),
    chunk("Kompetanseplan pkt. 3", "Kompetanseplan for Ørsta", "Kompetanseplan", "Stipend på inntil.", 3),
    chunk("Kompetanseplan pkt. 3.1", "Kompetanseplan for Ørsta", "Kompetanseplan", "Søknad om stipend.", 4),
    chunk("HTA kap. 1 pkt. 14.1", "Hovedtariffavtalen", "HTA", "Velferdspermisjon.", 5),
    chunk(
        "HA del A § 1-1",
        "Hovedavtalen",
        "HA",
        "Formål, del A.",
        7,
        ("HA", "Del A Alminnelig", "§ 1-1 Formål"),
    ),
    chunk(
        "HA del B § 1-1",
        "Hovedavtalen",
        "HA",
        "Formål, del B.",
        8,
        ("HA", "Del B Tillitsvalgte", "§ 1-1 Formål"),
    ),
    chunk("Lønnspolitikk pkt. 14.1", "Lønnspolitikk for Ørsta", "Lønnspolitikk", "Lønnsprinsipper.", 6),
]


@pytest.mark.parametrize(
    ("ref", "label"),
    [
        ("Hovedavtalen § 3-5", "HA § 3-5"),
        ("HA 3-5", "HA § 3-5"),
        ("hovedavtalen del B § 3-5", "HA § 3-5"),
        ("HA § 3-5", "HA § 3-5"),
        ("ha § 3-5", "HA § 3-5"),
        ("hovedavtalens § 1-3", "HA § 1-3"),
        ("særavtalen 3-5", "Særavtalen § 3-5"),
        ("kompetanseplanen punkt 3", "Kompetanseplan pkt. 3"),
        ("Kompetanseplan pkt. 3.1", "Kompetanseplan pkt. 3.1"),
        ("kompetanseplan 3.1", "Kompetanseplan pkt. 3.1"),
        ("HTA 14.1", "HTA kap. 1 pkt. 14.1"),
        ("hovedtariffavtalen pkt. 14.1", "HTA kap. 1 pkt. 14.1"),
        ("lønnspolitikken punkt 14.1", "Lønnspolitikk pkt. 14.1"),
        ("hovedavtalen del B § 1-1", "HA del B § 1-1"),
        ("HA del A 1-1", "HA del A § 1-1"),
    ],
)
def test_named_forms_find_the_provision(ref: str, label: str) -> None:
    view = lookup(ref, CHUNKS)
    assert view is not None and view.label == label


@pytest.mark.parametrize(
    ("ref", "candidates"),
    [
        ("3-5", ("HA § 3-5", "Særavtalen § 3-5")),
        ("§ 3-5", ("HA § 3-5", "Særavtalen § 3-5")),
        ("14.1", ("HTA kap. 1 pkt. 14.1", "Lønnspolitikk pkt. 14.1")),
        ("Hovedavtalen § 1-1", ("HA del A § 1-1", "HA del B § 1-1")),  # in two parts, none named
    ],
)
def test_a_number_in_two_documents_lists_the_candidates(ref: str, candidates: tuple[str, ...]) -> None:
    with pytest.raises(AmbiguousReferenceError) as raised:
        lookup(ref, CHUNKS)
    assert raised.value.candidates == candidates
    assert all(f"«{c}»" in raised.value.message for c in candidates)


@pytest.mark.parametrize("ref", ["Hovedavtalen § 4-1", "kompetanseplanen punkt 7", "HA 3-5-7"])
def test_a_named_document_without_that_number_finds_nothing(ref: str) -> None:
    assert lookup(ref, CHUNKS) is None


def test_the_provision_search_takes_the_same_forms() -> None:
    assert [v.label for v in all_views(CHUNKS, "kompetanseplanen punkt 3")] == ["Kompetanseplan pkt. 3"]
    assert {v.label for v in all_views(CHUNKS, "3-5")} == {"HA § 3-5", "Særavtalen § 3-5"}


@pytest.mark.parametrize(
    ("question", "labels"),
    [
        ("Hva sier kompetanseplanen punkt 3 om stipend?", ["Kompetanseplan pkt. 3"]),
        ("Hva står i Hovedavtalen § 3-5?", ["HA § 3-5"]),
        ("Gjelder HA § 3-5 og HTA 14.1 for meg?", ["HA § 3-5", "HTA kap. 1 pkt. 14.1"]),
        ("Kompetanseplan pkt. 3.1", ["Kompetanseplan pkt. 3.1"]),
        ("Kan jeg få stipend etter kompetanseplanen når jeg har jobbet 3 år?", []),  # no marked number
        ("Hva sier punkt 3?", []),  # no document named
    ],
)
def test_provisions_named_in_a_question(question: str, labels: list[str]) -> None:
    assert named_in_question(question, CHUNKS) == labels


@pytest.mark.parametrize(
    ("question", "labels"),
    [
        ("Hva sier kompetanseplanen punkt 3.1?", ["Kompetanseplan pkt. 3.1"]),  # not "HTA kap. 3 pkt. 3.1"
        (
            "Hva sier aml § 12-11 og HTA 14.2?",
            ["aml. § 12-11", "HTA kap. 1 pkt. 14.2"],
        ),  # no document in CHUNKS
        ("Gjelder Hovedavtalen § 3-5 sammen med 14.2?", ["HA § 3-5", "HTA kap. 1 pkt. 14.2"]),
    ],
)
def test_question_labels_combine_named_and_common_forms(question: str, labels: list[str]) -> None:
    assert question_labels(question, CHUNKS) == labels


def test_a_chapter_quoted_in_part_names_the_parts_the_sources_hold() -> None:
    chunks = [
        chunk("HTA kap. 1 pkt. 14.2", "Hovedtariffavtalen", "HTA", "Rett til utdanningspermisjon …", 0),
        chunk("HTA kap. 3 pkt. 3.2", "Hovedtariffavtalen", "HTA", "Den lokale lønnspolitikken …", 1),
        chunk("aml. § 12-11", "Arbeidsmiljøloven", "aml", "(1) Arbeidstaker som …", 2),
        chunk("aml. § 12-14", "Arbeidsmiljøloven", "aml", "Tvist om rett til permisjon …", 3),
        chunk("HA § 3-5", "Hovedavtalen", "HA", "Partene skal drøfte …", 4),
    ]
    assert lookup("HTA 14", chunks) is None
    assert sub_provisions("HTA 14", chunks) == ["HTA kap. 1 pkt. 14.2"]
    assert sub_provisions("aml. § 12", chunks) == ["aml. § 12-11", "aml. § 12-14"]
    # the document named narrows the parts ("HTA kap. 3" is not Hovedavtalen § 3-5); a bare number does not
    assert sub_provisions("HTA kap. 3", chunks) == ["HTA kap. 3 pkt. 3.2"]
    assert sub_provisions("3", chunks) == ["HTA kap. 3 pkt. 3.2", "HA § 3-5"]
    assert sub_provisions("§ 12-1", chunks) == [] and sub_provisions("HTA", chunks) == []
    message = not_found_message("aml. § 12", sub_provision_views("aml. § 12", chunks))
    assert message.startswith("«aml. § 12» er ikke med i kildene i sin helhet")
    assert "aml. § 12-11" in message and "aml. § 12-14" in message
    assert not_found_message("§ 99", sub_provision_views("§ 99", chunks)).startswith(
        "Fant ingen bestemmelse for «§ 99»"
    )


def test_a_documents_summary_counts_its_provisions() -> None:
    def record(title: str, labels: tuple[str, ...]) -> DocRecord:
        return DocRecord.from_dict(
            {
                "doc_id": title.lower(),
                "title": title,
                "content_hash": "h",
                "chunks": 4,
                "provisions": list(labels),
            }
        )

    summaries = document_summaries([record("Tariffavtale", ("§ 1", "§ 2", "§ 3")), record("Avtale", ())])
    assert [(s.title, s.provisions) for s in summaries] == [("Avtale", 0), ("Tariffavtale", 3)]
