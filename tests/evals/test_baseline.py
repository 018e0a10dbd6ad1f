"""The baseline for real: pypdf, the recursive splitter, MiniLM embeddings and an embedded Chroma."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from evals.baseline import CHUNK_SIZE, BaselinePipeline, MiniLMEmbeddings, corpus_files, split_file
from evals.metrics import answer_cites_evidence

pytestmark = [pytest.mark.integration, pytest.mark.slow]

LEAVE = (
    "Arbeidstaker som har vært i arbeidslivet i minst tre år og som har vært ansatt hos "
    "arbeidsgiveren de siste to år, har rett til utdanningspermisjon."
)
WEATHER = "Været i Bergen er ofte regnfullt om høsten, og paraply anbefales."


def write_pdf(path: Path, pages: list[str]) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for text in pages:
        y = 800
        for line in text.split(". "):
            pdf.drawString(50, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return path


@pytest.fixture(scope="module")
def minilm() -> MiniLMEmbeddings:
    """One real MiniLM for the module (loading it is the slow part)."""
    return MiniLMEmbeddings()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "lang.txt").write_text(
        ("Innledende tekst om læring og kompetanse. " * 60).strip(), encoding="utf-8"
    )
    (folder / ".skjult.txt").write_text("ikke les meg", encoding="utf-8")
    write_pdf(folder / "lov.pdf", [WEATHER, LEAVE])
    return folder


def test_reads_and_splits_like_the_tutorial(corpus: Path) -> None:
    assert [p.name for p in corpus_files(corpus)] == ["lang.txt", "lov.pdf"]
    long_chunks = split_file(corpus / "lang.txt")
    assert len(long_chunks) >= 3 and all(len(c.text) <= CHUNK_SIZE for c in long_chunks)
    assert long_chunks[1].char_start < long_chunks[0].char_end  # 200-character overlap
    pdf_chunks = split_file(corpus / "lov.pdf")
    assert len(pdf_chunks) == 1 and (pdf_chunks[0].page_start, pdf_chunks[0].page_end) == (1, 2)


def test_retrieves_answers_and_never_refuses(corpus: Path, tmp_path: Path, minilm: MiniLMEmbeddings) -> None:
    with BaselinePipeline.build(corpus, workdir=tmp_path / "idx", embeddings=minilm) as pipeline:
        assert pipeline.stats.files == 2 and pipeline.stats.chunks >= 4
        hits = pipeline.retrieve("Hvor lenge må jeg ha vært ansatt for å få utdanningspermisjon?", 10)
        assert "utdanningspermisjon" in hits[0].chunk.text
        assert hits == sorted(hits, key=lambda h: -h.score)
        answer = pipeline.ask("Hvem har rett til utdanningspermisjon?")
        assert not answer.refused and len(answer.passages) == 4 and answer.method == "baseline"
        assert answer.text == f"{answer.passages[0].chunk.text.strip()} [1]"
        assert answer_cites_evidence(answer, ["ansatt hos arbeidsgiveren de siste to år"])
        assert not pipeline.ask("Hva er oppskriften på vafler?").refused
    assert (tmp_path / "idx").exists()  # a caller-owned folder is left alone


def test_owned_temporary_index_is_removed(corpus: Path, minilm: MiniLMEmbeddings) -> None:
    pipeline = BaselinePipeline.build(corpus, embeddings=minilm)
    workdir = pipeline.workdir
    assert workdir.exists()
    pipeline.close()
    assert not workdir.exists()
