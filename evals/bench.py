"""Benchmarks (a script, not timed tests): ``python -m evals.bench [--scale 1,10,100] [--json OUT]``.

One script read top to bottom, phase by phase; the generated corpora are in ``evals/bench_corpus.py``,
the served-app part in ``evals/bench_serve.py``, the Markdown tables in ``evals/bench_report.py``.

Per corpus scale (1 = the bundled corpus; larger scales are generated variants of
its texts written as .txt and .pdf files into a temporary corpus): ingest time
without the model load, its chars/s beside the embedder's raw chars/s measured in
the same run on the texts ingest embeds (:func:`ingest.vectors.embedded_texts`), an
unchanged re-ingest; then, in a fresh process on that index, the assistant's start time, novel and warm query latency, an in-process load test
(32 client threads, ``--load-seconds``) and the process's peak RSS; then the served
app (:mod:`evals.bench_serve`): ``kompetanse serve`` on that index from launch to
listening (``start_s``), and with ``--workers 1,2`` the same index on a Chroma server
served by 1 and 2 worker processes under an HTTP load of 32 clients. ``--baseline``
measures the naive baseline beside it. Writes the tables to ``--out`` and the figures
to ``--json`` as ``{"scales": [...], "baseline": [...]}`` with the keys in :data:`evals.bench_report.KEYS`;
each scale has ``"workers": [...]`` with the keys in :data:`evals.bench_serve.WORKER_KEYS`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from core.settings import REPO_ROOT, load_settings
from evals.bench_corpus import make_corpus
from evals.bench_report import render
from evals.bench_serve import measure_start, measure_workers
from evals.dataset import EvalItem, load_dataset

COLD_QUESTION = "Hvem har rett til utdanningspermisjon?"
LOAD_CLIENTS = 32


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------- measurements


def _timed(answerer: Any, items: Sequence[EvalItem]) -> list[float]:
    """Milliseconds per answer for ``items``, in order."""
    times = []
    for item in items:
        started = time.perf_counter()
        answerer.ask(item.question, item.history, item.role)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _p(values: Sequence[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if len(values) else None


def _latencies(answerer: Any, items: Sequence[EvalItem]) -> dict[str, float | None]:
    """Novel (first time each question is seen by this process) then warm (second pass) latency."""
    answerer.ask(COLD_QUESTION)  # untimed warm-up
    novel = _timed(answerer, items)
    warm = _timed(answerer, items)
    return {"p50_ms": _p(warm, 50), "p95_ms": _p(warm, 95), "novel_p95_ms": _p(novel, 95)}


def load_test(answerer: Any, items: Sequence[EvalItem], clients: int, seconds: float) -> dict[str, Any]:
    """``clients`` threads asking questions from ``items`` in a loop for ``seconds`` (in-process)."""
    lock = threading.Lock()
    times: list[float] = []
    errors = [0]
    deadline = time.perf_counter() + seconds

    def client(offset: int) -> None:
        n = offset
        while time.perf_counter() < deadline:
            item = items[n % len(items)]
            n += clients
            started = time.perf_counter()
            try:
                answerer.ask(item.question, item.history, item.role)
            except Exception:  # counted, the load goes on
                with lock:
                    errors[0] += 1
                continue
            with lock:
                times.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    elapsed = time.perf_counter() - started
    return {
        "load_clients": clients,
        "load_answers_per_s": len(times) / elapsed if elapsed else None,
        "load_ms_p95": _p(times, 95),
        "load_errors": errors[0],
    }


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB.

    Reads VmHWM from /proc (per address space, so a parent's memory before
    ``exec`` does not count, unlike ``getrusage``'s ru_maxrss on Linux); falls
    back to ``resource.getrusage``.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(
    system: str, data_dir: Path, corpus_dir: Path, questions: Path, queries: int, load_s: float
) -> dict[str, Any]:
    """Run inside a fresh process: start, novel and warm latency, RSS, then the load test."""
    started_at = float(os.environ.get("KOMPETANSE_BENCH_T0", time.time()))
    settings = load_settings(data_dir=data_dir, corpus_dir=corpus_dir)
    if system == "baseline":
        from evals.baseline import BaselinePipeline

        answerer: Any = BaselinePipeline.build(corpus_dir)
    else:
        from assistant.service import Assistant

        answerer = Assistant.from_settings(settings)
    start_s = time.time() - started_at
    items = load_dataset(questions)[:queries]
    lat = _latencies(answerer, items)
    out: dict[str, Any] = {
        "assistant_start_s": start_s,
        "query_ms_p50": lat["p50_ms"],
        "query_ms_p95": lat["p95_ms"],
        "novel_query_ms_p95": lat["novel_p95_ms"],
    }
    if load_s > 0:
        out.update(load_test(answerer, load_dataset(questions), LOAD_CLIENTS, load_s))
    out["rss_mb"] = peak_rss_mb()  # the peak, so after the load test
    if system == "baseline":
        answerer.close()
    return out


def run_worker(
    system: str, data_dir: Path, corpus_dir: Path, questions: Path, queries: int, load_s: float
) -> dict[str, Any]:
    """Start :func:`worker` in a fresh Python process; returns its measurements."""
    env = {**os.environ, "KOMPETANSE_BENCH_T0": repr(time.time())}
    cmd = [sys.executable, "-m", "evals.bench", "--worker", system, "--data-dir", str(data_dir)]
    cmd += ["--corpus-dir", str(corpus_dir), "--questions", str(questions)]
    cmd += ["--queries", str(queries), "--load-seconds", str(load_s)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"bench worker ({system}) failed:\n{proc.stderr[-3000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def _ingest_progress(event: Any) -> None:
    done = event.file_index + 1  # file_index is 0-based
    if event.kind == "file" and (done % 20 == 0 or done == event.file_total):
        _log(f"  fil {done}/{event.file_total} ({time.strftime('%H:%M:%S')})")


def embedder_chars_per_s(embedder: Any, texts: Sequence[str], seconds: float = 20.0) -> float:
    """The embedder's raw passage throughput on ``texts`` (model already loaded), chars/s."""
    chars = 0
    started = time.perf_counter()
    batch = 32
    for start in range(0, len(texts), batch):
        part = list(texts[start : start + batch])
        embedder.embed_documents(part)
        chars += sum(len(t) for t in part)
        if time.perf_counter() - started > seconds:
            break
    return chars / (time.perf_counter() - started)


