"""The optional model judge over real HTTP against a tiny OpenAI-compatible server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from core.settings import load_settings
from evals.metrics import make_llm_judge

pytestmark = pytest.mark.integration


class JudgeHandler(BaseHTTPRequestHandler):
    """Says YES when the claim's text occurs verbatim in the passage, else NO; records prompts."""

    prompts: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        prompt = body["messages"][-1]["content"]
        JudgeHandler.prompts.append(prompt)
        passage = prompt.split("PASSAGE:\n", 1)[1].split("\n\nCLAIM:", 1)[0]
        claim = prompt.split("CLAIM:\n", 1)[1].split("\n\n", 1)[0].rstrip(".")
        reply = {
            "id": "x",
            "object": "chat.completion",
            "created": 0,
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "YES" if claim in passage else "NO"},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), JudgeHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def test_llm_judge_asks_the_model(server: str, tmp_path: Path) -> None:
    settings = load_settings(
        data_dir=tmp_path, llm={"provider": "openai", "base_url": server, "model": "judge"}
    )
    judge = make_llm_judge(settings)
    assert judge is not None
    passage = "Permisjon kan likevel ikke kreves når det vil være til hinder for forsvarlig planlegging."
    assert judge("Permisjon kan likevel ikke kreves [1].", passage) is True
    assert judge("Permisjon kan alltid kreves [1].", passage) is False
    assert "[1]" not in JudgeHandler.prompts[-1]  # markers are stripped before judging


def test_llm_judge_says_no_when_the_model_is_unreachable(tmp_path: Path) -> None:
    settings = load_settings(
        data_dir=tmp_path,
        llm={"provider": "openai", "base_url": "http://127.0.0.1:9/v1", "model": "m", "timeout_s": 2},
    )
    judge = make_llm_judge(settings)
    assert judge is not None
    assert judge("Noe [1].", "Noe.") is False
