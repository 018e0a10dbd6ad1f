"""Structure of a cleaned document: headings, provisions, paragraphs, lists, merknader.

The block grammar is one state machine; heading recognition is in ``ingest/headings.py``, document
context in ``ingest/doc_context.py``, the references of a block in ``ingest/block_references.py``.

``parse_structure(doc)`` cuts ``doc.text`` into consecutive blocks; together they
cover every non-whitespace character of the text, and ``doc.text[b.start:b.end]
== b.text`` for every block. Rules (all generic, no titles are hard-coded):

Units. A paragraph is a run of non-empty lines; a markdown heading line, a
bullet line ("• ", "- ", "* "), a ledd "(2)" and a provision heading line always
start a unit of their own. Consecutive bullet units form one list block.

Document context: see :mod:`ingest.doc_context` (``guide``, ``hta``, ``law``,
``other``). In ``other`` documents explicitly anchored headings such as "HTA kap.
3.2 Lokal lønnspolitikk" are HTA provisions, and the document's own numbered
sections ("3 Stipend", "3.2 Mål", "§ 2 Virkeområde"; see :mod:`ingest.headings`)
are its own provisions ("Kompetanseplan pkt. 3.2"), never HTA labels. Their bare
references ("jf. pkt. 3", "se § 2") point to the document's own sections and are
kept when the section exists.

Headings. A provision heading is what :func:`core.provision_headings.heading_provision`
accepts (in a guide with its own numbered outline - a "1 ..."/"2.1 ..." heading -
bare numbers such as "3.3 Mål" are the guide's sections, not HTA points). A generic heading is a single line unit of at most 90 characters and 12
words, starting with a capital letter or digit, not ending like a sentence
(. ? ! , ;), ending with ':' only when it has at most three words ("Til
refleksjon:"), with a body after it, and not a byline/caption (a ' | ' caption,
a line ending in a company suffix such as "AS", a URL). Levels: markdown '#'
count; otherwise 1, or 2 for a title that recurs in the document ("Til
refleksjon"), which then nests under the current level-1 heading.

Provisions. In ``hta``/``law`` text a provision runs until the next provision
heading, markdown heading or division ("Del B", "Kapittel 2" outside the HTA);
an own numbered section nests by number ("2" > "2.1") and keeps unnumbered
sub-headings of a deeper markdown level; HTA provisions nest by number (Kapittel 1 > § 14 >
14.2), law ledd "(1)".."(n)" become sub-blocks (path ``(..., "§ 12-11. ...",
"(3)")``) that keep their letter items "a."/"b." and "[...]" lines. A
"Merknad" line and the text after it belong to the provision (kind
``merknad``). Inside the guide a quoted provision ends at the next heading, or
at the first block in the guide's own voice: first person plural (vi, oss,
vår), an explicitly anchored HTA reference ("jf. HTA kap. 3.4", "Hovedtariff-
avtalen kapittel 3 pkt. 3.3"; HTA text does not cite itself that way), or an
opener such as "Også ..." / "Det er også ...". The guide text then resumes in
the enclosing section.

References. ``find_references`` on each non-heading block, with context
``hta``/``law`` inside a provision; the block's own provision is left out
(:mod:`ingest.block_references`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from core.doc_names import label_prefix
from core.models import LoadedDocument
from core.provision_headings import heading_provision
from core.provisions import Context, find_references
from ingest.block_references import block_references, known_local_references
from ingest.doc_context import document_context, law_prefix
from ingest.headings import (
    LocalHeading,
    Unit,
    division_heading,
    heading_text,
    is_generic_heading,
    local_heading,
    local_heading_flags,
    norm_title,
    split_units,
)
from ingest.parts import qualify_repeated_labels

__all__ = ["Block", "BlockKind", "document_context", "is_generic_heading", "parse_structure"]

BlockKind = Literal["heading", "provision_heading", "paragraph", "list", "merknad"]

_MD_RE = re.compile(r"^(#{1,6})\s+(\S.*)$")
_LEDD_RE = re.compile(r"^\((\d{1,2})\)\s")
_MERKNAD_RE = re.compile(
    r"^(?:Merknad(?:er)?|Fellesmerknad|Protokolltilførsel)(?:\s+\d{1,2})?\s*(?::|(?=\s*$))", re.IGNORECASE
)
_VOICE_RE = re.compile(r"\b(?:vi|oss|vår|våre|vårt)\b", re.IGNORECASE)
_OPENER_RE = re.compile(
    r"^(?:Også\b|Det er også\b|Det finnes også\b|Veilederen\b|Denne veilederen\b|Se også\b|Les mer\b)"
)
_ANCHORED_HTA_RE = re.compile(r"^(?:HTA|[Hh]ove[dr]tariffavtal)")
_OWN_OUTLINE_RE = re.compile(r"^(?:#{1,6}\s+)?[12](?:\.\d{1,2}){0,3}\.?\s+[A-ZÆØÅ][^\n]{0,80}$", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    """A structural piece of a document; ``doc.text[start:end] == text``.

    ``section_path`` names the headings above (and including) the block's
    section, ``provision`` is the normalised label of the provision the block
    belongs to (None for guide text), ``references`` the labels it refers to.
    """

    kind: BlockKind
    text: str
    start: int
    end: int
    section_path: tuple[str, ...]
    provision: str | None = None
    references: tuple[str, ...] = field(default_factory=tuple)


@dataclass
class _Open:
    """An open provision: its label, heading text, nesting key and reference context."""

    label: str
    heading: str
    key: tuple[int, ...]
    quoted: bool  # quoted inside guide text (ends when the guide's voice resumes)
    law: bool = False
    local: bool = False  # the document's own numbered section ("Kompetanseplan pkt. 3")
    md_level: int = 0  # markdown level of a local section's heading (0: a plain line)


# --------------------------------------------------------------------------- classification


def _provision_key(label: str, chapter: int | None) -> tuple[int, ...]:
    """Nesting key: Kapittel 3 -> (3,), 3.4.2 -> (3, 4, 2), kap. 1 § 14 -> (1, 14), 14.2 -> (1, 14, 2)."""
    numbers = re.findall(r"\d+", label.split("pkt.")[-1].split("§")[-1])
    chap_match = re.search(r"kap\. (\d+)", label)
    chap = int(chap_match.group(1)) if chap_match else chapter or 0
    if "pkt." not in label and "§" not in label:
        return (chap,)
    parts = tuple(int(n) for n in numbers)
    if parts and parts[0] == chap and "§" not in label:
        return parts
    return (chap, *parts)


def _guide_voice(text: str, refs_context: Context) -> bool:
    if _VOICE_RE.search(text) or _OPENER_RE.match(text.lstrip("•-* ")):
        return True
    return any(
        _ANCHORED_HTA_RE.match(ref.raw) for ref in find_references(text, context="guide")
    ) and refs_context in ("guide", "other")


# --------------------------------------------------------------------------- parse


class _Parser:
    """Walks the units once, keeping the open sections, provisions, merknad and ledd."""

    def __init__(self, doc: LoadedDocument) -> None:
        self.text = doc.text
        self.context = document_context(doc)
        self.units = split_units(self.text)
        name = doc.info.short_name or doc.info.title or "Lov"
        self.law_prefix = law_prefix(doc) if self.context == "law" else None
        # A guide with its own numbered outline ("1 Innledning", "2.1 Mål") keeps its numbers;
        # only explicitly anchored headings ("HTA kap. 3.2 ...") are HTA provisions there.
        own_outline = self.context == "guide" and bool(_OWN_OUTLINE_RE.search(self.text))
        self.heading_context: Context = "other" if own_outline else self.context
        self.root: tuple[str, ...] = (name,) if self.context == "law" else ()
        units = self.units
        self.heading_flags = [
            u.kind == "para" and i + 1 < len(units) and is_generic_heading(u.text)
            for i, u in enumerate(units)
        ]
        # A document of its own (a kompetanseplan, a local agreement) numbers its own sections.
        self.local_prefix = (
            label_prefix(doc.info.short_name, doc.info.title) if self.context == "other" else None
        )
        self.local_flags: list[LocalHeading | None] = [None] * len(units)
        if self.local_prefix is not None:
            self.local_flags, listed = local_heading_flags(
                [
                    u.text if u.kind != "item" and "\n" not in u.text and i + 1 < len(units) else None
                    for i, u in enumerate(units)
                ]
            )
            for i in listed:  # list numbering is body text
                self.heading_flags[i] = False
        self.counts = Counter(
            norm_title(u.text) for u, flag in zip(units, self.heading_flags, strict=True) if flag
        )
        self.blocks: list[Block] = []
        self.guide_path: list[tuple[int, str]] = []  # (level, heading) of generic headings
        self.provisions: list[_Open] = []
        self.chapter: int | None = None
        self.in_merknad = False
        self.ledd_block: int | None = None  # index in blocks of the open law ledd block

    # -- state helpers

    def path(self) -> tuple[str, ...]:
        return self.root + tuple(h for _, h in self.guide_path) + tuple(p.heading for p in self.provisions)

    def label(self) -> str | None:
        return self.provisions[-1].label if self.provisions else None

    def ref_context(self) -> Context:
        if not self.provisions or self.provisions[-1].local:
            return self.context
        return "law" if self.provisions[-1].law else "hta"

    def refs(self, body: str, own: str | None) -> tuple[str, ...]:
        return block_references(
            body, own, self.ref_context(), law_prefix=self.law_prefix, local_prefix=self.local_prefix
        )

    def close_provisions(self) -> None:
        self.provisions.clear()
        self.in_merknad = False
        self.ledd_block = None

    def emit(self, kind: BlockKind, start: int, end: int, path: tuple[str, ...], label: str | None) -> None:
        body = self.text[start:end]
        refs = () if kind in ("heading", "provision_heading") else self.refs(body, label)
        self.blocks.append(Block(kind, body, start, end, path, label, refs))

    def extend_ledd(self, end: int) -> None:
        assert self.ledd_block is not None
        old = self.blocks[self.ledd_block]
        body = self.text[old.start : end]
        self.blocks[self.ledd_block] = Block(
            old.kind, body, old.start, end, old.section_path, old.provision, self.refs(body, old.provision)
        )

    def maybe_end_quote(self, body: str) -> None:
        if self.provisions and self.provisions[-1].quoted and _guide_voice(body, self.context):
            self.close_provisions()

    # -- handlers

    def open_provision(self, label: str, unit: Unit) -> None:
        title = heading_text(unit.text)
        law = label.startswith("aml. ")
        if law and self.law_prefix:
            label = f"{self.law_prefix} {label[5:]}"
        if law:
            self.provisions.clear()
            key: tuple[int, ...] = ()
        else:
            key = _provision_key(label, self.chapter)
            while self.provisions and not _is_parent(self.provisions[-1].key, key):
                self.provisions.pop()
            chapter = re.match(r"HTA kap\. (\d+)$", label)
            if chapter:
                self.chapter = int(chapter.group(1))
        quoted = self.context in ("guide", "other")
        self.provisions.append(_Open(label=label, heading=title, key=key, quoted=quoted, law=law))
        self.in_merknad = False
        self.ledd_block = None
        self.emit("provision_heading", unit.start, unit.end, self.path(), label)

    def open_local(self, heading: LocalHeading, unit: Unit) -> None:
        assert self.local_prefix is not None
        md = _MD_RE.match(unit.text)
        level = len(md.group(1)) if md else 0
        key = heading.key
        while self.provisions and not (
            self.provisions[-1].local and _is_parent(self.provisions[-1].key, key)
        ):
            self.provisions.pop()
        if not self.provisions:
            while level and self.guide_path and self.guide_path[-1][0] >= level:
                self.guide_path.pop()
        label = heading.label(self.local_prefix)
        title = heading_text(unit.text)
        self.provisions.append(_Open(label, title, key, quoted=False, local=True, md_level=level))
        self.in_merknad = False
        self.ledd_block = None
        self.emit("provision_heading", unit.start, unit.end, self.path(), label)

    def stays_inside(self, unit: Unit, level: int) -> bool:
        """A sub-heading that belongs to the open provision (not a new section of the document)."""
        if not self.provisions:
            return False
        md = _MD_RE.match(unit.text)
        if self.provisions[-1].local:
            return level > self.provisions[-1].md_level if md else not division_heading(unit.text)
        return self.context in ("hta", "law") and not md and not division_heading(unit.text)

    def open_heading(self, unit: Unit, level: int) -> None:
        title = heading_text(unit.text)
        if self.stays_inside(unit, level):
            # A plain sub-heading inside the agreement or the law stays inside the provision.
            self.ledd_block = None
            self.emit("heading", unit.start, unit.end, (*self.path(), title), self.label())
            return
        self.close_provisions()
        if self.context == "law" and not self.blocks and level == 1:
            self.emit("heading", unit.start, unit.end, self.root, None)  # the law's title line
            return
        while self.guide_path and self.guide_path[-1][0] >= level:
            self.guide_path.pop()
        self.guide_path.append((level, title))
        self.emit("heading", unit.start, unit.end, self.path(), None)

    def body(self, unit: Unit) -> None:
        self.maybe_end_quote(unit.text)
        label = self.label()
        if label is not None and self.provisions[-1].law:
            ledd = _LEDD_RE.match(unit.text)
            if ledd:
                self.emit("paragraph", unit.start, unit.end, (*self.path(), f"({ledd.group(1)})"), label)
                self.ledd_block = len(self.blocks) - 1
                return
            if self.ledd_block is not None and self.ledd_block == len(self.blocks) - 1:
                self.extend_ledd(unit.end)
                return
        if self.in_merknad:
            self.emit("merknad", unit.start, unit.end, (*self.path(), "Merknad"), label)
        else:
            self.emit("paragraph", unit.start, unit.end, self.path(), label)

    def run(self) -> list[Block]:
        units = self.units
        index = 0
        while index < len(units):
            unit = units[index]
            if unit.kind == "item":
                last = index
                while last + 1 < len(units) and units[last + 1].kind == "item":
                    last += 1
                start, end = unit.start, units[last].end
                self.maybe_end_quote(self.text[start:end])
                if self.ledd_block is not None and self.ledd_block == len(self.blocks) - 1:
                    self.extend_ledd(end)
                else:
                    kind: BlockKind = "merknad" if self.in_merknad else "list"
                    path = (*self.path(), "Merknad") if self.in_merknad else self.path()
                    self.emit(kind, start, end, path, self.label())
                index = last + 1
                continue
            single_line = "\n" not in unit.text
            prov = heading_provision(unit.text, self.heading_context, self.chapter) if single_line else None
            if prov is None and single_line and self.context == "law":
                prov = _plain_paragraph(unit.text)
            md = _MD_RE.match(unit.text) if unit.kind == "md" else None
            if prov is not None:
                self.open_provision(prov[0], unit)
            elif self.provisions and single_line and _MERKNAD_RE.match(unit.text):
                self.in_merknad = True
                self.ledd_block = None
                self.emit("merknad", unit.start, unit.end, (*self.path(), "Merknad"), self.label())
            elif self.local_flags[index] is not None:
                local = self.local_flags[index]
                assert local is not None
                self.open_local(local, unit)
            elif md is not None:
                self.open_heading(unit, len(md.group(1)))
            elif self.heading_flags[index] and self.context != "hta" and division_heading(unit.text):
                self.open_heading(unit, 1)
            elif self.heading_flags[index]:
                self.open_heading(unit, 2 if self.counts[norm_title(unit.text)] >= 2 else 1)
            else:
                self.body(unit)
            index += 1
        return known_local_references(self.blocks, self.local_prefix)


def _plain_paragraph(line: str) -> tuple[str, str] | None:
    """A "§ 11 Tittel" heading in a law-like document (labelled with its prefix like "§ 11-1")."""
    heading = local_heading(line)
    if heading is None or heading.kind != "§":
        return None
    return f"aml. § {heading.number}", heading.title


def _is_parent(parent: tuple[int, ...], child: tuple[int, ...]) -> bool:
    return bool(parent) and len(parent) < len(child) and child[: len(parent)] == parent


def parse_structure(doc: LoadedDocument) -> list[Block]:
    """Cut a cleaned document into structural blocks (see the module docstring for the rules).

    Takes a :class:`LoadedDocument`; returns blocks in text order whose spans
    cover all non-whitespace text (``doc.text[b.start:b.end] == b.text``).
    Never raises on odd text.
    """
    return qualify_repeated_labels(_Parser(doc).run())
