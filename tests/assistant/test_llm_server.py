"""The LLM path against real endpoints: llama-cpp-python's server with SmolLM2-135M, and broken servers.

SmolLM2-135M writes poor Norwegian, so most of its sentences are expected to be removed
by the validator; what these tests check is that whatever survives is supported by the
passage it cites, and that an unreachable, slow or broken endpoint falls back quickly.
"""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from assistant.citations import (
    SUPPORT_THRESHOLD,
    parse_cited_sentences,
    passage_context,
    support,
    validate_answer,
)
from assistant.llm import (
    NOTICE_LLM_REFUSED,
    NOTICE_UNVERIFIED,
    LLMAnswerer,
    LLMUnavailableError,
    answer_from_draft,
    make_chat_model,
)
from assistant.models import Answer, Passage, Turn
from core.settings import load_settings
from tests.assistant.test_citations import AML_12_11, AML_12_14, AML_17_2, passage
from tests.llm_server import MODEL_ALIAS, free_port, llm_server, llm_server_process  # noqa: F401 - fixtures

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PASSAGES = [
    passage(1, AML_12_11, "aml. § 12-11", page=3),
    passage(2, AML_12_14, "aml. § 12-14"),
    passage(3, AML_17_2, "aml. § 17-2"),
]
QUESTION = "Hvem har rett til utdanningspermisjon, og hvor lenge kan den vare?"


def make_answerer(base_url: str, *, timeout_s: float = 300.0, max_tokens: int = 120) -> LLMAnswerer:
    settings = load_settings(
        llm={
            "provider": "openai",
            "base_url": base_url,
            "model": MODEL_ALIAS,
            "timeout_s": timeout_s,
            "max_tokens": max_tokens,
        }
    )
    chat = make_chat_model(settings)
    assert chat is not None
    # n_ctx is 2048: cut the sources so the prompt (~1100 tokens) and the answer fit.
    return LLMAnswerer(chat, MODEL_ALIAS, max_source_chars=400)


def extractive() -> Answer:
    return Answer(
        question=QUESTION,
        text="Arbeidstaker ... har rett til hel eller delvis permisjon i inntil tre år [1].",
        refused=False,
        citations=(),
        passages=tuple(PASSAGES),
    )


def assert_every_kept_sentence_is_supported(text: str, passages: list[Passage]) -> None:
    by_n = {p.n: p for p in passages}
    for sentence in parse_cited_sentences(text):
        assert sentence.ns, f"uncited sentence kept: {sentence.text!r}"
        for n in sentence.ns:
            p = by_n[n]
            found = support(sentence.text, p.chunk.text, context=passage_context(p))
            assert found is not None and found.score >= SUPPORT_THRESHOLD, (sentence.text, n, found)


# -- the real model --------------------------------------------------------------------------------------


def test_real_model_answer_keeps_only_supported_sentences(llm_server: str) -> None:  # noqa: F811
    llm = make_answerer(llm_server)
    draft = llm.generate(QUESTION, PASSAGES, [])
    assert draft.raw.strip() and draft.model == MODEL_ALIAS and draft.timings["llm_ms"] > 0
    v = draft.validation
    assert_every_kept_sentence_is_supported(v.text, PASSAGES)
    for c in v.citations:
        assert PASSAGES[c.n - 1].chunk.text[c.quote_start :].startswith(c.quote)
    # What the validator returns passes the validator again, unchanged.
    again = validate_answer(v.text, PASSAGES)
    assert again.kept_sentences == v.kept_sentences and again.removed == ()
    answer = answer_from_draft(QUESTION, PASSAGES, draft, fallback=extractive)
    if answer.method == f"llm:{MODEL_ALIAS}":
        assert validate_answer(answer.text, PASSAGES).ok
        assert_every_kept_sentence_is_supported(answer.text, PASSAGES)
    else:
        assert answer.text == extractive().text
        assert NOTICE_UNVERIFIED in answer.notices or NOTICE_LLM_REFUSED in answer.notices
    print(f"\nSmolLM2 raw: {draft.raw!r}\nkept: {v.kept_sentences}\nremoved: {len(v.removed)}")


def test_real_model_streams_deltas(llm_server: str) -> None:  # noqa: F811
    llm = make_answerer(llm_server, max_tokens=48)
    deltas = list(llm.stream("Hva er utdanningspermisjon?", PASSAGES[:1]))
    assert len(deltas) > 1 and all(isinstance(d, str) for d in deltas)
    text = "".join(deltas)
    try:
        draft = llm.draft_from_text(text, PASSAGES[:1])
    except LLMUnavailableError:  # a reply without words is garbage by design
        assert not any(ch.isalpha() for ch in text)
    else:
        assert_every_kept_sentence_is_supported(draft.validation.text, PASSAGES[:1])


