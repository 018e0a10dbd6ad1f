"""Fuzz the HTTP API from its own OpenAPI description (schemathesis 4, in-process ASGI).

Every operation gets a bounded number of generated requests, valid ones and deliberately
invalid ones: none may cause a 5xx, every error must be the documented ``{"error": ...}``
object, and every response should match what the OpenAPI description promises.
Problems are collected per check (not raised inside Hypothesis, so nothing is shrunk and
the run stays bounded in time) and asserted afterwards.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assistant.service import Assistant
from core.settings import load_settings

pytestmark = pytest.mark.integration

# Known bug (see test_a_path_with_a_line_break_gets_the_api_error_shape): such paths leave /api.
_ENCODED_LINE_BREAK = re.compile(r"%0[AD]|[\r\n]", re.IGNORECASE)
CONFORMANCE = (status_code_conformance, content_type_conformance, response_schema_conformance)
Problems = dict[str, list[str]]


def _examine(case: Any, label: str, problems: Problems) -> None:
    """Send one generated request and record what is wrong with the response."""
    response = case.call()
    where = f"{label} -> {response.status_code}"
    try:
        case.validate_response(response, checks=[not_a_server_error])
    except (Exception, BaseExceptionGroup) as exc:  # schemathesis raises a BaseExceptionGroup
        problems["server_error"].append(f"{where}: {exc}"[:600])
    if response.status_code >= 400 and not _ENCODED_LINE_BREAK.search(str(case.path_parameters)):
        body = response.json()
        if not (isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"]):
            problems["error_shape"].append(f"{where}: {str(body)[:200]}")
    for check in CONFORMANCE:
        try:
            case.validate_response(response, checks=[check])
        except (Exception, BaseExceptionGroup) as exc:
            problems[check.__name__].append(f"{where}: {str(exc).splitlines()[0][:300]}")


def _runner(
    operation: Any, mode: GenerationMode, max_examples: int, problems: Problems, calls: list[int]
) -> Any:
    label = f"{mode.name} {operation.label}"

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        calls.append(1)
        _examine(case, label, problems)

    return run


def fuzz(
    app: Any,
    *,
    max_examples: int,
    operations: Iterable[str] | None = None,
    modes: Iterable[GenerationMode] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
) -> tuple[Problems, int]:
    """Run generated requests against ``app``; returns problems by check name and the request count."""
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    wanted = set(operations) if operations is not None else None
    problems: Problems = defaultdict(list)
    calls: list[int] = []
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):
            problems["invalid_schema"].append(str(result.err()))
            continue
        operation = result.ok()
        if wanted is not None and operation.label not in wanted:
            continue
        for mode in modes:
            try:
                _runner(operation, mode, max_examples, problems, calls)()
            except Unsatisfiable:
                # An operation without inputs (GET /health) has no invalid requests to generate.
                assert mode is GenerationMode.NEGATIVE, operation.label
    return dict(problems), len(calls)


@pytest.fixture(scope="module")
def fake_results(tmp_path_factory: pytest.TempPathFactory) -> tuple[Problems, int, float]:
    """Fuzz every operation of the real app over the scripted assistant (25 examples per operation and mode)."""
    from tests.ui.fake_assistant import FakeAssistant
    from ui.server import create_app

    settings = load_settings(data_dir=tmp_path_factory.mktemp("fuzz") / "data", embedding={"backend": "hash"})
    app = create_app(settings, FakeAssistant(settings=settings))
    started = time.perf_counter()
    problems, calls = fuzz(app, max_examples=25)
    return problems, calls, time.perf_counter() - started


def test_no_generated_request_causes_a_server_error(fake_results: tuple[Problems, int, float]) -> None:
    problems, calls, seconds = fake_results
    assert calls >= 7 * 2 * 10, f"only {calls} requests were generated"
    assert problems.get("server_error", []) == [] and problems.get("invalid_schema", []) == []
    assert seconds < 60, f"fuzzing took {seconds:.0f} s"


def test_every_error_is_a_json_object_with_a_message(fake_results: tuple[Problems, int, float]) -> None:
    problems, _, _ = fake_results
    assert problems.get("error_shape", []) == []


def test_responses_conform_to_the_openapi_description(fake_results: tuple[Problems, int, float]) -> None:
    problems, _, _ = fake_results
    conformance = {
        name: found for name, found in problems.items() if name in {c.__name__ for c in CONFORMANCE}
    }
    assert conformance == {}


def test_a_path_with_a_line_break_gets_the_api_error_shape(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from tests.ui.fake_assistant import FakeAssistant
    from ui.server import create_app

    settings = load_settings(data_dir=tmp_path / "data", embedding={"backend": "hash"})
    client = TestClient(create_app(settings, FakeAssistant(settings=settings)))
    r = client.get("/api/provisions/HTA%0A14.2")
    assert r.status_code == 404 and "error" in r.json(), r.text


def test_a_body_that_is_not_utf8_gets_a_norwegian_error(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from tests.ui.fake_assistant import FakeAssistant
    from ui.server import create_app

    settings = load_settings(data_dir=tmp_path / "data", embedding={"backend": "hash"})
    client = TestClient(create_app(settings, FakeAssistant(settings=settings)))
    r = client.post(
        "/api/ask", content=b'{"question": "p\xe5"}', headers={"content-type": "application/json"}
    )
    assert r.status_code in (400, 422) and r.json()["error"] != "There was an error parsing the body"


@pytest.mark.slow
def test_the_real_assistant_survives_generated_requests(real_assistant: Assistant, tmp_path: Path) -> None:
    from ui.feedback import FeedbackStore
    from ui.server import create_app

    app = create_app(real_assistant.settings, real_assistant, FeedbackStore(tmp_path / "feedback.sqlite3"))
    started = time.perf_counter()
    problems, calls = fuzz(
        app,
        max_examples=10,
        operations=("POST /ask", "GET /provisions/{ref}", "GET /provisions", "GET /samtale"),
    )
    assert calls >= 40
    assert problems.get("server_error", []) == []
    assert problems.get("error_shape", []) == []
    assert time.perf_counter() - started < 120
