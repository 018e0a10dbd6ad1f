"""The embedded index's one writer: the app's state file, the writer lock and the admin endpoint."""

from __future__ import annotations

import fcntl
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.settings import Settings
from ingest.pipeline import FileOutcome, IngestReport
from tests.ui.fake_assistant import FakeAssistant
from ui.api import create_api
from ui.feedback import FeedbackStore
from ui.writer import (
    LOCK_FILE,
    TOKEN_HEADER,
    IndexWriter,
    index_lock,
    read_state,
    remove_state,
    report_from_dict,
    report_to_dict,
    state_path,
    write_state,
)

pytestmark = pytest.mark.unit


def test_state_file_is_private_and_only_a_live_process_counts(settings: Settings) -> None:
    state = write_state(settings, "geheim")
    path = state_path(settings)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_state(settings) == state and state.pid == os.getpid()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    path.write_text(json.dumps({**state.__dict__, "pid": int(dead.stdout)}), encoding="utf-8")
    assert read_state(settings) is None  # a stale file from a dead app is ignored
    path.write_text("{not json", encoding="utf-8")
    assert read_state(settings) is None


def test_remove_state_leaves_another_apps_file(settings: Settings) -> None:
    write_state(settings, "t")
    data = json.loads(state_path(settings).read_text(encoding="utf-8"))
    state_path(settings).write_text(json.dumps({**data, "pid": os.getppid()}), encoding="utf-8")
    remove_state(settings)
    assert state_path(settings).exists()
    write_state(settings, "t")
    remove_state(settings)
    assert not state_path(settings).exists()


def test_index_lock_excludes_another_holder(settings: Settings) -> None:
    with index_lock(settings):
        fd = os.open(settings.data_dir / LOCK_FILE, os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
    fd = os.open(settings.data_dir / LOCK_FILE, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again
    finally:
        os.close(fd)


def test_report_round_trips_through_json() -> None:
    report = IngestReport(
        (
            FileOutcome(
                "/x/a.docx", "d1", "added", chunks=3, provisions=("HTA 14.2",), pages=2, warnings=("w",)
            ),
            FileOutcome("/x/b.pdf", "", "failed", error="Kan ikke lese filen."),
        ),
        1.5,
        "hash",
    )
    back = report_from_dict(json.loads(json.dumps(report_to_dict(report))))
    assert back == report and back.summary() == report.summary() and back.exit_code == 1


class RecordingWriter(IndexWriter):
    def __init__(self, settings: Settings, assistant: FakeAssistant) -> None:
        super().__init__(settings, assistant, token="riktig")
        self.calls: list[tuple[list[Path] | None, bool]] = []

    def ingest(self, paths, *, rebuild=False, progress=None):  # type: ignore[no-untyped-def]
        self.calls.append((paths, rebuild))
        return IngestReport((FileOutcome(str(paths[0]), "d", "added", chunks=2),), 0.1, "hash")


def test_admin_ingest_needs_the_token_and_is_not_in_the_schema(settings: Settings, tmp_path: Path) -> None:
    fake = FakeAssistant(settings=settings)
    writer = RecordingWriter(settings, fake)
    api = create_api(settings, fake, FeedbackStore.in_data_dir(tmp_path), writer)
    with TestClient(api, raise_server_exceptions=False, client=("127.0.0.1", 5000)) as client:
        body = {"paths": ["/srv/dok/plan.docx"]}
        assert client.post("/admin/ingest", json=body).status_code == 403
        assert client.post("/admin/ingest", json=body, headers={TOKEN_HEADER: "feil"}).status_code == 403
        ok = client.post("/admin/ingest", json=body, headers={TOKEN_HEADER: "riktig"})
        assert ok.status_code == 200, ok.text
        assert report_from_dict(ok.json()).outcomes[0].status == "added"
        assert writer.calls == [([Path("/srv/dok/plan.docx")], False)]
        assert "/admin/ingest" not in client.get("/openapi.json").json()["paths"]
    with TestClient(api, raise_server_exceptions=False, client=("10.0.0.7", 5000)) as remote:
        r = remote.post("/admin/ingest", json=body, headers={TOKEN_HEADER: "riktig"})
        assert r.status_code == 403  # loopback only, even with the token
    assert len(writer.calls) == 1


def test_api_without_a_writer_refuses_admin_ingest(settings: Settings, tmp_path: Path) -> None:
    fake = FakeAssistant(settings=settings)
    api = create_api(settings, fake, FeedbackStore.in_data_dir(tmp_path))
    with TestClient(api, raise_server_exceptions=False) as client:
        r = client.post("/admin/ingest", json={"paths": None}, headers={TOKEN_HEADER: ""})
        assert r.status_code == 403
