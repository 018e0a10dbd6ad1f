"""Check the retrieval re-ranking weights by topic-grouped cross-validation on the tuning split.

    python -m evals.calibrate_retrieval [--questions evals/data/tuning.jsonl] [--folds 5] [--params NAME ...]

The weights in ``core.answer_settings.RetrievalSettings`` (``w_*``,
``question_list_penalty``, ``deciding_bonus``, ``time_mismatch_penalty``) are fitted by
coordinate descent on MRR@4 (the evidence passage's reciprocal rank, 0 below rank 4).
Folds hold whole topics, so each fold's score is on topics its fit never saw. The
printed cross-validated figures for the settings now and for the fitted weights say
whether a refit generalises; the weights fitted on the whole split are printed last.
The locked and real splits are never read.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.answer_settings import RetrievalSettings
from core.settings import load_settings
from core.text import with_equivalents
from evals.dataset import EvalItem, load_dataset, normalize

PARAMS = (
    "w_dense",
    "w_lexical",
    "w_cover",
    "w_sentence",
    "w_dense_sentence",
    "w_title",
    "w_main_rule",
    "deciding_bonus",
    "time_mismatch_penalty",
    "question_list_penalty",
    "deferral_penalty",
    "citing_bonus",
)
FACTORS = (0.0, 0.5, 0.75, 1.25, 1.5, 2.0)
ROUNDS = 2
DEPTH = 4


@dataclass(frozen=True)
class Query:
    """One in-scope tuning question, its embedding and its normalised evidence spans."""

    item: EvalItem
    vector: tuple[float, ...]
    evidence: tuple[str, ...]


def reciprocal_rank(searcher: object, query: Query, settings: RetrievalSettings) -> float:
    """1/rank of the first passage containing an evidence span within ``DEPTH``, else 0."""
    searcher.settings = settings  # type: ignore[attr-defined]
    hits = searcher.search(query.item.question, DEPTH, vector=list(query.vector))  # type: ignore[attr-defined]
    for rank, hit in enumerate(hits, 1):
        text = normalize(hit.chunk.text)
        if any(span in text for span in query.evidence):
            return 1.0 / rank
    return 0.0


def scores(searcher: object, queries: Sequence[Query], settings: RetrievalSettings) -> tuple[float, float]:
    """(MRR@4, hit@1) of ``settings`` on ``queries``."""
    rr = [reciprocal_rank(searcher, q, settings) for q in queries]
    return sum(rr) / len(rr), sum(r == 1.0 for r in rr) / len(rr)


def fit(
    searcher: object, queries: Sequence[Query], start: RetrievalSettings, params: Sequence[str] = PARAMS
) -> RetrievalSettings:
    """Coordinate descent from ``start``: each of ``params`` tried at ``FACTORS`` times its value; ties keep it."""
    best = start
    best_score = scores(searcher, queries, best)
    for _ in range(ROUNDS):
        for name in params:
            base = getattr(best, name)
            for factor in FACTORS:
                trial = best.model_copy(update={name: round(base * factor, 4)})
                score = scores(searcher, queries, trial)
                if score > best_score:
                    best, best_score = trial, score
    return best


def folds(queries: Sequence[Query], k: int) -> list[list[Query]]:
    """``k`` groups of whole topics (round-robin over the sorted topics)."""
    topics = sorted({q.item.topic or q.item.id for q in queries})
    which = {t: i % k for i, t in enumerate(topics)}
    return [[q for q in queries if which[q.item.topic or q.item.id] == i] for i in range(k)]


def main(argv: Sequence[str] | None = None) -> int:
    """Print cross-validated MRR@4 and hit@1 for the settings now and for refitted weights."""
    from evals.runner import open_assistant

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=Path(__file__).parent / "data" / "tuning.jsonl")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--params",
        nargs="+",
        choices=PARAMS,
        default=list(PARAMS),
        help="refit only these weights (default: all)",
    )
    args = parser.parse_args(argv)
    settings = load_settings()
    assistant = open_assistant(settings)
    searcher = assistant.searcher  # type: ignore[attr-defined]
    items = [i for i in load_dataset(args.questions) if not i.out_of_scope and not i.history]
    queries = [
        Query(
            i,
            tuple(assistant.embedder.embed_query(with_equivalents(i.question))),  # type: ignore[attr-defined]
            tuple(normalize(e) for e in i.evidence),
        )
        for i in items
    ]
    now = settings.retrieval
    held_now: list[float] = []
    held_fit: list[float] = []
    hit_now: list[float] = []
    hit_fit: list[float] = []
    for test in folds(queries, args.folds):
        train = [q for q in queries if q not in test]
        fitted = fit(searcher, train, now, args.params)
        for weights, mrr_out, hit_out in ((now, held_now, hit_now), (fitted, held_fit, hit_fit)):
            mrr, hit = scores(searcher, test, weights)
            mrr_out.append(mrr * len(test))
            hit_out.append(hit * len(test))
    n = len(queries)
    print(f"{n} questions, {args.folds} topic folds")
    print(f"settings now, held out:  MRR@4 {sum(held_now) / n:.3f}  hit@1 {sum(hit_now) / n:.3f}")
    print(f"refitted, held out:      MRR@4 {sum(held_fit) / n:.3f}  hit@1 {sum(hit_fit) / n:.3f}")
    final = fit(searcher, queries, now, args.params)
    changed = {p: getattr(final, p) for p in args.params if getattr(final, p) != getattr(now, p)}
    print("fitted on all tuning topics (changed weights only):", changed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
