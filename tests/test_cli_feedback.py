"""`kompetanse feedback export|delete` on a real store."""

import json
from pathlib import Path

import pytest

from kompetanse.cli import main
from ui.feedback import FeedbackStore

pytestmark = pytest.mark.unit


def test_export_then_delete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KOMPETANSE_DATA_DIR", str(tmp_path))
    store = FeedbackStore.in_data_dir(tmp_path)
    store.add(question="Har jeg rett?", answer="Ja [1].", chunk_ids=["abc"], rating=1, comment="nyttig")
    assert main(["feedback", "export"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["question"] == "Har jeg rett?" and rows[0]["rating"] == 1
    assert main(["feedback", "delete"]) == 2  # needs --yes
    assert main(["feedback", "delete", "--yes"]) == 0
    assert store.count() == 0
