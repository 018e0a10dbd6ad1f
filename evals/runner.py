"""Run the evaluation: ask every question, score it, summarise, and gate on thresholds.

``run_eval`` asks the assistant (and optionally the baseline) every question,
records what was retrieved and answered, and scores each answer with
:mod:`evals.metrics`. ``summary`` turns the records into the metrics dict that
``kompetanse eval --json`` prints; ``check_gate`` compares it with
``evals/thresholds.json``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from assistant.models import Answer, Hit, Turn
from core.errors import KompetanseError
from core.settings import Settings
from evals import metrics
from evals.dataset import EvalItem, contains_evidence
from evals.gate import (  # re-exported: the gate lives in evals/gate.py
    GateFailure,
    check_gate,
    load_thresholds,
)
from evals.metrics import JudgeFn, SentenceSupport

log = logging.getLogger(__name__)

__all__ = ["GateFailure", "check_gate", "load_thresholds", "report_json", "run_eval", "summary"]

RETRIEVE_K = metrics.MAX_K
PREVIEW_CHARS = 160
WARM_UP_QUESTION = "Hva er utdanningspermisjon?"
METRIC_KEYS = (
    "hit_at_1",
    "hit_at_4",
    "mrr",
    "answer_evidence_rate",
    "answer_quote_rate",
    "citation_precision",
    "citation_recall",
    "oos_refusal_rate",
    "false_refusal_rate",
    "latency_ms_p50",
    "latency_ms_p95",
)
LOWER_IS_BETTER = frozenset({"false_refusal_rate", "latency_ms_p50", "latency_ms_p95"})

Progress = Callable[[str], None]


class Answerer(Protocol):
    """What the runner needs: the assistant and the baseline both have this shape."""

    def ask(self, question: str, history: Sequence[Turn] = (), role: str | None = None) -> Answer: ...

    def retrieve(self, question: str, k: int | None = None, asked: str | None = None) -> list[Hit]: ...


@dataclass(frozen=True)
class RetrievedPassage:
    """One ranked retrieval result as recorded for the report."""

    chunk_id: str
    score: float
    document: str
    preview: str
    hit: bool


@dataclass(frozen=True)
class QuestionRecord:
    """Everything measured for one question and one system.

    ``cites_evidence`` and ``quotes_evidence`` are None for out-of-scope items; ``llm_sentences`` is None
    when no model judge was configured. ``failures`` holds Norwegian reasons;
    an empty tuple means the question passed.
    """

    id: str
    question: str
    role: str
    lang: str
    out_of_scope: bool
    refused: bool
    answerability: str
    uncovered: tuple[str, ...]
    answer: str
    method: str
    cited_chunk_ids: tuple[str, ...]
    retrieved: tuple[RetrievedPassage, ...]
    first_hit_rank: int | None
    latency_ms: float
    cites_evidence: bool | None
    quotes_evidence: bool | None
    sentences: tuple[SentenceSupport, ...]
    llm_sentences: tuple[SentenceSupport, ...] | None
    failures: tuple[str, ...]
    error: str = ""

    @property
    def passed(self) -> bool:
        """True if no failure reason was recorded."""
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (sentences with their support flag)."""
        data = asdict(self)
        data["passed"] = self.passed
        for key in ("sentences", "llm_sentences"):
            if data[key] is not None:
                data[key] = [{**s, "supported": bool(s["supporting"])} for s in data[key]]
        return data


@dataclass(frozen=True)
class SystemRun:
    """All records of one system (ours or the baseline) over the dataset."""

    name: str
    records: tuple[QuestionRecord, ...]
    llm_judged: bool = False


@dataclass(frozen=True)
class EvalReport:
    """The outcome of one evaluation run."""

    ours: SystemRun
    baseline: SystemRun | None
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    info: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------- scoring one question


def _failures(record_fields: dict[str, Any], n_unsupported: int, n_sentences: int) -> tuple[str, ...]:
    reasons: list[str] = []
    if record_fields["error"]:
        reasons.append(f"feil under svar: {record_fields['error']}")
    if record_fields["out_of_scope"]:
        if record_fields["answerability"] == "answer":
            reasons.append(
                "svarte på et spørsmål utenfor kildene (skulle avvist eller sagt hva kildene ikke dekker)"
            )
        return tuple(reasons)
    if record_fields["refused"]:
        reasons.append("avviste et spørsmål som kildene dekker")
    elif not record_fields["cites_evidence"]:
        reasons.append("siterer ingen kilde som inneholder fasiten")
    if record_fields["first_hit_rank"] is None:
        reasons.append(f"fasiten er ikke blant de {RETRIEVE_K} første treffene")
    if n_unsupported:
        reasons.append(f"{n_unsupported} av {n_sentences} setninger uten støttende kildehenvisning")
    return tuple(reasons)


