"""Units and heading lines: a document text cut into paragraphs, items and markdown headings
(:func:`split_units`); generic section headings, divisions ("Del B", "Kapittel 2") and a
document's own numbered sections ("3 Stipend", "1.2 Mål", "§ 2 Virkeområde").

Used by :mod:`ingest.structure`. The HTA's and the laws' provision headings are recognised by
:func:`core.provision_headings.heading_provision`; this module covers what the documents users add bring
in addition: a municipality's kompetanseplan, lønnspolitikk or local agreement numbers its own
sections, and Hovedavtalen is split into "Del A", "Del B", "Del C".

A numbered line is a heading only when it reads as one (capitalised title, short, not a sentence)
and is not list numbering: a run of lines numbered n, n+1 at the same depth with no body text
between them ("1. Avklar behovet" / "2. Send søknaden") is a list. Cross-references ("jf. pkt.
3", "se pkt. 14.1") never start a line that is accepted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from core.provision_headings import heading_provision

__all__ = [
    "LocalHeading",
    "Unit",
    "division_heading",
    "heading_text",
    "is_generic_heading",
    "local_heading",
    "local_heading_flags",
    "local_references",
    "norm_title",
    "split_units",
]

_MD_RE = re.compile(r"^(#{1,6})\s+(\S.*)$")
_BULLET_RE = re.compile(r"^(?:[•*▪●◦]|-(?=\s))\s*\S")
_LEDD_RE = re.compile(r"^\((\d{1,2})\)\s")
_COMPANY_RE = re.compile(r"\b(?:AS|ASA|SA|BA|DA|ANS|NUF|KF|IKS)$")
_URL_RE = re.compile(r"(?:https?://|www\.)", re.IGNORECASE)
_DIVISION_RE = re.compile(
    r"^(?:(?:Del|DEL)\s+(?P<part>[A-E])|(?:Kapittel|KAPITTEL|Kap\.)\s*(?P<chapter>\d{1,2}))(?![\w.])"
    r"(?:\s*[.:–-]?\s+[«\"(]?[A-ZÆØÅ][^\n]*)?$"
)
_LOCAL_RE = re.compile(
    r"^(?P<para>§\s*)?(?P<num>[1-9]\d?(?:\.(?:[1-9]\d?|0)){0,3})(?![\d\-‐–])\.?\s+(?P<title>[«\"(]?[A-ZÆØÅ]\S*[^\n]*)$"
)
_LOCAL_REF_RE = re.compile(
    r"(?:\b(?:pkt\.?|punkt(?:ene|et)?)\s*|§\s*)(?P<num>[1-9]\d?(?:\.[1-9]\d?){0,3})(?![\d\-‐–]|\.\d)"
)


@dataclass
class Unit:
    """A paragraph, list item or markdown heading line: ``text[start:end]`` of the document."""

    kind: Literal["para", "item", "md"]
    start: int
    end: int
    text: str = ""


def split_units(text: str) -> list[Unit]:
    """Cut a document text into units: a paragraph is a run of non-empty lines; a markdown heading,
    a bullet line, a ledd "(2)" and a provision heading line always start a unit of their own."""
    units: list[Unit] = []
    current: Unit | None = None
    prev_end = 0
    for match in re.finditer(r"[^\n]+", text):
        line = match.group(0)
        stripped = line.strip()
        if not stripped:
            continue
        start = match.start() + (len(line) - len(line.lstrip()))
        end = start + len(stripped)
        new_segment = text.count("\n", prev_end, start) >= 2  # a blank line between
        prev_end = end
        if _MD_RE.match(stripped):
            if current:
                units.append(current)
            units.append(Unit("md", start, end))
            current = None
            continue
        if _BULLET_RE.match(stripped):
            if current:
                units.append(current)
            current = Unit("item", start, end)
            continue
        starts_unit = (
            new_segment
            or current is None
            or bool(_LEDD_RE.match(stripped))
            or heading_provision(stripped, "hta") is not None
        )
        if starts_unit:
            if current:
                units.append(current)
            current = Unit("para", start, end)
        else:
            assert current is not None
            current.end = end
    if current:
        units.append(current)
    for unit in units:
        unit.text = text[unit.start : unit.end]
    return units


def is_generic_heading(line: str) -> bool:
    """True for a short standalone line that reads as a section heading (see :mod:`ingest.structure`)."""
    text = line.strip()
    if not text or "\n" in text or len(text) > 90:
        return False
    words = text.split()
    if len(words) > 12:
        return False
    first = text[0]
    if not (first.isupper() or first.isdigit() or first == "§"):
        return False
    if text.endswith((".", "?", "!", ",", ";", "-", "–", "/", "(", "…")):
        return False
    if text.endswith(":") and len(words) > 3:
        return False
    if " | " in text or _URL_RE.search(text) or _COMPANY_RE.search(text.rstrip(":")):
        return False
    if not re.search(r"[A-Za-zÆØÅæøå]{3,}", text):
        return False
    if re.match(r"(?:jf|se|ref)\b", text, re.IGNORECASE):
        return False
    return not (_LEDD_RE.match(text) or _BULLET_RE.match(text) or re.match(r"^[a-zæøå]\.\s", text))


def norm_title(text: str) -> str:
    """A heading folded for counting repeats: one space, no trailing ':', lower case."""
    return re.sub(r"\s+", " ", text.strip().rstrip(":").strip()).lower()


def heading_text(text: str) -> str:
    """A heading line without markdown marks, trailing ':' or extra spaces."""
    md = _MD_RE.match(text)
    body = md.group(2) if md else text
    return re.sub(r"\s+", " ", body.strip()).rstrip(":").strip()


def division_heading(line: str) -> bool:
    """True for a line that opens a division of an agreement or plan: "Del B", "Kapittel 2 Lønn"."""
    text = heading_text(line)
    return bool(_DIVISION_RE.match(text)) and len(text) <= 90


@dataclass(frozen=True)
class LocalHeading:
    """A document's own numbered section heading: "3 Stipend" -> number "3", kind "pkt"."""

    number: str
    kind: str  # "pkt" or "§"
    title: str

    @property
    def key(self) -> tuple[int, ...]:
        """Nesting key: "1.2" -> (1, 2)."""
        return tuple(int(n) for n in self.number.split("."))

    def label(self, prefix: str) -> str:
        """ "Kompetanseplan pkt. 3", "Lokal særavtale § 2"."""
        return f"{prefix} {'§' if self.kind == '§' else 'pkt.'} {self.number}"


