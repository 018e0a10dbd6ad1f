"""Provision references inside a text -> normalised labels; and what must not match. The property tests
run every reader of the label grammar (text, question, heading) on noise."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.provision_headings import heading_provision
from core.provision_queries import ledd_in_query, parse_query_references
from core.provisions import Context, find_references

pytestmark = pytest.mark.unit


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
