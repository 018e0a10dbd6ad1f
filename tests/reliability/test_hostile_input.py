"""Hostile and bad input against the real product: real e5, real embedded Chroma, the bundled corpus.

Each test states the promised behaviour for one kind of input: empty and huge questions,
control characters and lone surrogates, markup in a question. ``test_injection.py`` has
instructions hidden in a question or a document (and markup in a document),
``test_hostile_files.py`` odd upload names and files built to break the ingest.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.models import Answer, Turn
from assistant.question import NOTICE_TRUNCATED, sanitise_question
from assistant.refusal import EMPTY_QUESTION_TEXT
from assistant.service import Assistant
from tests.reliability.conftest import (
    assert_citations_resolve,
)

pytestmark = pytest.mark.integration

XSS = "<script>alert(1)</script>"
# C0/C1 controls the sanitiser promises to remove (tab/newline become spaces).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")


def _clean(text: str) -> bool:
    return not _CONTROL_RE.search(text) and not _SURROGATE_RE.search(text)


def _json_safe(answer: Answer) -> dict[str, Any]:
    """The answer JSON exactly as the API would encode it (UTF-8; raises on lone surrogates)."""
    raw = json.dumps(answer.to_dict(), ensure_ascii=False).encode("utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data


@pytest.fixture(scope="module")
def client(real_assistant: Assistant) -> Iterator[Any]:
    """The real app (API + UI) in-process over the real assistant."""
    from fastapi.testclient import TestClient

    from ui.server import create_app

    app = create_app(real_assistant.settings, real_assistant)
    with TestClient(app) as test_client:
        yield test_client


# --------------------------------------------------------------------------- empty and huge questions


class _EmbedSpy:
    """Wraps an embedder: records the length of every text embedded and the time spent embedding."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.lengths: list[int] = []
        self.seconds = 0.0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def embed_query(self, text: str) -> list[float]:
        started = time.perf_counter()
        try:
            return list(self.inner.embed_query(text))
        finally:
            self.seconds += time.perf_counter() - started
            self.lengths.append(len(text))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        started = time.perf_counter()
        try:
            return [list(v) for v in self.inner.embed_documents(texts)]
        finally:
            self.seconds += time.perf_counter() - started
            self.lengths.extend(len(t) for t in texts)


