"""The benchmark script's pure parts: generated corpora and the rendered table (no timing asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from core.settings import REPO_ROOT
from evals.bench import KEYS, dir_size, make_corpus, render
from evals.bench_serve import WORKER_KEYS

pytestmark = pytest.mark.unit


def test_make_corpus_writes_distinct_txt_and_pdf_variants(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "lov.md").write_text("§ 1. Tittel\n\nFørste ledd om permisjon.\n\nAndre ledd.", encoding="utf-8")
    (src / "bilde.png").write_bytes(b"not a text source")
    one = make_corpus(src, tmp_path / "one", 1)
    assert (tmp_path / "one" / "lov.md").read_text(encoding="utf-8").startswith("§ 1. Tittel")
    assert one["files"] == 1
    counts = make_corpus(src, tmp_path / "three", 3)
    names = sorted(p.name for p in (tmp_path / "three").iterdir())
    assert names == ["lov-001.pdf", "lov-002.md", "lov-003.pdf"]
    # Every sentence is tagged: ingest embeds sentences and would reuse the vector of a repeated one.
    assert (tmp_path / "three" / "lov-002.md").read_text(encoding="utf-8") == (
        "§ 1. Tittel (utgave 2)\n\nFørste ledd om permisjon (utgave 2).\n\nAndre ledd (utgave 2)."
    )
    pdf_text = PdfReader(str(tmp_path / "three" / "lov-003.pdf")).pages[0].extract_text()
    assert "(utgave 3)" in pdf_text and "permisjon" in pdf_text
    assert counts["files"] == 3 and counts["pages"] == 3 and counts["chars"] > 3 * 40
    assert dir_size(tmp_path / "three") > 0 and dir_size(tmp_path / "nope") == 0


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
