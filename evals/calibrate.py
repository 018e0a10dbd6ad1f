"""Calibrate the answerability thresholds by leave-topic-out cross-validation on the tuning split.

    python -m evals.calibrate [--questions evals/data/tuning.jsonl]

For every item the retrieval and vocabulary signals are gathered once (one
embedding per question). Then, for each topic in turn, the thresholds that cost
least on the other topics are chosen and scored on the held-out topic; the
printed cross-validated rates are what to expect on unseen topics. The final
thresholds (fitted on the whole tuning split) are printed for
``core.answer_settings.AnswerabilitySettings``. The locked and real splits are never read.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.asked_terms import purpose_words
from assistant.known import general_frequency
from assistant.refusal import Evidence, decide, evidence_of, narrative_named
from core.answer_settings import AnswerabilitySettings
from core.settings import load_settings
from evals.dataset import EvalItem, load_dataset

# What a mistake costs: answering an out-of-scope question as if covered is the worst
# failure; refusing a covered one is bad; a spurious "Kildene sier ingenting om x" is a blemish.
COST_ANSWERED_OOS = 1.0
COST_REFUSED_IN_SCOPE = 2.0
COST_SPURIOUS_PARTIAL = 0.5
# An out-of-scope question answered "in part" still shows quotes that do not answer it: a quarter failure.
COST_OOS_PARTIAL = 0.25
GRID_ZIPF = tuple(z / 10 for z in range(24, 41, 2))
GRID_CONTEXT_ZIPF = tuple(z / 10 for z in range(0, 41, 2))  # 0: the narrative's words are never named
GRID_CONTEXT_DENSE = (*(d / 100 for d in range(86, 96)), 1.0)  # 1.0: however close the best passage
GRID_REFUSE_DENSE = tuple(d / 100 for d in range(79, 93, 1))
GRID_MIN_CHARS = (4, 5, 6, 7)
GRID_MIN_FOCUS = tuple(f / 10 for f in range(0, 7))
GRID_FOCUS_DENSE = tuple(d / 100 for d in range(82, 92))

# The families of thresholds, each fitted with the others held at their settings values.
GRIDS: dict[str, list[dict[str, float]]] = {
    "terms": [
        {"max_zipf": z, "refuse_dense": d, "min_term_chars": n}
        for z, d, n in itertools.product(GRID_ZIPF, GRID_REFUSE_DENSE, GRID_MIN_CHARS)
    ],
    "context": [
        {"context_max_zipf": z, "context_dense": d}
        for z, d in itertools.product(GRID_CONTEXT_ZIPF, GRID_CONTEXT_DENSE)
    ],
    "focus": [
        {"min_focus": f, "focus_dense": d} for f, d in itertools.product(GRID_MIN_FOCUS, GRID_FOCUS_DENSE)
    ],
}


@dataclass(frozen=True)
class Signals:
    """One item's evidence with every salient-term candidate (frequency below the grid's top)."""

    item: EvalItem
    evidence: Evidence
    frequency: dict[str, float]
    always: frozenset[str] = frozenset()
    """Terms that are asked however common or short they are (what a leave is for: ``purpose_words``)."""


def outcome(sig: Signals, params: AnswerabilitySettings) -> str:
    """The decision under ``params`` (asked terms above ``params.max_zipf``, and the narrative's above
    ``params.context_max_zipf``, are dropped; the narrative's are not named at all when the best passage is at
    least ``params.context_dense`` close)."""

    def kept(term: str, bound: float) -> bool:
        return term in sig.always or (sig.frequency[term] < bound and len(term) >= params.min_term_chars)

    ev = replace(
        sig.evidence,
        covered=tuple(t for t in sig.evidence.covered if kept(t, params.max_zipf)),
        uncovered=tuple(t for t in sig.evidence.uncovered if kept(t, params.max_zipf)),
        context_uncovered=tuple(t for t in sig.evidence.context_uncovered if kept(t, params.context_max_zipf))
        if narrative_named(sig.evidence.top_dense, params)
        else (),
    )
    return decide(ev, params)


def cost(signals: Sequence[Signals], params: AnswerabilitySettings) -> float:
    """Total cost of the decisions under ``params``."""
    total = 0.0
    for sig in signals:
        o = outcome(sig, params)
        if sig.item.out_of_scope:
            total += COST_ANSWERED_OOS * (o == "answer") + COST_OOS_PARTIAL * (o == "partial")
        else:
            total += COST_REFUSED_IN_SCOPE * (o == "refuse") + COST_SPURIOUS_PARTIAL * (o == "partial")
    return total


def best(
    signals: Sequence[Signals], base: AnswerabilitySettings, grid: Sequence[dict[str, float]]
) -> AnswerabilitySettings:
    """The grid point of least cost (ties: the first in grid order, i.e. the lowest thresholds)."""
    points = [base.model_copy(update=update) for update in grid]
    return min(points, key=lambda p: cost(signals, p))


def rates(pairs: Sequence[tuple[Signals, str]]) -> dict[str, float]:
    """OOS handled (refused or partial), in-scope refused, in-scope partial."""
    oos = [o for s, o in pairs if s.item.out_of_scope]
    ins = [o for s, o in pairs if not s.item.out_of_scope]
    return {
        "oos_refused_or_uncovered": sum(o != "answer" for o in oos) / max(1, len(oos)),
        "in_scope_refused": sum(o == "refuse" for o in ins) / max(1, len(ins)),
        "in_scope_partial": sum(o == "partial" for o in ins) / max(1, len(ins)),
    }


def leave_topic_out(
    signals: Sequence[Signals], base: AnswerabilitySettings, grid: Sequence[dict[str, float]]
) -> dict[str, float]:
    """Cross-validated rates: each topic scored with thresholds fitted on the other topics."""
    topics = sorted({s.item.topic or s.item.id for s in signals})
    pairs: list[tuple[Signals, str]] = []
    for topic in topics:
        train = [s for s in signals if (s.item.topic or s.item.id) != topic]
        params = best(train, base, grid)
        pairs += [(s, outcome(s, params)) for s in signals if (s.item.topic or s.item.id) == topic]
    return rates(pairs)


def gather(items: Sequence[EvalItem]) -> list[Signals]:
    """Retrieve once per item with the real assistant and record its signals."""
    from evals.runner import open_assistant

    settings = load_settings()
    assistant = open_assistant(settings)
    loose = settings.answerability.model_copy(
        update={
            "max_zipf": max(GRID_ZIPF),
            "context_max_zipf": max(GRID_CONTEXT_ZIPF),
            "context_dense": 1.0,
            "min_term_chars": 1,
        }
    )
    out = []
    for item in items:
        # ranked as the answer ranks them (the user's own words decide the kind of rule and the parts)
        hits = assistant.retrieve(item.question, asked=item.question)  # type: ignore[attr-defined]
        ev = evidence_of(item.question, hits, assistant.searcher.bm25, loose)  # type: ignore[attr-defined]
        freq = {t: general_frequency(t) for t in (*ev.covered, *ev.uncovered, *ev.context_uncovered)}
        out.append(Signals(item, ev, freq, frozenset(purpose_words(item.question))))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Print the cross-validated rates and the thresholds fitted on the whole tuning split."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=Path(__file__).parent / "data" / "tuning.jsonl")
    parser.add_argument(
        "--family", choices=sorted(GRIDS), default="focus", help="Which thresholds to fit (the others stay)."
    )
    args = parser.parse_args(argv)
    signals = gather(load_dataset(args.questions))
    base = load_settings().answerability
    grid = GRIDS[args.family]
    print(
        "settings now:", {k: round(v, 3) for k, v in rates([(s, outcome(s, base)) for s in signals]).items()}
    )
    cv = leave_topic_out(signals, base, grid)
    final = best(signals, base, grid)
    print("leave-topic-out:", {k: round(v, 3) for k, v in cv.items()})
    print("fitted on all tuning topics:", {k: getattr(final, k) for k in grid[0]})
    print("in-sample:", {k: round(v, 3) for k, v in rates([(s, outcome(s, final)) for s in signals]).items()})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
