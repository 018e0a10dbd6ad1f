"""Provision heading lines -> label and title; and the lines that are no heading."""

from __future__ import annotations

import pytest

from core.provision_headings import heading_provision

pytestmark = pytest.mark.unit


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