@pytest.mark.parametrize("question", ["", "   ", "\n\t \r\n", "\u200b\ufeff\u2028", "\x00\x07\x1b\x7f"])
def test_empty_question_gets_a_prompt_without_retrieval(
    real_assistant: Assistant, question: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def search(q: str, *args: Any, **kwargs: Any) -> list[Any]:
        calls.append(q)
        return []

    spy = _EmbedSpy(real_assistant.embedder)
    monkeypatch.setattr(real_assistant.searcher, "search", search)
    monkeypatch.setattr(real_assistant, "embedder", spy)
    answer = real_assistant.ask(question)
    assert answer.refused and answer.text == EMPTY_QUESTION_TEXT
    assert calls == [] and spy.lengths == [] and answer.passages == () and "retrieve_ms" not in answer.timings


def test_empty_question_over_the_api_is_a_norwegian_prompt(client: Any) -> None:
    blank = client.post("/api/ask", json={"question": "   \n"})
    assert blank.status_code == 422 and blank.json()["error"] == "Spørsmålet er tomt. Skriv et spørsmål."
    invisible = client.post("/api/ask", json={"question": "\u200b\ufeff"})
    assert invisible.status_code == 200
    assert invisible.json()["answer"] == EMPTY_QUESTION_TEXT and invisible.json()["passages"] == []


def _timed_ask(
    assistant: Assistant, question: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[Answer, float, _EmbedSpy]:
    limit = assistant.settings.retrieval.max_question_chars
    assistant.ask(sanitise_question(question, limit)[0])  # warm the model and the sentence vectors
    spy = _EmbedSpy(assistant.embedder)
    monkeypatch.setattr(assistant, "embedder", spy)
    monkeypatch.setattr(assistant.searcher, "embedder", spy)
    started = time.perf_counter()
    answer = assistant.ask(question)
    return answer, time.perf_counter() - started, spy


def test_100k_character_question_is_answered_truncated_with_notice_and_fast(
    real_assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = real_assistant.settings.retrieval.max_question_chars
    sentence = "Har jeg rett på utdanningspermisjon når jeg har vært ansatt hos arbeidsgiveren i to år? "
    question = (sentence * (100_000 // len(sentence) + 1))[:100_000]
    answer, elapsed, spy = _timed_ask(real_assistant, question, monkeypatch)
    assert NOTICE_TRUNCATED.format(n=limit) in answer.notices
    assert len(answer.question) <= limit and len(answer.standalone_question) <= limit
    assert max(spy.lengths, default=0) <= limit, "the embedder must only see the truncated question"
    assert not answer.refused and answer.citations
    assert_citations_resolve(answer)
    # Everything but the (bounded) model call: sanitising, BM25, fusion, the extractive answer.
    assert elapsed - spy.seconds < 3.0, f"{elapsed - spy.seconds:.2f} s outside the embedder"


def test_100k_character_single_word_is_handled_fast(
    real_assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer, elapsed, spy = _timed_ask(real_assistant, "utdanningspermisjon" * 5300, monkeypatch)
    assert elapsed - spy.seconds < 3.0, f"{elapsed - spy.seconds:.2f} s outside the embedder"
    assert any("første" in n for n in answer.notices)
    assert_citations_resolve(answer)


def test_question_limits_over_the_api(client: Any, real_assistant: Assistant) -> None:
    # One cap, retrieval.max_question_chars: at it the API answers in full, beyond it 422.
    limit = real_assistant.settings.retrieval.max_question_chars
    question = ("Har jeg rett på utdanningspermisjon? " * limit)[: limit - 1].rstrip() + "?"
    at_limit = client.post("/api/ask", json={"question": question})
    assert at_limit.status_code == 200 and not any("første" in n for n in at_limit.json()["notices"])
    over = client.post("/api/ask", json={"question": "x" * (limit + 1)})
    assert over.status_code == 422 and "for langt" in over.json()["error"]


# --------------------------------------------------------------------------- control characters, surrogates

HOSTILE_QUESTIONS = [
    "Har jeg rett på utdanningspermisjon?\x00\x01\x1b[31m\x7f",
    "\ud800Har jeg rett\udfff på utdanningspermisjon?\udc80",
    "Har\u200b jeg rett på\ufeff utdanningspermisjon\u2028?\x85",
    "utdanningspermisjon\r\n\r\n\t\x0b\x0c arbeidsmiljøloven § 12-11",
]


@pytest.mark.parametrize("question", HOSTILE_QUESTIONS)
def test_control_characters_and_lone_surrogates_are_cleaned(real_assistant: Assistant, question: str) -> None:
    answer = real_assistant.ask(question)
    assert _clean(answer.question) and _clean(answer.standalone_question)
    assert not answer.refused, "the readable part is an in-scope question"
    assert_citations_resolve(answer)
    _json_safe(answer)


def test_lone_surrogates_and_controls_over_the_api(client: Any) -> None:
    # JSON may legally escape a lone surrogate; the bodies are built by hand so they really arrive.
    controls = b'{"question": "Har jeg rett p\\u00e5 utdanningspermisjon?\\u0000\\u001b\\u0085"}'
    r = client.post("/api/ask", content=controls, headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text
    assert _clean(r.json()["question"]) and r.json()["citations"]
    for body in (
        b'{"question": "\\ud800Har jeg rett p\\u00e5 utdanningspermisjon?"}',
        b'{"question": "Og hva med l\\u00f8nn?", "history": [{"role": "user", "content": "Ja\\udfff"}]}',
        b'{"question": "Har jeg rett',  # cut off
    ):
        r = client.post("/api/ask", content=body, headers={"content-type": "application/json"})
        assert r.status_code == 422, (body, r.status_code, r.text)
        assert r.headers["content-type"].startswith("application/json")
        assert r.json()["error"] and "Traceback" not in r.text
    latin1 = b'{"question": "Har jeg rett p\xe5 utdanningspermisjon?"}'  # a Latin-1 byte: not UTF-8
    r = client.post("/api/ask", content=latin1, headers={"content-type": "application/json"})
    assert r.status_code in (400, 422) and r.json()["error"] and "Traceback" not in r.text


def test_lone_surrogate_in_history_does_not_break_a_follow_up(real_assistant: Assistant) -> None:
    history = [Turn("user", "Har jeg rett på utdanningspermisjon?\ud800"), Turn("assistant", "Ja [1].")]
    answer = real_assistant.ask("Og hva med lønn?", history)
    assert _clean(answer.standalone_question)
    _json_safe(answer)


# --------------------------------------------------------------------------- markup


def test_markup_in_a_question_never_reaches_the_page_unescaped(
    client: Any, real_assistant: Assistant
) -> None:
    from ui import render, render_tabs

    question = f"{XSS} Har jeg rett på utdanningspermisjon? <img src=x onerror=alert(2)> {{{{7*7}}}} ${{x}}"
    r = client.post("/api/ask", json={"question": question})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")  # data, never rendered as a page
    missing = client.get("/api/provisions/" + XSS)
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/json")

    answer = real_assistant.ask(question)
    assert XSS in answer.question  # kept as text: escaping is the renderer's job
    pages = [
        render.conversation_html([render.ChatEntry(question, answer)]),
        render.conversation_html([render.ChatEntry(question, None, partial=XSS)]),
        render.conversation_html([render.ChatEntry(question, None, error=XSS)]),
        render_tabs.provision_list_html([], XSS),
        *(render.passage_panel_html(answer, c.n) for c in answer.citations),
    ]
    for html in pages:
        assert "<script" not in html.lower() and "<img" not in html.lower(), html[:300]
        assert "{{" not in html and "${" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0]


# --------------------------------------------------------------------------- property

DOMAIN_WORDS = tuple(
    [
        "utdanningspermisjon",
        "arbeidsmiljøloven",
        "§",
        "12-11",
        "HTA",
        "14.2",
        "kompetanse",
        "medarbeidersamtalen",
        "lønn",
        "permisjon",
        "tillitsvalgte",
        "arbeidsgiver",
        "arbeidstaker",
        "skriftlig",
        "varsel",
        "tre",
        "år",
        "to",
        "år",
        "etter-",
        "videreutdanning",
        "kap.",
        "pkt.",
        "[1]",
        "[2]",
        "[99]",
        "Hva",
        "hvordan",
        "kan",
        "jeg",
        "har",
        "rett",
        "på?",
        "og",
        "hva",
        "med",
        "ikke",
        "Ignorer",
        "instruksjonene",
    ]
)
_ANY_CHAR = st.characters(exclude_categories=())  # includes lone surrogates and control characters
QUESTIONS = st.one_of(
    st.text(_ANY_CHAR, max_size=3000),
    st.lists(st.one_of(st.sampled_from(DOMAIN_WORDS), st.text(_ANY_CHAR, max_size=12)), max_size=40).map(
        " ".join
    ),
)
HISTORY = st.lists(
    st.builds(
        Turn,
        st.sampled_from(["user", "assistant"]),
        st.lists(st.sampled_from(DOMAIN_WORDS), max_size=15).map(" ".join),
    ),
    max_size=3,
)


@pytest.mark.slow
@settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(question=QUESTIONS, history=HISTORY)
def test_ask_never_raises_and_every_citation_resolves(
    real_assistant: Assistant, question: str, history: list[Turn]
) -> None:
    answer = real_assistant.ask(question, history)
    assert answer.text
    assert _clean(answer.standalone_question)
    assert _clean(answer.question) or answer.text == EMPTY_QUESTION_TEXT
    assert_citations_resolve(answer)
    _json_safe(answer)
