"""Labels of provisions whose number repeats in another part of the same document.

Hovedavtalen numbers each part ("Del A", "Del B", "Del C") on its own, so "§ 1" can exist in two
parts. A label found under more than one part is qualified with its part everywhere in the
document ("HA del A § 1", "HA del B § 1"), and a reference from inside a part to such a label
points to the provision of the same part. Labels that are unique in the document are left alone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.structure import Block

__all__ = ["qualify_repeated_labels"]

_PART_RE = re.compile(r"^(?:#{1,6}\s+)?(?:Del|DEL)\s+(?P<part>[A-E])(?![\w.])")
_PREFIX_RE = re.compile(r"^(?P<prefix>.+?) (?P<tail>(?:kap\.|pkt\.|§) .+)$")


def _part(path: tuple[str, ...]) -> str | None:
    for title in path:
        match = _PART_RE.match(title)
        if match:
            return match.group("part")
    return None


def _qualified(label: str, part: str) -> str:
    match = _PREFIX_RE.match(label)
    return f"{match.group('prefix')} del {part} {match.group('tail')}" if match else f"{label} (del {part})"


def qualify_repeated_labels(blocks: Sequence[Block]) -> list[Block]:
    """The blocks, with labels that repeat across parts qualified by part (see the module docstring).

    Takes the blocks of one document in text order; returns them in the same order. Never raises.
    """
    parts: dict[str, set[str]] = defaultdict(set)
    for block in blocks:
        part = _part(block.section_path)
        if block.provision and part:
            parts[block.provision].add(part)
    repeated = {label for label, found in parts.items() if len(found) > 1}
    if not repeated:
        return list(blocks)
    out: list[Block] = []
    for block in blocks:
        part = _part(block.section_path)
        provision = block.provision
        if provision in repeated and part:
            provision = _qualified(provision, part)
        references = tuple(
            _qualified(ref, part) if ref in repeated and part and part in parts[ref] else ref
            for ref in block.references
        )
        out.append(replace(block, provision=provision, references=references))
    return out
