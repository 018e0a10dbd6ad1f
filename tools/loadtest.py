"""A bounded load test of ``POST /api/ask`` on this machine.

N concurrent clients (default 32) send questions sampled from the evaluation set
(``evals/data/tuning.jsonl``, follow-ups with their history) to a running app for T seconds
(default 60), then the tool reports throughput, latency percentiles and errors as a
table (or JSON with ``--json``). It only ever talks to a loopback address, every loop is
bounded by a request count and a deadline, and it stops by itself.

    python tools/loadtest.py http://127.0.0.1:7860
    python tools/loadtest.py --spawn --clients 32 --duration 60
    python tools/loadtest.py --spawn --data-dir .data --json

``--spawn`` starts ``kompetanse serve`` itself on a free loopback port with a temporary
data folder (or ``--data-dir``), waits until it is healthy (ingesting the bundled corpus
first), runs the test and stops the app again (``tools/spawn_app.py``; ``--spawn --workers N`` also
starts the Chroma server that several workers need).
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import platform
import random
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from spawn_app import SpawnedApp, StartupError  # tools/ is on the path: this runs as a script

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_QUESTIONS = REPO_ROOT / "evals" / "data" / "tuning.jsonl"
MAX_CLIENTS = 256
MAX_DURATION_S = 3600.0
MAX_ERRORS_KEPT = 10
MAX_WORKERS = 64


class LoadTestError(Exception):
    """A problem that stops the load test before it starts; the message is shown to the user."""


@dataclass(frozen=True)
class Request:
    """One request body for ``POST /api/ask``."""

    question: str
    history: tuple[tuple[str, str], ...] = ()

    def body(self) -> dict[str, Any]:
        return {"question": self.question, "history": [{"role": r, "content": c} for r, c in self.history]}


@dataclass
class Results:
    """Everything measured: per-request latencies, status counts and a few error samples."""

    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    refused: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, latency_ms: float, status: str, ok: bool, refused: bool, error: str = "") -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if ok:
                self.latencies_ms.append(latency_ms)
                self.refused += int(refused)
            else:
                self.errors += 1
                if len(self.error_samples) < MAX_ERRORS_KEPT:
                    self.error_samples.append(error[:300])

    @property
    def total(self) -> int:
        return sum(self.statuses.values())


def require_loopback(url: str) -> str:
    """Return ``url`` without a trailing slash; raise :class:`LoadTestError` unless it is http(s) on loopback."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise LoadTestError(f"Ugyldig adresse: {url!r}. Bruk for eksempel http://127.0.0.1:7860.")
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise LoadTestError(f"Lasttesten kjører bare mot denne maskinen (127.0.0.1), ikke mot {host}.")
    return url.rstrip("/")


def load_requests(path: Path) -> list[Request]:
    """Request bodies from a JSONL evaluation file (question plus any history)."""
    requests: list[Request] = []
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LoadTestError(f"Kan ikke lese spørsmålsfila {path}: {exc.strerror}.") from exc
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LoadTestError(f"{path}, linje {number}: ikke gyldig JSON ({exc.msg}).") from exc
        history = tuple((str(t["role"]), str(t["content"])) for t in item.get("history", []))
        requests.append(Request(str(item["question"]), history))
    if not requests:
        raise LoadTestError(f"Fant ingen spørsmål i {path}.")
    return requests


def percentile(values: Sequence[float], p: float) -> float | None:
    """The nearest-rank ``p``-th percentile (0-100) of ``values``; None when empty."""
    if not values:
        return None
    import numpy as np

    return float(np.percentile(values, p, method="inverted_cdf"))


def _client_loop(
    base: str,
    requests: Sequence[Request],
    seed: int,
    deadline: float,
    budget: list[int],
    budget_lock: threading.Lock,
    results: Results,
    timeout_s: float,
) -> None:
    import httpx

    rng = random.Random(seed)
    # trust_env=False: never route loopback traffic through a proxy from the environment.
    with httpx.Client(base_url=base, trust_env=False, timeout=timeout_s) as client:
        while time.monotonic() < deadline:
            with budget_lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            request = rng.choice(requests)
            started = time.perf_counter()
            try:
                response = client.post("/api/ask", json=request.body())
                latency = (time.perf_counter() - started) * 1000
                ok = response.status_code == 200
                refused = bool(ok and response.json().get("refused"))
                error = "" if ok else f"HTTP {response.status_code}: {response.text[:200]}"
                results.record(latency, str(response.status_code), ok, refused, error)
            except httpx.HTTPError as exc:
                latency = (time.perf_counter() - started) * 1000
                results.record(latency, type(exc).__name__, False, False, repr(exc))


