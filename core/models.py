"""Typed data that flows between the stages: documents -> pages -> chunks.

Every stage takes and returns these frozen dataclasses, so a reader can see what
flows where from the signatures alone. Nothing here does I/O.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

DocumentKind = Literal["guide", "agreement", "law", "other"]
ChunkType = Literal["provision", "section", "list", "paragraph"]


def sha256_hex(data: bytes | str, length: int = 64) -> str:
    """Return the hex SHA-256 of ``data`` (str is encoded as UTF-8), cut to ``length``."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()[:length]


@dataclass(frozen=True)
class DocumentInfo:
    """What a citation needs to name a document well.

    ``doc_id`` is a stable slug derived from the file name; ``short_name`` is what
    users call it ("Veilederen", "Arbeidsmiljøloven", "HTA").
    """

    doc_id: str
    title: str
    short_name: str
    kind: DocumentKind
    version: str = ""
    source: str = ""
    path: str = ""


@dataclass(frozen=True)
class Page:
    """One page of extracted (cleaned) text.

    ``number`` is the 1-based page number for paginated formats (PDF) and None
    for flowing text. ``start`` is the offset of the page in the document text.
    """

    number: int | None
    text: str
    start: int


@dataclass(frozen=True)
class LoadedDocument:
    """A document after loading and cleaning, before structure parsing.

    ``text`` is the cleaned full text; ``pages`` partition it (their ``start``
    offsets index into ``text``). ``content_hash`` is the hash of the raw file
    bytes, so an unchanged file is recognised without parsing it.
    """

    info: DocumentInfo
    text: str
    pages: tuple[Page, ...]
    content_hash: str
    warnings: tuple[str, ...] = ()

    def page_at(self, offset: int) -> int | None:
        """Return the page number holding character ``offset`` (None if unpaginated)."""
        found: int | None = None
        for page in self.pages:
            if page.start <= offset:
                found = page.number
            else:
                break
        return found


@dataclass(frozen=True)
class Chunk:
    """A retrievable, citable passage with full provenance.

    ``chunk_id`` is content-addressed: it derives from the document's content
    hash, the chunk's position and its text, so unchanged input gives the same
    ids and re-ingesting does nothing. ``char_start``/``char_end`` index into the
    document's cleaned text; ``text`` may additionally carry a repeated heading
    (``heading`` is set then) for over-long provisions that were split.
    ``provision`` is a normalised label such as "HTA kap. 1 pkt. 14.2" or
    "aml. § 12-11"; ``references`` are the normalised labels the chunk refers to.
    """

    chunk_id: str
    doc_id: str
    document: str
    short_name: str
    kind: DocumentKind
    text: str
    section_path: tuple[str, ...]
    provision: str | None
    heading: str | None
    chunk_type: ChunkType
    page_start: int | None
    page_end: int | None
    char_start: int
    char_end: int
    position: int
    doc_hash: str
    references: tuple[str, ...] = field(default_factory=tuple)

    @property
    def section(self) -> str:
        """The section path joined for display ("Medarbeidersamtalen › 14.2 Utdanningspermisjon")."""
        return " › ".join(self.section_path)

    @property
    def page_label(self) -> str:
        """Human page label: "s. 3", "s. 3–4" or "" when unpaginated."""
        if self.page_start is None:
            return ""
        if self.page_end is None or self.page_end == self.page_start:
            return f"s. {self.page_start}"
        return f"s. {self.page_start}–{self.page_end}"


def make_chunk_id(doc_hash: str, position: int, text: str) -> str:
    """Content-addressed chunk id from the document hash, position and chunk text."""
    return sha256_hex(f"{doc_hash}:{position}:{text}", 32)
