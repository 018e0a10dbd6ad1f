"""`kompetanse serve --workers 2` on a real Chroma server: both processes answer, both see a new document.

The real product in subprocesses: a Chroma server, `kompetanse serve --workers 2`
(which ingests the corpus copy once with e5, then starts two workers), and
`kompetanse ingest` writing a new DOCX directly to the server. Requests go over
fresh connections, so the kernel spreads them over the workers; each response
names its worker in ``X-Kompetanse-Worker``.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from core.settings import REPO_ROOT
from tests.chroma_server import ChromaServer
from tests.e2e.conftest import OFFLINE_ENV, READY, START_TIMEOUT_S, pump_output
from tests.pdfs import make_docx
from tests.processes import free_port, stop_process
from ui.workers import WORKER_HEADER

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(3000)]

KOMPETANSE = Path(sys.executable).parent / "kompetanse"
WORKERS = 2
QUESTIONS = [
    "Har jeg rett på utdanningspermisjon?",
    "Hva sier aml. § 12-11?",
    "Hvem har ansvar for kompetanseplanen?",
    "Kan jeg få lønn under utdanningspermisjon?",
]
TITLE = "Språkstipend for helsefagarbeidere i Nordvik kommune"
QUESTION = "Hvor stort er språkstipendet for helsefagarbeidere i Nordvik kommune?"
FACT = "12 500"
SEE_BOTH_S = 120.0  # the kernel decides which worker accepts a connection; give it many chances


@dataclass
class Served:
    """The app with its workers: URL, the environment for CLI siblings, and the worker pids announced."""

    url: str
    env: dict[str, str]
    process: subprocess.Popen[str]
    worker_pids: set[int] = field(default_factory=set)
    output: list[str] = field(default_factory=list)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """`kompetanse serve --workers 2` against a private Chroma server and a corpus copy, until every worker is ready."""
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO_ROOT / "corpus", corpus)
    chroma = ChromaServer(tmp_path / "chroma-server").start()
    port = free_port()
    env = {
        **os.environ,
        "KOMPETANSE_DATA_DIR": str(tmp_path / "data"),
        "KOMPETANSE_CORPUS_DIR": str(corpus),
        "KOMPETANSE_CHROMA__HOST": chroma.host,
        "KOMPETANSE_CHROMA__PORT": str(chroma.port),
        "KOMPETANSE_CHROMA__CHECK_SECONDS": "2",
        **OFFLINE_ENV,
    }
    process = subprocess.Popen(
        [str(KOMPETANSE), "serve", "--workers", str(WORKERS), "--port", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    app = Served(f"http://127.0.0.1:{port}", env, process)
    lines = pump_output(process, app.output)
    t0 = time.monotonic()
    try:
        while len(app.worker_pids) < WORKERS:
            try:
                line = lines.get(timeout=max(0.1, START_TIMEOUT_S - (time.monotonic() - t0)))
            except queue.Empty:
                pytest.fail("the workers did not start in time:\n" + "\n".join(app.output[-30:]))
            if line.startswith(READY):
                app.worker_pids.add(int(line.rsplit("arbeidsprosess", 1)[1].strip(" )\n")))
            elif process.poll() is not None:
                pytest.fail("the app exited while starting:\n" + "\n".join(app.output[-30:]))
        yield app
    finally:
        children = psutil.Process(process.pid).children(recursive=True) if process.poll() is None else []
        stop_process(process, 30)
        _, alive = psutil.wait_procs(children, timeout=30)
        chroma.stop()
        assert not alive, f"worker processes outlived the app: {alive}"


def ask(url: str, question: str) -> tuple[int, int, dict[str, Any]]:
    """One question over a fresh connection: (status, worker pid, body)."""
    r = httpx.post(f"{url}/api/ask", json={"question": question}, timeout=300, trust_env=False)
    return r.status_code, int(r.headers.get(WORKER_HEADER, "0")), r.json()


def cites(body: dict[str, Any], marker: str) -> bool:
    """True when the answer is not a refusal and cites a passage containing ``marker``."""
    passages = {p["n"]: p for p in body.get("passages", [])}
    return not body["refused"] and any(
        marker in passages[c["n"]]["text"] for c in body.get("citations", []) if c["n"] in passages
    )


def ask_until_every_worker(url: str, question: str, ok: Any, seconds: float) -> dict[int, float]:
    """Ask in parallel rounds until each worker has given an answer for which ``ok(body)`` holds.

    Returns {pid: seconds until its first such answer}; every response must be 200.
    """
    started = time.monotonic()
    first: dict[int, float] = {}
    seen: dict[int, int] = {}
    with ThreadPoolExecutor(4) as pool:
        while time.monotonic() - started < seconds:
            for status, pid, body in pool.map(lambda _: ask(url, question), range(4)):
                assert status == 200, body
                seen[pid] = seen.get(pid, 0) + 1
                if ok(body):
                    first.setdefault(pid, time.monotonic() - started)
            if len(first) == WORKERS:
                return first
            time.sleep(0.2)
    pytest.fail(
        f"not every worker answered as expected within {seconds} s: first={first}, answers per pid={seen}"
    )


def test_two_workers_answer_and_both_pick_up_an_ingest(served: Served, tmp_path: Path) -> None:
    children = {c.pid for c in psutil.Process(served.process.pid).children(recursive=True)}
    assert served.worker_pids <= children, (served.worker_pids, children)
    health = httpx.get(f"{served.url}/api/health", timeout=60, trust_env=False)
    assert health.status_code == 200 and health.json()["status"] == "ok", health.text

    answered: dict[int, int] = {}
    for question in QUESTIONS * 3:
        status, pid, body = ask(served.url, question)
        assert status == 200 and body["answer"], body
        answered[pid] = answered.get(pid, 0) + 1
    assert set(answered) <= served.worker_pids, answered
    ask_until_every_worker(served.url, QUESTIONS[0], lambda body: not body["refused"], SEE_BOTH_S)

    docx = tmp_path / "nye-dokumenter" / "sprakstipend-nordvik.docx"
    docx.parent.mkdir()
    make_docx(
        docx,
        title=TITLE,
        paragraphs=[
            TITLE,
            f"Nordvik kommune gir et språkstipend på {FACT} kroner til helsefagarbeidere som tar kurs i "
            "norsk fagspråk ved en godkjent skole.",
            "Språkstipendet utbetales når kurset er bestått. Søknad sendes til nærmeste leder, som drøfter "
            "den med tillitsvalgte ut fra kompetanseplanen for enheten.",
        ],
    )
    before = ask(served.url, QUESTION)[2]
    assert not cites(before, FACT)
    result = subprocess.run(
        [str(KOMPETANSE), "ingest", str(docx)],
        cwd=REPO_ROOT,
        env=served.env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0 and "lagt til" in result.stdout, result.stdout + result.stderr
    # With a Chroma server the CLI writes directly; no hand-over to an app.
    assert "Appen kjører og leser inn dokumentene for deg" not in result.stderr, result.stderr
    pickup = ask_until_every_worker(served.url, QUESTION, lambda body: cites(body, FACT), SEE_BOTH_S)
    assert set(pickup) == served.worker_pids
    print(
        f"\nworkers {sorted(served.worker_pids)}; answers before the ingest per worker: {answered}; "
        f"seconds until each worker cited the new document: {pickup}"
    )
