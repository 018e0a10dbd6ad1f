"""`kompetanse eval`: run the evaluation set, print/write the results, optionally gate on thresholds."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path
from typing import Any

from core.errors import KompetanseError
from core.settings import Settings


def evals_dir() -> Path:
    """The installed ``evals`` package folder.

    Located through a submodule: under pytest, ``tests/evals/__init__.py`` can
    shadow the top-level ``evals`` package name, never its submodules' files.
    """
    from evals import dataset

    return Path(dataset.__file__).parent


def default_questions() -> Path:
    """The bundled development set (evals/data/dev.jsonl)."""
    return evals_dir() / "data" / "dev.jsonl"


def default_thresholds() -> Path:
    """The bundled thresholds file (evals/thresholds.json)."""
    return evals_dir() / "thresholds.json"


def register(sub: Any) -> None:
    """Add the ``eval`` subcommand to the CLI."""
    parser = sub.add_parser(
        "eval",
        help="Evaluer assistenten på spørsmålssettet (treff, kildehenvisninger, avvisning, svartid).",
        description="Kjører spørsmålssettet mot assistenten (og eventuelt baseline), regner ut "
        "nøkkeltallene og skriver dem som JSON og/eller rapport. Fremdrift skrives til stderr.",
    )
    parser.add_argument(
        "--questions", type=Path, metavar="FIL", help="Spørsmålsfil i JSONL (standard: evals/data/dev.jsonl)."
    )
    parser.add_argument(
        "--json", metavar="FIL", help="Skriv resultatet som ett JSON-objekt til FIL ('-' = stdout)."
    )
    parser.add_argument(
        "--report", metavar="FIL", help="Skriv rapport; formatet velges av endelsen (.html eller .md)."
    )
    parser.add_argument(
        "--baseline", action="store_true", help="Kjør også baseline (vanlig opplæringsoppsett)."
    )
    parser.add_argument(
        "--gate", action="store_true", help="Avslutt med kode 1 hvis et mål bryter tersklene i terskelfila."
    )
    parser.add_argument(
        "--thresholds",
        type=Path,
        metavar="FIL",
        help="Terskelfil for --gate (standard: evals/thresholds.json).",
    )
    parser.set_defaults(func=run)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the evaluation; returns 0, or 1 when ``--gate`` finds a metric outside its thresholds."""
    from evals.dataset import load_dataset
    from evals.report import metric_rows, write_report
    from evals.runner import check_gate, load_thresholds, report_json, run_eval, summary

    if args.report and Path(args.report).suffix.lower() not in (".html", ".htm", ".md"):
        raise KompetanseError(f"Rapportfila må slutte på .html eller .md, fikk {args.report}.")
    thresholds = load_thresholds(args.thresholds or default_thresholds()) if args.gate else None
    items = load_dataset(args.questions or default_questions())
    _progress(f"{len(items)} spørsmål lest fra {args.questions or default_questions()}.")

    json_to_stdout = args.json == "-"
    # With --json -, stdout carries exactly one JSON object: anything else printed goes to stderr.
    redirect = contextlib.redirect_stdout(sys.stderr) if json_to_stdout else contextlib.nullcontext()
    with redirect:
        report = run_eval(settings, items, baseline=args.baseline, progress=_progress)
    summ = summary(report)
    failures = check_gate(summ, thresholds) if thresholds is not None else None

    if args.report:
        path = write_report(report, args.report)
        _progress(f"Rapport skrevet til {path}.")
    if args.json:
        text = json.dumps(report_json(report, failures), ensure_ascii=False, indent=2)
        if json_to_stdout:
            sys.stdout.write(text + "\n")
        else:
            Path(args.json).parent.mkdir(parents=True, exist_ok=True)
            Path(args.json).write_text(text + "\n", encoding="utf-8")
            _progress(f"JSON skrevet til {args.json}.")

    table_stream = sys.stderr if json_to_stdout else sys.stdout
    for label, ours, base, ratio in metric_rows(summ):
        extra = f"   baseline {base} ({ratio})" if summ.get("baseline") else ""
        print(f"{label:<55} {ours}{extra}", file=table_stream)
    print(f"Feilede spørsmål: {summ['n_failed']} av {summ['n']}", file=table_stream)

    if failures:
        print("Kvalitetsterskel ikke nådd (evaluation gate failed):", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure.message()}", file=sys.stderr)
        return 1
    if failures is not None:
        print("Alle terskler nådd (evaluation gate passed).", file=sys.stderr)
    return 0
