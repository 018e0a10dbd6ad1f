"""The provisions and the ledd a user's question names, in every common form; and what must not match."""

from __future__ import annotations

import pytest

from core.provision_queries import ledd_in_query, names_ledd, parse_query_references, parse_reference

pytestmark = pytest.mark.unit


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
        # a number opening a compound still names the provision
        ("Jeg er enhetsleder (kap 3.4-stilling)", ["HTA kap. 3 pkt. 3.4"]),
        ("Gjelder 14.2-permisjonen oss?", ["HTA kap. 1 pkt. 14.2"]),
        ("Hvordan gikk § 12-11-saken?", ["aml. § 12-11"]),
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
        # a range of a unit, a fraction of years, a range of points: no compound of a provision
        "et 2-3-ukers kurs",
        "1.5-årig utdanning",
        "3.4-3.5",
        "12-11-2024",
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


@pytest.mark.parametrize("question", ["HA 3-5", "Hva sier Hovedavtalen § 3-5?", "hovedavtalen del B § 3-5"])
def test_questions_naming_hovedavtalen(question: str) -> None:
    assert parse_query_references(question) == ["HA § 3-5"]


def test_the_verb_ha_is_no_hovedavtalen() -> None:
    assert parse_query_references("kan jeg ha 3-5 dager fri?") == []
