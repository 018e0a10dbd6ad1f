"""HTML and Markdown reports rendered from a hand-made run."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from assistant.models import Answer, Hit
from core.errors import KompetanseError
from core.models import Chunk, make_chunk_id
from evals.dataset import EvalItem
from evals.report import fmt, ratio, render_markdown, write_report
from evals.runner import EvalReport, SystemRun, score_question

pytestmark = pytest.mark.unit

TEXT = "Arbeidstaker har rett til utdanningspermisjon etter to år."


def chunk(text: str) -> Chunk:
    return Chunk(
        chunk_id=make_chunk_id("d", 0, text),
        doc_id="d",
        document="Dokument",
        short_name="Veilederen",
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


def run(name: str, refuse: bool) -> SystemRun:
    items = [
        EvalItem(
            id="perm-en", question="Do I get leave?", evidence=("etter to år",), role="union", lang="en"
        ),
        EvalItem(id="oos-vaer", question="Blir det regn <i morgen>?", out_of_scope=True, lang="nb"),
    ]
    hits = [Hit(chunk(TEXT), 0.9)]
    records = []
    for it in items:
        ans = Answer(it.question, "Det vet jeg ikke." if refuse else "Kanskje | sol.", refuse, (), ())
        records.append(score_question(it, ans, hits if not it.out_of_scope else [], 5.0))
    return SystemRun(name, tuple(records))


@pytest.fixture
def report() -> EvalReport:
    return EvalReport(ours=run("assistent", refuse=False), baseline=run("baseline", refuse=True), created="T")


def test_formatting_helpers() -> None:
    assert fmt(None, "rate") == "ikke målt"
    assert fmt(0.125, "rate") == "12.5 %"
    assert fmt(1234.4, "ms") == "1234"
    assert ratio(0.5, 0.25) == "2.00×"
    assert ratio(0.5, 0) == "–"
    assert ratio(None, 0.3) == "–"


def test_markdown_has_table_breakdowns_and_failures(report: EvalReport) -> None:
    md = render_markdown(report, plot_file="r-treff-at-k.png")
    assert "| Treff@1 (fasit øverst) | 100.0 % | 100.0 % | 1.00× |" in md
    assert "| Kildepresisjon (henvisninger som støtter setningen) | ikke målt | ikke målt | – |" in md
    assert "ingen språkmodell satt opp" in md
    assert "![Treff@k](r-treff-at-k.png)" in md
    assert "## Per rolle" in md and "| Tillitsvalgt |" in md and "| Engelsk |" in md
    assert "### oos-vaer: Blir det regn <i morgen>?" in md
    assert "svarte på et spørsmål utenfor kildene" in md
    assert "Kanskje \\| sol." not in md or "> Kanskje | sol." in md  # answers are quoted, tables escaped
    assert "| 1 | ✓ | Veilederen | 0.900 |" in md


def test_write_markdown_puts_the_plot_beside_it(report: EvalReport, tmp_path: Path) -> None:
    path = write_report(report, tmp_path / "out" / "r.md")
    png = tmp_path / "out" / "r-treff-at-k.png"
    assert png.read_bytes().startswith(b"\x89PNG")
    assert "![Treff@k](r-treff-at-k.png)" in path.read_text(encoding="utf-8")


def test_write_html_is_self_contained_and_escaped(report: EvalReport, tmp_path: Path) -> None:
    page = write_report(report, tmp_path / "r.html").read_text(encoding="utf-8")
    images = re.findall(r"src='data:image/png;base64,([^']+)'", page)
    assert len(images) == 1 and base64.b64decode(images[0]).startswith(b"\x89PNG")
    assert not re.search(r"(src|href)=['\"]https?:", page)
    assert "Blir det regn &lt;i morgen&gt;?" in page
    assert "<td>Tillitsvalgt</td>" in page


def test_unmeasured_plot_and_bad_extension(tmp_path: Path) -> None:
    empty = EvalReport(ours=SystemRun("assistent", ()), baseline=None)
    md = render_markdown(empty)
    assert "Treff@k: ikke målt." in md and "Ingen." in md
    write_report(empty, tmp_path / "e.md")
    assert not list(tmp_path.glob("*.png"))
    with pytest.raises(KompetanseError, match=r"\.html eller \.md"):
        write_report(empty, tmp_path / "r.pdf")
