"""The provisions a block of a document refers to (the "References" rule of :mod:`ingest.structure`).

``find_references`` on each non-heading block, with the context of the provision the block sits in
(``hta``/``law`` inside a provision); the block's own provision is left out. A bare "§ 17-2" in a
law other than arbeidsmiljøloven is that law's paragraph. A document of its own (a kompetanseplan,
a local agreement) also refers to its own numbered sections ("jf. pkt. 3", "se § 2"); such a
reference is kept only when the document has that section (:func:`known_local_references`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from core.provisions import Context, find_references
from ingest.headings import LocalHeading, local_references

if TYPE_CHECKING:
    from ingest.structure import Block

__all__ = ["block_references", "known_local_references"]

_AML_NAMED_RE = re.compile(r"aml|arbeidsmiljø", re.IGNORECASE)


def block_references(
    body: str, own: str | None, context: Context, *, law_prefix: str | None, local_prefix: str | None
) -> tuple[str, ...]:
    """The labels ``body`` refers to, in text order and deduplicated, without ``own`` (the block's provision).

    ``context`` is how the block's numbers are read (:func:`core.provisions.find_references`);
    ``law_prefix`` the label prefix of the law the document is, when it is one other than
    arbeidsmiljøloven; ``local_prefix`` the label prefix of a document of its own, whose bare
    references to its own sections are added. Never raises.
    """
    labels: list[str] = []
    found = find_references(body, context=context)
    for ref in found:
        label = ref.label
        if law_prefix and label.startswith("aml. ") and not _AML_NAMED_RE.search(ref.raw):
            label = f"{law_prefix} {label[5:]}"  # a bare "§ 17-2" in another law is that law's
        if label != own and label not in labels:
            labels.append(label)
    if local_prefix is not None:  # "jf. pkt. 3": the document's own section
        taken = [(ref.start, ref.end) for ref in found]
        for kind, number, _ in local_references(body, taken):
            label = LocalHeading(number, kind, "").label(local_prefix)
            if label != own and label not in labels:
                labels.append(label)
    return tuple(labels)


def known_local_references(blocks: list[Block], local_prefix: str | None) -> list[Block]:
    """Drop references to own sections the document does not have ("pkt. 9" in a plan of 5).

    Takes all blocks of one document and its ``local_prefix`` (None: not a document of its own,
    the blocks are returned unchanged); returns the blocks in the same order.
    """
    if local_prefix is None:
        return blocks
    own = f"{local_prefix} "
    known = {b.provision for b in blocks if b.provision}
    return [
        replace(b, references=tuple(r for r in b.references if not r.startswith(own) or r in known))
        for b in blocks
    ]
