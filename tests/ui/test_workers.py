"""`kompetanse serve --workers N` without processes: settings hand-over, refusals, the worker's ASGI app."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from core.errors import KompetanseError
from core.settings import Settings, load_settings
from kompetanse import cmd_serve
from kompetanse.cli import build_parser, main
from tests.ui.fake_assistant import FakeAssistant, with_ui
from ui import workers
from ui.server import READY_LINE, create_app

pytestmark = pytest.mark.unit


def test_settings_reach_the_workers_exactly(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = with_ui(settings, host="127.0.0.1", port=18000, username="admin", password="hemmelig")
    chosen = chosen.model_copy(
        update={"chroma": chosen.chroma.model_copy(update={"host": "10.0.0.5", "token": SecretStr("tok")})}
    )
    text = workers.settings_to_json(chosen)
    # The workers get the parent's settings, not whatever their environment or .env says.
    monkeypatch.setenv("KOMPETANSE_UI__PORT", "9999")
    monkeypatch.setenv("KOMPETANSE_CHROMA__HOST", "elsewhere")
    back = workers.settings_from_json(text)
    assert back.ui.port == 18000 and back.chroma.host == "10.0.0.5"
    assert back.ui.password is not None and back.ui.password.get_secret_value() == "hemmelig"
    assert back.chroma.token is not None and back.chroma.token.get_secret_value() == "tok"
    assert back.data_dir == settings.data_dir and isinstance(back.data_dir, Path)
    assert back.model_dump() == chosen.model_dump()


def test_more_than_one_worker_needs_a_chroma_server(settings: Settings) -> None:
    workers.require_server(settings, 1)  # one process: the embedded store is fine
    with pytest.raises(KompetanseError, match="krever en Chroma-server") as info:
        workers.require_server(settings, 2)
    assert "KOMPETANSE_CHROMA__HOST" in info.value.message and "--workers 1" in info.value.message
    assert "single-process" in info.value.detail
    server = settings.model_copy(update={"chroma": settings.chroma.model_copy(update={"host": "127.0.0.1"})})
    workers.require_server(server, 4)


def test_cli_refuses_workers_on_the_embedded_store_before_loading_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(*_: object) -> None:
        raise AssertionError("must not ingest or start workers on the embedded store")

    monkeypatch.setenv("KOMPETANSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("KOMPETANSE_CHROMA__HOST", raising=False)
    monkeypatch.setattr("ui.server.prepare_index", boom)
    assert main(["serve", "--workers", "2"]) == 1
    err = capsys.readouterr().err
    assert "Feil: --workers 2 krever en Chroma-server" in err
    assert not (tmp_path / "data" / "app.json").exists()


@pytest.mark.parametrize("value", ["0", "-1", "65", "to"])
def test_workers_argument_is_validated(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["serve", "--workers", value])
    assert exc.value.code == 2
    assert "ugyldig antall prosesser" in capsys.readouterr().err


def test_workers_from_the_command_line_or_the_settings(settings: Settings) -> None:
    assert cmd_serve.with_overrides(settings, None, None, 3).ui.workers == 3
    assert cmd_serve.with_overrides(settings, None, None).ui.workers == 1
    env = load_settings(ui={"workers": 2})
    assert cmd_serve.with_overrides(env, None, None).ui.workers == 2


def test_a_worker_without_settings_stops_the_supervisor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(workers.SETTINGS_ENV, raising=False)
    with pytest.raises(SystemExit) as exc:
        workers.create_worker_app()
    assert exc.value.code == workers.STARTUP_FAILURE  # uvicorn stops instead of restarting it


def test_a_worker_that_cannot_open_the_index_stops_the_supervisor(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def unavailable(_: Settings) -> None:
        raise KompetanseError("Indeksen kan ikke brukes akkurat nå.", detail="connection refused")

    monkeypatch.setenv(workers.SETTINGS_ENV, workers.settings_to_json(settings))
    monkeypatch.setattr("assistant.service.Assistant.from_settings", unavailable)
    with pytest.raises(SystemExit) as exc:
        workers.create_worker_app()
    assert exc.value.code == workers.STARTUP_FAILURE
    assert "Feil: Indeksen kan ikke brukes" in capsys.readouterr().err
    assert workers.SETTINGS_ENV not in os.environ  # a worker does not keep the secrets in its environment


def test_worker_app_serves_the_api_names_itself_and_announces(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    api_only = create_app(settings, FakeAssistant(settings=settings), web_ui=False)
    app = workers.WorkerApp(api_only, f"{READY_LINE} http://127.0.0.1:7860 (arbeidsprosess {os.getpid()})")
    with TestClient(app) as client:
        assert capsys.readouterr().out.startswith(READY_LINE)
        answer = client.post("/api/ask", json={"question": "Har jeg rett på utdanningspermisjon?"})
        assert answer.status_code == 200, answer.text
        assert answer.headers[workers.WORKER_HEADER] == str(os.getpid())
        page = client.get("/")
        assert page.status_code == 200 and "--workers" in page.text and "/api" in page.text
        assert client.get("/api/openapi.json").status_code == 200
