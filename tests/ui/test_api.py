"""The /api routes with a fake assistant: contract, validation, errors and login."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.errors import EmptyIndexError, IndexUnavailableError, KompetanseError
from core.settings import Settings
from tests.ui.fake_assistant import FakeAssistant, with_ui
from ui.api import create_api
from ui.feedback import FeedbackStore

pytestmark = pytest.mark.unit

ANSWER_KEYS = {
    "question", "standalone_question", "answer", "lead", "refused", "answerability", "uncovered", "nearest_only",
    "method", "notices", "citations", "passages", "timings",
}  # fmt: skip


@pytest.fixture
def fake(settings: Settings) -> FakeAssistant:
    return FakeAssistant(settings=settings)


@pytest.fixture
def store(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore.in_data_dir(tmp_path)


@pytest.fixture
def client(settings: Settings, fake: FakeAssistant, store: FeedbackStore) -> Iterator[TestClient]:
    with TestClient(create_api(settings, fake, store), raise_server_exceptions=False) as c:
        yield c


def test_ask_returns_the_answer_json_contract(client: TestClient, fake: FakeAssistant) -> None:
    r = client.post(
        "/ask",
        json={
            "question": "Kan jeg få lønn under permisjonen?",
            "history": [
                {"role": "user", "content": "Har jeg rett på utdanningspermisjon?"},
                {"role": "assistant", "content": "Ja [1]."},
            ],
            "role": "leder",
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == ANSWER_KEYS
    assert body["citations"][0]["quote"] in body["passages"][0]["text"]
    method, question, history, role = fake.calls[-1]
    assert (method, question, role) == ("ask", "Kan jeg få lønn under permisjonen?", "leder")
    assert [(t.role, t.content) for t in history] == [
        ("user", "Har jeg rett på utdanningspermisjon?"),
        ("assistant", "Ja [1]."),
    ]


def test_refusal_comes_back_as_refused(client: TestClient) -> None:
    body = client.post("/ask", json={"question": "Hvor mange feriedager har jeg?"}).json()
    assert body["refused"] is True and body["citations"] == []


@pytest.mark.parametrize("question", ["", "   \n "])
def test_empty_question_is_422_with_a_clear_norwegian_message(client: TestClient, question: str) -> None:
    r = client.post("/ask", json={"question": question})
    assert r.status_code == 422
    assert r.json()["error"] == "Spørsmålet er tomt. Skriv et spørsmål."


def test_missing_question_and_bad_role_are_422(client: TestClient) -> None:
    r = client.post("/ask", json={})
    assert r.status_code == 422 and "«question» mangler" in r.json()["error"]
    r = client.post("/ask", json={"question": "Hei", "role": "sjef"})
    assert r.status_code == 422 and "«role»" in r.json()["error"]
    r = client.post("/ask", content=b"{ikke json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "error" in r.json()


def test_question_is_capped_by_the_setting(client: TestClient, settings: Settings) -> None:
    # One cap (retrieval.max_question_chars): the API refuses longer questions; the assistant
    # truncates longer text from other callers to the same length (tests/reliability).
    limit = settings.retrieval.max_question_chars
    r = client.post("/ask", json={"question": ("utdanningspermisjon " * limit)[: limit - 1] + "?"})
    assert r.status_code == 200 and not r.json()["notices"]
    too_long = client.post("/ask", json={"question": "x" * (limit + 1)})
    assert too_long.status_code == 422
    assert too_long.json()["error"] == f"Spørsmålet er for langt (høyst {limit} tegn). Skriv det kortere."


def test_provision_lookup_and_404(client: TestClient) -> None:
    r = client.get("/provisions/aml. § 12-11")
    assert r.status_code == 200 and r.json()["provision"] == "aml. § 12-11"
    assert r.json()["references"] == ["aml. § 12-14"]
    missing = client.get("/provisions/§ 99-99")
    assert missing.status_code == 404
    assert missing.json()["error"].startswith("Fant ingen bestemmelse for «§ 99-99»")
    chapter = client.get("/provisions/aml. § 12")  # quoted in part: the 404 names the parts that are indexed
    assert chapter.status_code == 404 and "aml. § 12-11" in chapter.json()["error"]


def test_an_ambiguous_provision_lists_the_candidates(client: TestClient) -> None:
    r = client.get("/provisions/14.2")
    assert r.status_code == 409
    assert r.json()["candidates"] == ["HTA kap. 1 pkt. 14.2", "Lønnspolitikk pkt. 14.2"]
    assert "finnes i flere dokumenter" in r.json()["error"]


def test_provision_search(client: TestClient) -> None:
    body = client.get("/provisions", params={"q": "lønn"}).json()
    assert body["count"] == 1 and body["provisions"][0]["provision"] == "HTA kap. 1 pkt. 14.2"
    assert client.get("/provisions").json()["count"] == 2


def test_documents_samtale_health(client: TestClient) -> None:
    docs = client.get("/documents").json()
    assert docs["count"] == 2 and {"doc_id", "chunks", "provisions"} <= set(docs["documents"][0])
    samtale = client.get("/samtale", params={"focus": "digital", "limit": 2}).json()
    assert len(samtale["items"]) == 2 and samtale["markdown"].startswith("# Forberedelse")
    health = client.get("/health")
    assert health.status_code == 200
    assert health.json() == {"embedder": "hash", "llm": "none", "status": "ok", "documents": 2, "chunks": 3}


def test_feedback_is_stored_locally(client: TestClient, store: FeedbackStore) -> None:
    r = client.post(
        "/feedback",
        json={"question": "Q", "answer": "A [1]", "chunk_ids": ["c1"], "rating": -1, "comment": "Feil kilde"},
    )
    assert r.status_code == 201 and r.json()["stored"] is True
    assert store.export()[0]["comment"] == "Feil kilde" and store.export()[0]["role"] == ""
    with_role = {"question": "Q", "answer": "A", "rating": 1, "role": "leder"}
    assert client.post("/feedback", json=with_role).status_code == 201
    assert store.export()[1]["role"] == "leder"
    assert client.post("/feedback", json={**with_role, "role": "sjef"}).status_code == 422
    assert client.post("/feedback", json={"question": "Q", "answer": "A", "rating": 3}).status_code == 422


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (IndexUnavailableError("Indeksen er utilgjengelig."), 503),
        (EmptyIndexError("Indeksen er tom."), 503),
        (KompetanseError("Noe er feil satt opp."), 500),
    ],
)
def test_kompetanse_errors_keep_their_message(
    client: TestClient, fake: FakeAssistant, error: Exception, status: int
) -> None:
    fake.fail_with = error
    r = client.post("/ask", json={"question": "Hei?"})
    assert r.status_code == status and r.json() == {"error": str(error)}


def test_health_reports_unavailable_index(client: TestClient, fake: FakeAssistant) -> None:
    fake.fail_with = IndexUnavailableError("Finner ikke Chroma-serveren.")
    r = client.get("/health")
    assert r.status_code == 503 and r.json()["status"] == "unavailable"


def test_unexpected_errors_are_logged_and_generic(
    client: TestClient, fake: FakeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    fake.fail_with = RuntimeError("secret internals /etc/passwd")
    with caplog.at_level(logging.ERROR, logger="ui.api"):
        r = client.get("/documents")
    assert r.status_code == 500
    assert "secret" not in r.text and r.json()["error"].startswith("Noe gikk galt")
    assert "Traceback" in caplog.text and "secret internals" in caplog.text


def test_unknown_route_is_404_json(client: TestClient) -> None:
    r = client.get("/nope")
    assert r.status_code == 404 and r.json() == {"error": "Fant ikke det du spurte etter."}


def test_openapi_response_schema_shows_answerability_and_uncovered(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    answer = schema["components"]["schemas"]["AnswerJSON"]["properties"]
    assert answer["answerability"]["enum"] == ["answer", "partial", "refuse"]
    assert answer["uncovered"]["type"] == "array"
    assert answer["nearest_only"]["type"] == "boolean"


def test_openapi_schema_is_local_and_docs_pages_are_off(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/ask", "/provisions/{ref}", "/health", "/feedback", "/samtale", "/documents"} <= set(
        schema["paths"]
    )
    assert client.get("/docs").status_code == 404  # Swagger UI would load scripts from a CDN


def test_login_required_when_configured(
    fake: FakeAssistant, store: FeedbackStore, settings: Settings
) -> None:
    secured = with_ui(settings, username="admin", password="hemmelig")
    with TestClient(create_api(secured, fake, store)) as c:
        assert c.get("/health").status_code == 401
        assert c.get("/health", auth=("admin", "feil")).status_code == 401
        assert c.get("/health", auth=("admin", "hemmelig")).status_code == 200


@pytest.mark.parametrize("question", ["", "   ", "\n\t", "\u00a0"])
def test_schema_says_a_question_needs_a_non_space_character(
    client: TestClient, settings: Settings, question: str
) -> None:
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    field = schema["AskRequest"]["properties"]["question"]
    limit = settings.retrieval.max_question_chars  # the one cap, from Settings
    assert field["pattern"] == r"\S" and field["minLength"] == 1 and field["maxLength"] == limit
    assert schema["HistoryTurn"]["properties"]["content"]["pattern"] == r"\S"
    r = client.post("/ask", json={"question": question})
    assert r.status_code == 422 and r.json()["error"] == "Spørsmålet er tomt. Skriv et spørsmål."
    turn = {"role": "user", "content": question}
    r = client.post("/ask", json={"question": "Hei?", "history": [turn]})
    assert r.status_code == 422 and "tomt" in r.json()["error"]


def test_the_question_cap_is_the_setting(
    settings: Settings, fake: FakeAssistant, store: FeedbackStore
) -> None:
    capped = settings.model_copy(
        update={"retrieval": settings.retrieval.model_copy(update={"max_question_chars": 60})}
    )
    with TestClient(create_api(capped, fake, store)) as c:
        schema = c.get("/openapi.json").json()["components"]["schemas"]
        assert schema["AskRequest"]["properties"]["question"]["maxLength"] == 60
        assert c.post("/ask", json={"question": "x" * 60}).status_code == 200
        r = c.post("/ask", json={"question": "x" * 61})
        assert (
            r.status_code == 422
            and r.json()["error"] == "Spørsmålet er for langt (høyst 60 tegn). Skriv det kortere."
        )
