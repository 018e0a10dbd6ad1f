"""Provision references inside a text -> normalised labels (:mod:`core.provision_labels` spells them).

A user's question is read by :mod:`core.provision_queries`, a heading line by
:mod:`core.provision_headings`; all three share the label grammar of :mod:`core.provision_labels`.

Context decides what a bare number means: in ``"hta"`` text "etter 4.2.2" and
"kapittel 3.3" are HTA points and "§ 14" is HTA kap. 1; a hyphenated "§ 12-11"
is always the law. ``"guide"`` accepts bare "pkt. 3.3"/"punkt 3.3" as HTA;
``"other"`` (a user's own document) only accepts explicitly anchored HTA
references and hyphenated paragraphs after "arbeidsmiljøloven"/"aml".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from core.provision_labels import (
    HA_REF_RE,
    KAP,
    LAWNUM,
    LETTER,
    PARA_WORD,
    PKT,
    POINT,
    ha_label,
    hta_label,
    law_label,
    overlaps,
    valid_law,
    valid_point,
)

__all__ = ["Context", "RefMatch", "find_references"]

Context = Literal["hta", "law", "guide", "other"]


@dataclass(frozen=True)
class RefMatch:
    """One reference found in a text: its label and where it sits (``text[start:end] == raw``)."""

    label: str
    start: int
    end: int
    raw: str


# --------------------------------------------------------------------------- regex pieces

_INT = r"\d{1,2}(?![\d.,]\d)"
_SEP = r"\s*(?:,|og|eller|og/eller|samt|til)\s*"

_HTA_ANCHOR = (
    r"(?:\bHTA\b|\b[Hh]ove[dr]tariffavtal(?:en|ens)\b|\b[Hh]ovedtariffavtale\b|"
    r"\b[Hh]ovedtariffavtalens\b)"
)
_LAW_ANCHOR = r"(?:\barbeidsmiljølovens?\b|\baml\b\.?)"

# An HTA reference tail: [kap N] [,] [pkt] X ( sep [kap|pkt] X )*
_HTA_ITEM = rf"(?:{KAP}\s*)?(?:{PKT}\s*)?(?:{POINT}|{_INT})"
_HTA_REF_RE = re.compile(
    rf"{_HTA_ANCHOR}\s*,?\s*(?:§\s*(?P<para>\d{{1,2}})(?![\d-])|"
    rf"(?P<tail>(?:{KAP}\s*(?:{POINT}|{_INT})\s*,?\s*(?:{PKT}\s*{POINT})?|{PKT}\s*{POINT}|{POINT})"
    rf"(?:{_SEP}(?:{_HTA_ITEM}))*))"
)
_BARE_HTA_RE = re.compile(
    rf"(?P<trigger>\b{KAP}\s*|\b{PKT}\s*|\better\s+|\bjf\.\s*|\bi henhold til\s+)"
    rf"(?P<tail>(?:{POINT}|(?<=[Kk]apittel )(?:{_INT})|(?<=[Kk]ap\. )(?:{_INT})|(?<=[Kk]ap )(?:{_INT}))"
    rf"(?:{_SEP}(?:{_HTA_ITEM}))*)"
)
_BARE_PKT_RE = re.compile(rf"\b{PKT}\s*(?P<tail>{POINT}(?:{_SEP}(?:{PKT}\s*)?{POINT})*)")
_LAW_REF_RE = re.compile(
    rf"(?:(?P<anchor>{_LAW_ANCHOR})\s*(?:{PARA_WORD}\s*)?|(?P<para>{PARA_WORD})\s*)"
    rf"(?P<first>{LAWNUM}){LETTER.format(name='l0')}"
    rf"(?P<rest>(?:{_SEP}{LAWNUM}(?:\s[a-h](?![\wæøå]))?)*)"
)
_HTA_PARA_RE = re.compile(r"(?<![\w§])§\s*(?P<num>\d{1,2})(?![\d\-‐–])")
_ITEM_SPLIT_RE = re.compile(rf"(?P<kap>{KAP}\s*)?(?P<pkt>{PKT}\s*)?(?P<num>{POINT}|{_INT})")
_LAW_ITEM_RE = re.compile(rf"(?P<num>{LAWNUM})(?:\s(?P<letter>[a-h])(?![\wæøå]))?")


def _hta_tail_labels(tail: str, offset: int) -> list[tuple[str, int, int]]:
    """Labels in an HTA reference tail such as "kap. 4.0 og 5.3" or "kapittel 3, pkt. 3.3"."""
    out: list[tuple[str, int, int]] = []
    pending_chapter: tuple[int, int, int] | None = None  # (chapter, start, end) waiting for a point
    for match in _ITEM_SPLIT_RE.finditer(tail):
        num = match.group("num")
        start, end = offset + match.start(), offset + match.end()
        if "." in num:
            if not valid_point(num):
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
        if overlaps(taken, start, end):
            return
        taken.append((start, end))
        found.append(RefMatch(label=label, start=start, end=end, raw=text[start:end]))

    for match in HA_REF_RE.finditer(text):
        label = ha_label(match)
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
        if valid_law(re.sub(r"\s", "", re.sub(r"[‐–]", "-", first))):
            add(_law(first, match.group("l0")), match.start(), first_end)
        rest_offset = match.start("rest")
        for item in _LAW_ITEM_RE.finditer(match.group("rest")):
            num = re.sub(r"\s", "", re.sub(r"[‐–]", "-", item.group("num")))
            if valid_law(num):
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


def _law(number: str, letter: str | None) -> str:
    return law_label(re.sub(r"\s", "", re.sub(r"[‐–]", "-", number)), letter)


def _law_nearby(text: str, pos: int) -> bool:
    window = text[max(0, pos - 200) : pos + 200].lower()
    return "arbeidsmiljølov" in window or "aml" in window
