"""The benchmark's rendered tables and its documented JSON keys (no timing asserted)."""

from __future__ import annotations

import pytest

from core.settings import REPO_ROOT
from evals.bench_report import KEYS, render
from evals.bench_serve import WORKER_KEYS

pytestmark = pytest.mark.unit


def test_render_shows_every_scale_baseline_and_unmeasured() -> None:
    ours = {key: 1.0 for key in KEYS} | {"scale": 1, "ingest_chars_per_s": 800.0}
    ours |= {"embedder_chars_per_s": 1000.0, "query_ms_p95": None}
    base = {"scale": 1, "files": 2, "ingest_s": 3.0, "query_ms_p50": 40.0}
    results = {"created": "nå", "machine": "2 CPU-kjerner", "scales": [ours], "baseline": [base]}
    md = render(results)
    assert "| Mål | Assistenten 1x | Baseline 1x |" in md
    assert "| Varm p95 (ms) | ikke målt | ikke målt |" in md
    assert "| Varm p50 (ms) | 1 | 40 |" in md
    assert "| Innlesing i % av modellen | 80 | ikke målt |" in md


def test_json_keys_are_the_documented_ones() -> None:
    assert KEYS == (
        "scale", "files", "pages", "chunks", "ingest_s", "ingest_chars_per_s", "embedder_chars_per_s",
        "reingest_unchanged_s", "assistant_start_s", "start_s", "query_ms_p50", "query_ms_p95",
        "novel_query_ms_p95", "rss_mb", "serve_rss_mb", "load_clients", "load_answers_per_s", "load_ms_p95",
        "load_errors", "workers",
    )  # fmt: skip
    assert WORKER_KEYS == (
        "workers", "start_s", "rss_mb", "load_clients", "load_answers_per_s", "load_ms_p50", "load_ms_p95",
        "load_errors",
    )  # fmt: skip
    documented = (REPO_ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert all(f"`{key}`" in documented for key in (*KEYS, *WORKER_KEYS, "workers_error"))


def test_render_shows_the_workers_table_and_what_was_not_measured() -> None:
    one = {key: 1.0 for key in WORKER_KEYS} | {"workers": 1, "load_answers_per_s": 30.0}
    two = {key: 2.0 for key in WORKER_KEYS} | {"workers": 2, "load_answers_per_s": 55.5, "load_ms_p50": None}
    scales = [{"scale": 1, "workers": [one, two]}, {"scale": 10, "workers_error": "RuntimeError('chroma')"}]
    md = render({"created": "nå", "machine": "2 CPU-kjerner", "scales": scales, "baseline": []})
    assert "## Flere prosesser" in md
    assert "| 1x | 1 | 1.0 | 1 | 1 | 30.0 | 1 | 1 | 1 |" in md
    assert "| 1x | 2 | 2.0 | 2 | 2 | 55.5 | ikke målt | 2 | 2 |" in md
    assert "Ikke målt for 10x: RuntimeError('chroma')" in md
    assert "`workers_error`" in md
    assert "## Flere prosesser" not in render(
        {"created": "", "machine": "", "scales": [{"scale": 1}], "baseline": []}
    )
