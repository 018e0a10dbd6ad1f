"""Which provision a user's reference means, across every document in the index.

``resolve(ref, chunks)`` takes a reference in any natural form and returns the labels it may mean:

1. an exact label ("HA § 3-5", "Kompetanseplan pkt. 3"), in any letter case;
2. the number it names - "§ 3-5", "3-5", "§ 2", "pkt. 14.1", "punkt 3", "14.1", "kap. 5" - matched
   against the end of every label ("HTA kap. 1 pkt. 14.1" ends with "pkt. 14.1"), plus the labels
   :func:`core.provision_queries.parse_query_references` gives ("HTA 14.2" -> "HTA kap. 1 pkt. 14.2");
3. narrowed to the documents the reference names, by abbreviation, short name or title in any
   inflection ("hovedavtalen", "HA", "kompetanseplanen"), and to a part it names ("del B").

One label is the answer; several (the same number in two documents, none named) are candidates for
the user to choose from, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from core.doc_names import document_aliases, label_prefix, names_document, reference_words
from core.models import Chunk
from core.provision_queries import parse_query_references
from core.text import fold

__all__ = ["named_in_question", "question_labels", "resolve"]

_PREFIX_RE = re.compile(r"^(?P<prefix>.+?)\s(?:kap\.|pkt\.|§)\s")
_LAW_NUM_RE = re.compile(r"(?<![\w.\-])(\d{1,2})\s?[-‐–]\s?(\d{1,2})(?:\s?([a-h]))?(?![\w\-])")
_PARA_RE = re.compile(r"§\s*(\d{1,2})(?![\d\-‐–])")
_POINT_RE = re.compile(r"(?<![\w.\-/])(\d{1,2}(?:\.\d{1,2}){0,3})(?![\w\-]|[.,]\d)")
_KAP_RE = re.compile(r"\b(?:kapittel|kap\.?)\s*(\d{1,2})(?![.\d\-])", re.IGNORECASE)
_PART_RE = re.compile(r"\bdel\s+([a-e])\b", re.IGNORECASE)
_TAIL_RE = re.compile(r"(?:pkt\.|§) \S.*$|kap\. \d+$")
_MARKED_RE = re.compile(r"§\s*\d|\b(?:pkt\.?|punkt)\s*\d|\d\.\d|\d\s?[-‐–]\s?\d", re.IGNORECASE)


@dataclass
class _Provision:
    """What the index says about one label: the names of its documents and its section paths."""

    aliases: set[str]
    docs: set[str]
    paths: set[str]


# The last index's provisions: a searcher keeps one chunk list per index generation.
_last: list[tuple[Sequence[Chunk], int, dict[str, _Provision]]] = []


def _provisions(chunks: Sequence[Chunk]) -> dict[str, _Provision]:
    last = _last[0] if _last else None
    if last is not None and last[0] is chunks and last[1] == len(chunks):
        return last[2]
    out = _collect(chunks)
    _last[:] = [(chunks, len(chunks), out)]
    return out


def _collect(chunks: Sequence[Chunk]) -> dict[str, _Provision]:
    out: dict[str, _Provision] = {}
    for chunk in chunks:
        label = chunk.provision
        if not label:
            continue
        entry = out.get(label)
        if entry is None:
            match = _PREFIX_RE.match(label)
            prefix = match.group("prefix") if match else label_prefix(chunk.short_name, chunk.document)
            entry = out[label] = _Provision(set(document_aliases(prefix)), set(), set())
        if chunk.doc_id not in entry.docs:  # one document's names once
            entry.docs.add(chunk.doc_id)
            entry.aliases |= document_aliases(
                label_prefix(chunk.short_name, chunk.document), chunk.short_name
            )
            entry.aliases |= document_aliases("", "", chunk.document)
        entry.paths.update(fold(part) for part in chunk.section_path)
    return out


def _tails(ref: str) -> list[str]:
    """The label endings a reference's number can have: "§ 3-5", "§ 2", "pkt. 14.1", "kap. 5"."""
    tails: list[str] = []
    rest = ref
    for match in _LAW_NUM_RE.finditer(ref):
        letter = f" {match.group(3)}" if match.group(3) else ""
        tails.append(f"§ {match.group(1)}-{match.group(2)}{letter}")
        rest = rest.replace(match.group(0), " ")
    for match in _PARA_RE.finditer(rest):
        tails.append(f"§ {int(match.group(1))}")
        rest = rest.replace(match.group(0), " ")
    for match in _KAP_RE.finditer(rest):
        tails.append(f"kap. {int(match.group(1))}")
        rest = rest.replace(match.group(0), " ")
    for match in _POINT_RE.finditer(rest):
        number = match.group(1)
        tails.append(f"pkt. {number}")
        if "." not in number:
            tails.append(f"§ {number}")
    return tails


