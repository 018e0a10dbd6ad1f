"""Page furniture: URLs, footnotes, page numbers and running headers/footers (rules 3 and 4 of
:mod:`ingest.clean`, and the header/footer pass that runs before them)."""

from __future__ import annotations

import re

_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"«»]*", re.IGNORECASE)
_INLINE_URL_RE = re.compile(
    r"(?:\b(?:[Ss]e|[Ll]es mer(?: på)?|[Kk]ilde)\s*:?\s+)?(?:https?://|www\.)[^\s<>\"«»]*", re.IGNORECASE
)
_URL_LINE_RE = re.compile(r"^(?:\d{1,2}\s+)?(?:https?://|www\.)\S*$", re.IGNORECASE)
_URL_CONT_RE = re.compile(r"^[\w\-./?=&%#~+:]*/[\w\-./?=&%#~+:]*$")
_FOOTNOTE_LINE_RE = re.compile(r"^(\d{1,2})\s+(\S.*)$")
_FOOTNOTE_MARK_RE = re.compile(r"[A-Za-zÆØÅæøåÉé]{3}(\d{1,2})(?=[\s.,;:!?)]|$)")


def first_word(line: str) -> str:
    """The text of ``line`` up to its first space."""
    return line.split(" ", 1)[0] if line else ""


def has_url(text: str) -> bool:
    """True if ``text`` contains a web address."""
    return bool(_URL_RE.search(text))


# --------------------------------------------------------------------------- URLs and footnotes


def _looks_like_url_rest(token: str) -> bool:
    """A URL path piece ("kompetanse/kompetansepakker/"), not prose like "og/eller"."""
    return token.endswith("/") or any(
        mark in token for mark in ("?", "=", "#", "_", ".htm", ".php", ".asp", ".pdf")
    )


def strip_urls(lines: list[str]) -> tuple[list[str], set[str]]:
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
            token = first_word(stripped)
            if token and _URL_CONT_RE.match(token) and _looks_like_url_rest(token):
                rest = stripped[len(token) :].strip()
                continuing = token.endswith(("-", "/")) and not rest
                if rest:
                    out.append(rest)
                continue
            continuing = False
        if _URL_LINE_RE.match(stripped):
            number = first_word(stripped)
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


def strip_footnotes(lines: list[str], url_footnotes: set[str]) -> tuple[list[str], list[str]]:
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


def strip_running_lines(pages: list[list[str]]) -> tuple[list[list[str]], list[str]]:
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
