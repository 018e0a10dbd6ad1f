"""The retrieval-weight cross-validation: folds hold whole topics, and the fit finds a better weight."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from assistant.models import Hit
from core.answer_settings import RetrievalSettings
from evals.calibrate_retrieval import Query, fit, folds, scores
from evals.dataset import EvalItem
from tests.assistant.fakes import make_chunk

pytestmark = pytest.mark.unit


RIGHT = make_chunk("riktig svar", position=0)
WRONG = make_chunk("feil svar", position=1)


@dataclass
class RankByLexical:
    """A fake searcher: the right passage ranks first only when ``w_lexical`` is at least 0.5."""

    settings: RetrievalSettings

    def search(self, question: str, k: int, vector: list[float]) -> list[Hit]:
        first, second = (RIGHT, WRONG) if self.settings.w_lexical >= 0.5 else (WRONG, RIGHT)
        return [Hit(first, 2.0), Hit(second, 1.0)][:k]


def _query(n: int, topic: str) -> Query:
    item = EvalItem(id=f"q{n}", topic=topic, question=f"Spørsmål {n}?", evidence=("riktig svar",), lang="nb")
    return Query(item, (0.0,), ("riktig svar",))


def test_folds_hold_whole_topics() -> None:
    queries = [_query(i, f"t{i % 4}") for i in range(12)]
    groups = folds(queries, 3)
    assert sum(len(g) for g in groups) == 12
    for group in groups:
        topics = {q.item.topic for q in group}
        assert all(q.item.topic not in topics for other in groups if other is not group for q in other)


def test_fit_moves_a_weight_that_improves_the_held_out_score() -> None:
    start = RetrievalSettings(w_lexical=0.35)
    searcher = RankByLexical(start)
    queries = [_query(i, "t") for i in range(3)]
    assert scores(searcher, queries, start) == (0.5, 0.0)
    fitted = fit(searcher, queries, start)
    assert fitted.w_lexical >= 0.5
    assert scores(searcher, queries, fitted) == (1.0, 1.0)


def test_fit_moves_only_the_weights_it_is_given() -> None:
    start = RetrievalSettings(w_lexical=0.35)
    searcher = RankByLexical(start)
    queries = [_query(i, "t") for i in range(3)]
    assert fit(searcher, queries, start, ("deciding_bonus",)) == start
    assert fit(searcher, queries, start, ("w_lexical",)).w_lexical >= 0.5
