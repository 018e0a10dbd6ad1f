"""Benchmarks (a script, not timed tests): ``python -m evals.bench [--scale 1,10,100] [--baseline] [--out FILE]``.

Measures, for the assistant (and the baseline beside it with ``--baseline``):
cold start (a fresh subprocess from process start to its first answer), warm
answer latency p50/p95 over the dev set and peak RSS of that process; then,
per corpus scale, ingest time (pages/s, chars/s), index size on disk and query
latency. Scale 1 is the bundled corpus; larger scales are generated variants
of its texts written as .txt and .pdf files into a temporary corpus. Prints a
table, writes Markdown to ``--out`` and a latency plot PNG beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.settings import REPO_ROOT, load_settings
from evals.dataset import EvalItem, load_dataset
from evals.metrics import percentile

PAGE_CHARS = 3000  # a text file counts one page per 3,000 characters
PDF_LINES_PER_PAGE = 48
COLD_QUESTION = "Hvem har rett til utdanningspermisjon?"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def dir_size(path: Path) -> int:
    """Bytes of all files under ``path`` (0 if missing)."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


# ---------------------------------------------------------------------- generated corpora


def _variant_text(text: str, variant: int) -> str:
    """The text with every paragraph tagged, so each variant's chunks differ (no embedding reuse)."""
    paragraphs = text.split("\n\n")
    return "\n\n".join(p.rstrip() + f" (utgave {variant})" if p.strip() else p for p in paragraphs)


