"""The runner on scripted fake answerers: per-question records, the summary, the gate."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.models import Answer, Citation, Hit, Passage, Turn
from core.errors import KompetanseError
from core.models import Chunk, make_chunk_id
from core.settings import REPO_ROOT, Settings
from evals.dataset import EvalItem
from evals.runner import (
    METRIC_KEYS,
    WARM_UP_QUESTION,
    check_gate,
    evaluate_system,
    load_thresholds,
    report_json,
    run_eval,
    score_question,
    summary,
)

pytestmark = pytest.mark.unit

LEAVE = (
    "Arbeidstaker som har vært ansatt hos arbeidsgiveren de siste to år, har rett til utdanningspermisjon."
)
DAY = "Turnusarbeidere som er innvilget permisjon med lønn gis ny fridag som kompensasjon."
OTHER = "Medarbeidersamtalen er et viktig verktøy for å sette læring på dagsordenen."


def chunk(text: str) -> Chunk:
    return Chunk(
        chunk_id=make_chunk_id("d", len(text), text),
        doc_id="d",
        document="Dokument",
        short_name="Dok",
        kind="guide",
        text=text,
        section_path=(),
        provision=None,
        heading=None,
        chunk_type="paragraph",
        page_start=None,
        page_end=None,
        char_start=0,
        char_end=len(text),
        position=0,
        doc_hash="d",
    )


CHUNKS = {t: chunk(t) for t in (LEAVE, DAY, OTHER)}


class ScriptedAnswerer:
    """Answers by a script: question -> (ranked passage texts, answer text, refused); records calls."""

    def __init__(self, script: dict[str, tuple[tuple[str, ...], str, bool]]) -> None:
        self.script = script
        self.asked: list[tuple[str, tuple[Turn, ...], str | None]] = []

    def ask(self, question: str, history: Sequence[Turn] = (), role: str | None = None) -> Answer:
        self.asked.append((question, tuple(history), role))
        if question == "boom":
            raise RuntimeError("modellen krasjet")
        if question not in self.script:  # the runner's warm-up question
            return Answer(question, "Det står ikke i kildene.", True, (), ())
        texts, text, refused = self.script[question]
        passages = tuple(Passage(i, CHUNKS[t], 1.0 / i) for i, t in enumerate(texts, 1))
        cites = [] if refused else [p for p in passages if f"[{p.n}]" in text]
        citations = tuple(
            Citation(p.n, p.chunk.chunk_id, "Dokument", None, "", None, p.chunk.text, 0) for p in cites
        )
        return Answer(
            question, text, refused, citations, passages, standalone_question=f"{question} (frittstående)"
        )

    def retrieve(self, question: str, k: int | None = None, asked: str | None = None) -> list[Hit]:
        texts = self.script[question.removesuffix(" (frittstående)")][0]
        return [Hit(CHUNKS[t], 1.0 / i) for i, t in enumerate(texts, 1)][:k]


def item(item_id: str, question: str, evidence: tuple[str, ...] = (), role: str = "employee") -> EvalItem:
    return EvalItem(
        id=item_id, question=question, evidence=evidence, out_of_scope=not evidence, role=role, lang="nb"
    )


ITEMS = [
    item("permisjon", "Har jeg rett til permisjon?", ("ansatt hos arbeidsgiveren de siste to år",)),
    item("fridag", "Får jeg ny fridag?", ("ny fridag som kompensasjon",), role="manager"),
    item("ferie", "Hvor mange feriedager?"),
]
SCRIPT = {
    # Hit at rank 1, answer quotes and cites it: passes.
    "Har jeg rett til permisjon?": ((LEAVE, OTHER), "Du har rett til utdanningspermisjon [1].", False),
    # Hit at rank 2 but the answer refuses: a false refusal.
    "Får jeg ny fridag?": ((OTHER, DAY), "Det står ikke i kildene.", True),
    # Out of scope, answered anyway with an unsupported sentence.
    "Hvor mange feriedager?": ((OTHER,), "Du har fem uker ferie [1].", False),
}


def test_score_question_records_everything() -> None:
    fake = ScriptedAnswerer(SCRIPT)
    ans = fake.ask(ITEMS[0].question)
    rec = score_question(ITEMS[0], ans, fake.retrieve(ITEMS[0].question, 10), 12.345)
    assert rec.passed and rec.failures == ()
    assert rec.first_hit_rank == 1 and rec.cites_evidence is True
    assert [r.hit for r in rec.retrieved] == [True, False]
    assert rec.retrieved[0].preview == LEAVE[:160]
    assert rec.cited_chunk_ids == (CHUNKS[LEAVE].chunk_id,)
    assert rec.latency_ms == 12.35
    assert [s.supported for s in rec.sentences] == [True]


def test_evaluate_system_fail_reasons_and_isolated_errors() -> None:
    fake = ScriptedAnswerer({**SCRIPT, "boom": ((OTHER,), "", False)})
    run = evaluate_system("fake", fake, [*ITEMS, item("krasj", "boom", ("to år",))])
    by_id = {r.id: r for r in run.records}
    assert fake.asked[0][0] == WARM_UP_QUESTION  # untimed, not recorded
    assert fake.asked[2] == ("Får jeg ny fridag?", (), "manager")
    assert by_id["fridag"].failures == ("avviste et spørsmål som kildene dekker",)
    assert by_id["fridag"].first_hit_rank == 2
    assert by_id["ferie"].failures == (
        "svarte på et spørsmål utenfor kildene (skulle avvist eller sagt hva kildene ikke dekker)",
    )
    assert by_id["krasj"].error == "modellen krasjet"
    assert by_id["krasj"].failures[0] == "feil under svar: modellen krasjet"
    assert len(run.records) == 4


def test_summary_known_values_and_keys(settings: Settings) -> None:
    report = run_eval(settings, ITEMS, baseline=False, assistant=ScriptedAnswerer(SCRIPT))
    s = summary(report)
    assert set(METRIC_KEYS) <= set(s)
    assert (s["n"], s["n_in_scope"], s["n_out_of_scope"], s["n_failed"]) == (3, 2, 1, 2)
    assert (s["hit_at_1"], s["hit_at_4"], s["mrr"]) == (0.5, 1.0, 0.75)
    assert s["hit_at_k"] == [0.5] + [1.0] * 9
    assert s["answer_evidence_rate"] == 0.5  # the refused in-scope answer is a miss
    assert s["citation_precision"] == 0.5  # "fem uker ferie [1]" is unsupported
    assert s["citation_recall"] == 0.5
    assert (s["oos_refusal_rate"], s["false_refusal_rate"]) == (0.0, 0.5)
    assert s["latency_ms_p50"] is not None and s["latency_ms_p95"] >= s["latency_ms_p50"]
    assert s["citation_precision_llm"] is None and s["judge"] == "deterministic"
    assert s["baseline"] is None
    assert set(s["by_role"]) == {"employee", "manager"} and s["by_language"]["nb"]["n"] == 3
    json.dumps(report_json(report))  # the full record is JSON-serialisable


def test_summary_unmeasured_metrics_are_none(settings: Settings) -> None:
    only_oos = [ITEMS[2]]
    s = summary(run_eval(settings, only_oos, baseline=False, assistant=ScriptedAnswerer(SCRIPT)))
    for key in ("hit_at_1", "hit_at_4", "mrr", "answer_evidence_rate", "false_refusal_rate"):
        assert s[key] is None, key
    assert s["hit_at_k"] == [None] * 10
    assert s["oos_refusal_rate"] == 0.0


def test_baseline_summary_has_the_same_keys(settings: Settings) -> None:
    report = run_eval(
        settings,
        ITEMS,
        baseline=True,
        assistant=ScriptedAnswerer(SCRIPT),
        baseline_answerer=ScriptedAnswerer(SCRIPT),
    )
    s = summary(report)
    assert s["baseline"] is not None
    assert set(s["baseline"]) == {
        k for k in s if k not in {"baseline", "by_role", "by_language", "judge", "created"}
    }
    assert s["baseline"]["hit_at_1"] == s["hit_at_1"]


# ---------------------------------------------------------------------- gate


def test_gate_passes_fails_and_treats_unmeasured_as_failure() -> None:
    s = {"hit_at_1": 0.6, "latency_ms_p95": 900.0, "oos_refusal_rate": None}
    assert check_gate(s, {"hit_at_1": {"min": 0.5}, "latency_ms_p95": {"max": 1000}}) == []
    failures = check_gate(
        s, {"hit_at_1": {"min": 0.7}, "latency_ms_p95": {"max": 500}, "oos_refusal_rate": {"min": 0.5}}
    )
    assert [(f.metric, f.bound) for f in failures] == [
        ("hit_at_1", "min"),
        ("latency_ms_p95", "max"),
        ("oos_refusal_rate", "min"),
    ]
    assert failures[0].message() == "hit_at_1 = 0.6, skal være minst 0.7"
    assert failures[2].message() == "oos_refusal_rate = ikke målt, skal være minst 0.5"
    assert check_gate({}, {"mrr": {"min": 0.1}})[0].value is None


def test_gate_bounds_are_inclusive() -> None:
    assert check_gate({"mrr": 0.5}, {"mrr": {"min": 0.5, "max": 0.5}}) == []


def test_load_thresholds_validates(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('{"_note": "x", "mrr": {"min": 0.4}}', encoding="utf-8")
    assert load_thresholds(path) == {"mrr": {"min": 0.4}}
    for bad in ('{"mrr": {"minimum": 0.4}}', '{"mrr": 0.4}', "[1]", "{"):
        path.write_text(bad, encoding="utf-8")
        with pytest.raises(KompetanseError, match="Terskelfila"):
            load_thresholds(path)
    with pytest.raises(KompetanseError, match="Fant ikke terskelfila"):
        load_thresholds(tmp_path / "nope.json")


def test_bundled_thresholds_are_valid_and_name_summary_metrics() -> None:
    thresholds = load_thresholds(REPO_ROOT / "evals" / "thresholds.json")
    assert thresholds and set(thresholds) <= set(METRIC_KEYS)