def run_load(
    base: str,
    requests: Sequence[Request],
    *,
    clients: int,
    duration_s: float,
    max_requests: int,
    timeout_s: float,
    seed: int,
) -> tuple[Results, float]:
    """Run ``clients`` threads for ``duration_s`` (or ``max_requests`` in all); returns results and elapsed seconds.

    No new request starts after the deadline; requests in flight finish (each bounded by ``timeout_s``).
    """
    results = Results()
    budget = [max_requests]
    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + duration_s
    threads = [
        threading.Thread(
            target=_client_loop,
            args=(base, requests, seed + i, deadline, budget, lock, results, timeout_s),
            name=f"loadtest-{i}",
            daemon=True,
        )
        for i in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()) + timeout_s + 5)
    return results, time.monotonic() - started


def summarise(results: Results, elapsed_s: float, config: dict[str, Any]) -> dict[str, Any]:
    """The report as a plain dict (what ``--json`` prints)."""
    lat = results.latencies_ms

    def ms(p: float) -> float | None:
        value = percentile(lat, p)
        return None if value is None else round(value, 1)

    return {
        "config": config,
        "machine": machine_info(),
        "elapsed_s": round(elapsed_s, 1),
        "requests": results.total,
        "ok": len(lat),
        "refused": results.refused,
        "errors": results.errors,
        "statuses": dict(sorted(results.statuses.items())),
        "throughput_rps": round(len(lat) / elapsed_s, 2) if elapsed_s > 0 else 0.0,
        "latency_ms": {
            "p50": ms(50),
            "p95": ms(95),
            "p99": ms(99),
            "max": round(max(lat), 1) if lat else None,
            "mean": round(sum(lat) / len(lat), 1) if lat else None,
        },
        "error_samples": results.error_samples,
    }


