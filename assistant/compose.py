"""How quoted sentences become an answer's text: a list's lead-in and items as one unit, bullets and
ledd markers on lines of their own, a ``[n]`` marker before each sentence's final punctuation, an exact
citation per quote, and the lead line naming the governing provisions.

:mod:`assistant.extractive` scores and chooses the sentences; this module lays them out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.citations import make_citation
from assistant.models import Citation, Passage
from core.models import Chunk
from core.sentences import BULLET_RE, ITEM_RE, LEDD_RE, Span
from index.sentences import chunk_sentences


@dataclass(frozen=True)
class Candidate:
    """A sentence of a passage (or a list's lead-in with its items, see :func:`answer_units`) with its score."""

    passage: Passage
    span: Span
    score: float
    order: int
    members: tuple[Span, ...] = ()  # a list unit's lead-in and items; empty for a plain sentence


_ENDS_SENTENCE = re.compile(r"[.!?][»”\"')\]]*\s*$")
_ELISION = re.compile(r"(?:\s*\[\s*(?:\.\.\.|…)\s*\])+\s*$")
"""Elision marks at the end of a text ("herunder: [...]"): an excerpt leaves part of a list out."""


def answer_units(chunk: Chunk) -> list[tuple[Span, tuple[Span, ...]]]:
    """The chunk's sentences, with a list's lead-in and its lettered items joined into one unit.

    "… før det har gått" followed by "a. …" and "b. …" is one statement: it is scored,
    quoted and cited as a whole, so an item never appears without its lead-in or its
    sibling. A lead-in ending in ":" before bulleted statements ("Den lokale lønnspolitikken
    skal:", "- etablere …") is shown above each bullet chosen, never alone: each bullet is a
    unit of its own whose members are the lead-in and the bullet. Returns (span, members)
    pairs; members is empty for a plain sentence.
    """
    spans = chunk_sentences(chunk)
    units: list[tuple[Span, tuple[Span, ...]]] = []
    i = 0
    while i < len(spans):
        j = i + 1
        # a lead-in whose list an excerpt elides ("herunder: [...]") still leads its items
        head = _ELISION.sub("", spans[i].text).rstrip()
        if not _ENDS_SENTENCE.search(head):
            if head.endswith(":"):
                while j < len(spans) and _is_statement_bullet(spans[j].text):
                    units.append((spans[j], (spans[i], spans[j])))
                    j += 1
                if j > i + 1:
                    i = j
                    continue
            while j < len(spans) and ITEM_RE.match(spans[j].text):
                j += 1
        if j - i > 1:
            first, last = spans[i], spans[j - 1]
            units.append((Span(first.start, last.end, chunk.text[first.start : last.end]), tuple(spans[i:j])))
        else:
            units.append((spans[i], ()))
        i = j
    return units


def _is_statement_bullet(text: str) -> bool:
    """A bulleted statement (a list of questions stays one question per line, each on its own)."""
    return bool(BULLET_RE.match(text)) and not text.rstrip().endswith("?")


@dataclass(frozen=True)
class Extract:
    """The extractive answer's parts: text with markers, lead line, citations."""

    text: str
    lead: str
    citations: tuple[Citation, ...]


def _cited(sentence: str, n: int) -> str:
    """``sentence`` with ``[n]`` placed before its final punctuation."""
    sentence = sentence.strip()
    m = re.search(r"[.!?:]+[»”\"')]*$", sentence)
    if m:
        return f"{sentence[: m.start()]} [{n}]{sentence[m.start() :]}"
    return f"{sentence} [{n}]"


def lead_for(chunks: Sequence[Chunk]) -> str:
    """Name the governing provisions (or guide sections) of the cited chunks, in order."""
    names: list[str] = []
    for chunk in chunks:
        if chunk.provision:
            name = chunk.provision
        else:
            name = f"{chunk.short_name}: {chunk.section_path[0]}" if chunk.section_path else chunk.short_name
        if name not in names:
            names.append(name)
    return "Gjelder: " + "; ".join(names) if names else ""


def lead_line(chosen: Sequence[Candidate]) -> str:
    """The lead line for the chosen sentences."""
    return lead_for([c.passage.chunk for c in chosen])


def _kind(c: Candidate) -> str:
    """How a chosen sentence is laid out: "bullet", "list" (lead-in and items), "ledd" or "plain"."""
    body = c.span.text.strip()
    if c.members:
        return "list"
    if BULLET_RE.match(body):
        return "bullet"
    return "ledd" if LEDD_RE.match(body) else "plain"


def _lead_in_key(c: Candidate) -> tuple[str, int] | None:
    """The (chunk id, lead-in start) of a bullet shown under its lead-in; None for any other sentence."""
    if len(c.members) == 2 and BULLET_RE.match(c.members[1].text):
        return c.passage.chunk.chunk_id, c.members[0].start
    return None


def _together(chosen: Sequence[Candidate]) -> list[Candidate]:
    """``chosen`` with the bullets of one lead-in side by side (each after the first chosen of its list), so the
    lead-in is shown once above them, never again further down."""
    out: list[Candidate] = []
    for c in chosen:
        key = _lead_in_key(c)
        at = max((i for i, o in enumerate(out) if key is not None and _lead_in_key(o) == key), default=None)
        if at is None:
            out.append(c)
        else:
            out.insert(at + 1, c)
    return out


def compose(chosen: Sequence[Candidate]) -> Extract:
    """Join the chosen sentences into the answer text; each citation quotes its exact span.

    Bullets, a list's items and a sentence opening with a ledd marker ("(3) …") start a
    line of their own, so markers read as labels and never sit in mid-sentence.
    """
    text = ""
    previous = ""
    # the lead-in shown last (chunk id, span), so a second bullet under it does not repeat it
    lead_in: tuple[str, Span] | None = None
    citations: list[Citation] = []
    for c in _together(chosen):
        kind = _kind(c)
        raw = c.span.text
        start = c.span.start + len(raw) - len(raw.lstrip())
        body = raw.strip()
        mark = BULLET_RE.match(body)
        if mark:  # the quote is the bullet's statement, without its marker
            start += mark.end()
            body = body[mark.end() :]
        citations.append(make_citation(c.passage.n, c.passage, start, start + len(body)))
        shown = (c.passage.chunk.chunk_id, c.members[0]) if c.members else None
        if _lead_in_key(c) is not None:
            # a bullet under its lead-in; each line is a sentence of its own and carries the marker
            lines = [" ".join(m.text.split()) for m in c.members[int(shown == lead_in) :]]
            line = "\n".join(_cited(m, c.passage.n) for m in lines)
        elif kind == "list":
            line = _cited("\n".join(" ".join(m.text.split()) for m in c.members), c.passage.n)
        else:
            line = ("• " if kind == "bullet" else "") + _cited(" ".join(body.split()), c.passage.n)
        lead_in = shown
        if not text:
            text = line
        elif kind != "plain" or previous in ("bullet", "list"):
            text += "\n" + line
        else:
            text += " " + line
        previous = kind
    return Extract(text=text, lead=lead_line(chosen), citations=tuple(citations))
