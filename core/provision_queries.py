"""The provisions and the ledd a user's question names, in any common form -> normalised labels.

Labels are spelled as in :mod:`core.provision_labels`; references inside a source text are
read by :mod:`core.provisions`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from core.provision_labels import (
    HA_REF_RE,
    KAP,
    LAWNUM,
    PKT,
    POINT,
    ha_label,
    hta_label,
    law_label,
    overlaps,
    valid_law,
    valid_point,
)

__all__ = ["ledd_in_query", "names_ledd", "parse_query_references", "parse_reference"]

_ORDINALS = {
    "første": 1,
    "annet": 2,
    "andre": 2,
    "tredje": 3,
    "fjerde": 4,
    "femte": 5,
    "sjette": 6,
    "sjuende": 7,
    "syvende": 7,
    "åttende": 8,
    "niende": 9,
    "tiende": 10,
}
_LEDD_RES = (
    re.compile(r"\b(?P<word>" + "|".join(_ORDINALS) + r")\s+ledd", re.IGNORECASE),
    re.compile(r"(?<!\d)(?P<num>\d{1,2})\.\s*ledd\b", re.IGNORECASE),
    re.compile(r"\bledd\s*(?:nr\.?\s*)?\(?(?P<num>\d{1,2})\)?", re.IGNORECASE),
    re.compile(r"(?<![\w)])\((?P<num>\d{1,2})\)"),
)
_Q_HTA_EXPLICIT_RE = re.compile(
    rf"\bHTA\b\s*(?:{KAP}\s*(?P<kap>\d{{1,2}})(?![.\d])\s*,?\s*)?(?:{PKT}\s*)?(?P<point>{POINT})?",
    re.IGNORECASE,
)
# A number may open a compound ("kap 3.4-stilling", "§ 12-11-saken"), unless its tail is a unit ("1.5-årig").
_COMPOUND_WORD = r"(?!(?:år|uke|veke|dag|time|måned|månad|mnd|prosent)\w*)[a-zæøå]{3}"
_Q_POINT_RE = re.compile(
    rf"(?<![\w.\-/])(?P<point>{POINT})(?![.,]?\d)(?!\s?%)(?!\w)(?!-(?!{_COMPOUND_WORD}))", re.IGNORECASE
)
_Q_KAP_ONLY_RE = re.compile(rf"\b{KAP}\s*(?P<kap>\d{{1,2}})(?![.\d\-])", re.IGNORECASE)
_Q_LAW_RE = re.compile(
    rf"(?<![\w.\-/])(?P<num>{LAWNUM})(?:\s?(?P<letter>[a-h])(?![\wæøå]))?(?!\w)(?P<tail>-)?"
)
_LAW_NAMED_BEFORE = re.compile(r"(?:§|\baml\.?|\bparagraf\w*|\bloven\w*)\s*$", re.IGNORECASE)
_Q_HTA_PARA_RE = re.compile(r"\bHTA\b[^?.!]{0,20}?§\s*(?P<num>\d{1,2})(?![\d\-])", re.IGNORECASE)


def parse_query_references(question: str) -> list[str]:
    """Labels of the provisions a user's question names, in order, deduplicated.

    Takes any common form: "HTA 14.2", "pkt. 4.2.4", "punkt 3.3", "kap 3.2",
    "hva står i 4.2.4", "§ 12-11", "§12-11", "aml 12-11", "paragraf 12-11",
    "arbeidsmiljøloven 12-11", "12-11" (a bare hyphenated number is the law),
    "HTA kap. 1 pkt. 14.2", "HTA kap. 5", "Hovedavtalen § 3-5" / "HA 3-5" ("HA § 3-5").
    Years, dates, money, percentages and
    "10-faktor" give nothing. Never raises.
    """
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []

    def add(pos: int, end: int, label: str | None) -> None:
        if label and not overlaps(taken, pos, end):
            taken.append((pos, end))
            found.append((pos, label))

    for match in HA_REF_RE.finditer(question):
        add(match.start(), match.end(), ha_label(match))
    for match in _Q_HTA_PARA_RE.finditer(question):
        add(match.start(), match.end(), f"HTA kap. 1 § {int(match.group('num'))}")
    for match in _Q_HTA_EXPLICIT_RE.finditer(question):
        kap = int(match.group("kap")) if match.group("kap") else None
        point = match.group("point")
        if point and valid_point(point):
            add(match.start(), match.end(), hta_label(kap, point))
        elif kap is not None and not point:
            add(match.start(), match.end(), hta_label(kap))
    for match in _Q_LAW_RE.finditer(question):
        num = re.sub(r"\s", "", re.sub(r"[‐–]", "-", match.group("num")))
        # "§ 12-11-saken" opens a compound; a bare "2-3-ukers" is a range of a unit
        compound = match.group("tail") is not None
        if compound and not (
            re.match(_COMPOUND_WORD, question[match.end() :], re.IGNORECASE)
            and _LAW_NAMED_BEFORE.search(question[max(0, match.start() - 12) : match.start()])
        ):
            continue
        if valid_law(num) and not _looks_like_range(question, match):
            add(match.start(), match.end(), law_label(num, match.group("letter")))
    for match in _Q_POINT_RE.finditer(question):
        point = match.group("point")
        before = question[max(0, match.start() - 4) : match.start()].lower()
        if valid_point(point) and "kl" not in before:
            add(match.start(), match.end(), hta_label(None, point))
    for match in _Q_KAP_ONLY_RE.finditer(question):
        if re.search(r"\b(?:HTA|hovedtariff)", question, re.IGNORECASE):
            add(match.start(), match.end(), hta_label(int(match.group("kap"))))
    found.sort()
    labels: list[str] = []
    for _, label in found:
        if label not in labels:
            labels.append(label)
    return labels


def _looks_like_range(question: str, match: re.Match[str]) -> bool:
    """True for "kl. 8-16", "8-10 ansatte" style number ranges that are not paragraphs."""
    before = question[max(0, match.start() - 4) : match.start()].lower()
    after = question[match.end() : match.end() + 12].lower()
    return "kl" in before or bool(
        re.match(r"\s*(?:%|prosent|kr\b|år\b|timer|uker|dager|måneder|ansatte|personer)", after)
    )


def parse_reference(text: str) -> str | None:
    """The first provision label named in ``text`` (see :func:`parse_query_references`), or None."""
    labels = parse_query_references(text)
    return labels[0] if labels else None


@lru_cache(maxsize=4096)
def ledd_in_query(question: str) -> int | None:
    """The ledd (subsection) number a question names: "tredje ledd", "(3)", "3. ledd", "ledd 3" -> 3."""
    for pattern in _LEDD_RES:
        match = pattern.search(question)
        if match:
            if match.groupdict().get("word"):
                return _ORDINALS[match.group("word").lower()]
            return int(match.group("num"))
    return None


def names_ledd(question: str, section_path: tuple[str, ...]) -> bool:
    """True when ``question`` names the ledd a passage's ``section_path`` ends in ("tredje ledd" and "(3)")."""
    ledd = ledd_in_query(question)
    return bool(ledd) and section_path[-1:] == (f"({ledd})",)
