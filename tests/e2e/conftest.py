"""The running app for browser tests: `kompetanse serve` in a subprocess, and headless Chromium.

The server is the real product on a private data folder (the bundled corpus is
ingested with the default e5 embedder on first start). For quick UI iteration only,
``KOMPETANSE_E2E_FAKE=1`` serves the fake assistant instead; the committed tests run
against the real one. Screenshots and timings go to ``test-artifacts/``.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, expect

from core.settings import REPO_ROOT
from kompetanse.cli import OFFLINE_ENV as APP_OFFLINE_ENV
from tests.processes import free_port, stop_process

ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
READY = "Kompetanseassistenten kjører på "
# Answers take a few seconds on a busy 2-core machine; Playwright's 5 s default is too tight.
expect.set_options(timeout=60_000)
START_TIMEOUT_S = 900  # first start ingests the corpus with e5 on a shared 2-core machine
FAKE_SERVER = """
import sys, uvicorn
from core.settings import load_settings
from tests.ui.fake_assistant import FakeAssistant
from ui.server import create_app
s = load_settings(embedding={"backend": "hash"})  # port and data folder come from the environment
print("Kompetanseassistenten kjører på http://127.0.0.1:%d" % s.ui.port, flush=True)
uvicorn.run(create_app(s, FakeAssistant(settings=s)), host="127.0.0.1", port=s.ui.port, log_level="warning")
"""


@dataclass
class RunningApp:
    """The app under test: its URL, process and what was measured while starting it."""

    url: str
    process: subprocess.Popen[str]
    data_dir: Path
    output: list[str] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)

    def rss_mb(self) -> float:
        """Resident memory of the server process (and its children) in MB."""
        import psutil

        proc = psutil.Process(self.process.pid)
        total = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
        return round(total / 1024 / 1024, 1)


OFFLINE_ENV = {**APP_OFFLINE_ENV, "PYTHONUNBUFFERED": "1"}
"""What every app the e2e tests start gets in its environment: offline, no telemetry, unbuffered output."""


def wait_until_ready(
    process: subprocess.Popen[str], lines: queue.Queue[str], output: list[str], t0: float
) -> None:
    """Wait for the app's ready line; fail with the end of its output if it exits or takes too long."""
    while True:
        try:
            line = lines.get(timeout=max(0.1, START_TIMEOUT_S - (time.monotonic() - t0)))
        except queue.Empty:
            pytest.fail("the app did not start in time:\n" + "\n".join(output[-30:]))
        if line.startswith(READY):
            return
        if process.poll() is not None:
            pytest.fail("the app exited while starting:\n" + "\n".join(output[-30:]))


def pump_output(process: subprocess.Popen[str], keep: list[str]) -> queue.Queue[str]:
    """Read the process's output in a thread: every line is kept in ``keep`` and put on the returned queue."""
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            keep.append(line.rstrip())
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _wait_for_http(url: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            httpx.get(f"{url}/api/health", timeout=5)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="session")
def running_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """Start the server, wait until it listens and has answered once over HTTP; stop it afterwards."""
    port = free_port()
    data_dir = tmp_path_factory.mktemp("e2e-data")
    env = {
        **os.environ,
        "KOMPETANSE_DATA_DIR": str(data_dir),
        "KOMPETANSE_UI__PORT": str(port),
        **OFFLINE_ENV,
    }
    if os.environ.get("KOMPETANSE_E2E_FAKE") == "1":
        cmd = [sys.executable, "-c", FAKE_SERVER]
    else:
        cmd = [str(Path(sys.executable).parent / "kompetanse"), "serve", "--port", str(port)]
    t0 = time.monotonic()
    process = subprocess.Popen(
        cmd, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    app = RunningApp(url=f"http://127.0.0.1:{port}", process=process, data_dir=data_dir)
    lines = pump_output(process, app.output)
    try:
        wait_until_ready(process, lines, app.output, t0)
        _wait_for_http(app.url)
        app.metrics["listening_s"] = round(time.monotonic() - t0, 1)
        first = httpx.post(
            f"{app.url}/api/ask", json={"question": "Har jeg rett på utdanningspermisjon?"}, timeout=300
        )
        assert first.status_code == 200, first.text
        app.metrics["first_answer_s"] = round(time.monotonic() - t0, 1)
        app.metrics["rss_after_first_answer_mb"] = app.rss_mb()
        yield app
        app.metrics["rss_after_browser_tests_mb"] = app.rss_mb()
    finally:
        stop_process(process, 20)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "e2e-metrics.json").write_text(
            json.dumps(app.metrics, indent=2) + "\n", encoding="utf-8"
        )
        print(f"\ne2e metrics: {app.metrics}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium driven by Playwright (its own browser download does not work here)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """A browser page on the app, with every request URL it made and any dialogs it opened."""

    page: Page
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        """Requests that went anywhere but this machine."""
        return [u for u in self.requests if urlparse(u).hostname not in ("127.0.0.1", "localhost", "::1")]


@pytest.fixture
def open_app(browser: Browser, running_app: RunningApp) -> Iterator[Callable[..., Visit]]:
    """Opens the app in fresh browser contexts that record requests and dialogs; closes them afterwards."""
    contexts: list[BrowserContext] = []

    def _open(width: int = 1280, height: int = 900) -> Visit:
        context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        visit = Visit(page)

        def on_dialog(dialog: Dialog) -> None:  # a script the page should never run (e.g. alert())
            visit.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("request", lambda r: visit.requests.append(r.url))
        page.on("dialog", on_dialog)
        page.set_default_timeout(120_000)
        page.goto(running_app.url)
        return visit

    yield _open
    for context in contexts:
        context.close()
