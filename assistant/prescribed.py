"""What a document must contain: a question asking it, and the passages that prescribe it.

"Hva skal en lokal lønnspolitikk inneholde?" is decided by the passage that lists what the policy shall do
("Den lokale lønnspolitikken skal: …"), as "Hva må stå i varselet?" is by "Varslet skal inneholde …". The
standard drafting of Norwegian statutes and agreements prescribes a document's contents with "X skal
inneholde" or "X skal:" and a list; a passage prescribes the contents of the X it names, so it decides only a
question about that X.
"""

from __future__ import annotations

import re
from functools import lru_cache

from core.text import analyse

# What a document should say, contain or cover (general Bokmål, Nynorsk and English phrasing).
_ASKS_CONTENTS = re.compile(
    r"\b(?:hva|kva|what)\b[^?.!]{0,40}\b(?:skal|må|bør|burde|ment å|meint å|should|must|shall|needs? to|"
    r"supposed to|meant to)\b[^?.!]{0,40}?"
    r"\b(?:inneholde|innehalde|inneholder|innehald|omfatte|si|seie|contain|include|cover|say|stå|står|be in)\b",
    re.IGNORECASE,
)
_PRESCRIBES = re.compile(
    r"\b(?P<noun>\w+)\s+(?:skal|må)(?:\s+minst)?\s*(?::|inneholde\b|innehalde\b)", re.IGNORECASE
)


def asks_contents(question: str) -> bool:
    """True when ``question`` asks what a document must contain or say."""
    return bool(_ASKS_CONTENTS.search(question))


@lru_cache(maxsize=4096)
def prescribed(text: str) -> frozenset[str]:
    """Stems of the documents whose contents ``text`` prescribes ("Varslet skal inneholde …" -> varsel)."""
    return frozenset(stem for m in _PRESCRIBES.finditer(text) for stem in analyse(m.group("noun")))