def test_real_model_rewrite_gives_one_line(llm_server: str) -> None:  # noqa: F811
    llm = make_answerer(llm_server, max_tokens=48)
    history = [Turn("user", "Hva er utdanningspermisjon?"), Turn("assistant", "Permisjon for utdanning [1].")]
    rewritten = llm.rewrite_question(history, "Hvor lenge kan den vare?")
    assert rewritten.strip() and "\n" not in rewritten


def test_real_server_too_slow_times_out_and_falls_back(llm_server: str) -> None:  # noqa: F811
    # Processing a ~1000-token prompt takes far longer than 50 ms on this machine.
    llm = make_answerer(llm_server, timeout_s=0.05, max_tokens=16)
    started = time.monotonic()
    with pytest.raises(LLMUnavailableError) as info:
        llm.generate(QUESTION, PASSAGES)
    assert info.value.reason == "tidsavbrudd"
    answer = llm.answer(QUESTION, PASSAGES, fallback=extractive)
    assert time.monotonic() - started < 5
    assert answer.method == "extractive"
    assert (
        "Språkmodellen svarer ikke (tidsavbrudd); svaret under er sitert direkte fra kildene."
        in answer.notices
    )


# -- broken endpoints (no model needed) ------------------------------------------------------------------


def test_stopped_server_falls_back_quickly() -> None:
    llm = make_answerer(f"http://127.0.0.1:{free_port()}/v1", timeout_s=30)
    started = time.monotonic()
    with pytest.raises(LLMUnavailableError) as info:
        llm.generate(QUESTION, PASSAGES)
    assert info.value.reason == "får ikke kontakt med endepunktet"
    answer = llm.answer(QUESTION, PASSAGES, fallback=extractive)
    assert time.monotonic() - started < 5  # far under the 30 s timeout
    assert answer.method == "extractive" and answer.notices == (
        "Språkmodellen svarer ikke (får ikke kontakt med endepunktet); svaret under er sitert direkte fra kildene.",
    )
    with pytest.raises(LLMUnavailableError):
        list(llm.stream(QUESTION, PASSAGES))
    assert llm.rewrite_question([Turn("user", "Hei")], "Og den?") == "Og den?"


@pytest.fixture
def hung_server() -> Iterator[str]:
    """A TCP server that accepts connections and never answers."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                held.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in held:
            conn.close()
        listener.close()


def test_hung_server_times_out_and_falls_back(hung_server: str) -> None:
    llm = make_answerer(hung_server, timeout_s=0.5)
    started = time.monotonic()
    answer = llm.answer(QUESTION, PASSAGES, fallback=extractive)
    elapsed = time.monotonic() - started
    assert 0.4 < elapsed < 3
    assert answer.notices == (
        "Språkmodellen svarer ikke (tidsavbrudd); svaret under er sitert direkte fra kildene.",
    )


class _Garbage(http.server.BaseHTTPRequestHandler):
    """Answers every POST with what the path asks for: an HTML error page, or 200 with HTML."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        status = 502 if "/bad/" in self.path else 200
        body = b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _GarbageServer(http.server.ThreadingHTTPServer):
    block_on_close = False  # the client keeps its connection open; do not wait for it


@pytest.fixture
def garbage_server() -> Iterator[str]:
    server = _GarbageServer(("127.0.0.1", 0), _Garbage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("path", ["/bad/v1", "/ok/v1"])
def test_html_error_page_falls_back(garbage_server: str, path: str) -> None:
    llm = make_answerer(garbage_server + path, timeout_s=10)
    with pytest.raises(LLMUnavailableError):
        llm.generate(QUESTION, PASSAGES)
    answer = llm.answer(QUESTION, PASSAGES, fallback=extractive)
    assert answer.method == "extractive" and answer.notices[0].startswith("Språkmodellen svarer ikke (")
    assert answer.notices[0].endswith("); svaret under er sitert direkte fra kildene.")


def test_llama_cpp_is_built_portably() -> None:
    # A native build enables the CPU's own kernels (AMX, AVX-512), which crashed on other machines
    # here; the Makefile builds with GGML_NATIVE=OFF and AVX2 only. The engine reports what it uses.
    import llama_cpp

    info = llama_cpp.llama_print_system_info().decode()
    assert "AVX2 = 1" in info, info
    assert "AMX" not in info and "AVX512" not in info, info
