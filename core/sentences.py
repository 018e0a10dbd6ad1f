"""Norwegian sentence splitting: where one sentence of a passage ends and the next begins.

Shared by the answer stages (quoting, citation support) and by ingest, which embeds
every sentence of every chunk once so that nothing is embedded at query time.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "ABBREVIATIONS",
    "BULLET_RE",
    "ITEM_RE",
    "LABEL_RE",
    "LEDD_RE",
    "LEDD_TITLE_RE",
    "MARKER_GROUP_RE",
    "MARKER_RE",
    "Span",
    "split_sentences",
]

# Abbreviations after which a period does not end a sentence (lowercase, without the final period).
_ABBREVIATION_TEXT = (
    "jf jfr pkt kap bl.a m.m nr f.eks ca iht osv mv m.v dvs ref pga evt ev inkl ift vedr mht o.l e.l "
    "tlf kl s pr m.fl mfl etc e.g i.e vs bokst nov des jan feb aug sep okt"
)
ABBREVIATIONS = frozenset(_ABBREVIATION_TEXT.split())
_OPENERS = "«“\"'‘•–-§("
_CLOSERS = "»”\"')]’"

MARKER_BODY = r"\[\s*\d+(?:\s*(?:,|;|-|–)\s*\d+)*\s*\]"
MARKER_RE = re.compile(MARKER_BODY)
"""One citation marker: "[1]", "[1, 2]", "[1-3]" (use :func:`marker_numbers` to expand it)."""
MARKER_GROUP_RE = re.compile(rf"\s*{MARKER_BODY}(?:\s*,?\s*{MARKER_BODY})*")

# The labels of list items and ledd in the (reflowed) text: one definition, read by the splitter, the
# answer's layout, citation checks and lookups.
_BULLET = r"(?:[•·▪*-]|–)"
_ITEM = r"(?:[a-zæøå]|\d{1,2})[.)]"
_LEDD = r"\(\d{1,2}\)"
BULLET_RE = re.compile(rf"^\s*{_BULLET}\s*")
"""A bullet opening a line, with the space after it ("• Ledere legger til rette …")."""
ITEM_RE = re.compile(rf"^\s*{_ITEM}\s")
"""A lettered or numbered item opening a line ("a. dobbelt så lang tid …", "2) …")."""
LEDD_RE = re.compile(rf"^\s*{_LEDD}\s")
"""A ledd number opening a sentence ("(3) Arbeidstaker som …")."""
LEDD_TITLE_RE = re.compile(rf"^{_LEDD}$")
"""A ledd number as a whole title in a section path ("(3)")."""
LABEL_RE = re.compile(rf"^\s*(?:{_BULLET}|{_ITEM}|{_LEDD})\s+")
"""Any of these labels with the space after it."""

_BOUNDARY_RE = re.compile(rf"[.?!:][{re.escape(_CLOSERS)}]*(?:{MARKER_GROUP_RE.pattern})?(?=\s)")
_LIST_ITEM_RE = re.compile(rf"\n[ \t]*(?=(?:{_BULLET}|[a-zæøå]\.|\d{{1,2}}[.)])[ \t])")
_PARAGRAPH_RE = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Span:
    """A stretch of text: ``text == source[start:end]``."""

    start: int
    end: int
    text: str


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at ``text[dot]`` ends an abbreviation, a list label or a heading number."""
    head = text[max(0, dot - 20) : dot]
    word_match = re.search(r"([^\s(«\"“]*)$", head)
    word = (word_match.group(1) if word_match else "").lower().rstrip(".")
    if not word:
        return False
    if word in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():  # "bokstav a." and list labels "a."
        return True
    # A "§ 12-11." heading at the start of a line stays with its title; mid-sentence it ends a sentence.
    line = text[text.rfind("\n", 0, dot) + 1 : dot]
    return bool(re.fullmatch(r"[#\s]*§\s*\d+(?:[.,-]\d+)*", line))


def _boundaries(text: str) -> list[int]:
    """Offsets where a new sentence starts (excluding 0)."""
    cuts: set[int] = set()
    for m in _BOUNDARY_RE.finditer(text):
        rest = text[m.end() :].lstrip()
        if not rest:
            continue
        nxt = rest[0]
        if not (nxt.isupper() or nxt in _OPENERS):
            continue
        if text[m.start()] == "." and _is_abbreviation(text, m.start()):
            continue
        cuts.add(m.end())
    for m in _LIST_ITEM_RE.finditer(text):
        cuts.add(m.start())
    for m in _PARAGRAPH_RE.finditer(text):
        rest = text[m.end() :].lstrip()
        # A blank line inside a sentence (PDF line breaks) is not a boundary.
        if rest and (rest[0].isupper() or rest[0].isdigit() or rest[0] in _OPENERS):
            cuts.add(m.start())
    return sorted(cuts)


def split_sentences(text: str) -> list[Span]:
    """Split Norwegian ``text`` into sentence spans (trimmed, non-empty).

    Splits after . ? ! : (and any closing quote or ``[n]`` markers) when followed by
    whitespace and a capital, quote, "§" or bullet; at newlines that start a list item
    ("• ", "- ", "a. ", "1. ") and at blank lines followed by a capital, digit or bullet.
    Does not split after abbreviations ("jf.", "pkt.", "bl.a.", "f.eks." ...),
    single-letter labels ("bokstav a.") or a "§ 12-11." heading at the start of a
    line; "3.3" has no space and never splits. Returns spans whose
    ``text`` equals ``text[start:end]``.
    """
    return list(_spans(text))


@lru_cache(maxsize=8192)
def _spans(text: str) -> tuple[Span, ...]:
    """:func:`split_sentences`, cached: the same passages are split for every question that retrieves them."""
    spans: list[Span] = []
    edges = [0, *_boundaries(text), len(text)]
    for a, b in itertools.pairwise(edges):
        piece = text[a:b]
        stripped = piece.strip()
        if not stripped:
            continue
        start = a + (len(piece) - len(piece.lstrip()))
        spans.append(Span(start, start + len(stripped), stripped))
    return tuple(spans)
