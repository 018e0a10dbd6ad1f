"""Provision labels: the one spelling of a provision, the numbers one may hold, and the shared regex pieces.

Labels (the one spelling used everywhere: chunk metadata, exact lookup, citations):

- HTA point: ``"HTA kap. 3 pkt. 3.2"``, ``"HTA kap. 1 pkt. 14.2"``, ``"HTA kap. 4 pkt. 4.2.4"``
- HTA chapter (only a chapter named): ``"HTA kap. 5"``
- HTA kap. 1 paragraph (``§ 14 Permisjoner`` in the agreement): ``"HTA kap. 1 § 14"``
- Law (arbeidsmiljøloven): ``"aml. § 12-11"``, ``"aml. § 14-4 a"`` (a ledd is never part of a label;
  see :func:`core.provision_queries.ledd_in_query`).
- Hovedavtalen: ``"HA § 3-5"``, also when named "Hovedavtalen (del B) § 3-5" or "HA 3-5".
- Other documents (labelled at ingest, see ``ingest/structure.py``): their label prefix and number,
  ``"Opplæringslova § 12-1"``, ``"Kompetanseplan pkt. 3"``.

Chapter inference for an HTA point without an explicit chapter: first number 1
and 3..7 -> that chapter; first number >= 8 (14.2, 10.2) -> kap. 1 (whose
paragraphs are numbered § 8 .. § 14); first number 2 is ambiguous (kap. 2 or
kap. 1 § 2) and gives no label. An explicit chapter ("kap. 1 pkt. 14.2") wins.

The regex pieces here are shared by the three readers of the grammar: references in a text
(:mod:`core.provisions`), a user's question (:mod:`core.provision_queries`) and heading lines
(:mod:`core.provision_headings`).
"""

from __future__ import annotations

import re

__all__ = [
    "HA_REF_RE",
    "KAP",
    "LAWNUM",
    "LETTER",
    "PARA_WORD",
    "PKT",
    "POINT",
    "ha_label",
    "hta_label",
    "infer_hta_chapter",
    "law_label",
    "overlaps",
    "valid_law",
    "valid_point",
]


# --------------------------------------------------------------------------- labels


def infer_hta_chapter(point: str) -> int | None:
    """Return the HTA chapter of a point number such as "3.2" or "14.2" (None if ambiguous)."""
    try:
        first = int(point.split(".")[0])
    except ValueError:
        return None
    if first == 1 or 3 <= first <= 7:
        return first
    if first >= 8:
        return 1
    return None


def hta_label(chapter: int | None, point: str | None = None) -> str | None:
    """Build an HTA label; the chapter is inferred from the point when not given."""
    if point is not None:
        point = point.rstrip(".")
        if chapter is None:
            chapter = infer_hta_chapter(point)
        if chapter is None:
            return None
        return f"HTA kap. {chapter} pkt. {point}"
    if chapter is None:
        return None
    return f"HTA kap. {chapter}"


def law_label(number: str, letter: str | None = None) -> str:
    """Build an arbeidsmiljøloven label: ``law_label("12-11") == "aml. § 12-11"``."""
    number = re.sub(r"\s*[-‐–]\s*", "-", number.strip())
    return f"aml. § {number} {letter}" if letter else f"aml. § {number}"


def valid_point(point: str) -> bool:
    """Reject dotted numbers that are dates, money or versions rather than HTA points."""
    parts = point.split(".")
    if len(parts) < 2 or len(parts) > 4:
        return False
    if any(len(p) > 2 or not p.isdigit() for p in parts):
        return False
    if any(len(p) > 1 and p.startswith("0") for p in parts[1:]):
        return False
    first = int(parts[0])
    return 1 <= first <= 30


def valid_law(number: str) -> bool:
    """True for a hyphenated paragraph number such as "12-11" (chapter 1..20, paragraph 1..40)."""
    left, _, right = number.partition("-")
    return left.isdigit() and right.isdigit() and 1 <= int(left) <= 20 and 1 <= int(right) <= 40


# --------------------------------------------------------------------------- regex pieces

POINT = r"(?<![\d.])\d{1,2}(?:\.\d{1,2}){1,3}(?!\.?\d)"
LAWNUM = r"\d{1,2}\s?[-‐–]\s?\d{1,2}(?![\d])"
LETTER = r"(?:\s(?P<{name}>[a-h])(?![\wæøå]))?"
KAP = r"(?:kapittel|kapitel|kap\.?)"
PKT = r"(?:pkt\.?|punkt|punktene|punktet)"
PARA_WORD = r"(?:§§?|paragrafene|paragrafen|paragraf)"

# Hovedavtalen, named ("Hovedavtalen del B § 3-5", "HA § 3-5", "HA 3-5"): its labels are "HA § n-m".
HA_REF_RE = re.compile(
    rf"(?:\bHA\b|\b[Hh]ovedavtalens?\b)\s*,?\s*(?:del\s+[A-E]\s*,?\s*)?(?:{PARA_WORD}\s*)?"
    rf"(?P<num>{LAWNUM})(?![-‐–]){LETTER.format(name='letter')}",
)


def ha_label(match: re.Match[str]) -> str | None:
    """ "HA § 3-5" for a named Hovedavtalen reference (a :data:`HA_REF_RE` match), None for a number
    that is no paragraph."""
    num = re.sub(r"\s", "", re.sub(r"[‐–]", "-", match.group("num")))
    if not valid_law(num):
        return None
    return f"HA § {num} {match.group('letter')}" if match.group("letter") else f"HA § {num}"


def overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when ``start:end`` overlaps one of the ``spans`` already taken by a reference."""
    return any(s < end and start < e for s, e in spans)
