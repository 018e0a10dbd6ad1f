"""Provision HEADING lines ("§ 12-11. Utdanningspermisjon", "Kapittel 3 Lønnspolitikk") -> label and title.

Labels are spelled as in :mod:`core.provision_labels`; the context (``hta``, ``law``, ``guide``,
``other``) is the one of :mod:`core.provisions`.
"""

from __future__ import annotations

import re

from core.provision_labels import KAP, LAWNUM, PKT, POINT, hta_label, law_label, valid_law, valid_point
from core.provisions import Context

__all__ = ["heading_provision"]

_TITLE = r"(?P<title>[«\"(]?[A-ZÆØÅ][^\n]*?)"
_H_HTA_EXPLICIT_RE = re.compile(
    rf"^(?:HTA|Hovedtariffavtalen)\s*,?\s*(?:{KAP}\s*)?(?P<num>{POINT}|\d{{1,2}})\s*,?\s*"
    rf"(?:{PKT}\s*(?P<point>{POINT})\s*)?[.:–-]?\s+{_TITLE}\s*:?$"
)
_H_LAW_RE = re.compile(rf"^§\s*(?P<num>{LAWNUM})(?:\s?(?P<letter>[a-h]))?\s*[.:]?\s+{_TITLE}$")
_H_PARA_RE = re.compile(rf"^§\s*(?P<num>\d{{1,2}})(?![\d\-‐–])\s*[.:]?\s+{_TITLE}$")
_H_CHAPTER_RE = re.compile(
    rf"^(?:Kapittel|KAPITTEL|Kap\.)\s*(?P<num>\d{{1,2}})(?![\d.])\s*[.:–-]?\s*{_TITLE}$"
)
_H_POINT_RE = re.compile(rf"^(?:(?:pkt\.?|punkt)\s*)?(?P<point>{POINT})\.?\s+{_TITLE}$")


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
            label = hta_label(None, num) if valid_point(num) else None
        else:
            label = hta_label(int(num))
        if label:
            return label, _clean_title(match.group("title"))
    match = _H_LAW_RE.match(text)
    if match and context in ("law", "guide") and _title_ok(match.group("title"), text):
        num = re.sub(r"\s", "", re.sub(r"[‐–]", "-", match.group("num")))
        if valid_law(num):
            return law_label(num, match.group("letter")), _clean_title(match.group("title"))
    if context != "hta":
        if context == "guide":
            match = _H_POINT_RE.match(text)
            if match and _title_ok(match.group("title"), text) and valid_point(match.group("point")):
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
    if match and _title_ok(match.group("title"), text) and valid_point(match.group("point")):
        point = match.group("point").rstrip(".")
        first = int(point.split(".")[0])
        use = chapter if chapter is not None and (chapter == 1 or chapter == first) else None
        label = hta_label(use, point)
        if label:
            return label, _clean_title(match.group("title"))
    return None


def _clean_title(title: str) -> str:
    return title.strip().rstrip(":").strip()
