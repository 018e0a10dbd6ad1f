"""`kompetanse ingest` as a user runs it: a subprocess over a private copy of the corpus."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.settings import REPO_ROOT
from tests.conftest import CORPUS_DIR

pytestmark = pytest.mark.integration


def _run(data: Path, corpus: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "KOMPETANSE_DATA_DIR": str(data),
        "KOMPETANSE_CORPUS_DIR": str(corpus),
        "KOMPETANSE_EMBEDDING__BACKEND": "hash",
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, "-m", "kompetanse", "ingest", *args],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, target)
    return target


def test_ingest_command_summarises_both_documents(tmp_path: Path, corpus: Path) -> None:
    result = _run(tmp_path / "data", corpus)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Arbeidsmiljøloven" in out and "Læring og kompetanseutvikling" in out
    assert out.count("lagt til") >= 2 and "2 filer: 2 lagt til" in out
    assert (tmp_path / "data" / "chroma").is_dir()

    again = _run(tmp_path / "data", corpus)
    assert again.returncode == 0, again.stderr
    assert "2 filer: 2 uendret" in again.stdout and "0 nye innbygginger" in again.stdout


def test_ingest_command_names_a_bad_file_and_fails(tmp_path: Path, corpus: Path) -> None:
    (corpus / "ødelagt.pdf").write_bytes(b"dette er ikke en pdf\x00\x01\x02" * 40)
    result = _run(tmp_path / "data", corpus)
    assert result.returncode == 1
    assert "ødelagt.pdf" in result.stdout and "feilet" in result.stdout
    assert "Feilet:" in result.stdout and "2 lagt til, 1 feilet" in result.stdout


def test_ingest_command_explicit_paths_and_rebuild(tmp_path: Path, corpus: Path) -> None:
    law = corpus / "arbeidsmiljoloven-utdrag.md"
    result = _run(tmp_path / "data", corpus, str(law))
    assert result.returncode == 0, result.stderr
    assert "1 filer: 1 lagt til" in result.stdout
    rebuilt = _run(tmp_path / "data", corpus, "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "bygget på nytt" in rebuilt.stdout and "1 lagt til, 1 oppdatert" in rebuilt.stdout


def test_ingest_command_reports_an_unusable_index_folder(tmp_path: Path, corpus: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "chroma").write_text("en fil, ikke en mappe")
    result = _run(data, corpus)
    assert result.returncode == 1
    assert f"Feil: Kan ikke opprette indeksmappen {data / 'chroma'}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.unit
def test_ingest_help_is_norwegian() -> None:
    import argparse

    from kompetanse.cli import build_parser

    actions = build_parser()._actions
    sub = next(a for a in actions if isinstance(a, argparse._SubParsersAction))
    help_text = sub.choices["ingest"].format_help()
    assert "--rebuild" in help_text and "Bygg hele indeksen på nytt" in help_text
