"""Passages that hand a matter over to another indexed provision, and when they still decide it.

HTA 14.2 (quoted in the guide) opens "Rett til utdanningspermisjon reguleres av arbeidsmiljøloven § 12-11":
for the right itself (who has it, its limits, deadlines, disputes) § 12-11 decides, not 14.2; for the pay
and costs of a leave, or a question asked under the agreement itself, 14.2 still does. Read by
:class:`assistant.retriever.HybridSearcher`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.doc_names import document_aliases, names_document
from core.intents import deferred_matters
from core.models import Chunk
from core.text import Vocabulary, analyse, with_equivalents, words

__all__ = ["deferrals", "names_own_agreement", "still_decides"]


def deferrals(chunks: Sequence[Chunk], vocab: Vocabulary | None = None) -> dict[int, set[str]]:
    """Position -> stems of the matters a chunk hands over to another indexed provision.

    HTA 14.2 opens "Rett til utdanningspermisjon reguleres av arbeidsmiljøloven § 12-11": for the
    right itself (who has it, its limits, deadlines, disputes) § 12-11 decides, not 14.2.
    """
    indexed = {c.provision for c in chunks if c.provision}
    out: dict[int, set[str]] = {}
    for pos, chunk in enumerate(chunks):
        if not any(ref in indexed and ref != chunk.provision for ref in chunk.references):
            continue
        stems = {t for matter in deferred_matters(chunk.text) for t in analyse(matter, vocab)}
        if stems:
            out[pos] = stems
    return out


def names_own_agreement(question: str, chunk: Chunk) -> bool:
    """True when ``question`` names the document of ``chunk``'s provision ("HTA", "tariffavtalen",
    "hovedtariffavtalen"): a passage that hands a matter over to another provision still decides a
    question asked under its own agreement ("sier tariffavtalen noe mer enn loven?")."""
    if not chunk.provision:
        return False
    prefix = chunk.provision.split()[0]
    aliases = document_aliases(prefix)
    return names_document(words(with_equivalents(question)), aliases)


# A rule for education "av verdi både for arbeidstakeren og arbeidsgiver" (HTA 14.2) is the agreement's own
# case, not the statute's: a question that says the education serves the workplace too asks about it.
_SHARED_VALUE_RULE = re.compile(r"\bverdi både for\b", re.IGNORECASE)
_SHARED_VALUE_ASKED = re.compile(
    r"\b(både for (?:meg|oss|henne|han|ho|den ansatte|arbeidstakeren) og (?:for )?\w+|"
    r"(?:nyttig|bra|viktig|verdifull\w*|relevant) (?:også )?for (?:kommunen|arbeidsplassen|avdelinga|avdelingen|"
    r"eininga|enheten|skolen|skulen|barnehagen|huset|tjenesten|tenesta|jobben|oss)|"
    r"(?:kommunen|arbeidsgiver\w*|leder\w*|leiar\w*|sjefen|styreren|styraren|rektor)\b[^?.!]{0,40}\b"
    r"(?:trenger|treng|manglar|mangler|ønsker|ønskjer)\b[^?.!]{0,30}\b(?:kompetanse\w*|utdanning\w*|"
    r"pedagog\w*|folk|fagfolk)|"
    r"benefit (?:both|us|the (?:municipality|unit|school))|useful for (?:both|us|the (?:municipality|unit|school)))",
    re.IGNORECASE,
)


def still_decides(question: str, chunk: Chunk) -> bool:
    """True when a passage that hands a matter over still decides ``question``: it is asked under the
    passage's own agreement (:func:`names_own_agreement`), or it speaks of the passage's own case, an
    education of value to the workplace too ("nyttig både for meg og for kommunen", "styraren seier vi
    manglar pedagogar")."""
    if names_own_agreement(question, chunk):
        return True
    return bool(_SHARED_VALUE_RULE.search(chunk.text) and _SHARED_VALUE_ASKED.search(question))
