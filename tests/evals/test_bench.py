"""The benchmark script's pure parts: generated corpora and the rendered table (no timing asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from evals.bench import dir_size, make_corpus, render

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
    assert "permisjon. (utgave 2)" in (tmp_path / "three" / "lov-002.md").read_text(encoding="utf-8")
    pdf_text = PdfReader(str(tmp_path / "three" / "lov-003.pdf")).pages[0].extract_text()
    assert "(utgave 3)" in pdf_text and "permisjon" in pdf_text
    assert counts["files"] == 3 and counts["pages"] == 3 and counts["chars"] > 3 * 40
    assert dir_size(tmp_path / "three") > 0 and dir_size(tmp_path / "nope") == 0


def test_render_shows_baseline_and_unmeasured() -> None:
    figures = {"ingest_s": 2.0, "chunks": 40, "index_mb": 1.25, "p50_ms": 120.0, "p95_ms": None}
    results = {
        "created": "nå",
        "machine": "2 CPU-kjerner",
        "process": {"cold_start_s": 3.5, "warm_p50_ms": 100.0, "warm_p95_ms": 300.0, "peak_rss_mb": 512.0},
        "baseline_process": {
            "cold_start_s": 9.0,
            "warm_p50_ms": 50.0,
            "warm_p95_ms": 80.0,
            "peak_rss_mb": 900.0,
        },
        "scales": [
            {"scale": 1, "files": 2, "pages": 10, "chars": 27000, "ours": figures, "baseline": figures}
        ],
        "plot": "b-svartid.png",
    }
    md = render(results)
    assert "| Kaldstart til første svar (s) | 3.50 | 9.00 |" in md
    assert "| 1x | 2 | 10 | 27 000 | Assistenten | 2.0 | 5.0 | 13 500 | 40 | 1.2 | 120 | ikke målt |" in md
    assert "| 1x | 2 | 10 | 27 000 | Baseline |" in md
    assert "![Svartid etter skala](b-svartid.png)" in md
