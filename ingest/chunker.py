"""Structural blocks -> retrievable, citable chunks with full provenance.

Rules (``chunk_document``):

- Groups. Consecutive blocks of one provision form a group (for the law: one
  group per ledd, so "§ 12-11 (3)" is its own chunk); consecutive guide blocks
  of one section (same ``section_path``, no provision) form a group, starting
  with the section's heading block. A heading block without a body (e.g.
  "Kapittel 1 ..." directly followed by "§ 14 ...") is carried into the next
  group so no heading stands alone and no heading is split from its body.
- Packing. Inside a group blocks are packed greedily up to ``max_chars``; a
  list is kept whole if it fits, otherwise split between items; a lead-in
  paragraph ending with ':' moves to the next piece with the list it introduces; an over-long
  paragraph is split at sentence boundaries (never inside a sentence; a single
  sentence longer than ``max_chars`` stays whole). A last piece shorter than
  ``min_chars`` is merged into the previous piece of the same group when the two
  fit in ``max_chars`` × 1.25.
- Headings. The first piece of a group starts with its heading inside the body
  (so "14.2 Utdanningspermisjon" sits in the chunk holding its body). Every later
  piece of a provision or section gets the heading repeated: ``Chunk.heading`` is
  set and ``text == heading + "\\n" + body``; ``char_start``/``char_end`` still
  cover the body only. Law ledd chunks after the first repeat the § heading.
- Types. ``provision`` when the chunk belongs to a provision; ``list`` when
  lists make up most of it; ``section`` when it starts with a section heading;
  ``paragraph`` otherwise. Guide text that discusses a provision is never
  labelled with it; it lists it in ``references``.

The bodies of all chunks, in order, cover every non-whitespace character of
``doc.text`` exactly once, and ``doc.text[c.char_start:c.char_end]`` is the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.models import Chunk, ChunkType, LoadedDocument, make_chunk_id
from core.sentences import LEDD_TITLE_RE, split_sentences
from ingest.structure import Block, parse_structure

__all__ = ["chunk_document"]

_ITEM_START_RE = re.compile(r"\n(?=[•*▪●◦-]\s?)")


@dataclass(frozen=True)
class _Piece:
    """A span of the document text inside one group, with the blocks' metadata."""

    start: int
    end: int
    section_path: tuple[str, ...]
    kinds: tuple[str, ...]
    list_chars: int
    references: tuple[str, ...]


@dataclass
class _Group:
    blocks: list[Block]
    provision: str | None
    section_path: tuple[str, ...]
    heading: str | None  # heading text to repeat on later pieces


def _group_key(block: Block) -> tuple[object, ...]:
    if block.provision is not None:
        ledd = next((p for p in block.section_path[::-1] if LEDD_TITLE_RE.match(p)), None)
        return ("provision", block.provision, ledd)
    return ("section", block.section_path)


def _groups(blocks: list[Block]) -> list[_Group]:
    groups: list[_Group] = []
    for block in blocks:
        key = _group_key(block)
        starts_new = block.kind in ("heading", "provision_heading")
        if groups and not starts_new and _group_key(groups[-1].blocks[-1]) == key:
            groups[-1].blocks.append(block)
            continue
        heading = None
        if block.kind in ("heading", "provision_heading"):
            heading = block.text.lstrip("#").strip()
        elif block.provision is not None and groups and groups[-1].provision == block.provision:
            heading = groups[-1].heading  # a later law ledd repeats the § heading
        elif block.provision is None and block.section_path:
            heading = block.section_path[-1]  # guide text resuming after a quoted provision
        groups.append(_Group([block], block.provision, block.section_path, heading))
    # Carry bodiless heading groups into the next group.
    merged: list[_Group] = []
    carry: list[Block] = []
    for group in groups:
        if (
            len(group.blocks) == 1
            and group.blocks[0].kind in ("heading", "provision_heading")
            and group is not groups[-1]
        ):
            carry.extend(group.blocks)
            continue
        if carry:
            group.blocks[:0] = carry
            carry = []
        merged.append(group)
    if carry:
        merged.append(_Group(carry, carry[-1].provision, carry[-1].section_path, None))
    return merged


def _split_block(block: Block, max_chars: int) -> list[tuple[int, int]]:
    """Split an over-long block into spans: lists between items, text between sentences."""
    if block.end - block.start <= max_chars:
        return [(block.start, block.end)]
    if block.kind == "list":
        cuts = [m.start() + 1 for m in _ITEM_START_RE.finditer(block.text)]
    else:
        cuts = _sentence_cuts(block.text)
    if block.kind == "list" and not cuts:
        cuts = _sentence_cuts(block.text)
    spans: list[tuple[int, int]] = []
    start = 0
    last_cut = 0
    for cut in [*cuts, len(block.text)]:
        if cut - start > max_chars and last_cut > start:
            spans.append((start, last_cut))
            start = last_cut
        last_cut = cut
    spans.append((start, len(block.text)))
    out = []
    for s, e in spans:
        piece = block.text[s:e]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece.rstrip())
        if piece.strip():
            out.append((block.start + s + lead, block.start + s + trail))
    return out


