"""The benchmark's generated corpora: distinct text and PDF variants of the sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from evals.bench_corpus import dir_size, make_corpus

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
