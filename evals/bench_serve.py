"""The benchmark's measurements of the served app: ``kompetanse serve`` over HTTP, with 1 or N workers.

* :func:`measure_start`: ``kompetanse serve`` on the index the benchmark just built (embedded
  store, one process) from launch until it listens (its ready line), then one answer over HTTP.
* :func:`measure_workers`: the same index copied into a Chroma server started here, then for
  each worker count ``kompetanse serve --workers N``: start time until every worker is
  ready, ``tools/loadtest.py`` (run as a script: HTTP only) and the peak memory of the
  whole process tree during the load.

Everything runs on loopback ports with temporary folders and is stopped at the end.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from core.processes import free_port, stop_process
from core.settings import REPO_ROOT, Settings

READY = "Kompetanseassistenten kjører på"
LOADTEST = REPO_ROOT / "tools" / "loadtest.py"
START_TIMEOUT_S = 1800.0  # 100x: loading ~4,000 chunks and their sentence vectors on a busy machine
COPY_BATCH = 1000


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def chroma_server(path: Path) -> Iterator[tuple[str, int]]:
    """``chroma run`` (from this venv) on a free loopback port; yields (host, port) once it answers."""
    import chromadb
    from chromadb.config import Settings as ChromaConfig

    port = free_port()
    path.mkdir(parents=True, exist_ok=True)
    binary = Path(sys.executable).parent / "chroma"
    log = (path.parent / f"chroma-{port}.log").open("wb")
    process = subprocess.Popen(
        [str(binary), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"chroma run exited with {process.returncode}; see {log.name}")
            try:
                client = chromadb.HttpClient(
                    host="127.0.0.1", port=port, settings=ChromaConfig(anonymized_telemetry=False)
                )
                client.heartbeat()
                break
            except Exception:  # not up yet
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield "127.0.0.1", port
    finally:
        stop_process(process, 30)
        log.close()


def copy_collection(settings: Settings, host: str, port: int) -> int:
    """Copy the embedded index's collection (records, vectors, metadata with the manifest) to a server.

    No re-embedding, so the served app sees exactly the index the benchmark built.
    Returns the number of records copied.
    """
    import chromadb
    from chromadb.config import Settings as ChromaConfig

    config = ChromaConfig(anonymized_telemetry=False)
    name = settings.chroma.collection
    local = chromadb.PersistentClient(path=str(settings.chroma_dir), settings=config)
    remote = chromadb.HttpClient(host=host, port=port, settings=config)
    try:
        source = local.get_collection(name, embedding_function=None)
        # The same distance as index/store.py creates its collections with.
        target = remote.create_collection(
            name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata=source.metadata,
        )
        copied = 0
        while True:
            batch = source.get(
                limit=COPY_BATCH, offset=copied, include=["embeddings", "documents", "metadatas"]
            )
            if not batch["ids"]:
                return copied
            target.add(
                ids=batch["ids"],
                embeddings=batch["embeddings"],
                documents=batch["documents"],
                metadatas=batch["metadatas"],
            )
            copied += len(batch["ids"])
    finally:
        local.close()  # type: ignore[attr-defined]  # chromadb 1.x clients have close(); the stubs lag


class Served:
    """``kompetanse serve`` in a subprocess: its output lines, process tree memory, and stop."""

    def __init__(self, env: dict[str, str], workers: int, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.workers = workers
        self.started = time.monotonic()
        command = [sys.executable, "-m", "kompetanse", "serve", "--port", str(port)]
        if workers > 1:
            command += ["--workers", str(workers)]
        self.process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line.rstrip())
            self.lines.put(line)

    def wait_ready(self, timeout_s: float = START_TIMEOUT_S) -> float:
        """Seconds from launch until every worker printed its ready line; raises RuntimeError otherwise."""
        ready = 0
        while ready < self.workers:
            left = timeout_s - (time.monotonic() - self.started)
            try:
                line = self.lines.get(timeout=max(0.1, min(left, 5.0)))
            except queue.Empty:
                line = ""
            if line.startswith(READY):
                ready += 1
            elif self.process.poll() is not None or left <= 0:
                tail = "\n".join(self.output[-20:])
                raise RuntimeError(
                    f"kompetanse serve --workers {self.workers} did not start ({ready} ready):\n{tail}"
                )
        return time.monotonic() - self.started

    def rss_mb(self) -> float:
        """Resident memory of the process and all its children (the workers), MB."""
        import psutil

        try:
            root = psutil.Process(self.process.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0.0
        total = 0
        for proc in procs:
            try:
                total += proc.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        return total / 1024 / 1024

    def stop(self) -> None:
        stop_process(self.process, 30)


def _serve_env(settings: Settings, data_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for ``kompetanse serve`` on the benchmark's corpus and index (embedded unless ``extra``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOMPETANSE_CHROMA__")}
    env |= {
        "KOMPETANSE_DATA_DIR": str(data_dir),
        "KOMPETANSE_CORPUS_DIR": str(settings.corpus_dir),
        "PYTHONUNBUFFERED": "1",
    }
    return env | (extra or {})


def measure_start(settings: Settings, question: str) -> dict[str, Any]:
    """``start_s`` (launch of ``kompetanse serve`` on the existing index until it listens) and its RSS."""
    import httpx

    served = Served(_serve_env(settings, settings.data_dir), 1, free_port())
    try:
        start_s = served.wait_ready()
        r = httpx.post(f"{served.url}/api/ask", json={"question": question}, timeout=300, trust_env=False)
        if r.status_code != 200:
            raise RuntimeError(f"kompetanse serve answered {r.status_code}: {r.text[:300]}")
        return {"start_s": start_s, "serve_rss_mb": served.rss_mb()}
    finally:
        served.stop()


def _load(url: str, clients: int, seconds: float, questions: Path, served: Served) -> dict[str, Any]:
    """Run tools/loadtest.py against ``url`` while sampling the process tree's memory; returns its report."""
    peak = [served.rss_mb()]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            peak[0] = max(peak[0], served.rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    command = [sys.executable, str(LOADTEST), url, "--clients", str(clients), "--duration", str(seconds)]
    command += ["--questions", str(questions), "--json"]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 600, check=False)
    finally:
        done.set()
        sampler.join(5)
    if proc.returncode not in (0, 1) or not proc.stdout.strip():  # 1 = some requests failed, still a report
        raise RuntimeError(f"loadtest failed ({proc.returncode}): {proc.stderr[-2000:]}")
    report = dict(json.loads(proc.stdout))
    report["peak_rss_mb"] = max(peak[0], served.rss_mb())
    return report


