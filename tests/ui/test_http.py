"""The API over real HTTP: uvicorn on a free loopback port, called with httpx.

Once with the fake assistant (fast), once with the real one on the bundled corpus.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from assistant.service import Assistant
from core.settings import REPO_ROOT, Settings, load_settings
from tests.processes import free_port
from tests.ui.fake_assistant import FakeAssistant
from ui.feedback import FeedbackStore
from ui.server import create_app


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Run ``app`` with uvicorn in a background thread; yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(15)


def check_every_endpoint(base: str, question: str, provision: str) -> dict[str, Any]:
    """Call each /api endpoint once and check the essentials; returns the answer JSON."""
    with httpx.Client(base_url=base, timeout=120) as http:
        health = http.get("/api/health")
        assert health.status_code == 200, health.text
        assert health.json()["status"] == "ok" and health.json()["documents"] >= 2
        answer = http.post("/api/ask", json={"question": question, "role": "ansatt"})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert not body["refused"] and body["citations"]
        follow = http.post(
            "/api/ask",
            json={
                "question": "Hvor lang tid har arbeidsgiver på å svare?",
                "history": [
                    {"role": "user", "content": question},
                    {"role": "assistant", "content": body["answer"]},
                ],
            },
        )
        assert follow.status_code == 200
        refused = http.post("/api/ask", json={"question": "Hvor mange feriedager har jeg?"}).json()
        assert refused["refused"] is True and refused["citations"] == []
        assert http.post("/api/ask", json={"question": " "}).status_code == 422
        view = http.get(f"/api/provisions/{provision}")
        assert view.status_code == 200 and view.json()["text"]
        assert http.get("/api/provisions/§ 999-1").status_code == 404
        assert http.get("/api/provisions", params={"q": "utdanningspermisjon"}).json()["count"] >= 1
        assert http.get("/api/documents").json()["count"] >= 2
        samtale = http.get("/api/samtale", params={"focus": "videreutdanning"}).json()
        assert samtale["items"] and samtale["markdown"].startswith("# ")
        fb = http.post(
            "/api/feedback",
            json={
                "question": question,
                "answer": body["answer"],
                "chunk_ids": [c["chunk_id"] for c in body["citations"]],
                "rating": 1,
            },
        )
        assert fb.status_code == 201
        assert "/ask" in http.get("/api/openapi.json").json()["paths"]
        assert http.get("/").status_code == 200  # the web app shares the process
    return body


@pytest.mark.e2e
def test_api_over_http_with_fake(settings: Settings, tmp_path: Path) -> None:
    store = FeedbackStore.in_data_dir(tmp_path)
    with serving(create_app(settings, FakeAssistant(settings=settings), store)) as base:
        check_every_endpoint(base, "Har jeg rett på utdanningspermisjon?", "aml. § 12-11")
        # many users at once: blocking calls run in the thread pool, none is lost
        with httpx.Client(base_url=base, timeout=60) as http, ThreadPoolExecutor(8) as pool:
            codes = list(
                pool.map(
                    lambda i: http.post("/api/ask", json={"question": f"Spørsmål {i}?"}).status_code,
                    range(24),
                )
            )
        assert codes == [200] * 24
    assert store.count() == 1


@pytest.fixture(scope="module")
def real_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real assistant (bundled corpus ingested with the default e5 embedder) served over HTTP."""
    from ingest.pipeline import ensure_index

    settings = load_settings(data_dir=tmp_path_factory.mktemp("real-data"), corpus_dir=REPO_ROOT / "corpus")
    ensure_index(settings)
    with serving(create_app(settings, Assistant.from_settings(settings))) as base:
        yield base
    assert (settings.data_dir / "feedback.sqlite3").exists()


@pytest.mark.integration
@pytest.mark.e2e
@pytest.mark.slow
def test_api_over_http_with_the_real_assistant(real_base: str) -> None:
    body = check_every_endpoint(real_base, "Har jeg rett på utdanningspermisjon?", "aml. § 12-11")
    assert any(c["provision"] == "aml. § 12-11" for c in body["citations"]), body["citations"]
    assert body["method"] == "extractive"


@pytest.mark.integration
@pytest.mark.e2e
@pytest.mark.slow
def test_out_of_scope_follow_up_is_refused(real_base: str) -> None:
    first = "Har jeg rett på utdanningspermisjon?"
    with httpx.Client(base_url=real_base, timeout=120) as http:
        answer = http.post("/api/ask", json={"question": first}).json()
        follow = http.post(
            "/api/ask",
            json={
                "question": "Hvor mange feriedager har jeg?",
                "history": [
                    {"role": "user", "content": first},
                    {"role": "assistant", "content": answer["answer"]},
                ],
            },
        ).json()
    assert follow["refused"] is True, follow["answer"]
