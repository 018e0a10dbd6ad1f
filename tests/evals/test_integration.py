"""The real thing on six questions: bundled corpus, real ingest (e5), the real Assistant."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.settings import Settings
from evals.dataset import load_dataset
from evals.report import write_report
from evals.runner import METRIC_KEYS, report_json, run_eval, summary

pytestmark = [pytest.mark.integration, pytest.mark.slow]

QUESTIONS = [
    {
        "id": "it-aml-vilkar",
        "question": "Hvor lenge må jeg ha jobbet for å få utdanningspermisjon?",
        "evidence": [
            "har vært ansatt hos arbeidsgiveren de siste to år",
            "har vært i arbeidslivet i minst tre år",
        ],
        "role": "employee",
    },
    {
        "id": "it-hta-turnus",
        "question": "Jeg går i turnus og tok kurs med lønn på fridagen min. Får jeg en ny fridag?",
        "evidence": ["gis ny fridag som kompensasjon"],
        "role": "employee",
    },
    {
        "id": "it-leder-ansvar",
        "question": "Hvilket ansvar har lederne for læring og kompetanseutvikling?",
        "evidence": [
            "Ledere legger til rette for, og motivere til læring og kompetanseutvikling",
            "ansvar for å skape tid og rom for at medarbeidere kan lære og utvikle seg",
        ],
        "role": "manager",
    },
    {
        "id": "it-varsel-oppfolging",
        "question": "Må det være skriftlig?",
        "evidence": ["må gi arbeidsgiver skriftlig varsel om dette"],
        "role": "union",
        "history": [
            {
                "role": "user",
                "content": "Hvordan varsler jeg arbeidsgiver om at jeg vil ta utdanningspermisjon?",
            },
            {"role": "assistant", "content": "Du må varsle arbeidsgiveren før permisjonen [1]."},
        ],
    },
    {"id": "oos-ferie", "question": "Hvor mange feriedager har jeg rett på i år?", "out_of_scope": True},
    {"id": "oos-vafler", "question": "Hva er en god oppskrift på vafler?", "out_of_scope": True},
]


def test_real_run_on_six_questions(e5_settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "six.jsonl"
    path.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in QUESTIONS), encoding="utf-8")
    items = load_dataset(path)
    report = run_eval(e5_settings, items, baseline=False)
    s = summary(report)
    assert (s["n"], s["n_in_scope"], s["n_out_of_scope"]) == (6, 4, 2)
    for key in METRIC_KEYS:
        assert s[key] is not None, f"{key} unmeasured on a run with answers, citations and refusals"
    assert s["hit_at_4"] >= 0.75
    assert s["answer_evidence_rate"] >= 0.5
    assert s["oos_refusal_rate"] >= 0.5
    assert s["citation_precision"] >= 0.75
    vafler = next(r for r in report.ours.records if r.id == "oos-vafler")
    assert vafler.refused, vafler.answer
    json.dumps(report_json(report))
    page = write_report(report, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in page
