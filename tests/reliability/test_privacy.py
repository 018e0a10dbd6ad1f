"""Privacy: nothing leaves the machine, questions stay out of the logs, feedback keeps only what was sent.

The network guard (see ``conftest.GUARD_SOURCE``) records and refuses every connection and
name lookup that is not loopback: patched into this process for in-process code, and
installed as a ``sitecustomize.py`` in subprocesses (the CLI's ingest, the evals runner,
the served app), which write their violations to a file. The subprocesses run without the
offline switches the test session sets, so the product's own defaults are what is tested.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.service import Assistant
from tests.processes import stop_process
from tests.reliability.conftest import (
    CORPUS_DIR,
    DEV_SET,
    MemoEmbeddings,
    NetGuard,
    build_index,
    corpus_settings,
    free_port,
    guarded_env,
    open_assistant,
    read_violations,
)

FNR = "01019912345"
NAME = "Kari Nordmann"
QUESTION = f"Jeg heter {NAME} og har fødselsnummer {FNR}. Har jeg rett på utdanningspermisjon?"


# --------------------------------------------------------------------------- the guard itself


@pytest.mark.unit
def test_the_guard_refuses_and_records_non_loopback_use_in_process(netguard: NetGuard) -> None:
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("example.com", 443)
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock, pytest.raises(ConnectionRefusedError):
        sock.connect(("2001:db8::1", 80))
    with pytest.raises(httpx.ConnectError):
        httpx.get("http://example.com/", timeout=1)
    assert [v["host"] for v in netguard.violations] == [
        "192.0.2.1",
        "example.com",
        "2001:db8::1",
        "example.com",
    ]
    # Loopback still works.
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        socket.create_connection(server.getsockname(), timeout=1).close()
    assert len(netguard.violations) == 4


@pytest.mark.integration
def test_the_guard_records_non_loopback_use_in_a_subprocess(tmp_path: Path) -> None:
    env, log = guarded_env(tmp_path, dict(os.environ))
    code = "import socket\nsocket.create_connection(('192.0.2.1', 80), timeout=1)"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "network guard" in done.stderr
    assert [v["host"] for v in read_violations(log)] == ["192.0.2.1"]


# --------------------------------------------------------------------------- in-process


@pytest.mark.integration
def test_ingest_and_ask_stay_on_this_machine(tmp_path: Path, e5: MemoEmbeddings, netguard: NetGuard) -> None:
    settings = corpus_settings(tmp_path / "data")
    report = build_index(settings, e5)
    assert report.exit_code == 0
    assistant = Assistant.from_settings(settings)  # loads its own embedder under the guard
    assert not assistant.ask(QUESTION).refused
    assistant.ask("Hvor mange feriedager har jeg?")
    assert assistant.lookup("aml. § 12-11") is not None
    assistant.samtale("digital læring")
    # An LLM endpoint on loopback that does not answer: the client must not look elsewhere.
    llm_settings = settings.model_copy(
        update={
            "llm": settings.llm.model_copy(
                update={"provider": "openai", "base_url": f"http://127.0.0.1:{free_port()}/v1", "model": "x"}
            )
        }
    )
    with_llm = Assistant.from_settings(llm_settings)
    answer = with_llm.ask("Har jeg rett på utdanningspermisjon?")
    assert answer.method == "extractive" and answer.notices
    assert netguard.violations == [], netguard.summary()


@pytest.fixture(scope="module")
def app_client(real_assistant: Assistant) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from ui.server import create_app

    with TestClient(create_app(real_assistant.settings, real_assistant)) as client:
        yield client


@pytest.mark.integration
def test_the_app_serving_requests_stays_on_this_machine(app_client: Any, netguard: NetGuard) -> None:
    assert app_client.post("/api/ask", json={"question": QUESTION}).status_code == 200
    assert app_client.get("/api/health").status_code == 200
    assert app_client.get("/api/provisions/HTA 14.2").status_code == 200
    assert app_client.get("/").status_code == 200  # the web page itself (Gradio)
    assert app_client.get("/config").status_code == 200
    assert netguard.violations == [], netguard.summary()


# --------------------------------------------------------------------------- subprocesses


def _run_cli(
    args: list[str], env: dict[str, str], cwd: Path, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kompetanse", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def shared_data(tmp_path_factory: pytest.TempPathFactory, e5: MemoEmbeddings) -> Path:
    """A data folder with the bundled corpus indexed, for the subprocesses to open."""
    settings = corpus_settings(tmp_path_factory.mktemp("privacy") / "data")
    assert build_index(settings, e5).exit_code == 0
    return settings.data_dir


@pytest.mark.integration
@pytest.mark.slow
def test_cli_ingest_stays_on_this_machine(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notat.txt").write_text(
        "Kursstøtte\n\nAnsatte som tar fagbrev får dekket eksamensavgiften av kommunen.\n", encoding="utf-8"
    )
    env, log = guarded_env(tmp_path, dict(os.environ))
    env.update(KOMPETANSE_DATA_DIR=str(tmp_path / "data"), KOMPETANSE_CORPUS_DIR=str(corpus))
    done = _run_cli(["ingest"], env, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert read_violations(log) == []


@pytest.mark.integration
@pytest.mark.slow
def test_evals_runner_on_three_questions_stays_on_this_machine(tmp_path: Path, shared_data: Path) -> None:
    lines = [line for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()][:3]
    questions = tmp_path / "tre.jsonl"
    questions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env, log = guarded_env(tmp_path, dict(os.environ))
    env.update(KOMPETANSE_DATA_DIR=str(shared_data), KOMPETANSE_CORPUS_DIR=str(CORPUS_DIR))
    out = tmp_path / "eval.json"
    done = _run_cli(["eval", "--questions", str(questions), "--json", str(out), "--baseline"], env, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert len(result["questions"]) == 3 and len(result["baseline_questions"]) == 3
    assert read_violations(log) == []


@pytest.mark.integration
@pytest.mark.slow
def test_served_app_stays_on_this_machine_and_keeps_questions_out_of_its_log(
    tmp_path: Path, shared_data: Path
) -> None:
    env, log = guarded_env(tmp_path, dict(os.environ))
    env.update(KOMPETANSE_DATA_DIR=str(shared_data), KOMPETANSE_CORPUS_DIR=str(CORPUS_DIR))
    port = free_port()
    out = (tmp_path / "serve.log").open("w", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kompetanse", "-v", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=out,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, trust_env=False, timeout=120) as client:
            deadline = time.monotonic() + 240
            while True:
                assert proc.poll() is None, (tmp_path / "serve.log").read_text(encoding="utf-8")[-3000:]
                try:
                    if client.get("/api/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the app did not come up"
                time.sleep(0.5)
            r = client.post("/api/ask", json={"question": QUESTION})
            assert r.status_code == 200 and not r.json()["refused"]
            assert client.get("/").status_code == 200
    finally:
        stop_process(proc, 30)
        out.close()
    output = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert NAME not in output and FNR not in output
    assert read_violations(log) == [], read_violations(log)


# --------------------------------------------------------------------------- logs


@pytest.mark.integration
def test_questions_are_not_logged_by_default(
    real_assistant: Assistant, app_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    assert real_assistant.settings.log_questions is False
    caplog.set_level(logging.DEBUG)
    real_assistant.ask(QUESTION)
    app_client.post("/api/ask", json={"question": QUESTION})
    app_client.post(
        "/api/ask", json={"question": QUESTION, "history": [{"role": "user", "content": QUESTION}]}
    )
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert NAME not in logged and FNR not in logged and "utdanningspermisjon" not in logged


@pytest.mark.integration
@pytest.mark.parametrize("written", [FNR, "010199 12345"])
def test_with_log_questions_a_fodselsnummer_is_masked(
    real_assistant: Assistant, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, written: str
) -> None:
    monkeypatch.setattr(
        real_assistant, "settings", real_assistant.settings.model_copy(update={"log_questions": True})
    )
    caplog.set_level(logging.INFO)
    real_assistant.ask(f"Mitt fødselsnummer er {written}. Har jeg rett på utdanningspermisjon?")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "utdanningspermisjon" in logged, "log_questions=True should log the question"
    assert written not in logged and written.replace(" ", "") not in logged and "*****" in logged


@pytest.mark.integration
def test_with_log_questions_a_hyphenated_fodselsnummer_is_masked(
    real_assistant: Assistant, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        real_assistant, "settings", real_assistant.settings.model_copy(update={"log_questions": True})
    )
    caplog.set_level(logging.INFO)
    real_assistant.ask("Mitt fødselsnummer er 010199-12345. Har jeg rett på utdanningspermisjon?")
    assert "010199-12345" not in "\n".join(r.getMessage() for r in caplog.records)


@pytest.mark.integration
def test_api_with_log_questions_masks_fodselsnummer(
    real_assistant: Assistant, caplog: pytest.LogCaptureFixture
) -> None:
    from fastapi.testclient import TestClient

    from ui.server import create_app

    settings = real_assistant.settings.model_copy(update={"log_questions": True})
    logging_assistant = open_assistant(settings, real_assistant.embedder)
    caplog.set_level(logging.INFO)
    with TestClient(create_app(settings, logging_assistant)) as client:
        assert client.post("/api/ask", json={"question": QUESTION}).status_code == 200
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert NAME in logged and FNR not in logged


# --------------------------------------------------------------------------- feedback

FEEDBACK_KEYS = {"id", "created_at", "question", "answer", "chunk_ids", "rating", "comment", "role"}


def _stored_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file())


@pytest.mark.integration
def test_feedback_keeps_only_submitted_fields_and_can_be_exported_and_deleted(
    real_assistant: Assistant, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from ui.feedback import FeedbackStore
    from ui.server import create_app

    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    with TestClient(create_app(real_assistant.settings, real_assistant, store)) as client:
        r = client.post(
            "/api/feedback",
            json={
                "question": QUESTION,
                "answer": "Ja [1].",
                "chunk_ids": ["abc"],
                "rating": 1,
                "comment": f"Ring meg, fnr {FNR}",
                "email": "kari@example.no",
                "ip": "10.1.2.3",
            },
            headers={"User-Agent": "SporingsAgent/1.0", "X-Forwarded-For": "10.9.9.9"},
        )
    assert r.status_code == 201
    rows = store.export()
    assert len(rows) == 1 and set(rows[0]) == FEEDBACK_KEYS
    assert rows[0]["rating"] == 1 and rows[0]["chunk_ids"] == ["abc"]
    assert FNR not in json.dumps(rows, ensure_ascii=False)
    raw = _stored_bytes(store.path)
    for secret in (b"kari@example.no", b"10.1.2.3", b"10.9.9.9", b"SporingsAgent", FNR.encode()):
        assert secret not in raw, secret
    assert NAME.encode() in raw  # the question itself was stored, as submitted

    assert store.delete_all() == 1
    assert store.export() == [] and store.count() == 0
    assert NAME.encode() not in _stored_bytes(store.path), "deleted text must not linger in the file"