def score_question(
    item: EvalItem,
    answer: Answer,
    hits: Sequence[Hit],
    latency_ms: float,
    *,
    llm_judge: JudgeFn | None = None,
    error: str = "",
) -> QuestionRecord:
    """Score one answer and its ranked hits against ``item`` (pure; no I/O).

    Takes the item, the answer, the hits of ``retrieve(standalone question, k=10)``
    and the wall-clock latency of ``ask``; returns the :class:`QuestionRecord`.
    """
    retrieved = tuple(
        RetrievedPassage(
            chunk_id=h.chunk.chunk_id,
            score=round(float(h.score), 4),
            document=h.chunk.short_name or h.chunk.document,
            preview=" ".join(h.chunk.text.split())[:PREVIEW_CHARS],
            hit=bool(item.evidence) and contains_evidence(h.chunk.text, item.evidence),
        )
        for h in hits
    )
    rank = next((i for i, r in enumerate(retrieved, 1) if r.hit), None)
    sentences = tuple(metrics.sentence_support(answer))
    llm_sentences = tuple(metrics.sentence_support(answer, llm_judge)) if llm_judge else None
    fields: dict[str, Any] = {
        "out_of_scope": item.out_of_scope,
        "refused": answer.refused,
        "answerability": answer.answerability,
        "cites_evidence": None if item.out_of_scope else metrics.answer_cites_evidence(answer, item.evidence),
        "quotes_evidence": None
        if item.out_of_scope
        else metrics.answer_quotes_evidence(answer, item.evidence),
        "first_hit_rank": rank,
        "error": error,
    }
    unsupported = sum(1 for s in sentences if not s.supported)
    return QuestionRecord(
        id=item.id,
        question=item.question,
        role=item.role,
        lang=item.lang,
        answer=answer.text,
        uncovered=answer.uncovered,
        method=answer.method,
        cited_chunk_ids=tuple(dict.fromkeys(c.chunk_id for c in answer.citations)),
        retrieved=retrieved,
        latency_ms=round(latency_ms, 2),
        sentences=sentences,
        llm_sentences=llm_sentences,
        failures=_failures(fields, unsupported, len(sentences)),
        **fields,
    )


def evaluate_system(
    name: str,
    answerer: Answerer,
    items: Sequence[EvalItem],
    *,
    llm_judge: JudgeFn | None = None,
    progress: Progress | None = None,
) -> SystemRun:
    """Ask ``answerer`` every item and score it; one failing question never stops the run.

    One untimed warm-up question goes first, so the latencies describe a running
    app (lazy model loading is cold start, measured by ``evals.bench``).
    """
    records: list[QuestionRecord] = []
    try:
        answerer.ask(WARM_UP_QUESTION)
    except Exception:
        log.exception("warm-up question failed")
    for i, item in enumerate(items, 1):
        error = ""
        started = time.perf_counter()
        try:
            answer = answerer.ask(item.question, item.history, item.role)
        except Exception as exc:  # isolate the failure, keep going
            log.exception("ask failed for %s", item.id)
            error = str(exc) or type(exc).__name__
            answer = Answer(question=item.question, text="", refused=False, citations=(), passages=())
        latency_ms = (time.perf_counter() - started) * 1000
        try:
            # ranked as the answer ranked them (the user's own words decide the kind of rule and the parts)
            hits = answerer.retrieve(
                answer.standalone_question or item.question, RETRIEVE_K, asked=item.question
            )
        except Exception as exc:
            log.exception("retrieve failed for %s", item.id)
            error = error or str(exc) or type(exc).__name__
            hits = []
        record = score_question(item, answer, hits, latency_ms, llm_judge=llm_judge, error=error)
        records.append(record)
        if progress:
            status = "ok" if record.passed else "FEIL"
            progress(f"[{name}] {i}/{len(items)} {item.id}: {status} ({latency_ms:.0f} ms)")
    return SystemRun(name=name, records=tuple(records), llm_judged=llm_judge is not None)


def open_assistant(settings: Settings, progress: Progress | None = None) -> Answerer:
    """Make sure the index exists (ingesting the bundled corpus if needed), then open the assistant."""
    from assistant.service import Assistant
    from ingest.pipeline import ensure_index

    if progress:
        progress("Sjekker indeksen …")
    ensure_index(settings)
    return Assistant.from_settings(settings)


