"""Remove text-extraction artefacts without losing content.

The loaders hand over raw page texts (``clean_pages``) or one flowing text
(``clean_text``). The result keeps paragraph breaks as ``"\\n\\n"``, list items
as lines starting with ``"• "`` or ``"- "`` (consecutive items separated by a
single ``"\\n"``) and markdown headings (``"## ..."``) on their own paragraph.

Rules, in the order they run (each one is small and tested on its own):

1. Characters: NBSP/thin spaces become spaces, soft hyphens and zero-width
   characters go, U+2010/U+2011 hyphens become ``-``, form feeds end a line,
   bullets (▪ ● ◦ ) become ``•``.
2. Line spacing. Some PDF extractions double-space every line: a line break
   followed by an EMPTY line is a soft wrap inside a paragraph, while a line
   holding only whitespace is a real paragraph break. A page is read that way
   when it has whitespace-only lines, most text lines are followed by an empty
   line and lines look wrapped (median < 200 chars); otherwise an empty line is
   a paragraph break.
3. URLs: bare URL lines (also "1 https://..." footnotes) and their continuation
   lines (a URL split across lines) are removed, as are inline URLs with a
   leading "Se"/"Les mer:".
4. Footnotes: a marker glued to a word ("Teknologi1") is removed when the page
   holds the matching footnote line ("1 ..."); a footnote with text besides a
   URL is kept as a note paragraph at the end of the page ("Fotnote 1: ...").
5. Reflow: wrapped lines are joined; a line ending in a hyphen is joined without
   it ("Rekrutterings-" + "situasjonen"), except before "og"/"eller"/"samt"
   ("etter- og"), after an upper-case letter or digit ("U/H-sektoren") or after a
   one-letter prefix ("e-læring"). A new paragraph starts at a bullet, a ledd
   "(2)", a letter item "b.", a markdown heading, a heading-like short line, after
   a heading-like paragraph, and after a sentence end when the next line's first
   word would have fitted on the line (the line ended early). A paragraph break
   whose previous paragraph has no sentence end and whose next line starts in
   lower case is a page-break leftover and is joined (also across pages).
6. Split words: a lone consonant glued to the next fragment when the pair is a
   Norwegian onset ("g jelder" -> "gjelder"); the one-letter words i, å, a, o, e
   are never touched.
7. Repeats: a non-list paragraph of >= 60 chars whose word trigrams already
   appeared (>= 80 %) earlier in the document is dropped with a warning.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from core.models import Page

__all__ = ["CleanResult", "clean_pages", "clean_text"]

_TERMINAL = ".?!:;"
_NO_SPACE_JOIN_AFTER = "/"
_KEEP_HYPHEN_BEFORE = frozenset({"og", "eller", "samt"})
_ONSETS = frozenset(
    [
        "bl",
        "br",
        "dr",
        "fj",
        "fl",
        "fr",
        "gj",
        "gl",
        "gn",
        "gr",
        "hj",
        "hv",
        "kj",
        "kl",
        "kn",
        "kr",
        "kv",
        "pl",
        "pr",
        "sj",
        "sk",
        "sl",
        "sm",
        "sn",
        "sp",
        "st",
        "sv",
        "tj",
        "tr",
        "tv",
        "vr",
    ]
)
_MIN_DUP_CHARS = 60
_DUP_THRESHOLD = 0.8

_CHAR_MAP = {
    "\u00a0": " ",
    "\u2007": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\t": " ",
    "\u00ad": "",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\ufeff": "",
    "\u2010": "-",
    "\u2011": "-",
    "\f": "\n",
    "\r": "",
    "\u25aa": "•",
    "\u25cf": "•",
    "\u25e6": "•",
    "\uf0b7": "•",
    "\u2023": "•",
}

_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"«»]*", re.IGNORECASE)
_INLINE_URL_RE = re.compile(
    r"(?:\b(?:[Ss]e|[Ll]es mer(?: på)?|[Kk]ilde)\s*:?\s+)?(?:https?://|www\.)[^\s<>\"«»]*", re.IGNORECASE
)
_URL_LINE_RE = re.compile(r"^(?:\d{1,2}\s+)?(?:https?://|www\.)\S*$", re.IGNORECASE)
_URL_CONT_RE = re.compile(r"^[\w\-./?=&%#~+:]*/[\w\-./?=&%#~+:]*$")
_FOOTNOTE_LINE_RE = re.compile(r"^(\d{1,2})\s+(\S.*)$")
_FOOTNOTE_MARK_RE = re.compile(r"[A-Za-zÆØÅæøåÉé]{3}(\d{1,2})(?=[\s.,;:!?)]|$)")
_BULLET_RE = re.compile(r"^(?:[•*]|-(?=\s))\s*")
_ITEM_START_RE = re.compile(r"^(?:\(\d{1,2}\)\s+\S|[a-zæøå]\.\s+\S|\d{1,2}\.\s+[A-ZÆØÅ«\"(])")
_MD_HEADING_RE = re.compile(r"^#{1,6}\s+\S")
_SPLIT_WORD_RE = re.compile(r"(?<![\w.\-/§])([b-df-hj-np-tv-zB-DF-HJ-NP-TV-Z]) ([a-zæøå]{3,})")
_WORD_RE = re.compile(r"[0-9A-Za-zÆØÅæøåÉéÜü]+")


@dataclass(frozen=True)
class CleanResult:
    """Cleaned text, its pages (partitioning ``text``) and warnings for the ingest report."""

    text: str
    pages: tuple[Page, ...]
    warnings: tuple[str, ...]


@dataclass
class _Para:
    """One paragraph (or list item) being assembled from lines."""

    lines: list[str]
    item: bool = False
    standalone: bool = False  # heading-like or markdown heading: never joined with the next line

    @property
    def text(self) -> str:
        return _join_lines(self.lines)


# --------------------------------------------------------------------------- line helpers


def _normalise_chars(raw: str) -> str:
    for char, replacement in _CHAR_MAP.items():
        if char in raw:
            raw = raw.replace(char, replacement)
    return raw


def _first_word(line: str) -> str:
    return line.split(" ", 1)[0] if line else ""


def _starts_lower(line: str) -> bool:
    return bool(line) and line[0].isalpha() and line[0].islower()


def _ends_terminal(text: str) -> bool:
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
    return line[-1] not in ".,;?!-–/(" and not _URL_RE.search(line)


def _seam(left: str, right: str) -> tuple[bool, str]:
    """How a wrapped line joins the text before it: (drop left's final hyphen, separator)."""
    if not left or not right:
        return False, ""
    if left.endswith("-") and len(left) >= 2 and left[-2].isalpha():
        if not _starts_lower(right):
            return False, "" if left[-2].isupper() else " "
        if _first_word(right).rstrip(",.;:") in _KEEP_HYPHEN_BEFORE:
            return False, " "  # "etter- og videreutdanning"
        prefix = left.rsplit(" ", 1)[-1][:-1]
        if len(prefix) <= 1 or prefix[-1].isupper() or prefix[-1].isdigit():
            return False, ""  # "e-læring", "U/H-sektoren"
        return True, ""  # "Rekrutterings-" + "situasjonen"
    if left.endswith(_NO_SPACE_JOIN_AFTER) and not left.endswith(" /"):
        return False, ""
    return False, " "


def _join_two(left: str, right: str) -> str:
    """Join a wrapped line to the text before it, undoing hyphenation."""
    drop, sep = _seam(left, right)
    return (left[:-1] if drop else left) + sep + right


def _join_lines(lines: list[str]) -> str:
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


# --------------------------------------------------------------------------- URLs and footnotes


def _looks_like_url_rest(token: str) -> bool:
    """A URL path piece ("kompetanse/kompetansepakker/"), not prose like "og/eller"."""
    return token.endswith("/") or any(
        mark in token for mark in ("?", "=", "#", "_", ".htm", ".php", ".asp", ".pdf")
    )


def _strip_urls(lines: list[str]) -> tuple[list[str], set[str]]:
    """Remove bare URL lines, inline URLs and URL continuations split across lines.

    Returns the remaining lines and the numbers of removed "N https://..." footnote lines.
    """
    out: list[str] = []
    footnotes: set[str] = set()
    continuing = False
    for line in lines:
        stripped = line.strip()
        if continuing:
            if not stripped and line == "":
                out.append(line)
                continue
            token = _first_word(stripped)
            if token and _URL_CONT_RE.match(token) and _looks_like_url_rest(token):
                rest = stripped[len(token) :].strip()
                continuing = token.endswith(("-", "/")) and not rest
                if rest:
                    out.append(rest)
                continue
            continuing = False
        if _URL_LINE_RE.match(stripped):
            number = _first_word(stripped)
            if number.isdigit():
                footnotes.add(number)
            continuing = stripped.endswith(("-", "/", "_", "="))
            continue
        if _URL_RE.search(stripped):
            matches = list(_URL_RE.finditer(stripped))
            match = matches[-1] if matches else None
            ends_with_url = match is not None and match.end() == len(stripped)
            continuing = ends_with_url and match is not None and match.group(0).endswith(("-", "/"))
            new = _INLINE_URL_RE.sub("", stripped)
            new = re.sub(r"\s+([.,;:])", r"\1", new).strip()
            if new:
                out.append(new)
            elif not continuing:
                continue
            continue
        out.append(line)
    return out, footnotes


def _strip_footnotes(lines: list[str], url_footnotes: set[str]) -> tuple[list[str], list[str]]:
    """Remove footnote lines whose marker is glued to a word on the page; return (lines, notes).

    ``url_footnotes`` are numbers of footnotes already removed as URL lines; their
    markers are removed too.
    """
    text = "\n".join(lines)
    markers = {m.group(1) for m in _FOOTNOTE_MARK_RE.finditer(text)}
    if not markers:
        return lines, []
    out: list[str] = []
    notes: list[str] = []
    found: set[str] = markers & url_footnotes
    for line in lines:
        match = _FOOTNOTE_LINE_RE.match(line.strip())
        if match and match.group(1) in markers and match.group(1) not in found:
            found.add(match.group(1))
            body = _URL_RE.sub("", match.group(2)).strip()
            if len(body) > 3:
                notes.append(f"Fotnote {match.group(1)}: {body}")
            continue
        out.append(line)
    if not found:
        return lines, []
    pattern = re.compile(r"(?<=[A-Za-zÆØÅæøåÉé]{3})(" + "|".join(sorted(found)) + r")(?=[\s.,;:!?)]|$)")
    return [pattern.sub("", line) for line in out], notes


# --------------------------------------------------------------------------- page headers and footers

_PAGE_NUMBER_RE = re.compile(
    r"^(?:[-–—]\s*)?(?:side|s\.|page)?\s*\d{1,4}(?:\s*(?:av|/|of)\s*\d{1,4})?(?:\s*[-–—])?$", re.I
)
_EDGE_LINES = 2


def _edge_indices(lines: list[str]) -> list[int]:
    """Indices of the first and last two non-blank lines of a page."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:_EDGE_LINES] + filled[-_EDGE_LINES:]))


def _running_key(line: str) -> str:
    """Comparison key of a header/footer candidate; "" for lines that read like body text."""
    stripped = line.strip()
    if not stripped or stripped[-1] in ".?!:;," or len(stripped.split()) > 12:
        return ""
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", stripped.lower()))


def _strip_running_lines(pages: list[list[str]]) -> tuple[list[list[str]], list[str]]:
    """Remove page numbers and running headers/footers at the top or bottom of pages.

    A bare page number ("12", "Side 12", "- 12 -", "12 av 40") at a page edge is
    dropped when the document has several pages. A line that recurs (digits
    ignored) at the edge of at least 60 % of the pages, and of three or more, is a
    running header or footer and is dropped everywhere at page edges (lines that
    end like a sentence or have more than 12 words never are). Returns the
    pages and the distinct header/footer lines removed (page numbers not listed).
    """
    if len(pages) < 2:
        return pages, []
    counts: dict[str, int] = {}
    for lines in pages:
        for key in {_running_key(lines[i]) for i in _edge_indices(lines)}:
            counts[key] = counts.get(key, 0) + 1
    threshold = max(3, -(-len(pages) * 3 // 5))  # three pages and 60 % of them
    running = {key for key, count in counts.items() if count >= threshold and len(key) > 1}
    running.discard("")
    removed: list[str] = []
    out: list[list[str]] = []
    for lines in pages:
        drop = set()
        for i in _edge_indices(lines):
            stripped = lines[i].strip()
            if _PAGE_NUMBER_RE.match(stripped):
                drop.add(i)
            elif _running_key(stripped) in running:
                drop.add(i)
                if _running_key(stripped) not in {_running_key(r) for r in removed}:
                    removed.append(stripped)
        out.append([line for i, line in enumerate(lines) if i not in drop])
    return out, removed


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


def _breaks(para: _Para, nxt: str, width: int, indented: bool) -> bool:
    """Decide whether ``nxt`` starts a new paragraph after ``para`` (a soft line break).

    ``indented`` tells that ``nxt`` started with whitespace in the extraction (a
    first-line indent or a new text block at a page start).
    """
    if para.standalone or _is_structural_start(nxt):
        return True
    if _starts_lower(nxt):
        return False
    last = para.lines[-1]
    if para.item:
        return _ends_terminal(last) and (indented or _heading_like(nxt, width))
    if indented and _ends_terminal(last):
        return True
    if (
        len(para.lines) <= 3
        and len(last) <= max(0.7 * width, 40)
        and _heading_like(para.text, width, check_width=False)
    ):
        return True
    if _heading_like(nxt, width) and _ends_terminal(last):
        return True
    return _ends_terminal(last) and len(last) + 1 + len(_first_word(nxt)) <= 0.8 * width


def _reflow(lines: list[str]) -> list[_Para]:
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
    paras: list[_Para] = []
    current: _Para | None = None
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
                and not _ends_terminal(current.lines[-1])
                and _starts_lower(line)
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
        current = _Para([line], item=bullet, standalone=standalone)
    if current is not None:
        paras.append(current)
    return paras


def _normalise_bullet(line: str) -> str:
    if line.startswith("-"):
        return "- " + line[1:].strip()
    return "• " + _BULLET_RE.sub("", line, count=1).strip()


# --------------------------------------------------------------------------- word fixes and repeats


def _fix_split_words(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        letter, fragment = match.group(1), match.group(2)
        if (letter.lower() + fragment[0]) in _ONSETS:
            return letter + fragment
        return match.group(0)

    return _SPLIT_WORD_RE.sub(repl, text)


def _trigrams(text: str) -> list[tuple[str, str, str]]:
    words = [w.lower() for w in _WORD_RE.findall(text)]
    return [(words[i], words[i + 1], words[i + 2]) for i in range(len(words) - 2)]


class _RepeatFinder:
    """Finds paragraphs whose word trigrams mostly (>= 80 %) occur in ONE earlier paragraph.

    Comparing with single earlier paragraphs (not the whole text so far) keeps
    legal text full of stock phrases safe; trigrams shared by very many
    paragraphs stop voting, which keeps the check linear on long documents.
    """

    _MAX_POSTINGS = 16

    def __init__(self) -> None:
        self._index: dict[tuple[str, str, str], list[int]] = {}
        self._exact: set[str] = set()
        self._count = 0

    def seen_before(self, text: str, *, check: bool) -> bool:
        """Return True if ``text`` repeats an earlier checked paragraph; otherwise remember it.

        Only paragraphs with ``check`` set (not list items or headings, >= 60 chars)
        are compared and remembered.
        """
        if not check:
            return False
        key = " ".join(_WORD_RE.findall(text.lower()))
        if key in self._exact:
            return True
        self._exact.add(key)
        grams = set(_trigrams(text))
        if grams:
            votes: dict[int, int] = {}
            for gram in grams:
                for para_id in self._index.get(gram, ()):
                    votes[para_id] = votes.get(para_id, 0) + 1
            if votes and max(votes.values()) / len(grams) >= _DUP_THRESHOLD:
                return True
        for gram in grams:
            postings = self._index.setdefault(gram, [])
            if len(postings) < self._MAX_POSTINGS:
                postings.append(self._count)
        self._count += 1
        return False


def _snippet(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# --------------------------------------------------------------------------- public API


def clean_pages(raw_pages: Sequence[tuple[int | None, str]]) -> CleanResult:
    """Clean extracted page texts into one document text with page offsets.

    Takes ``(page_number, raw_text)`` pairs in reading order (page_number None
    for unpaginated text). Returns a :class:`CleanResult` whose ``pages``
    partition ``text`` (each ``Page.start`` indexes into it; ``Page.text`` is
    the slice up to the next page). A paragraph that runs over a page break is
    joined; the page boundary then falls inside it. Never raises on odd input.
    """
    warnings: list[str] = []
    page_paras: list[tuple[int | None, list[_Para]]] = []
    page_lines = [_normalise_chars(raw or "").split("\n") for _, raw in raw_pages]
    page_lines, removed = _strip_running_lines(page_lines)
    warnings.extend(
        f"Fjernet topptekst/bunntekst som gjentas på sidene: «{_snippet(line)}»" for line in removed
    )
    for (number, _), lines in zip(raw_pages, page_lines, strict=True):
        lines, url_footnotes = _strip_urls(lines)
        lines, notes = _strip_footnotes(lines, url_footnotes)
        paras = _reflow(lines)
        paras.extend(_Para([note]) for note in notes)
        page_paras.append((number, paras))

    repeats = _RepeatFinder()
    pieces: list[tuple[int, str, str]] = []  # (page index, separator before, paragraph text)
    prev_para: _Para | None = None
    for page_index, (number, paras) in enumerate(page_paras):
        for para_index, para in enumerate(paras):
            text = _fix_split_words(para.text)
            if not text:
                continue
            candidate = not para.item and not para.standalone and len(text) >= _MIN_DUP_CHARS
            if repeats.seen_before(text, check=candidate):
                where = f" (s. {number})" if number is not None else ""
                warnings.append(f"Fjernet gjentatt avsnitt{where}: «{_snippet(text)}»")
                continue
            if not pieces:
                sep = ""
            elif (
                para_index == 0
                and prev_para is not None
                and not prev_para.standalone
                and not _ends_terminal(pieces[-1][2])
                and _starts_lower(text)
                and not para.item
            ):
                # A paragraph continuing from the previous page.
                prev_index, prev_sep, prev_text = pieces[-1]
                joined = _join_two(prev_text, text)
                if joined == prev_text + text:
                    sep = ""
                elif joined == prev_text[:-1] + text:
                    # Dehyphenated across the page break: drop the hyphen from the previous piece.
                    pieces[-1] = (prev_index, prev_sep, prev_text[:-1])
                    sep = ""
                else:
                    sep = " "
            elif para.item and prev_para is not None and prev_para.item:
                sep = "\n"
            else:
                sep = "\n\n"
            pieces.append((page_index, sep, text))
            prev_para = para

    out: list[str] = []
    page_starts: dict[int, int] = {}
    offset = 0
    for page_index, sep, text in pieces:
        out.append(sep)
        offset += len(sep)
        page_starts.setdefault(page_index, offset)
        out.append(text)
        offset += len(text)
    full = "".join(out)

    starts: list[int] = []
    next_start = len(full)
    for page_index in range(len(page_paras) - 1, -1, -1):
        next_start = page_starts.get(page_index, next_start)
        starts.append(next_start)
    starts.reverse()
    if starts:
        starts[0] = 0
    pages = tuple(
        Page(
            number=page_paras[i][0],
            text=full[starts[i] : starts[i + 1] if i + 1 < len(starts) else len(full)],
            start=starts[i],
        )
        for i in range(len(page_paras))
    )
    return CleanResult(text=full, pages=pages, warnings=tuple(warnings))


def clean_text(raw: str) -> str:
    """Clean one unpaginated extracted text; returns the cleaned text (see :func:`clean_pages`)."""
    return clean_pages([(None, raw)]).text
