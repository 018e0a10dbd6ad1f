"""Many users at once: one Assistant (real e5, embedded Chroma) shared by 16 threads, in-process and over HTTP.

No errors; every answer belongs to its own question (its standalone question is the
thread's own, and the same question gets the same answer whichever thread asks it);
citations resolve; follow-up histories stay separate.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any

import httpx
import pytest

from assistant.condense import standalone_question
from assistant.models import Answer, Turn
from assistant.service import Assistant
from tests.reliability.conftest import (
    LiveServer,
    assert_citations_resolve,
    assert_json_citations_resolve,
    dev_questions,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

THREADS = 16
FOLLOW_UPS = (
    "Og hva med lønn?",
    "Hva med tillitsvalgte?",
    "Og hvor lenge kan den vare?",
    "Gjelder det deltid?",
)


def _run_threads(target: Any, n: int) -> list[tuple[int, str]]:
    """Start ``n`` threads on ``target(i)`` at the same moment; returns (thread, error) pairs."""
    barrier = threading.Barrier(n)
    errors: list[tuple[int, str]] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=120)
            target(i)
        except BaseException as exc:  # recorded, asserted in the test thread
            errors.append((i, repr(exc)))

    threads = [threading.Thread(target=run, args=(i,), name=f"user-{i}") for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=900)
        assert not t.is_alive(), f"{t.name} hangs"
    return errors


def test_sixteen_threads_share_one_assistant_without_cross_talk(real_assistant: Assistant) -> None:
    questions = dev_questions()[:THREADS]
    assert len(set(questions)) == THREADS
    results: dict[int, list[tuple[str, tuple[Turn, ...], Answer]]] = {}

    def user(i: int) -> None:
        own, other = questions[i], questions[(i + 5) % THREADS]
        first = real_assistant.ask(own)
        second = real_assistant.ask(other)
        history = (Turn("user", own), Turn("assistant", first.text))
        follow_up = FOLLOW_UPS[i % len(FOLLOW_UPS)]
        third = real_assistant.ask(follow_up, history)
        results[i] = [(own, (), first), (other, (), second), (follow_up, history, third)]

    errors = _run_threads(user, THREADS)
    assert errors == []
    assert len(results) == THREADS

    same_question: dict[str, set[tuple[str, tuple[str, ...]]]] = defaultdict(set)
    for i, asked in results.items():
        for question, history, answer in asked:
            assert answer.question == question
            assert answer.standalone_question == standalone_question(question, history)
            assert_citations_resolve(answer)
            if not history:
                same_question[question].add((answer.text, tuple(c.chunk_id for c in answer.citations)))
        follow_up = asked[2][2]
        assert follow_up.standalone_question.startswith(questions[i]), "a follow-up lost its own history"
        others = [q for j, q in enumerate(questions) if j != i]
        assert not any(q in follow_up.standalone_question for q in others), "history leaked between users"
    assert all(len(v) == 1 for v in same_question.values()), "one question, different answers"
    for i in (0, 7):  # and the same as when asked alone
        alone = real_assistant.ask(questions[i])
        assert (alone.text, tuple(c.chunk_id for c in alone.citations)) in same_question[questions[i]]


def test_sixteen_http_clients_against_the_app_without_cross_talk(real_assistant: Assistant) -> None:
    questions = dev_questions()[THREADS : THREADS + THREADS // 2]
    results: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}

    with LiveServer(real_assistant.settings, real_assistant) as live:

        def user(i: int) -> None:
            own = questions[i % len(questions)]
            with httpx.Client(base_url=live.url, trust_env=False, timeout=600) as client:
                first = client.post("/api/ask", json={"question": own})
                assert first.status_code == 200, first.text
                history = [
                    {"role": "user", "content": own},
                    {"role": "assistant", "content": first.json()["answer"]},
                ]
                follow_up = FOLLOW_UPS[i % len(FOLLOW_UPS)]
                second = client.post("/api/ask", json={"question": follow_up, "history": history})
                assert second.status_code == 200, second.text
                results[i] = (first.json(), second.json())

        errors = _run_threads(user, THREADS)
    assert errors == []

    answers: dict[str, set[str]] = defaultdict(set)
    for i, (first, second) in results.items():
        own = questions[i % len(questions)]
        assert first["question"] == own and first["standalone_question"] == own
        assert second["question"] == FOLLOW_UPS[i % len(FOLLOW_UPS)]
        history = (Turn("user", own), Turn("assistant", first["answer"]))
        assert second["standalone_question"] == standalone_question(second["question"], history)
        assert second["standalone_question"].startswith(own)
        assert_json_citations_resolve(first)
        assert_json_citations_resolve(second)
        answers[own].add(first["answer"])
    assert all(len(v) == 1 for v in answers.values()), "one question, different answers"


def test_the_load_test_tool_runs_bounded_against_the_app(real_assistant: Assistant) -> None:
    import json
    import subprocess
    import sys

    from core.settings import REPO_ROOT

    tool = REPO_ROOT / "tools" / "loadtest.py"
    with LiveServer(real_assistant.settings, real_assistant) as live:
        done = subprocess.run(
            [
                sys.executable,
                str(tool),
                live.url,
                "--clients",
                "4",
                "--duration",
                "3",
                "--warmup",
                "1",
                "--json",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] > 0 and report["errors"] == 0
    assert report["latency_ms"]["p50"] <= report["latency_ms"]["p95"] <= report["latency_ms"]["p99"]
    refused = subprocess.run(
        [sys.executable, str(tool), "http://192.0.2.1:7860", "--duration", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2 and "127.0.0.1" in refused.stderr
