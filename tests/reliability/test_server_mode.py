"""Server mode: the index in a real ``chroma run`` server on loopback instead of the embedded store.

The bundled corpus is ingested through the server, answered end to end in-process and over
HTTP; then the server is stopped while the app runs (a clear Norwegian message, HTTP 503
with ``{"error": ...}``, no stack trace) and restarted on the same port with the same
folder (the app resumes by itself, without a restart).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from assistant.service import Assistant
from core.errors import IndexUnavailableError
from core.settings import Settings
from tests.chroma_server import ChromaServer
from tests.reliability.conftest import (
    LiveServer,
    MemoEmbeddings,
    assert_citations_resolve,
    assert_json_citations_resolve,
    build_index,
    corpus_settings,
    open_assistant,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

QUESTION = "Må jeg varsle arbeidsgiveren skriftlig før utdanningspermisjon?"


@pytest.fixture(scope="module")
def chroma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """A private Chroma server this module may stop and restart."""
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "data")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def server_settings(
    chroma: ChromaServer, tmp_path_factory: pytest.TempPathFactory, e5: MemoEmbeddings
) -> Settings:
    """The bundled corpus ingested through the server (real pipeline, real e5 vectors)."""
    settings = corpus_settings(
        tmp_path_factory.mktemp("server-mode") / "data",
        chroma={"host": chroma.host, "port": chroma.port, "collection": "kompetanse-server"},
    )
    report = build_index(settings, e5)
    assert report.exit_code == 0 and report.count("added") >= 2
    assert not settings.chroma_dir.exists(), "server mode must not write an embedded store"
    return settings


def test_answers_through_the_server_equal_the_embedded_ones(
    server_settings: Settings, e5: MemoEmbeddings, real_assistant: Assistant
) -> None:
    assistant = open_assistant(server_settings, e5)
    answer = assistant.ask(QUESTION)
    assert not answer.refused
    assert_citations_resolve(answer)
    embedded = real_assistant.ask(QUESTION)
    assert answer.text == embedded.text
    assert [c.chunk_id for c in answer.citations] == [c.chunk_id for c in embedded.citations]
    assert {d.doc_id for d in assistant.documents()} == {d.doc_id for d in real_assistant.documents()}


def test_server_outage_answers_from_the_snapshot_reports_503_elsewhere_and_resumes_after_restart(
    chroma: ChromaServer, server_settings: Settings, e5: MemoEmbeddings
) -> None:
    assistant = open_assistant(server_settings, e5)
    with (
        LiveServer(server_settings, assistant) as live,
        httpx.Client(base_url=live.url, trust_env=False, timeout=120) as client,
    ):
        before = client.post("/api/ask", json={"question": QUESTION})
        assert before.status_code == 200, before.text
        assert_json_citations_resolve(before.json())

        chroma.stop()
        started = time.perf_counter()
        # Questions are answered from the snapshot in memory, even after the change check has come due.
        assistant._checked_at = 0.0  # type: ignore[attr-defined]
        during = client.post("/api/ask", json={"question": QUESTION})
        assert during.status_code == 200, during.text
        assert during.json()["answer"] == before.json()["answer"]
        with pytest.raises(IndexUnavailableError) as info:
            assistant.documents()
        message = info.value.message
        assert "Indeksen kan ikke brukes akkurat nå" in message and "Prøv igjen" in message
        assert f"{chroma.host}:{chroma.port}" in info.value.detail
        r = client.get("/api/documents")
        assert r.status_code == 503, (r.status_code, r.text)
        assert r.headers["content-type"].startswith("application/json")
        assert r.json() == {"error": message}, r.text
        assert "Traceback" not in r.text and 'File "' not in r.text
        # A provision is looked up in the lexical snapshot in memory: still served during the outage.
        assert client.get("/api/provisions/HTA 14.2").status_code == 200
        health = client.get("/api/health")
        assert health.status_code == 503 and health.json()["status"] == "unavailable"
        assert time.perf_counter() - started < 30, "failing should be quick, not hang"

        chroma.start()  # same port, same folder; the app is not restarted
        after = client.post("/api/ask", json={"question": QUESTION})
        assert after.status_code == 200, after.text
        assert after.json()["answer"] == before.json()["answer"]
        assert client.get("/api/health").json()["status"] == "ok"
        assert not assistant.ask(QUESTION).refused