def measure_workers(
    settings: Settings,
    workdir: Path,
    counts: Sequence[int],
    questions: Path,
    clients: int,
    load_s: float,
    start_timeout_s: float = START_TIMEOUT_S,
) -> list[dict[str, Any]]:
    """Per worker count: start time, HTTP load and peak memory of ``kompetanse serve --workers N``.

    The index is copied into a Chroma server started for the purpose (``--workers`` needs one).
    Returns one dict per count with the keys of :data:`WORKER_KEYS`.
    """
    out: list[dict[str, Any]] = []
    with chroma_server(workdir / "chroma-server") as (host, port):
        records = copy_collection(settings, host, port)
        _log(f"  {records} poster kopiert til Chroma-serveren")
        chroma = {
            "KOMPETANSE_CHROMA__HOST": host,
            "KOMPETANSE_CHROMA__PORT": str(port),
            "KOMPETANSE_CHROMA__COLLECTION": settings.chroma.collection,
        }
        for n in counts:
            data_dir = workdir / f"serve-{n}"
            served = Served(_serve_env(settings, data_dir, chroma), n, free_port())
            try:
                start_s = served.wait_ready(start_timeout_s)
                _log(f"  {n} prosess(er) klare etter {start_s:.1f} s; last i {load_s:.0f} s …")
                report = _load(served.url, clients, load_s, questions, served)
            finally:
                served.stop()
            lat = report["latency_ms"]
            out.append(
                {
                    "workers": n,
                    "start_s": start_s,
                    "rss_mb": report["peak_rss_mb"],
                    "load_clients": clients,
                    "load_answers_per_s": report["throughput_rps"],
                    "load_ms_p50": lat["p50"],
                    "load_ms_p95": lat["p95"],
                    "load_errors": report["errors"],
                }
            )
    return out


WORKER_KEYS = (
    "workers",
    "start_s",
    "rss_mb",
    "load_clients",
    "load_answers_per_s",
    "load_ms_p50",
    "load_ms_p95",
    "load_errors",
)


def fmt_number(value: Any, digits: int = 0) -> str:
    """A number with thin thousands spacing, or "ikke målt" (also used by ``evals.bench_report``)."""
    return "ikke målt" if value is None else f"{value:,.{digits}f}".replace(",", " ")


WORKER_COLUMNS = (
    ("Start (s)", "start_s", 1),
    ("RSS i alt (MB)", "rss_mb", 0),
    ("Klienter", "load_clients", 0),
    ("Svar/s", "load_answers_per_s", 1),
    ("p50 (ms)", "load_ms_p50", 0),
    ("p95 (ms)", "load_ms_p95", 0),
    ("Feil", "load_errors", 0),
)


def render_workers(scales: Sequence[dict[str, Any]]) -> list[str]:
    """The served app with 1 and N workers as Markdown lines (empty when not measured)."""
    rows = [(r["scale"], w) for r in scales if isinstance(r.get("workers"), list) for w in r["workers"]]
    errors = [(r["scale"], r["workers_error"]) for r in scales if r.get("workers_error")]
    if not rows and not errors:
        return []
    out = [
        "## Flere prosesser (`kompetanse serve --workers N`, Chroma-server, HTTP)",
        "",
        "| Skala | Prosesser | " + " | ".join(label for label, _k, _d in WORKER_COLUMNS) + " |",
        "|---|---|" + "---|" * len(WORKER_COLUMNS),
    ]
    for scale, w in rows:
        cells = " | ".join(fmt_number(w.get(key), digits) for _label, key, digits in WORKER_COLUMNS)
        out.append(f"| {scale}x | {w['workers']} | {cells} |")
    out += ["", *(f"Ikke målt for {scale}x: {error}" for scale, error in errors)] if errors else []
    out += [
        "",
        "Samme indeks kopiert til en Chroma-server; lasten er `tools/loadtest.py` over HTTP mot `POST /api/ask`. "
        "1 prosess er vanlig `kompetanse serve` (med nettappen); med flere svarer prosessene bare på API-et. "
        "Start er fra `kompetanse serve` startes til alle prosessene er klare; RSS er toppen for hovedprosessen "
        "og alle arbeidsprosessene sammen under lasten. Lastklientene, Chroma-serveren og appen deler maskinens "
        "kjerner.",
        "",
    ]
    return out


def json_keys_note(keys: Sequence[str]) -> list[str]:
    """Markdown lines naming the ``--json`` keys (so the generated page documents its own data)."""
    return [
        'JSON (`--json`): `{"scales": [...], "baseline": [...]}`; per skala '
        + ", ".join(f"`{k}`" for k in keys)
        + "; `workers` er en liste med "
        + ", ".join(f"`{k}`" for k in WORKER_KEYS)
        + " per antall prosesser (`workers_error` i stedet om målingen feilet). Tider i sekunder (`_s`) "
        "og millisekunder (`_ms`), minne i MB.",
        "",
    ]