def _write_pdf(path: Path, text: str) -> int:
    """Write ``text`` as a real PDF with reportlab; returns the page count."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = "Helvetica"
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if dejavu.exists():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(dejavu)))
        font = "DejaVuSans"
    lines = [w for line in text.splitlines() for w in (textwrap.wrap(line, 95) or [""])]
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pages = 0
    for start in range(0, len(lines), PDF_LINES_PER_PAGE):
        pdf.setFont(font, 10)
        y = 800
        for line in lines[start : start + PDF_LINES_PER_PAGE]:
            pdf.drawString(50, y, line)
            y -= 15
        pdf.showPage()
        pages += 1
    pdf.save()
    return pages


def make_corpus(source_dir: Path, target: Path, scale: int) -> dict[str, int]:
    """Write ``scale`` variants of every source text into ``target`` (odd variants as PDF).

    Scale 1 copies the files unchanged. Returns counts: files, pages, chars.
    """
    target.mkdir(parents=True, exist_ok=True)
    sources = sorted(p for p in source_dir.iterdir() if p.suffix.lower() in (".txt", ".md"))
    files = pages = chars = 0
    for src in sources:
        text = src.read_text(encoding="utf-8")
        for variant in range(1, scale + 1):
            body = text if scale == 1 else _variant_text(text, variant)
            if scale > 1 and variant % 2 == 1:
                pages += _write_pdf(target / f"{src.stem}-{variant:03d}.pdf", body)
            else:
                name = src.name if scale == 1 else f"{src.stem}-{variant:03d}{src.suffix}"
                (target / name).write_text(body, encoding="utf-8")
                pages += max(1, -(-len(body) // PAGE_CHARS))
            files += 1
            chars += len(body)
    return {"files": files, "pages": pages, "chars": chars}


# ---------------------------------------------------------------------- measurements


def _latencies(answerer: Any, items: Sequence[EvalItem]) -> dict[str, float | None]:
    answerer.ask(COLD_QUESTION)  # untimed warm-up
    times = []
    for item in items:
        started = time.perf_counter()
        answerer.ask(item.question, item.history, item.role)
        times.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95)}


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


def worker(system: str, data_dir: Path, corpus_dir: Path, questions: Path) -> dict[str, Any]:
    """Run inside a fresh process: first answer (cold), then warm latency over ``questions``, peak RSS."""
    started_at = float(os.environ.get("KOMPETANSE_BENCH_T0", time.time()))
    settings = load_settings(data_dir=data_dir, corpus_dir=corpus_dir)
    if system == "baseline":
        from evals.baseline import BaselinePipeline

        answerer: Any = BaselinePipeline.build(corpus_dir)
    else:
        from assistant.service import Assistant

        answerer = Assistant.from_settings(settings)
    answerer.ask(COLD_QUESTION)
    cold_s = time.time() - started_at
    warm = _latencies(answerer, load_dataset(questions))
    if system == "baseline":
        answerer.close()
    rss_mb = peak_rss_mb()
    return {
        "cold_start_s": cold_s,
        "warm_p50_ms": warm["p50_ms"],
        "warm_p95_ms": warm["p95_ms"],
        "peak_rss_mb": rss_mb,
    }


def run_worker(system: str, data_dir: Path, corpus_dir: Path, questions: Path) -> dict[str, Any]:
    """Start :func:`worker` in a fresh Python process; returns its measurements."""
    env = {**os.environ, "KOMPETANSE_BENCH_T0": repr(time.time())}
    cmd = [sys.executable, "-m", "evals.bench", "--worker", system, "--data-dir", str(data_dir)]
    cmd += ["--corpus-dir", str(corpus_dir), "--questions", str(questions)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"bench worker ({system}) failed:\n{proc.stderr[-3000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def _ingest_progress(event: Any) -> None:
    done = event.file_index + 1  # file_index is 0-based
    if event.kind == "file" and (done % 20 == 0 or done == event.file_total):
        _log(f"  fil {done}/{event.file_total} ({time.strftime('%H:%M:%S')})")


def measure_scale(
    scale: int, workdir: Path, items: Sequence[EvalItem], baseline: bool, queries: int
) -> dict[str, Any]:
    """Generate the corpus at ``scale``, ingest it, time queries; the baseline likewise when asked."""
    from assistant.service import Assistant
    from ingest.pipeline import ingest_paths

    corpus = workdir / f"corpus-{scale}"
    counts = make_corpus(REPO_ROOT / "corpus", corpus, scale)
    _log(f"[{scale}x] {counts['files']} filer, {counts['pages']} sider, {counts['chars']} tegn; leser inn …")
    settings = load_settings(data_dir=workdir / f"data-{scale}", corpus_dir=corpus)
    report = ingest_paths(settings, [corpus], rebuild=True, progress=_ingest_progress)
    if report.failed:
        raise RuntimeError(f"ingest failed at scale {scale}: {[str(o) for o in report.failed]}")
    ours: dict[str, Any] = {"ingest_s": report.seconds, "chunks": report.chunks}
    ours["index_mb"] = dir_size(settings.data_dir) / 1e6
    ours.update(_latencies(Assistant.from_settings(settings), items[:queries]))
    result: dict[str, Any] = {"scale": scale, **counts, "ours": ours, "baseline": None}
    if baseline:
        from evals.baseline import BaselinePipeline

        _log(f"[{scale}x] baseline …")
        with BaselinePipeline.build(corpus) as pipeline:
            base: dict[str, Any] = {"ingest_s": pipeline.stats.seconds, "chunks": pipeline.stats.chunks}
            base["index_mb"] = dir_size(pipeline.workdir) / 1e6
            base.update(_latencies(pipeline, items[:queries]))
        result["baseline"] = base
    return result


# ---------------------------------------------------------------------- output


def _n(value: Any, digits: int = 0) -> str:
    return "ikke målt" if value is None else f"{value:,.{digits}f}".replace(",", " ")


def render(results: dict[str, Any]) -> str:
    """The benchmark results as Markdown tables."""
    base = results["baseline_process"]
    proc = results["process"]
    cols = "| Mål | Assistenten | Baseline |" if base else "| Mål | Assistenten |"
    sep = "|---|---|---|" if base else "|---|---|"
    out = [
        "# Ytelsesmålinger",
        "",
        f"Kjørt {results['created']} på {results['machine']}.",
        "",
        "## Prosess",
        "",
    ]
    out += [cols, sep]
    rows = (
        ("Kaldstart til første svar (s)", "cold_start_s", 2),
        ("Svartid varm p50 (ms)", "warm_p50_ms", 0),
        ("Svartid varm p95 (ms)", "warm_p95_ms", 0),
        ("Høyeste minnebruk, RSS (MB)", "peak_rss_mb", 0),
    )
    for label, key, digits in rows:
        out.append(f"| {label} | {_n(proc[key], digits)} |" + (f" {_n(base[key], digits)} |" if base else ""))
    if base:
        out += ["", "Baselinens kaldstart inkluderer å bygge indeksen (den har ingen varig indeks)."]
    out += ["", "## Skalering", ""]
    header = "| Skala | Filer | Sider | Tegn | System | Innlesing (s) | Sider/s | Tegn/s | Avsnitt | Indeks (MB) | p50 (ms) | p95 (ms) |"
    out += [header, "|" + "---|" * 12]
    for r in results["scales"]:
        for name, m in (("Assistenten", r["ours"]), ("Baseline", r["baseline"])):
            if m is None:
                continue
            secs = m["ingest_s"] or 1e-9
            out.append(
                f"| {r['scale']}x | {r['files']} | {r['pages']} | {_n(r['chars'])} | {name} | {_n(m['ingest_s'], 1)} "
                f"| {_n(r['pages'] / secs, 1)} | {_n(r['chars'] / secs)} | {m['chunks']} | {_n(m['index_mb'], 1)} "
                f"| {_n(m['p50_ms'])} | {_n(m['p95_ms'])} |"
            )
    out += ["", f"Sider: PDF-sider, og {PAGE_CHARS} tegn per side for tekstfiler.", ""]
    if results.get("plot"):
        out += [f"![Svartid etter skala]({results['plot']})", ""]
    return "\n".join(out)


def plot(results: dict[str, Any], path: Path) -> Path:
    """Query latency (p50, p95) against corpus scale, ours vs baseline, as a PNG at ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=110)
    scales = [r["scale"] for r in results["scales"]]
    for key, label, color in (("ours", "Assistenten", "tab:blue"), ("baseline", "Baseline", "tab:orange")):
        if all(r[key] is not None for r in results["scales"]):
            for q, style in (("p50_ms", "o-"), ("p95_ms", "o--")):
                values = [r[key][q] for r in results["scales"]]
                ax.plot(scales, values, style, color=color, label=f"{label} {q[:3]}")
    ax.set_xscale("log")
    ax.set_xticks(scales, [f"{s}x" for s in scales])
    ax.minorticks_off()
    ax.set_ylim(bottom=0)
    ax.set_xlabel("Korpusstørrelse (× det medfølgende)")
    ax.set_ylabel("Svartid (ms)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


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
    parser.add_argument("--questions", type=Path, default=Path(__file__).parent / "data" / "tuning.jsonl")
    parser.add_argument(
        "--queries", type=int, default=40, help="Spørsmål per skala for svartid (standard 40)."
    )
    parser.add_argument("--worker", choices=("ours", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--corpus-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.data_dir, args.corpus_dir, args.questions)))
        return 0
    scales = [int(s) for s in args.scale.split(",") if s.strip()]
    items = load_dataset(args.questions)
    workdir = Path(tempfile.mkdtemp(prefix="kompetanse-bench-"))
    try:
        scale_results = [measure_scale(s, workdir, items, args.baseline, args.queries) for s in scales]
        if 1 not in scales:  # the process measurements run on the bundled corpus
            measure_scale(1, workdir, items[:1], False, 1)
        one = workdir / "data-1"
        _log("Kaldstart og varm svartid i egen prosess …")
        proc = run_worker("ours", one, workdir / "corpus-1", args.questions)
        base = run_worker("baseline", one, workdir / "corpus-1", args.questions) if args.baseline else None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results: dict[str, Any] = {
        "created": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} CPU-kjerner, Python {sys.version.split()[0]}",
        "process": proc,
        "baseline_process": base,
        "scales": scale_results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    results["plot"] = plot(results, args.out.with_name(args.out.stem + "-svartid.png")).name
    markdown = render(results)
    args.out.write_text(markdown, encoding="utf-8")
    print(markdown)
    _log(f"Skrevet: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
