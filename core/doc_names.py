"""What users call the documents: the prefix of their provision labels and the names a reference may use.

A provision label starts with its document's prefix: the common abbreviation for the
well-known documents ("HA" for Hovedavtalen, "HTA" for the Hovedtariffavtale, "aml."
for arbeidsmiljøloven), otherwise the document's short name ("Kompetanseplan pkt. 3").
A reference names a document by the prefix, the short name or a word of it, in any
inflection ("kompetanseplanen" names "Kompetanseplan", "hovedavtalens" names "HA").
"""

from __future__ import annotations

import re

from core.text import fold

__all__ = ["KNOWN_NAMES", "document_aliases", "label_prefix", "names_document", "reference_words"]

# Abbreviation -> the words that name the document (folded).
KNOWN_NAMES: dict[str, tuple[str, ...]] = {
    # In a municipality "tariffavtalen" is the Hovedtariffavtale (Nynorsk "tariffavtala").
    "HTA": (
        "hta",
        "hovedtariffavtale",
        "hovedtariffavtalen",
        "hovedtariffavtalens",
        "tariffavtale",
        "tariffavtalen",
        "tariffavtala",
    ),
    "HA": ("ha", "hovedavtale", "hovedavtalen", "hovedavtalens"),
    "aml.": ("aml", "arbeidsmiljøloven", "arbeidsmiljølova", "arbeidsmiljølovens", "arbeidsmiljølov"),
}
# Words in a reference that never name a document.
_NOT_NAMES = frozenset(
    "del kap kapittel pkt punkt punktet paragraf paragrafen ledd og i om hva står sier til se jf".split()
)
_WORD_RE = re.compile(r"[^\W_]+")


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(fold(text))


def label_prefix(short_name: str, title: str = "") -> str:
    """The prefix of a document's provision labels: "HA", "HTA", "aml." or the short name.

    Takes the document's short name (and its title, used when the short name is empty).
    The first word decides a well-known document: "Hovedavtalen KS 2024" -> "HA".
    """
    name = " ".join((short_name or title).split())
    first = next(iter(_words(name)), "")
    for abbreviation, names in KNOWN_NAMES.items():
        if first in names:
            return abbreviation
    return name or "Dokument"


def document_aliases(prefix: str, short_name: str = "", title: str = "") -> frozenset[str]:
    """The folded words that name a document in a reference (see :func:`names_document`)."""
    aliases = set(KNOWN_NAMES.get(prefix, ()))
    aliases.add(fold(prefix).rstrip("."))
    for text in (prefix, short_name, title):
        aliases.update(w for w in _words(text) if len(w) >= 4 and not w.isdigit() and w not in _NOT_NAMES)
    name = fold(" ".join(short_name.split()))
    if name:
        aliases.add(name)
    return frozenset(a for a in aliases if a)


def reference_words(ref: str) -> list[str]:
    """The words of a reference that may name a document (numbers and "del", "punkt", ... left out)."""
    return [w for w in _words(ref) if not w.isdigit() and w not in _NOT_NAMES and len(w) >= 2]


def names_document(words: list[str], aliases: frozenset[str]) -> bool:
    """True when a word of the reference is one of ``aliases``, allowing an inflected ending.

    "kompetanseplanen" matches "kompetanseplan", "hovedavtalens" matches "hovedavtale";
    a short abbreviation ("ha", "hta") must match exactly.
    """
    for word in words:
        for alias in aliases:
            if word == alias:
                return True
            if len(alias) >= 5 and len(word) >= 5:
                longer, shorter = (word, alias) if len(word) > len(alias) else (alias, word)
                if longer.startswith(shorter) and len(longer) - len(shorter) <= 3:
                    return True
    return False