def local_heading(line: str) -> LocalHeading | None:
    """A numbered section heading line ("3 Stipend til videreutdanning", "1.2. Mål", "§ 2 Virkeområde").

    Takes one line (markdown '#' marks are ignored). Returns None for anything that does not read
    as a heading: a sentence, a long line, a lower-case title, a date or an amount.
    """
    text = heading_text(line)
    if not is_generic_heading(text):
        return None
    match = _LOCAL_RE.match(text)
    if match is None:
        return None
    title = match.group("title").strip()
    if re.match(r"(?:jf\.|se\b|og\b|eller\b)", title, re.IGNORECASE) or not re.search(r"[^\W\d_]{3}", title):
        return None
    return LocalHeading(match.group("num"), "§" if match.group("para") else "pkt", title)


def local_heading_flags(lines: Sequence[str | None]) -> tuple[list[LocalHeading | None], set[int]]:
    """The local headings among consecutive units, and the indices of list-numbered lines.

    Takes the units' texts (None for a unit that cannot be a heading). Numbered lines that follow
    each other at the same depth with consecutive numbers and no body text between them are list
    numbering ("1. Avklar behovet" / "2. Send søknaden"), neither local nor generic headings;
    markdown headings are always headings.
    """
    found = [local_heading(line) if line is not None else None for line in lines]
    plain = [line is not None and not _MD_RE.match(line) for line in lines]
    listed: set[int] = set()
    for i in range(len(found) - 1):
        a, b = found[i], found[i + 1]
        if a is None or b is None or not (plain[i] and plain[i + 1]):
            continue
        if len(a.key) == len(b.key) and a.key[:-1] == b.key[:-1] and b.key[-1] == a.key[-1] + 1:
            listed.update((i, i + 1))
    return [None if i in listed else h for i, h in enumerate(found)], listed


def local_references(text: str, taken: Sequence[tuple[int, int]]) -> list[tuple[str, str, int]]:
    """Bare references to a document's own sections ("jf. pkt. 3", "se punkt 2.1", "§ 2").

    Returns ``(kind, number, start)`` for each one not inside a span in ``taken`` (the references
    already found to the HTA, Hovedavtalen or a law).
    """
    out: list[tuple[str, str, int]] = []
    for match in _LOCAL_REF_RE.finditer(text):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        kind = "§" if match.group(0).startswith("§") else "pkt"
        out.append((kind, match.group("num"), match.start()))
    return out
