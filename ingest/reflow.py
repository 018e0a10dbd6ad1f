"""Reflow (rule 5 of :mod:`ingest.clean`): wrapped lines joined into paragraphs and list items,
hyphenation undone, paragraph breaks decided from layout and sentence ends."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from ingest.furniture import first_word, has_url

_TERMINAL = ".?!:;"
_NO_SPACE_JOIN_AFTER = "/"
_KEEP_HYPHEN_BEFORE = frozenset({"og", "eller", "samt"})
_BULLET_RE = re.compile(r"^(?:[•*]|-(?=\s))\s*")
_ITEM_START_RE = re.compile(r"^(?:\(\d{1,2}\)\s+\S|[a-zæøå]\.\s+\S|\d{1,2}\.\s+[A-ZÆØÅ«\"(])")
_MD_HEADING_RE = re.compile(r"^#{1,6}\s+\S")


@dataclass
class Para:
    """One paragraph (or list item) being assembled from lines."""

    lines: list[str]
    item: bool = False
    standalone: bool = False  # heading-like or markdown heading: never joined with the next line

    @property
    def text(self) -> str:
        return join_lines(self.lines)


# --------------------------------------------------------------------------- line helpers


def starts_lower(line: str) -> bool:
    return bool(line) and line[0].isalpha() and line[0].islower()


def ends_terminal(text: str) -> bool:
    stripped = text.rstrip(" \"'»”’)")
    return bool(stripped) and stripped[-1] in _TERMINAL


def _is_bullet(line: str) -> bool:
    return bool(_BULLET_RE.match(line)) and len(line) > 2


def _is_structural_start(line: str) -> bool:
    return _is_bullet(line) or bool(_ITEM_START_RE.match(line)) or bool(_MD_HEADING_RE.match(line))


def _heading_like(line: str, width: int, *, check_width: bool = True) -> bool:
    """A short line that can stand alone as a heading (or a lead-in ending with ':')."""
    if not line or len(line) > 90 or len(line.split()) > 12:
        return False
    if check_width and len(line) > max(0.7 * width, 40):
        return False
    first = line[0]
    if not (first.isupper() or first.isdigit() or first == "§"):
        return False
    return line[-1] not in ".,;?!-–/(" and not has_url(line)


def _seam(left: str, right: str) -> tuple[bool, str]:
    """How a wrapped line joins the text before it: (drop left's final hyphen, separator)."""
    if not left or not right:
        return False, ""
    if left.endswith("-") and len(left) >= 2 and left[-2].isalpha():
        if not starts_lower(right):
            return False, "" if left[-2].isupper() else " "
        if first_word(right).rstrip(",.;:") in _KEEP_HYPHEN_BEFORE:
            return False, " "  # "etter- og videreutdanning"
        prefix = left.rsplit(" ", 1)[-1][:-1]
        if len(prefix) <= 1 or prefix[-1].isupper() or prefix[-1].isdigit():
            return False, ""  # "e-læring", "U/H-sektoren"
        return True, ""  # "Rekrutterings-" + "situasjonen"
    if left.endswith(_NO_SPACE_JOIN_AFTER) and not left.endswith(" /"):
        return False, ""
    return False, " "


def join_two(left: str, right: str) -> str:
    """Join a wrapped line to the text before it, undoing hyphenation."""
    drop, sep = _seam(left, right)
    return (left[:-1] if drop else left) + sep + right


def join_lines(lines: list[str]) -> str:
    parts: list[str] = []
    for line in lines:
        if parts:
            drop, sep = _seam(parts[-1], line)
            if drop:
                parts[-1] = parts[-1][:-1]
            parts.append(sep + line)
        else:
            parts.append(line)
    return re.sub(r" {2,}", " ", "".join(parts)).strip()


# --------------------------------------------------------------------------- reflow


def _double_spaced(lines: list[str]) -> bool:
    text_lines = [i for i, line in enumerate(lines) if line.strip()]
    if not text_lines or not any(line and not line.strip() for line in lines):
        return False
    followed_by_empty = sum(1 for i in text_lines if i + 1 < len(lines) and lines[i + 1] == "")
    median = statistics.median(len(lines[i].strip()) for i in text_lines)
    return followed_by_empty >= 0.4 * len(text_lines) and median < 200


def _widths(lines: list[str]) -> list[int]:
    """Local line width: the longest line within four text lines either side."""
    lengths = [len(line) for line in lines]
    widths = []
    for i in range(len(lines)):
        window = lengths[max(0, i - 4) : i + 5]
        widths.append(max(window) if window else 0)
    return widths


def _breaks(para: Para, nxt: str, width: int, indented: bool) -> bool:
    """Decide whether ``nxt`` starts a new paragraph after ``para`` (a soft line break).

    ``indented`` tells that ``nxt`` started with whitespace in the extraction (a
    first-line indent or a new text block at a page start).
    """
    if para.standalone or _is_structural_start(nxt):
        return True
    if starts_lower(nxt):
        return False
    last = para.lines[-1]
    if para.item:
        return ends_terminal(last) and (indented or _heading_like(nxt, width))
    if indented and ends_terminal(last):
        return True
    if (
        len(para.lines) <= 3
        and len(last) <= max(0.7 * width, 40)
        and _heading_like(para.text, width, check_width=False)
    ):
        return True
    if _heading_like(nxt, width) and ends_terminal(last):
        return True
    return ends_terminal(last) and len(last) + 1 + len(first_word(nxt)) <= 0.8 * width


def reflow(lines: list[str]) -> list[Para]:
    double = _double_spaced(lines)
    # Each entry: a text line, or None for a paragraph break.
    seq: list[tuple[str, bool] | None] = []
    for line in lines:
        if line.strip():
            seq.append((re.sub(r"\s+", " ", line.strip()), line[:1] == " "))
        elif line == "" and double:
            continue
        elif not seq or seq[-1] is not None:
            seq.append(None)
    text_lines = [s[0] for s in seq if s is not None]
    widths = dict(zip(range(len(text_lines)), _widths(text_lines), strict=True))
    paras: list[Para] = []
    current: Para | None = None
    pending_break = False
    idx = -1
    for entry in seq:
        if entry is None:
            pending_break = True
            continue
        idx += 1
        width = widths[idx]
        line, indented = entry
        bullet = _is_bullet(line)
        if bullet:
            line = _normalise_bullet(line)
        if current is not None and pending_break:
            # A page-break leftover: the paragraph did not end and the text goes on in lower case.
            if (
                not current.standalone
                and not ends_terminal(current.lines[-1])
                and starts_lower(line)
                and not _is_structural_start(line)
            ):
                current.lines.append(line)
                pending_break = False
                continue
            paras.append(current)
            current = None
        pending_break = False
        if current is not None and not _breaks(current, line, width, indented):
            current.lines.append(line)
            continue
        if current is not None:
            paras.append(current)
        standalone = bool(_MD_HEADING_RE.match(line))
        current = Para([line], item=bullet, standalone=standalone)
    if current is not None:
        paras.append(current)
    return paras


def _normalise_bullet(line: str) -> str:
    if line.startswith("-"):
        return "- " + line[1:].strip()
    return "• " + _BULLET_RE.sub("", line, count=1).strip()