def run_eval(
    settings: Settings,
    items: Sequence[EvalItem],
    *,
    baseline: bool,
    assistant: Answerer | None = None,
    baseline_answerer: Answerer | None = None,
    progress: Progress | None = None,
) -> EvalReport:
    """Evaluate the assistant (and the baseline when ``baseline``) on ``items``.

    Takes the settings, the items, and optionally ready answerers (tests pass
    fakes); otherwise opens the real assistant via :func:`open_assistant` and
    builds the baseline from ``settings.corpus_dir``. Returns the
    :class:`EvalReport`. Raises :class:`KompetanseError` if the index cannot be
    opened.
    """
    judge = metrics.make_llm_judge(settings)
    ours_answerer = assistant if assistant is not None else open_assistant(settings, progress)
    ours = evaluate_system("assistent", ours_answerer, items, llm_judge=judge, progress=progress)
    base_run: SystemRun | None = None
    if baseline:
        if baseline_answerer is not None:
            base_run = evaluate_system(
                "baseline", baseline_answerer, items, llm_judge=judge, progress=progress
            )
        else:
            from evals.baseline import BaselinePipeline

            if progress:
                progress("Bygger baseline-indeksen (MiniLM + Chroma) …")
            try:
                pipeline = BaselinePipeline.build(settings.corpus_dir, progress=progress)
            except FileNotFoundError as exc:
                raise KompetanseError(
                    f"Fant ingen dokumenter for baseline i {settings.corpus_dir}.", detail=str(exc)
                ) from exc
            with pipeline:
                base_run = evaluate_system("baseline", pipeline, items, llm_judge=judge, progress=progress)
    info = {
        "embedding": settings.embedding.backend,
        "llm": settings.llm.provider,
        "corpus_dir": str(settings.corpus_dir),
        "judge": "llm" if judge else "deterministic",
    }
    return EvalReport(ours=ours, baseline=base_run, info=info)


# ---------------------------------------------------------------------- summary


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def system_summary(run: SystemRun) -> dict[str, Any]:
    """The metrics of one system as a flat dict (None = unmeasured)."""
    recs = run.records
    in_scope = [r for r in recs if not r.out_of_scope]
    ranks = [r.first_hit_rank for r in in_scope]
    sentences = [s for r in recs for s in r.sentences]
    # Out of scope counts as handled when refused or answered in part with the uncovered part named.
    oos_rate, _ = metrics.refusal_rates(
        [r.answerability != "answer" for r in recs], [r.out_of_scope for r in recs]
    )
    _, false_rate = metrics.refusal_rates([r.refused for r in recs], [r.out_of_scope for r in recs])
    latencies = [r.latency_ms for r in recs]
    llm_sentences = [s for r in recs for s in (r.llm_sentences or ())]
    p50, p95 = metrics.percentile(latencies, 50), metrics.percentile(latencies, 95)
    return {
        "n": len(recs),
        "n_in_scope": len(in_scope),
        "n_out_of_scope": len(recs) - len(in_scope),
        "n_failed": sum(1 for r in recs if not r.passed),
        "hit_at_1": _r(metrics.hit_at_k(ranks, 1)),
        "hit_at_4": _r(metrics.hit_at_k(ranks, 4)),
        "mrr": _r(metrics.mean_reciprocal_rank(ranks)),
        "answer_evidence_rate": _r(metrics.rate([bool(r.cites_evidence) for r in in_scope])),
        "answer_quote_rate": _r(metrics.rate([bool(r.quotes_evidence) for r in in_scope])),
        "citation_precision": _r(metrics.citation_precision(sentences)),
        "citation_recall": _r(metrics.citation_recall(sentences)),
        "citation_precision_llm": _r(metrics.citation_precision(llm_sentences)) if run.llm_judged else None,
        "citation_recall_llm": _r(metrics.citation_recall(llm_sentences)) if run.llm_judged else None,
        "oos_refusal_rate": _r(oos_rate),
        "partial_rate_in_scope": _r(metrics.rate([r.answerability == "partial" for r in in_scope])),
        "false_refusal_rate": _r(false_rate),
        "latency_ms_p50": _r(p50, 1),
        "latency_ms_p95": _r(p95, 1),
        "hit_at_k": [_r(v) for v in metrics.hit_curve(ranks)],
    }


def breakdown(run: SystemRun, key: str) -> dict[str, dict[str, Any]]:
    """Per-group summaries (``key`` is "role" or "lang"); records with an empty key are left out."""
    groups: dict[str, list[QuestionRecord]] = {}
    for r in run.records:
        value = getattr(r, key)
        if value:
            groups.setdefault(value, []).append(r)
    return {
        g: system_summary(SystemRun(run.name, tuple(rs), run.llm_judged)) for g, rs in sorted(groups.items())
    }


def summary(report: EvalReport) -> dict[str, Any]:
    """The summary dict: our metrics at the top level, ``baseline`` (same keys or None), breakdowns."""
    result = system_summary(report.ours)
    result["baseline"] = system_summary(report.baseline) if report.baseline else None
    result["by_role"] = breakdown(report.ours, "role")
    result["by_language"] = breakdown(report.ours, "lang")
    result["judge"] = report.info.get("judge", "deterministic")
    result["created"] = report.created
    return result


def report_json(report: EvalReport, gate: list[GateFailure] | None = None) -> dict[str, Any]:
    """The full JSON object: the summary keys, per-question records, and the gate outcome if run."""
    data = summary(report)
    data["questions"] = [r.to_dict() for r in report.ours.records]
    data["baseline_questions"] = [r.to_dict() for r in report.baseline.records] if report.baseline else None
    data["info"] = report.info
    if gate is not None:
        data["gate"] = {"passed": not gate, "failures": [asdict(g) for g in gate]}
    return data