def measure_scale(
    scale: int,
    workdir: Path,
    questions: Path,
    baseline: bool,
    queries: int,
    load_s: float,
    workers: Sequence[int] = (),
) -> dict[str, Any]:
    """Generate the corpus at ``scale``, ingest it, measure queries and load; the served app with
    each of ``workers`` processes; the baseline likewise."""
    from index.embeddings import make_embedder
    from index.store import VectorIndex
    from ingest.pipeline import ingest_paths
    from ingest.vectors import embedded_texts

    corpus = workdir / f"corpus-{scale}"
    counts = make_corpus(REPO_ROOT / "corpus", corpus, scale)
    _log(f"[{scale}x] {counts['files']} filer, {counts['pages']} sider, {counts['chars']} tegn; leser inn …")
    settings = load_settings(data_dir=workdir / f"data-{scale}", corpus_dir=corpus)
    embedder = make_embedder(settings)
    embedder.embed_documents(["oppvarming"])  # load the model before timing anything
    report = ingest_paths(settings, [corpus], rebuild=True, progress=_ingest_progress, embedder=embedder)
    if report.failed:
        raise RuntimeError(f"ingest failed at scale {scale}: {[str(o) for o in report.failed]}")
    again = ingest_paths(settings, [corpus], embedder=embedder)
    index = VectorIndex.open(settings, embedder)
    texts = embedded_texts(settings.embedding, index.chunks())
    index.close()
    raw = embedder_chars_per_s(embedder, texts)
    ours: dict[str, Any] = {
        "scale": scale,
        "files": counts["files"],
        "pages": counts["pages"],
        "chunks": report.chunks,
        "ingest_s": report.seconds,
        "ingest_chars_per_s": counts["chars"] / report.seconds,
        "embedder_chars_per_s": raw,
        "reingest_unchanged_s": again.seconds,
    }
    _log(f"[{scale}x] innlest på {report.seconds:.0f} s; svartid og last i egen prosess …")
    ours.update(run_worker("ours", settings.data_dir, corpus, questions, queries, load_s))
    _log(f"[{scale}x] kompetanse serve: start til den lytter …")
    ours.update(measure_start(settings, COLD_QUESTION))
    if workers and load_s > 0:  # the worker comparison is a load test
        _log(f"[{scale}x] kompetanse serve --workers {','.join(map(str, workers))} med Chroma-server …")
        try:
            ours["workers"] = measure_workers(
                settings, workdir / f"workers-{scale}", workers, questions, LOAD_CLIENTS, load_s
            )
        except Exception as exc:  # keep the hour of ingest measured above; report what failed
            _log(f"[{scale}x] flere prosesser kunne ikke måles: {exc!r}")
            ours["workers_error"] = repr(exc)[:2000]
    base: dict[str, Any] | None = None
    if baseline:
        from evals.baseline import BaselinePipeline

        _log(f"[{scale}x] baseline …")
        with BaselinePipeline.build(corpus) as pipeline:
            base = {
                "scale": scale,
                "files": counts["files"],
                "pages": counts["pages"],
                "chunks": pipeline.stats.chunks,
                "ingest_s": pipeline.stats.seconds,
                "ingest_chars_per_s": counts["chars"] / pipeline.stats.seconds,
            }
            lat = _latencies(pipeline, load_dataset(questions)[:queries])
            base.update(
                query_ms_p50=lat["p50_ms"], query_ms_p95=lat["p95_ms"], novel_query_ms_p95=lat["novel_p95_ms"]
            )
    return {"ours": ours, "baseline": base}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m evals.bench", description="Ytelsesmålinger.")
    parser.add_argument(
        "--scale", default="1,10,100", help="Korpusskalaer, kommaseparert (standard 1,10,100)."
    )
    parser.add_argument("--baseline", action="store_true", help="Mål også baseline.")
    parser.add_argument(
        "--out", type=Path, default=REPO_ROOT / "docs" / "benchmarks.md", help="Markdown-fil."
    )
    parser.add_argument("--json", type=Path, help="Skriv resultatene som JSON til denne fila.")
    parser.add_argument("--questions", type=Path, default=Path(__file__).parent / "data" / "tuning.jsonl")
    parser.add_argument(
        "--queries", type=int, default=40, help="Spørsmål per skala for svartid (standard 40)."
    )
    parser.add_argument(
        "--load-seconds", type=float, default=60.0, help="Varighet av lasttesten (standard 60 s; 0 = ingen)."
    )
    parser.add_argument(
        "--workers",
        default="1,2",
        help="Antall prosesser for `kompetanse serve --workers` med Chroma-server, kommaseparert "
        "(standard 1,2; 0 = ikke mål; måles bare med --load-seconds over 0).",
    )
    parser.add_argument("--note", default="", help="Merknad i tabellen (f.eks. om maskinen var delt).")
    parser.add_argument("--worker", choices=("ours", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--corpus-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        measured = worker(
            args.worker, args.data_dir, args.corpus_dir, args.questions, args.queries, args.load_seconds
        )
        print(json.dumps(measured))
        return 0
    scales = [int(s) for s in args.scale.split(",") if s.strip()]
    workers = [int(w) for w in args.workers.split(",") if w.strip() and int(w) > 0]
    workdir = Path(tempfile.mkdtemp(prefix="kompetanse-bench-"))
    try:
        measured_scales = [
            measure_scale(s, workdir, args.questions, args.baseline, args.queries, args.load_seconds, workers)
            for s in scales
        ]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results: dict[str, Any] = {
        "created": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} CPU-kjerner, Python {sys.version.split()[0]}",
        "note": args.note,
        "scales": [m["ours"] for m in measured_scales],
        "baseline": [m["baseline"] for m in measured_scales if m["baseline"] is not None],
    }
    markdown = render(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown, encoding="utf-8")
    if args.json:
        payload = {"scales": results["scales"], "baseline": results["baseline"]}
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    print(markdown)
    _log(f"Skrevet: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
