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
from collections.abc import Sequence
from dataclasses import dataclass

from core.models import Page
from ingest.furniture import strip_footnotes, strip_running_lines, strip_urls
from ingest.reflow import Para, ends_terminal, join_two, reflow, starts_lower

__all__ = ["CleanResult", "clean_pages", "clean_text"]
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

_SPLIT_WORD_RE = re.compile(r"(?<![\w.\-/§])([b-df-hj-np-tv-zB-DF-HJ-NP-TV-Z]) ([a-zæøå]{3,})")
_WORD_RE = re.compile(r"[0-9A-Za-zÆØÅæøåÉéÜü]+")


@dataclass(frozen=True)
class CleanResult:
    """Cleaned text, its pages (partitioning ``text``) and warnings for the ingest report."""

    text: str
    pages: tuple[Page, ...]
    warnings: tuple[str, ...]


def _normalise_chars(raw: str) -> str:
    for char, replacement in _CHAR_MAP.items():
        if char in raw:
            raw = raw.replace(char, replacement)
    return raw


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
    page_paras: list[tuple[int | None, list[Para]]] = []
    page_lines = [_normalise_chars(raw or "").split("\n") for _, raw in raw_pages]
    page_lines, removed = strip_running_lines(page_lines)
    warnings.extend(
        f"Fjernet topptekst/bunntekst som gjentas på sidene: «{_snippet(line)}»" for line in removed
    )
    for (number, _), lines in zip(raw_pages, page_lines, strict=True):
        lines, url_footnotes = strip_urls(lines)
        lines, notes = strip_footnotes(lines, url_footnotes)
        paras = reflow(lines)
        paras.extend(Para([note]) for note in notes)
        page_paras.append((number, paras))

    repeats = _RepeatFinder()
    pieces: list[tuple[int, str, str]] = []  # (page index, separator before, paragraph text)
    prev_para: Para | None = None
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
                and not ends_terminal(pieces[-1][2])
                and starts_lower(text)
                and not para.item
            ):
                # A paragraph continuing from the previous page.
                prev_index, prev_sep, prev_text = pieces[-1]
                joined = join_two(prev_text, text)
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