def _sentence_cuts(text: str) -> list[int]:
    """Offsets where a new sentence starts (the one sentence splitter, :func:`core.sentences.split_sentences`)."""
    return [span.start for span in split_sentences(text)[1:]]


def _pack(group: _Group, max_chars: int, min_chars: int) -> list[_Piece]:
    atoms: list[tuple[int, int, Block]] = []
    for block in group.blocks:
        for start, end in _split_block(block, max_chars):
            atoms.append((start, end, block))
    pieces: list[list[tuple[int, int, Block]]] = []
    for atom in atoms:
        if pieces:
            current = pieces[-1]
            size = atom[1] - current[0][0]
            only_headings = all(a[2].kind in ("heading", "provision_heading") for a in current)
            if size <= max_chars or only_headings:
                current.append(atom)
                continue
            lead = current[-1]
            if (
                len(current) > 1
                and atom[2].kind == "list"
                and lead[2].kind != "list"
                and lead[2].text.endswith(":")
                and atom[1] - lead[0] <= max_chars
            ):
                # Keep a lead-in ("Den lokale lønnspolitikken skal:") with the list it introduces.
                current.pop()
                pieces.append([lead, atom])
                continue
        pieces.append([atom])
    if len(pieces) >= 2:
        last, previous = pieces[-1], pieces[-2]
        if last[-1][1] - last[0][0] < min_chars and last[-1][1] - previous[0][0] <= max_chars * 1.25:
            previous.extend(last)
            pieces.pop()
    out: list[_Piece] = []
    for atoms_in_piece in pieces:
        refs: list[str] = []
        kinds: list[str] = []
        list_chars = 0
        seen_blocks: list[Block] = []
        seen_ids: set[int] = set()
        for start, end, block in atoms_in_piece:
            if block.kind == "list":
                list_chars += end - start
            if id(block) not in seen_ids:
                seen_ids.add(id(block))
                seen_blocks.append(block)
                kinds.append(block.kind)
                for ref in block.references:
                    if ref not in refs and ref != group.provision:
                        refs.append(ref)
        body_blocks = [b for b in seen_blocks if b.kind not in ("heading", "provision_heading")]
        path = (body_blocks[0] if body_blocks else seen_blocks[-1]).section_path
        out.append(
            _Piece(atoms_in_piece[0][0], atoms_in_piece[-1][1], path, tuple(kinds), list_chars, tuple(refs))
        )
    return out


def _chunk_type(group: _Group, piece: _Piece, first: bool) -> ChunkType:
    if group.provision is not None:
        return "provision"
    if piece.list_chars * 2 >= piece.end - piece.start:
        return "list"
    if first and piece.kinds and piece.kinds[0] == "heading":
        return "section"
    return "paragraph"


def chunk_document(doc: LoadedDocument, *, max_chars: int = 1200, min_chars: int = 400) -> list[Chunk]:
    """Cut a loaded document into chunks (see the module docstring for the rules).

    Takes the document and the size bounds (characters of body text; a single
    sentence longer than ``max_chars`` is kept whole). Returns chunks with
    positions 0..n-1. Raises ValueError if ``max_chars`` < 1 or ``min_chars`` < 0.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    if min_chars < 0:
        raise ValueError(f"min_chars must be 0 or more, got {min_chars}")
    blocks = parse_structure(doc)
    chunks: list[Chunk] = []
    info = doc.info
    for group in _groups(blocks):
        for index, piece in enumerate(_pack(group, max_chars, min_chars)):
            body = doc.text[piece.start : piece.end]
            repeated = index > 0 or (group.heading is not None and not _starts_with_heading(group))
            heading = group.heading if repeated and group.heading else None
            text = f"{heading}\n{body}" if heading else body
            position = len(chunks)
            chunks.append(
                Chunk(
                    chunk_id=make_chunk_id(doc.content_hash, position, text),
                    doc_id=info.doc_id,
                    document=info.title,
                    short_name=info.short_name,
                    kind=info.kind,
                    text=text,
                    section_path=piece.section_path,
                    provision=group.provision,
                    heading=heading,
                    chunk_type=_chunk_type(group, piece, index == 0),
                    page_start=doc.page_at(piece.start),
                    page_end=doc.page_at(max(piece.start, piece.end - 1)),
                    char_start=piece.start,
                    char_end=piece.end,
                    position=position,
                    doc_hash=doc.content_hash,
                    references=piece.references,
                )
            )
    return chunks


def _starts_with_heading(group: _Group) -> bool:
    return bool(group.blocks) and group.blocks[0].kind in ("heading", "provision_heading")