def resolve(ref: str, chunks: Sequence[Chunk]) -> list[str]:
    """The labels ``ref`` may mean, in index order: [] for none, one for a match, several when the
    reference is ambiguous (see the module docstring). Never raises."""
    return _resolve(" ".join(ref.split()), chunks)[0]


def named_in_question(question: str, chunks: Sequence[Chunk]) -> list[str]:
    """The provisions a question names together with their document ("Hva sier kompetanseplanen
    punkt 3?", "HA § 3-5 og HTA 14.2"); [] when it names no document or no marked number
    ("§ 3", "punkt 3", "3.1", "3-5"), so that a bare "2 år" never picks a provision."""
    question = " ".join(question.split())
    if not _MARKED_RE.search(question):
        return []
    labels, named = _resolve(question, chunks)
    return labels if named else []


def question_labels(question: str, chunks: Sequence[Chunk]) -> list[str]:
    """Every provision label a question names: those named with their document first
    (:func:`named_in_question`), then the common forms (:func:`core.provision_queries.parse_query_references`)
    except a reading of the same number in another document ("kompetanseplanen punkt 3.1" is not
    HTA 3.1)."""
    named = named_in_question(question, chunks)
    taken = {_tail(label) for label in named}
    return named + [
        label
        for label in parse_query_references(question)
        if label not in named and _tail(label) not in taken
    ]


def _tail(label: str) -> str:
    """The number part of a label: "HTA kap. 3 pkt. 3.1" -> "pkt. 3.1", "HA § 3-5" -> "§ 3-5"."""
    match = _TAIL_RE.search(label)
    return match.group(0) if match else label


def _resolve(ref: str, chunks: Sequence[Chunk]) -> tuple[list[str], bool]:
    """:func:`resolve`, and whether the labels were narrowed to documents the reference names."""
    if not ref:
        return [], False
    provisions = _provisions(chunks)
    folded = fold(ref)
    exact = [label for label in provisions if fold(label) == folded]
    if exact:
        return exact[:1], True
    parsed = [label for label in parse_query_references(ref) if label in provisions]
    tails = _tails(ref)
    candidates = [
        label
        for label in provisions
        if label in parsed or any(label.endswith(f" {tail}") or label == tail for tail in tails)
    ]
    words = reference_words(_PART_RE.sub(" ", ref))
    named = [label for label in candidates if names_document(words, frozenset(provisions[label].aliases))]
    if named:
        candidates = named
    elif words and any(names_document(words, frozenset(p.aliases)) for p in provisions.values()):
        return [], False  # the reference names a document that has no such provision
    part = _PART_RE.search(ref)
    if part and len(candidates) > 1:
        key = f"del {part.group(1).lower()}"
        in_part = [label for label in candidates if any(p.startswith(key) for p in provisions[label].paths)]
        candidates = in_part or candidates
    if len(candidates) > 1 and parsed and not words:
        # "14.2" alone: the HTA reading wins only when no other document has that number.
        others = [label for label in candidates if label not in parsed]
        if not others:
            return parsed[:1], False
    return candidates, bool(named)


def uncited_labels(question: str, held: Collection[str | None]) -> list[str]:
    """The provisions ``question`` names (common forms) that are not among ``held`` (the provisions of the passages
    found as named): where the sources only speak of them."""
    return [label for label in parse_query_references(question) if label not in held]


def refers_to(refs: Iterable[str], labels: Sequence[str]) -> bool:
    """True when one of the provision references ``refs`` is one of ``labels`` or a sub-point of one (3.4.4
    counts for 3.4)."""
    return any(ref == label or ref.startswith(label + ".") for ref in refs for label in labels)


def cites_any(text: str, labels: Sequence[str]) -> bool:
    """True when ``text`` refers to one of ``labels`` or to a sub-point of one (:func:`refers_to`)."""
    return refers_to(parse_query_references(text), labels)
