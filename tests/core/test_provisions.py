"""Provision references in every common form -> normalised labels; and what must not match."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.provisions import (
    Context,
    find_references,
    heading_provision,
    hta_label,
    infer_hta_chapter,
    law_label,
    ledd_in_query,
    names_ledd,
    parse_query_references,
    parse_reference,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("point", "chapter"),
    [
        ("3.2", 3),
        ("4.2.4", 4),
        ("5.3", 5),
        ("7.1", 7),
        ("14.2", 1),
        ("10.2", 1),
        ("8.1", 1),
        ("1.1", 1),
        ("2.3", None),
    ],
)
def test_chapter_inference(point: str, chapter: int | None) -> None:
    assert infer_hta_chapter(point) == chapter


def test_label_builders() -> None:
    assert hta_label(None, "14.2") == "HTA kap. 1 pkt. 14.2"
    assert hta_label(1, "14.2") == "HTA kap. 1 pkt. 14.2"
    assert hta_label(5) == "HTA kap. 5"
    assert hta_label(None, "2.3") is None
    assert law_label("12-11") == "aml. § 12-11"
    assert law_label("14-4", "a") == "aml. § 14-4 a"


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        (
            "Vi beskriver her, jf. Hovedtariffavtalen kapittel 3 pkt. 3.2, som grunnlag",
            "guide",
            ["HTA kap. 3 pkt. 3.2"],
        ),
        (
            "plan for kompetanseheving, jf. Hovertariffavtalen kap. 3 pkt. 3.3.",
            "guide",
            ["HTA kap. 3 pkt. 3.3"],
        ),
        ("et ansvar, jf. Hovedtariffavtalen kapittel 3, pkt. 3.3.", "guide", ["HTA kap. 3 pkt. 3.3"]),
        ("utdanningspermisjon, jf. HTA kap. 1 pkt. 14.2?", "guide", ["HTA kap. 1 pkt. 14.2"]),
        (
            "og lønnsutvikling, jf. HTA kap. 4.0 og 5.3. Dette",
            "guide",
            ["HTA kap. 4 pkt. 4.0", "HTA kap. 5 pkt. 5.3"],
        ),
        ("som iht. HTA pkt. 3.2 skal", "guide", ["HTA kap. 3 pkt. 3.2"]),
        ("I HTA kap. 3 pkt. 3.3.2 er det en bestemmelse", "guide", ["HTA kap. 3 pkt. 3.3.2"]),
        ("lønnsdanning etter HTA kap. 3.4 og 5 er det", "guide", ["HTA kap. 3 pkt. 3.4", "HTA kap. 5"]),
        (
            "se HTA kap. 5 pkt. 5.2 og HTA kap. 3 pkt. 3.4.4. Prinsippet",
            "guide",
            ["HTA kap. 5 pkt. 5.2", "HTA kap. 3 pkt. 3.4.4"],
        ),
        ("nedfelt i hovedtariffavtalens kapittel 5.3.", "guide", ["HTA kap. 5 pkt. 5.3"]),
        ("Se HTA kap. 5 for mer.", "guide", ["HTA kap. 5"]),
        ("som omtalt i jf. pkt. 3.3 over", "guide", ["HTA kap. 3 pkt. 3.3"]),
        ("reguleres av arbeidsmiljøloven § 12-11.", "guide", ["aml. § 12-11"]),
        ("etter aml. § 12-11 tredje ledd", "guide", ["aml. § 12-11"]),
        ("avgjøres av tvisteløsningsnemnda, jf. § 17-2 .", "law", ["aml. § 17-2"]),
        (
            "Tvist som nevnt i §§ 10-13, 12-14, 14-3 og 14-4 a kan bringes",
            "law",
            ["aml. § 10-13", "aml. § 12-14", "aml. § 14-3", "aml. § 14-4 a"],
        ),
        ("§ 12-11 i arbeidsmiljøloven", "guide", ["aml. § 12-11"]),
        ("Dersom området er endret kan det forhandles etter 4.2.2.", "hta", ["HTA kap. 4 pkt. 4.2.2"]),
        ("I henhold til kapittel 3.2 legges lønnspolitikken", "hta", ["HTA kap. 3 pkt. 3.2"]),
        ("Det vises også til kapittel 3.3, der", "hta", ["HTA kap. 3 pkt. 3.3"]),
        ("Permisjon etter § 14 gis", "hta", ["HTA kap. 1 § 14"]),
    ],
)
def test_find_references(text: str, context: str, expected: list[str]) -> None:
    refs = find_references(text, context=context)  # type: ignore[arg-type]
    assert [r.label for r in refs] == expected
    for ref in refs:
        assert text[ref.start : ref.end] == ref.raw


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ("Ca. 300 kommuner og fylkeskommuner bruker 10- Faktor som sin medarbeiderundersøkelse.", "guide"),
        ("10-faktor og 10-FAKTOR er verktøy", "guide"),
        ("lov 17. juni 2005 nr. 62, i 2024 og 2025-2026", "law"),
        ("Møtet er 12.05.2024 kl. 14.30 på side 3", "guide"),
        ("Tillegget er kr 3.000 eller 2.5 prosent", "guide"),
        ("minimum et halvt/ett års varighet", "guide"),
        ("kommunen/fylkeskommunen/bedriften", "guide"),
        ("Dersom området er endret kan det forhandles etter 4.2.2.", "guide"),
        ("I henhold til kapittel 3.2 legges", "guide"),
        ("Vedtekter § 3 gjelder", "guide"),
        ("Avtalen gjelder etter 1.1.2024 og fra 1.5.2024.", "hta"),
        ("HTA gjelder for 300 kommuner fra 2024", "guide"),
    ],
)
def test_find_references_negatives(text: str, context: str) -> None:
    assert find_references(text, context=context) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("HTA 14.2", ["HTA kap. 1 pkt. 14.2"]),
        ("Hva sier pkt. 4.2.4?", ["HTA kap. 4 pkt. 4.2.4"]),
        ("punkt 3.3", ["HTA kap. 3 pkt. 3.3"]),
        ("kapittel 3.2", ["HTA kap. 3 pkt. 3.2"]),
        ("kap 3.2", ["HTA kap. 3 pkt. 3.2"]),
        ("hva står i 4.2.4", ["HTA kap. 4 pkt. 4.2.4"]),
        ("§ 12-11", ["aml. § 12-11"]),
        ("§12-11", ["aml. § 12-11"]),
        ("aml 12-11", ["aml. § 12-11"]),
        ("aml. § 12-11 tredje ledd", ["aml. § 12-11"]),
        ("arbeidsmiljøloven 12-11", ["aml. § 12-11"]),
        ("paragraf 12-11", ["aml. § 12-11"]),
        ("Hva sier 12-11 om permisjon?", ["aml. § 12-11"]),
        ("14.2", ["HTA kap. 1 pkt. 14.2"]),
        ("HTA kap. 1 pkt. 14.2", ["HTA kap. 1 pkt. 14.2"]),
        ("Hva sier HTA kap 4 pkt 4.2.4?", ["HTA kap. 4 pkt. 4.2.4"]),
        ("HTA kap. 5", ["HTA kap. 5"]),
        ("kapittel 5 i HTA", ["HTA kap. 5"]),
        ("HTA § 14", ["HTA kap. 1 § 14"]),
        ("§ 14-4 a", ["aml. § 14-4 a"]),
        ("Gjelder 14.2 og § 12-11 begge?", ["HTA kap. 1 pkt. 14.2", "aml. § 12-11"]),
        ("HTA 3.4.2 og 14.2 og 14.2 igjen", ["HTA kap. 3 pkt. 3.4.2", "HTA kap. 1 pkt. 14.2"]),
    ],
)
def test_parse_query_references(question: str, expected: list[str]) -> None:
    assert parse_query_references(question) == expected
    assert parse_reference(question) == expected[0]


@pytest.mark.parametrize(
    "question",
    [
        "Hvordan brukes 10-faktor i 2024?",
        "Ca. 300 kommuner",
        "møte 12.05.2024 kl. 14.30",
        "Lønn 3.000 kr og 2.5 %",
        "Hva er utdanningspermisjon?",
        "kl. 8-16 hver dag",
        "2023-2024",
        "",
    ],
)
def test_parse_query_references_negatives(question: str) -> None:
    assert parse_query_references(question) == []
    assert parse_reference(question) is None


@pytest.mark.parametrize(
    ("question", "ledd"),
    [
        ("aml. § 12-11 tredje ledd", 3),
        ("§ 12-11 (3)", 3),
        ("§ 12-11 3. ledd", 3),
        ("ledd 3 i § 12-11", 3),
        ("første ledd", 1),
        ("annet ledd", 2),
        ("sjette ledd", 6),
        ("§ 12-11", None),
        ("HTA 14.2", None),
    ],
)
def test_ledd_in_query(question: str, ledd: int | None) -> None:
    assert ledd_in_query(question) == ledd


def test_a_question_names_the_ledd_a_passage_ends_in() -> None:
    assert names_ledd("Hva sier § 12-11 tredje ledd?", ("§ 12-11", "(3)"))
    assert not names_ledd("Hva sier § 12-11 tredje ledd?", ("§ 12-11", "(1)"))
    assert not names_ledd("Hva sier § 12-11?", ("§ 12-11", "(3)"))
    assert not names_ledd("Hva sier tredje ledd?", ())


@pytest.mark.parametrize(
    ("line", "context", "expected"),
    [
        ("HTA kap. 3.2 Lokal lønnspolitikk:", "guide", ("HTA kap. 3 pkt. 3.2", "Lokal lønnspolitikk")),
        (
            "3.3  Kompetanse – læring og utvikling",
            "guide",
            ("HTA kap. 3 pkt. 3.3", "Kompetanse – læring og utvikling"),
        ),
        ("14.2 Utdanningspermisjon", "guide", ("HTA kap. 1 pkt. 14.2", "Utdanningspermisjon")),
        ("HTA kap. 4.2.4 Kompetanse", "guide", ("HTA kap. 4 pkt. 4.2.4", "Kompetanse")),
        (
            "HTA kap. 1 pkt. 14.2 Utdanningspermisjon",
            "other",
            ("HTA kap. 1 pkt. 14.2", "Utdanningspermisjon"),
        ),
        ("## § 12-11. Utdanningspermisjon", "law", ("aml. § 12-11", "Utdanningspermisjon")),
        ("§ 12-11. Utdanningspermisjon", "law", ("aml. § 12-11", "Utdanningspermisjon")),
        ("§ 17-2. Tvisteløsningsnemnd", "guide", ("aml. § 17-2", "Tvisteløsningsnemnd")),
        ("Kapittel 3 Lokal lønnsdannelse", "hta", ("HTA kap. 3", "Lokal lønnsdannelse")),
        ("Kapittel 4 Særlige bestemmelser", "hta", ("HTA kap. 4", "Særlige bestemmelser")),
        ("3.4.2 Særlige lønnsforhandlinger", "hta", ("HTA kap. 3 pkt. 3.4.2", "Særlige lønnsforhandlinger")),
        ("§ 14 Permisjoner", "hta", ("HTA kap. 1 § 14", "Permisjoner")),
        ("14.2 Utdanningspermisjon", "hta", ("HTA kap. 1 pkt. 14.2", "Utdanningspermisjon")),
        ("4.2.4 Kompetanse", "hta", ("HTA kap. 4 pkt. 4.2.4", "Kompetanse")),
    ],
)
def test_heading_provision(line: str, context: str, expected: tuple[str, str]) -> None:
    assert heading_provision(line, context) == expected  # type: ignore[arg-type]


def test_heading_provision_uses_the_current_chapter() -> None:
    assert heading_provision("3.1 Ansettelse", "hta", chapter=1) == ("HTA kap. 1 pkt. 3.1", "Ansettelse")
    assert heading_provision("3.1 Virkeområde", "hta", chapter=3) == ("HTA kap. 3 pkt. 3.1", "Virkeområde")
    assert heading_provision("2.3 Midlertidig ansettelse", "hta") is None


@pytest.mark.parametrize(
    ("line", "context"),
    [
        ("jf. pkt. 3.3 Kompetanse", "guide"),
        ("Se HTA kap. 3.3", "guide"),
        ("3.2 Det skal gjennomføres lokale forhandlinger hvert år.", "hta"),
        ("14.2 og arbeidsmiljøloven § 12-11 gjelder", "hta"),
        ("10-faktor", "guide"),
        ("Ca. 300 kommuner bruker verktøyet", "guide"),
        ("3.3 Mål for 2025", "other"),
        ("§ 3 Formål", "other"),
        ("§ 12-11. Utdanningspermisjon", "other"),
        ("4.2.4 Kompetanse", "law"),
        ("HTA kap. 3.2 " + "Lang tittel " * 10, "guide"),
        ("Dersom arbeids- og ansvarsområdet er endret kan det forhandles etter 4.2.2.", "hta"),
    ],
)
def test_heading_provision_negatives(line: str, context: str) -> None:
    assert heading_provision(line, context) is None  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("§ .-,0123456789abcHTAkapt()jf\nog")), max_size=200))
def test_parsers_never_crash_on_reference_like_noise(text: str) -> None:
    for context in ("hta", "law", "guide", "other"):
        for ref in find_references(text, context=context):  # type: ignore[arg-type]
            assert text[ref.start : ref.end] == ref.raw
            assert ref.label.startswith(("HTA kap. ", "aml. § "))
        heading_provision(text, context)  # type: ignore[arg-type]
    for label in parse_query_references(text):
        assert label.startswith(("HTA kap. ", "aml. § "))
    ledd_in_query(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_parsers_never_crash_on_any_text(text: str) -> None:
    find_references(text, context="guide")
    find_references(text, context="hta")
    parse_query_references(text)
    ledd_in_query(text)
    heading_provision(text, "hta")


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ("Tillitsvalgte får fri etter Hovedavtalen § 3-5.", "other"),
        ("jf. hovedavtalen del B § 3-5", "guide"),
        ("se HA § 3-5 om permisjon", "hta"),
        ("etter Hovedavtalens § 3-5", "law"),
    ],
)
def test_named_hovedavtalen_references(text: str, context: Context) -> None:
    assert [r.label for r in find_references(text, context=context)] == ["HA § 3-5"]


@pytest.mark.parametrize("question", ["HA 3-5", "Hva sier Hovedavtalen § 3-5?", "hovedavtalen del B § 3-5"])
def test_questions_naming_hovedavtalen(question: str) -> None:
    assert parse_query_references(question) == ["HA § 3-5"]


def test_the_verb_ha_is_no_hovedavtalen() -> None:
    assert parse_query_references("kan jeg ha 3-5 dager fri?") == []
