"""When to refuse, and what to say then.

The decision uses only retrieval evidence: how close the best passage is in
embedding space, and how much of the question's vocabulary the sources know at
all. Thresholds are calibrated on the development set (``kompetanse eval``
reports both error rates: refusing what the sources cover, answering what they
do not).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.lexical import BM25Index
from assistant.models import Hit

REFUSAL_TEXT = (
    "Jeg finner ikke noe om dette i kildene jeg har: KS-veilederen om læring og kompetanseutvikling, "
    "bestemmelsene i Hovedtariffavtalen som den siterer, og arbeidsmiljøloven §§ 12-11, 12-14, 14-6 og 17-2. "
    "Jeg vil ikke gjette på et svar om rettighetene dine. Spør gjerne din tillitsvalgte eller "
    "personalavdelingen, eller se hele Hovedtariffavtalen hos KS."
)
EMPTY_QUESTION_TEXT = "Skriv et spørsmål, så svarer jeg med henvisning til kildene."

# Calibrated on evals/data/dev.jsonl (see docs/EVALUATION.md).
MIN_DENSE = 0.80
MIN_COVERAGE = 0.45
STRONG_DENSE = 0.86


@dataclass(frozen=True)
class Evidence:
    """Retrieval signals for one question."""

    top_dense: float
    coverage: float
    exact: bool

    def to_dict(self) -> dict[str, float | bool]:
        return {"top_dense": round(self.top_dense, 4), "coverage": round(self.coverage, 4), "exact": self.exact}


def evidence_of(question: str, hits: Sequence[Hit], bm25: BM25Index) -> Evidence:
    """Summarise how well ``hits`` cover ``question``."""
    top_dense = max((h.dense for h in hits), default=0.0)
    exact = any(h.exact_provision for h in hits)
    return Evidence(top_dense=top_dense, coverage=bm25.coverage(question), exact=exact)


def should_refuse(
    evidence: Evidence,
    *,
    min_dense: float = MIN_DENSE,
    min_coverage: float = MIN_COVERAGE,
    strong_dense: float = STRONG_DENSE,
) -> bool:
    """True when the sources do not cover the question well enough to answer it.

    A named provision that exists is always answered. Otherwise both signals
    must clear their floor, unless the dense match is strong on its own.
    """
    if evidence.exact:
        return False
    if evidence.top_dense < min_dense:
        return True
    if evidence.coverage < min_coverage:
        return evidence.top_dense < strong_dense
    return False
