"""The server edge: bind guard, the combined app, nothing loaded from the internet, `kompetanse serve` args."""

from __future__ import annotations

import argparse
import logging
import re
import socket
import threading

import pytest
from fastapi.testclient import TestClient

from core.errors import KompetanseError
from core.settings import Settings
from kompetanse import cmd_serve
from kompetanse.cli import build_parser
from tests.ui.fake_assistant import FakeAssistant, with_ui
from ui import server
from ui.feedback import FnrMaskingFilter

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.1.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("", False),
        ("::", False),
        ("192.168.1.10", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert server.is_loopback(host) is loopback


def test_bind_beyond_loopback_needs_a_login(settings: Settings) -> None:
    server.check_bind(settings)  # default 127.0.0.1 is fine
    exposed = with_ui(settings, host="0.0.0.0")
    with pytest.raises(KompetanseError, match="KOMPETANSE_UI__USERNAME") as info:
        server.check_bind(exposed)
    assert "uten innlogging" in info.value.message
    with pytest.raises(KompetanseError):
        server.check_bind(with_ui(exposed, username="admin"))  # a user name alone is not a login
    server.check_bind(with_ui(exposed, username="admin", password="hemmelig"))


def test_serve_refuses_before_loading_anything(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(_: Settings) -> None:
        raise AssertionError("must not ingest or load models when the bind is refused")

    monkeypatch.setattr(server, "prepare_assistant", boom)
    with pytest.raises(KompetanseError, match="Vil ikke lytte"):
        server.serve(with_ui(settings, host="0.0.0.0"))


def test_url_for(settings: Settings) -> None:
    assert server.url_for(settings) == "http://127.0.0.1:7860"
    assert server.url_for(with_ui(settings, host="::1", port=8080)) == "http://[::1]:8080"


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    from core.settings import load_settings

    s = load_settings(data_dir=tmp_path_factory.mktemp("data"), embedding={"backend": "hash"})
    return TestClient(server.create_app(s, FakeAssistant(settings=s)))


def test_app_serves_the_ui_at_root_and_the_api_under_api(app_client: TestClient) -> None:
    page = app_client.get("/")
    assert page.status_code == 200
    config = app_client.get("/config").json()
    assert config["title"] == "Kompetanseassistenten"
    assert 'document.documentElement.lang = "nb"' in config["js"]
    assert app_client.get("/api/health").json()["status"] == "ok"
    assert "/ask" in app_client.get("/api/openapi.json").json()["paths"]
    for docs in ("/docs", "/api/docs", "/redoc"):
        assert "swagger" not in app_client.get(docs).text.lower()  # Swagger UI would load a CDN


def test_page_and_theme_reference_no_external_host(app_client: TestClient) -> None:
    page = app_client.get("/").text
    css = app_client.get("/theme.css").text
    for text in (page, css):
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text
        hosts = set(re.findall(r"""(?:src|href)=["']https?://([^/"']+)""", text))
        assert hosts <= {"127.0.0.1", "localhost"}, hosts
    assert "system-ui" in css


def test_ui_login_when_configured(settings: Settings) -> None:
    secured = with_ui(settings, username="admin", password="hemmelig")
    client = TestClient(server.create_app(secured, FakeAssistant(settings=secured)))
    assert "auth_required" in client.get("/config").text or client.get("/config").status_code == 401
    assert client.get("/api/health").status_code == 401
    assert client.post("/login", data={"username": "admin", "password": "feil"}).status_code == 400
    assert client.post("/login", data={"username": "admin", "password": "hemmelig"}).status_code == 200


def test_log_masking_covers_records_from_child_loggers(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        server.install_log_masking()
        server.install_log_masking()  # idempotent
        logging.getLogger("ui.app").info("question: %s", "fnr 01017012345")
        logging.getLogger("uvicorn.error").warning("GET /api/samtale?focus=01017012345")
    assert "01017012345" not in caplog.text and caplog.text.count("***********") == 2
    for name in ("uvicorn.access", "uvicorn.error", ""):
        filters = [f for f in logging.getLogger(name).filters if isinstance(f, FnrMaskingFilter)]
        assert len(filters) == 1


def test_serve_subcommand_parses_host_and_port(settings: Settings) -> None:
    args = build_parser().parse_args(["serve", "--host", "127.0.0.2", "--port", "8123"])
    assert args.func is cmd_serve.run
    applied = cmd_serve.with_overrides(settings, args.host, args.port)
    assert (applied.ui.host, applied.ui.port) == ("127.0.0.2", 8123)
    assert cmd_serve.with_overrides(settings, None, None).ui == settings.ui


@pytest.mark.parametrize("port", ["0", "70000", "abc"])
def test_serve_subcommand_rejects_bad_ports(port: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="ugyldig port"):
        cmd_serve.port_number(port)


def test_serve_help_is_norwegian(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--help"])
    out = capsys.readouterr().out
    assert "--host" in out and "--port" in out and "127.0.0.1" in out


def test_busy_port_gives_a_norwegian_error(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "prepare_assistant", lambda s: FakeAssistant(settings=s))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        # Serve in a thread of its own: an event loop left running in the test thread by
        # another test would make uvicorn fail before it ever tries the port.
        errors: list[BaseException] = []

        def run() -> None:
            try:
                server.serve(with_ui(settings, port=port))
            except BaseException as exc:
                errors.append(exc)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        thread.join(120)
        assert errors and isinstance(errors[0], KompetanseError), errors
        assert "Er porten i bruk" in str(errors[0])
