"""Provision references in any common form -> normalised labels.

(Over 400 lines on purpose: references, questions and headings share one label grammar, kept together.)

Labels (the one spelling used everywhere: chunk metadata, exact lookup, citations):

- HTA point: ``"HTA kap. 3 pkt. 3.2"``, ``"HTA kap. 1 pkt. 14.2"``, ``"HTA kap. 4 pkt. 4.2.4"``
- HTA chapter (only a chapter named): ``"HTA kap. 5"``
- HTA kap. 1 paragraph (``§ 14 Permisjoner`` in the agreement): ``"HTA kap. 1 § 14"``
- Law (arbeidsmiljøloven): ``"aml. § 12-11"``, ``"aml. § 14-4 a"`` (a ledd is never part of a label;
  see :func:`ledd_in_query`).
- Hovedavtalen: ``"HA § 3-5"``, also when named "Hovedavtalen (del B) § 3-5" or "HA 3-5".
- Other documents (labelled at ingest, see ``ingest/structure.py``): their label prefix and number,
  ``"Opplæringslova § 12-1"``, ``"Kompetanseplan pkt. 3"``.

Chapter inference for an HTA point without an explicit chapter: first number 1
and 3..7 -> that chapter; first number >= 8 (14.2, 10.2) -> kap. 1 (whose
paragraphs are numbered § 8 .. § 14); first number 2 is ambiguous (kap. 2 or
kap. 1 § 2) and gives no label. An explicit chapter ("kap. 1 pkt. 14.2") wins.

Context decides what a bare number means: in ``"hta"`` text "etter 4.2.2" and
"kapittel 3.3" are HTA points and "§ 14" is HTA kap. 1; a hyphenated "§ 12-11"
is always the law. ``"guide"`` accepts bare "pkt. 3.3"/"punkt 3.3" as HTA;
``"other"`` (a user's own document) only accepts explicitly anchored HTA
references and hyphenated paragraphs after "arbeidsmiljøloven"/"aml".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

__all__ = [
    "Context",
    "RefMatch",
    "find_references",
    "heading_provision",
    "hta_label",
    "infer_hta_chapter",
    "law_label",
    "ledd_in_query",
    "names_ledd",
    "parse_query_references",
    "parse_reference",
]

Context = Literal["hta", "law", "guide", "other"]


@dataclass(frozen=True)
class RefMatch:
    """One reference found in a text: its label and where it sits (``text[start:end] == raw``)."""

    label: str
    start: int
    end: int
    raw: str


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


def _valid_point(point: str) -> bool:
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


def _valid_law(number: str) -> bool:
    left, _, right = number.partition("-")
    return left.isdigit() and right.isdigit() and 1 <= int(left) <= 20 and 1 <= int(right) <= 40


# --------------------------------------------------------------------------- regex pieces

_POINT = r"(?<![\d.])\d{1,2}(?:\.\d{1,2}){1,3}(?!\.?\d)"
_INT = r"\d{1,2}(?![\d.,]\d)"
_LAWNUM = r"\d{1,2}\s?[-‐–]\s?\d{1,2}(?![\d])"
_LETTER = r"(?:\s(?P<{name}>[a-h])(?![\wæøå]))?"
_SEP = r"\s*(?:,|og|eller|og/eller|samt|til)\s*"

_HTA_ANCHOR = (
    r"(?:\bHTA\b|\b[Hh]ove[dr]tariffavtal(?:en|ens)\b|\b[Hh]ovedtariffavtale\b|"
    r"\b[Hh]ovedtariffavtalens\b)"
)
_KAP = r"(?:kapittel|kapitel|kap\.?)"
_PKT = r"(?:pkt\.?|punkt|punktene|punktet)"
_PARA_WORD = r"(?:§§?|paragrafene|paragrafen|paragraf)"
_LAW_ANCHOR = r"(?:\barbeidsmiljølovens?\b|\baml\b\.?)"

# An HTA reference tail: [kap N] [,] [pkt] X ( sep [kap|pkt] X )*
_HTA_ITEM = rf"(?:{_KAP}\s*)?(?:{_PKT}\s*)?(?:{_POINT}|{_INT})"
_HTA_REF_RE = re.compile(
    rf"{_HTA_ANCHOR}\s*,?\s*(?:§\s*(?P<para>\d{{1,2}})(?![\d-])|"
    rf"(?P<tail>(?:{_KAP}\s*(?:{_POINT}|{_INT})\s*,?\s*(?:{_PKT}\s*{_POINT})?|{_PKT}\s*{_POINT}|{_POINT})"
    rf"(?:{_SEP}(?:{_HTA_ITEM}))*))"
)
_BARE_HTA_RE = re.compile(
    rf"(?P<trigger>\b{_KAP}\s*|\b{_PKT}\s*|\better\s+|\bjf\.\s*|\bi henhold til\s+)"
    rf"(?P<tail>(?:{_POINT}|(?<=[Kk]apittel )(?:{_INT})|(?<=[Kk]ap\. )(?:{_INT})|(?<=[Kk]ap )(?:{_INT}))"
    rf"(?:{_SEP}(?:{_HTA_ITEM}))*)"
)
_BARE_PKT_RE = re.compile(rf"\b{_PKT}\s*(?P<tail>{_POINT}(?:{_SEP}(?:{_PKT}\s*)?{_POINT})*)")
_LAW_REF_RE = re.compile(
    rf"(?:(?P<anchor>{_LAW_ANCHOR})\s*(?:{_PARA_WORD}\s*)?|(?P<para>{_PARA_WORD})\s*)"
    rf"(?P<first>{_LAWNUM}){_LETTER.format(name='l0')}"
    rf"(?P<rest>(?:{_SEP}{_LAWNUM}(?:\s[a-h](?![\wæøå]))?)*)"
)
_HTA_PARA_RE = re.compile(r"(?<![\w§])§\s*(?P<num>\d{1,2})(?![\d\-‐–])")
# Hovedavtalen, named ("Hovedavtalen del B § 3-5", "HA § 3-5", "HA 3-5"): its labels are "HA § n-m".
_HA_REF_RE = re.compile(
    rf"(?:\bHA\b|\b[Hh]ovedavtalens?\b)\s*,?\s*(?:del\s+[A-E]\s*,?\s*)?(?:{_PARA_WORD}\s*)?"
    rf"(?P<num>{_LAWNUM})(?![-‐–]){_LETTER.format(name='letter')}",
)
_ITEM_SPLIT_RE = re.compile(rf"(?P<kap>{_KAP}\s*)?(?P<pkt>{_PKT}\s*)?(?P<num>{_POINT}|{_INT})")
_LAW_ITEM_RE = re.compile(rf"(?P<num>{_LAWNUM})(?:\s(?P<letter>[a-h])(?![\wæøå]))?")


def _hta_tail_labels(tail: str, offset: int) -> list[tuple[str, int, int]]:
    """Labels in an HTA reference tail such as "kap. 4.0 og 5.3" or "kapittel 3, pkt. 3.3"."""
    out: list[tuple[str, int, int]] = []
    pending_chapter: tuple[int, int, int] | None = None  # (chapter, start, end) waiting for a point
    for match in _ITEM_SPLIT_RE.finditer(tail):
        num = match.group("num")
        start, end = offset + match.start(), offset + match.end()
        if "." in num:
            if not _valid_point(num):
                continue
            explicit = pending_chapter[0] if pending_chapter and not match.group("kap") else None
            label = hta_label(explicit, num)
            if pending_chapter and explicit is not None:
                start = pending_chapter[1]
            pending_chapter = None
            if label:
                out.append((label, start, end))
            continue
        value = int(num)
        if not 1 <= value <= 9:  # HTA chapters; "og 10 ansatte" is no chapter
            continue
        if pending_chapter:
            label = hta_label(pending_chapter[0])
            if label:
                out.append((label, pending_chapter[1], pending_chapter[2]))
        pending_chapter = (value, start, end)
    if pending_chapter:
        label = hta_label(pending_chapter[0])
        if label:
            out.append((label, pending_chapter[1], pending_chapter[2]))
    return out


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def find_references(text: str, *, context: Context = "guide") -> list[RefMatch]:
    """Find cross-references to provisions inside ``text``.

    Takes the text and the kind of text it is (``"hta"`` for HTA provision text,
    ``"law"`` for law text, ``"guide"`` for the KS guide, ``"other"`` for a
    user's own document). Returns the references in text order; a list like
    "§§ 10-13, 12-14 og 14-4 a" gives one match per item. Never raises.
    """
    found: list[RefMatch] = []
    taken: list[tuple[int, int]] = []

    def add(label: str, start: int, end: int) -> None:
        if _overlaps(taken, start, end):
            return
        taken.append((start, end))
        found.append(RefMatch(label=label, start=start, end=end, raw=text[start:end]))

    for match in _HA_REF_RE.finditer(text):
        label = _ha_label(match)
        if label:
            add(label, match.start(), match.end())

    for match in _HTA_REF_RE.finditer(text):
        if match.group("para"):
            add(f"HTA kap. 1 § {int(match.group('para'))}", match.start(), match.end())
            continue
        items = _hta_tail_labels(match.group("tail"), match.start("tail"))
        for index, (label, start, end) in enumerate(items):
            add(label, match.start() if index == 0 else start, end)

    for match in _LAW_REF_RE.finditer(text):
        if match.group("anchor") is None and context == "other" and not _law_nearby(text, match.start()):
            continue
        first_end = match.end("l0") if match.group("l0") else match.end("first")
        first = match.group("first")
        if _valid_law(re.sub(r"\s", "", re.sub(r"[‐–]", "-", first))):
            add(_law(first, match.group("l0")), match.start(), first_end)
        rest_offset = match.start("rest")
        for item in _LAW_ITEM_RE.finditer(match.group("rest")):
            num = re.sub(r"\s", "", re.sub(r"[‐–]", "-", item.group("num")))
            if _valid_law(num):
                add(
                    law_label(num, item.group("letter")), rest_offset + item.start(), rest_offset + item.end()
                )

    if context == "hta":
        for match in _BARE_HTA_RE.finditer(text):
            items = _hta_tail_labels(match.group("tail"), match.start("tail"))
            for index, (label, start, end) in enumerate(items):
                add(label, match.start("tail") if index == 0 else start, end)
        for match in _HTA_PARA_RE.finditer(text):
            add(f"HTA kap. 1 § {int(match.group('num'))}", match.start(), match.end())
    elif context == "guide":
        for match in _BARE_PKT_RE.finditer(text):
            items = _hta_tail_labels(match.group("tail"), match.start("tail"))
            for index, (label, start, end) in enumerate(items):
                add(label, match.start() if index == 0 else start, end)

    found.sort(key=lambda ref: ref.start)
    return found


def _ha_label(match: re.Match[str]) -> str | None:
    """ "HA § 3-5" for a named Hovedavtalen reference, None for a number that is no paragraph."""
    num = re.sub(r"\s", "", re.sub(r"[‐–]", "-", match.group("num")))
    if not _valid_law(num):
        return None
    return f"HA § {num} {match.group('letter')}" if match.group("letter") else f"HA § {num}"


def _law(number: str, letter: str | None) -> str:
    return law_label(re.sub(r"\s", "", re.sub(r"[‐–]", "-", number)), letter)


def _law_nearby(text: str, pos: int) -> bool:
    window = text[max(0, pos - 200) : pos + 200].lower()
    return "arbeidsmiljølov" in window or "aml" in window


# --------------------------------------------------------------------------- questions

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
    rf"\bHTA\b\s*(?:{_KAP}\s*(?P<kap>\d{{1,2}})(?![.\d])\s*,?\s*)?(?:{_PKT}\s*)?(?P<point>{_POINT})?",
    re.IGNORECASE,
)
_Q_POINT_RE = re.compile(rf"(?<![\w.\-/])(?P<point>{_POINT})(?![.,]?\d)(?!\s?%)(?![\w\-])")
_Q_KAP_ONLY_RE = re.compile(rf"\b{_KAP}\s*(?P<kap>\d{{1,2}})(?![.\d\-])", re.IGNORECASE)
_Q_LAW_RE = re.compile(rf"(?<![\w.\-/])(?P<num>{_LAWNUM})(?:\s?(?P<letter>[a-h])(?![\wæøå]))?(?![\w\-])")
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
        if label and not _overlaps(taken, pos, end):
            taken.append((pos, end))
            found.append((pos, label))

    for match in _HA_REF_RE.finditer(question):
        add(match.start(), match.end(), _ha_label(match))
    for match in _Q_HTA_PARA_RE.finditer(question):
        add(match.start(), match.end(), f"HTA kap. 1 § {int(match.group('num'))}")
    for match in _Q_HTA_EXPLICIT_RE.finditer(question):
        kap = int(match.group("kap")) if match.group("kap") else None
        point = match.group("point")
        if point and _valid_point(point):
            add(match.start(), match.end(), hta_label(kap, point))
        elif kap is not None and not point:
            add(match.start(), match.end(), hta_label(kap))
    for match in _Q_LAW_RE.finditer(question):
        num = re.sub(r"\s", "", re.sub(r"[‐–]", "-", match.group("num")))
        if _valid_law(num) and not _looks_like_range(question, match):
            add(match.start(), match.end(), law_label(num, match.group("letter")))
    for match in _Q_POINT_RE.finditer(question):
        point = match.group("point")
        before = question[max(0, match.start() - 4) : match.start()].lower()
        if _valid_point(point) and "kl" not in before:
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


# --------------------------------------------------------------------------- headings

_TITLE = r"(?P<title>[«\"(]?[A-ZÆØÅ][^\n]*?)"
_H_HTA_EXPLICIT_RE = re.compile(
    rf"^(?:HTA|Hovedtariffavtalen)\s*,?\s*(?:{_KAP}\s*)?(?P<num>{_POINT}|\d{{1,2}})\s*,?\s*"
    rf"(?:{_PKT}\s*(?P<point>{_POINT})\s*)?[.:–-]?\s+{_TITLE}\s*:?$"
)
_H_LAW_RE = re.compile(rf"^§\s*(?P<num>{_LAWNUM})(?:\s?(?P<letter>[a-h]))?\s*[.:]?\s+{_TITLE}$")
_H_PARA_RE = re.compile(rf"^§\s*(?P<num>\d{{1,2}})(?![\d\-‐–])\s*[.:]?\s+{_TITLE}$")
_H_CHAPTER_RE = re.compile(
    rf"^(?:Kapittel|KAPITTEL|Kap\.)\s*(?P<num>\d{{1,2}})(?![\d.])\s*[.:–-]?\s*{_TITLE}$"
)
_H_POINT_RE = re.compile(rf"^(?:(?:pkt\.?|punkt)\s*)?(?P<point>{_POINT})\.?\s+{_TITLE}$")


def _title_ok(title: str, line: str) -> bool:
    title = title.strip().rstrip(":").strip()
    if not title or len(line) > 100:
        return False
    if re.match(r"(?:jf\.|se\b|og\b|eller\b)", title, re.IGNORECASE):
        return False
    # A sentence (several words ending with a period) is body text, not a heading.
    return not (title.endswith(".") and len(title.split()) > 3)


def heading_provision(line: str, context: Context, chapter: int | None = None) -> tuple[str, str] | None:
    """Recognise a provision HEADING line and return ``(label, title)``, else None.

    Takes one line (markdown '#' marks are ignored), the document context and,
    for HTA text, the current chapter (from a preceding "Kapittel N" heading),
    which decides the chapter of a point such as "3.1" inside kap. 1. Cross-
    references ("jf. pkt. 3.3"), sentences and long lines are never headings.
    """
    text = re.sub(r"^#{1,6}\s+", "", line.strip())
    text = re.sub(r"\s+", " ", text)
    if not text or len(text) > 100:
        return None
    match = _H_HTA_EXPLICIT_RE.match(text)
    if match and _title_ok(match.group("title"), text):
        num, point = match.group("num"), match.group("point")
        if point:
            label = hta_label(int(num), point) if "." not in num else None
        elif "." in num:
            label = hta_label(None, num) if _valid_point(num) else None
        else:
            label = hta_label(int(num))
        if label:
            return label, _clean_title(match.group("title"))
    match = _H_LAW_RE.match(text)
    if match and context in ("law", "guide") and _title_ok(match.group("title"), text):
        num = re.sub(r"\s", "", re.sub(r"[‐–]", "-", match.group("num")))
        if _valid_law(num):
            return law_label(num, match.group("letter")), _clean_title(match.group("title"))
    if context != "hta":
        if context == "guide":
            match = _H_POINT_RE.match(text)
            if match and _title_ok(match.group("title"), text) and _valid_point(match.group("point")):
                label = hta_label(None, match.group("point"))
                if label:
                    return label, _clean_title(match.group("title"))
        return None
    match = _H_CHAPTER_RE.match(text)
    if match and _title_ok(match.group("title"), text):
        return f"HTA kap. {int(match.group('num'))}", _clean_title(match.group("title"))
    match = _H_PARA_RE.match(text)
    if match and _title_ok(match.group("title"), text):
        return f"HTA kap. 1 § {int(match.group('num'))}", _clean_title(match.group("title"))
    match = _H_POINT_RE.match(text)
    if match and _title_ok(match.group("title"), text) and _valid_point(match.group("point")):
        point = match.group("point").rstrip(".")
        first = int(point.split(".")[0])
        use = chapter if chapter is not None and (chapter == 1 or chapter == first) else None
        label = hta_label(use, point)
        if label:
            return label, _clean_title(match.group("title"))
    return None


def _clean_title(title: str) -> str:
    return title.strip().rstrip(":").strip()
