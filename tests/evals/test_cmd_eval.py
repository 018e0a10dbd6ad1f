"""`kompetanse eval` end to end with a fake assistant (no index, no models)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.models import Answer, Citation, Hit, Passage, Turn
from core.models import Chunk, make_chunk_id
from kompetanse.cli import build_parser, main

pytestmark = pytest.mark.unit

TEXT = "Arbeidstaker som har vært ansatt de siste to år, har rett til utdanningspermisjon."
CHUNK = Chunk(
    chunk_id=make_chunk_id("d", 0, TEXT),
    doc_id="d",
    document="Arbeidsmiljøloven",
    short_name="aml.",
    kind="law",
    text=TEXT,
    section_path=(),
    provision="aml. § 12-11",
    heading=None,
    chunk_type="provision",
    page_start=None,
    page_end=None,
    char_start=0,
    char_end=len(TEXT),
    position=0,
    doc_hash="d",
)


class FakeAssistant:
    """Quotes the one passage for in-scope questions, refuses anything mentioning "ferie"."""

    def ask(self, question: str, history: Sequence[Turn] = (), role: str | None = None) -> Answer:
        print("noise that must not reach stdout")  # a chatty library must not corrupt --json -
        passage = Passage(1, CHUNK, 0.9)
        if "ferie" in question:
            return Answer(question, "Det står ikke i kildene.", True, (), (passage,))
        cite = Citation(1, CHUNK.chunk_id, "Arbeidsmiljøloven", "aml. § 12-11", "", None, TEXT, 0)
        return Answer(question, f"{TEXT[:-1]} [1].", False, (cite,), (passage,))

    def retrieve(self, question: str, k: int | None = None, asked: str | None = None) -> list[Hit]:
        return [Hit(CHUNK, 0.9)]


@pytest.fixture
def questions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KOMPETANSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KOMPETANSE_LLM__PROVIDER", "none")
    monkeypatch.setattr("evals.runner.open_assistant", lambda settings, progress=None: FakeAssistant())
    path = tmp_path / "q.jsonl"
    lines = [
        {"id": "perm", "question": "Får jeg permisjon?", "evidence": ["de siste to år"], "role": "employee"},
        {"id": "oos-ferie", "question": "Hvor lang ferie?", "evidence": [], "out_of_scope": True},
    ]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    return path


def test_json_to_stdout_is_exactly_one_object(questions: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--questions", str(questions), "--no-baseline", "--json", "-"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)  # fails on any extra output
    assert (data["n"], data["hit_at_1"], data["answer_evidence_rate"], data["oos_refusal_rate"]) == (
        2,
        1.0,
        1.0,
        1.0,
    )
    assert data["citation_precision"] == 1.0 and data["baseline"] is None
    assert [q["id"] for q in data["questions"]] == ["perm", "oos-ferie"]
    assert "noise that must not reach stdout" in err and "2/2 oos-ferie: ok" in err


def test_gate_fails_with_a_message_per_metric(
    questions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    thresholds = tmp_path / "t.json"
    thresholds.write_text(
        json.dumps(
            {"hit_at_1": {"min": 0.5}, "latency_ms_p95": {"max": -1}, "citation_recall_llm": {"min": 0.1}}
        ),
        encoding="utf-8",
    )
    out_json = tmp_path / "res" / "eval.json"
    code = main(
        [
            "eval",
            "--questions",
            str(questions),
            "--gate",
            "--thresholds",
            str(thresholds),
            "--json",
            str(out_json),
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "Kvalitetsterskel ikke nådd" in err
    assert "latency_ms_p95 = " in err and "skal være høyst -1" in err
    assert "citation_recall_llm = ikke målt" in err
    assert "hit_at_1" not in err.split("Kvalitetsterskel")[1]
    gate = json.loads(out_json.read_text(encoding="utf-8"))["gate"]
    assert gate["passed"] is False and len(gate["failures"]) == 2


def test_gate_passes_and_writes_report(
    questions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    thresholds = tmp_path / "t.json"
    thresholds.write_text(json.dumps({"hit_at_4": {"min": 1.0}}), encoding="utf-8")
    report = tmp_path / "r.md"
    args = [
        "eval",
        "--questions",
        str(questions),
        "--gate",
        "--thresholds",
        str(thresholds),
        "--report",
        str(report),
    ]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "Alle terskler nådd" in captured.err
    assert "Treff@1" in captured.out
    assert report.read_text(encoding="utf-8").startswith("# Evaluering av Kompetanseassistenten")


def test_errors_are_reported_in_norwegian(
    questions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", "--questions", str(questions), "--report", str(tmp_path / "r.pdf")]) == 1
    assert "Feil: Rapportfila må slutte på .html eller .md" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    assert main(["eval", "--questions", str(bad)]) == 1
    assert "linje 1: feltet «question»" in capsys.readouterr().err


def test_eval_is_documented_in_help() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    help_text = sub.choices["eval"].format_help()
    for option in ("--questions", "--json", "--report", "--baseline", "--gate", "--thresholds"):
        assert option in help_text
