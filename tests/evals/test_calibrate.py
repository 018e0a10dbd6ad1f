"""The answerability calibration: outcomes under trial thresholds, costs, and leave-topic-out fits."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.refusal import Evidence
from core.answer_settings import AnswerabilitySettings
from evals.calibrate import GRIDS, Signals, best, cost, leave_topic_out, outcome
from evals.dataset import EvalItem

pytestmark = pytest.mark.unit


def _signals(n: int, topic: str, *, oos: bool, dense: float, uncovered: tuple[str, ...] = ()) -> Signals:
    item = EvalItem(
        id=f"{topic}-{n}",
        topic=topic,
        question="?",
        evidence=() if oos else ("x",),
        lang="nb",
        out_of_scope=oos,
    )
    evidence = Evidence(top_dense=dense, exact=False, uncovered=uncovered)
    return Signals(item, evidence, {t: 3.0 for t in uncovered})


def _with_focus(sig: Signals, focus: float) -> Signals:
    return replace(sig, evidence=replace(sig.evidence, focus=focus))


def test_a_term_is_kept_below_the_frequency_bound_unless_it_is_always_asked() -> None:
    sig = _signals(0, "t", oos=True, dense=0.85, uncovered=("flytter",))
    assert outcome(sig, AnswerabilitySettings(max_zipf=3.8, refuse_dense=0.9)) == "refuse"
    assert outcome(sig, AnswerabilitySettings(max_zipf=2.0, refuse_dense=0.9)) == "answer"  # common: dropped
    always = Signals(sig.item, sig.evidence, sig.frequency, frozenset({"flytter"}))
    assert outcome(always, AnswerabilitySettings(max_zipf=2.0, refuse_dense=0.9)) == "refuse"


def test_the_focus_floor_is_fitted_between_the_in_scope_and_out_of_scope_questions() -> None:
    # In-scope questions whose best passages speak of what they ask (focus 0.9) against out-of-scope ones whose
    # best passages do not (focus 0.1), all at the same closeness: the fitted floor lies between them.
    signals = [
        *(_with_focus(_signals(i, f"in{i}", oos=False, dense=0.85), 0.9) for i in range(4)),
        *(_with_focus(_signals(i, f"oos{i}", oos=True, dense=0.85), 0.1) for i in range(4)),
    ]
    base = AnswerabilitySettings(min_focus=0.0)
    fitted = best(signals, base, GRIDS["focus"])
    assert 0.1 < fitted.min_focus <= 0.9 and fitted.focus_dense > 0.85
    assert cost(signals, fitted) == 0.0 < cost(signals, base)
    rates = leave_topic_out(signals, base, GRIDS["focus"])
    assert rates["oos_refused_or_uncovered"] == 1.0 and rates["in_scope_refused"] == 0.0
