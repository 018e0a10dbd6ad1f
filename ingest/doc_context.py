"""The reference context of a document: how its numbers are read.

``guide`` for the KS guide, ``hta`` for an agreement that is
the Hovedtariffavtale (named so in title/short name, or near the start when it has
no "§ N-N" headings), ``law`` for a law and for an agreement numbered like one
(Hovedavtalen, "§ 3-5"). Provisions of a law-like document other than
arbeidsmiljøloven are labelled with its label prefix (:func:`core.doc_names.label_prefix`:
"HA § 3-5", "Opplæringslova § 12-1"), never "aml."; so are its bare "§ N-N" references. A
document of kind ``other`` is sniffed: "Hovedtariffavtalen" near
the start plus two "Kapittel N" lines and three numbered headings ("3.4.2 ...",
"§ 14 ...") make it ``hta``, two "§ N-N" heading lines ``law``,
anything else stays ``other`` (how its headings are read: :mod:`ingest.structure`).
"""

from __future__ import annotations

import re

from core.doc_names import label_prefix
from core.models import LoadedDocument
from core.provisions import Context

__all__ = ["document_context", "law_prefix"]

_CHAPTER_LINE_RE = re.compile(r"^(?:#{1,6}\s+)?Kapittel\s+\d{1,2}\b", re.MULTILINE)
_POINT_HEADING_LINE_RE = re.compile(
    r"^(?:#{1,6}\s+)?(?:§\s*\d{1,2}|\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+[A-ZÆØÅ]", re.MULTILINE
)
_LAW_HEADING_LINE_RE = re.compile(r"^(?:#{1,6}\s+)?§\s*\d{1,2}\s?-\s?\d{1,2}", re.MULTILINE)


def document_context(doc: LoadedDocument) -> Context:
    """The reference context of a document: from its kind, or sniffed for kind "other"."""
    kind = doc.info.kind
    if kind == "guide":
        return "guide"
    if kind == "agreement":
        if _names_hta(doc):
            return "hta"
        # Hovedavtalen and similar agreements number their provisions like a law ("§ 3-5").
        if _LAW_HEADING_LINE_RE.search(doc.text):
            return "law"
        named_ha = label_prefix(doc.info.short_name, doc.info.title) == "HA"
        return "hta" if not named_ha and "hovedtariffavtal" in doc.text[:3000].lower() else "other"
    if kind == "law":
        return "law"
    text = doc.text
    points = len(_POINT_HEADING_LINE_RE.findall(text))
    if len(_CHAPTER_LINE_RE.findall(text)) >= 2 and points >= 3 and "hovedtariffavtal" in text[:3000].lower():
        return "hta"
    if len(_LAW_HEADING_LINE_RE.findall(text)) >= 2:
        return "law"
    return "other"


def _names_hta(doc: LoadedDocument) -> bool:
    """True when the agreement is the Hovedtariffavtale (not Hovedavtalen or a særavtale)."""
    names = f"{doc.info.title} {doc.info.short_name}".lower()
    return "hta" in re.findall(r"\w+", names) or "hovedtariff" in names


def law_prefix(doc: LoadedDocument) -> str | None:
    """None for arbeidsmiljøloven (labels "aml. § ..."), else the law's name for its labels."""
    names = f"{doc.info.title} {doc.info.short_name}".lower()
    if (
        "arbeidsmiljø" in names
        or "aml" in re.findall(r"\w+", names)
        or "arbeidsmiljølov" in _first_line(doc.text)
    ):
        return None
    prefix = label_prefix(doc.info.short_name, doc.info.title or "Loven")
    return None if prefix == "aml." else prefix


def _first_line(text: str) -> str:
    stripped = text.lstrip()
    return stripped.split("\n", 1)[0].lower() if stripped else ""