def machine_info() -> dict[str, Any]:
    """CPU count, memory and platform of this machine."""
    memory_gb: float | None = None
    try:
        import psutil

        memory_gb = round(psutil.virtual_memory().total / 1024**3, 1)
    except Exception:  # psutil is optional here
        memory_gb = None
    return {
        "cpus": os.cpu_count(),
        "memory_gb": memory_gb,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def format_table(report: dict[str, Any]) -> str:
    """The report as an aligned plain-text table."""
    lat = report["latency_ms"]
    cfg = report["config"]
    machine = report["machine"]

    def fmt(value: float | None, unit: str = " ms") -> str:
        return "–" if value is None else f"{value:,.1f}{unit}".replace(",", " ")

    rows = [
        ("Mål", f"{cfg['url']}/api/ask"),
        ("Maskin", f"{machine['cpus']} kjerner, {machine['memory_gb']} GB minne"),
        ("Klienter", str(cfg["clients"])),
        ("Varighet", f"{report['elapsed_s']} s (planlagt {cfg['duration_s']} s)"),
        ("Forespørsler", str(report["requests"])),
        ("Vellykkede", f"{report['ok']} (av dem avvist som utenfor kildene: {report['refused']})"),
        ("Feil", str(report["errors"])),
        ("Gjennomstrømning", f"{report['throughput_rps']} svar/s"),
        ("Svartid p50", fmt(lat["p50"])),
        ("Svartid p95", fmt(lat["p95"])),
        ("Svartid p99", fmt(lat["p99"])),
        ("Svartid maks", fmt(lat["max"])),
        ("Statuskoder", ", ".join(f"{k}: {v}" for k, v in report["statuses"].items()) or "–"),
    ]
    width = max(len(k) for k, _ in rows)
    lines = [f"{k:<{width}}  {v}" for k, v in rows]
    lines += [f"  feil: {sample}" for sample in report["error_samples"]]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The command-line options."""
    parser = argparse.ArgumentParser(
        prog="loadtest",
        description="Begrenset lasttest av POST /api/ask på denne maskinen (bare 127.0.0.1).",
    )
    parser.add_argument("url", nargs="?", help="Adressen til en kjørende app, f.eks. http://127.0.0.1:7860.")
    parser.add_argument(
        "--spawn", action="store_true", help="Start `kompetanse serve` selv på en ledig port."
    )
    parser.add_argument(
        "--data-dir", type=Path, help="Datamappe for --spawn (standard: en midlertidig mappe)."
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="Med --spawn: `kompetanse serve --workers N` mot en Chroma-server som startes også (standard 1).",
    )
    parser.add_argument("--clients", type=int, default=32, help="Samtidige klienter (standard 32).")
    parser.add_argument("--duration", type=float, default=60.0, help="Sekunder å kjøre (standard 60).")
    parser.add_argument(
        "--max-requests", type=int, default=100_000, help="Høyst så mange forespørsler i alt."
    )
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="Sekunder per forespørsel før den gir opp."
    )
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="Spørsmål i JSONL.")
    parser.add_argument("--seed", type=int, default=1, help="Startverdi for trekningen av spørsmål.")
    parser.add_argument("--warmup", type=int, default=2, help="Forespørsler før målingen starter.")
    parser.add_argument(
        "--startup-timeout", type=float, default=900.0, help="Sekunder --spawn venter på appen."
    )
    parser.add_argument("--json", action="store_true", help="Skriv resultatet som JSON.")
    return parser


def _check(args: argparse.Namespace) -> None:
    if bool(args.url) == bool(args.spawn):
        raise LoadTestError("Oppgi enten en adresse eller --spawn.")
    if not 1 <= args.clients <= MAX_CLIENTS:
        raise LoadTestError(f"--clients må være mellom 1 og {MAX_CLIENTS}.")
    if not 0 < args.duration <= MAX_DURATION_S:
        raise LoadTestError(f"--duration må være mellom 0 og {MAX_DURATION_S:.0f} sekunder.")
    if not 1 <= args.workers <= MAX_WORKERS:
        raise LoadTestError(f"--workers må være mellom 1 og {MAX_WORKERS}.")
    if args.workers > 1 and not args.spawn:
        raise LoadTestError(
            "--workers gjelder bare med --spawn; en kjørende app har allerede sine prosesser."
        )
    if args.max_requests < 1 or args.timeout <= 0 or args.warmup < 0:
        raise LoadTestError("--max-requests og --timeout må være positive, --warmup kan ikke være negativ.")


def _measure(base: str, args: argparse.Namespace) -> dict[str, Any]:
    import httpx

    requests = load_requests(args.questions)
    with httpx.Client(base_url=base, trust_env=False, timeout=args.timeout) as client:
        for request in requests[: args.warmup]:
            client.post("/api/ask", json=request.body())
    results, elapsed = run_load(
        base,
        requests,
        clients=args.clients,
        duration_s=args.duration,
        max_requests=args.max_requests,
        timeout_s=args.timeout,
        seed=args.seed,
    )
    config = {
        "url": base,
        "clients": args.clients,
        "duration_s": args.duration,
        "max_requests": args.max_requests,
        "questions": str(args.questions),
        "seed": args.seed,
        "workers": args.workers if args.spawn else None,
    }
    return summarise(results, elapsed, config)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the load test; returns 0, 1 when any request failed, 2 on bad usage."""
    args = build_parser().parse_args(argv)
    try:
        _check(args)
        if args.spawn:
            print("Starter appen (bygger indeksen først om nødvendig) …", file=sys.stderr, flush=True)
            with SpawnedApp(args.data_dir, args.startup_timeout, args.workers) as app:
                print(
                    f"Appen kjører på {app.url}; måler i {args.duration:.0f} s …", file=sys.stderr, flush=True
                )
                report = _measure(app.url, args)
        else:
            report = _measure(require_loopback(args.url), args)
    except (LoadTestError, StartupError) as exc:
        print(f"Feil: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else format_table(report))
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
