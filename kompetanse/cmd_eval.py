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


# The bundled splits: tuning (constants may be fitted to it), locked (gated, never
# tuned on; whole topics unseen by tuning) and real (real users' questions, verbatim).
SPLITS = ("tuning", "locked", "real")
GATED_SPLIT = "locked"


def split_path(name: str) -> Path:
    """The bundled question file of split ``name`` (evals/data/<name>.jsonl)."""
    return evals_dir() / "data" / f"{name}.jsonl"


def default_questions() -> Path:
    """The gated split (evals/data/locked.jsonl)."""
    return split_path(GATED_SPLIT)


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
        "--questions",
        type=Path,
        metavar="FIL",
        help="Spørsmålsfil i JSONL (standard: delsettene tuning, locked og real side om side).",
    )
    parser.add_argument(
        "--json", metavar="FIL", help="Skriv resultatet som ett JSON-objekt til FIL ('-' = stdout)."
    )
    parser.add_argument(
        "--report", metavar="FIL", help="Skriv rapport; formatet velges av endelsen (.html eller .md)."
    )
    parser.add_argument(
        "--baseline",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="Kjør også baseline (vanlig opplæringsoppsett); standard på, --no-baseline slår den av.",
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
    """Run the evaluation; returns 0, or 1 when ``--gate`` finds a metric outside its thresholds.

    Without ``--questions`` the three bundled splits run one after another and are
    printed side by side; the gate, the report and the top level of the JSON are
    the locked split's.
    """
    from evals.dataset import load_dataset
    from evals.report import write_report
    from evals.runner import check_gate, load_thresholds, report_json, run_eval, summary

    if args.report and Path(args.report).suffix.lower() not in (".html", ".htm", ".md"):
        raise KompetanseError(f"Rapportfila må slutte på .html eller .md, fikk {args.report}.")
    thresholds = load_thresholds(args.thresholds or default_thresholds()) if args.gate else None
    files = {"spørsmål": args.questions} if args.questions else {name: split_path(name) for name in SPLITS}
    json_to_stdout = args.json == "-"
    # With --json -, stdout carries exactly one JSON object: anything else printed goes to stderr.
    redirect = contextlib.redirect_stdout(sys.stderr) if json_to_stdout else contextlib.nullcontext()
    reports = {}
    with redirect:
        for name, path in files.items():
            items = load_dataset(path)
            _progress(f"{name}: {len(items)} spørsmål lest fra {path}.")
            reports[name] = run_eval(settings, items, baseline=args.baseline, progress=_progress)
    main_name = GATED_SPLIT if GATED_SPLIT in reports else next(iter(reports))
    summaries = {name: summary(rep) for name, rep in reports.items()}
    summ = summaries[main_name]
    failures = check_gate(summ, thresholds) if thresholds is not None else None

    if args.report:
        path = write_report(reports[main_name], args.report)
        _progress(f"Rapport skrevet til {path}.")
    if args.json:
        data = report_json(reports[main_name], failures)
        data["split"] = main_name
        data["splits"] = {
            name: {k: v for k, v in sm.items() if k != "created"} for name, sm in summaries.items()
        }
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if json_to_stdout:
            sys.stdout.write(text + "\n")
        else:
            Path(args.json).parent.mkdir(parents=True, exist_ok=True)
            Path(args.json).write_text(text + "\n", encoding="utf-8")
            _progress(f"JSON skrevet til {args.json}.")

    table_stream = sys.stderr if json_to_stdout else sys.stdout
    print_table(summaries, table_stream)
    if failures:
        print(f"Kvalitetsterskel ikke nådd på «{main_name}» (evaluation gate failed):", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure.message()}", file=sys.stderr)
        return 1
    if failures is not None:
        print(f"Alle terskler nådd på «{main_name}» (evaluation gate passed).", file=sys.stderr)
    return 0


def print_table(summaries: dict[str, dict[str, Any]], stream: Any) -> None:
    """One row per metric, one column per split: ours, then the baseline in brackets."""
    from evals.report import metric_rows

    names = list(summaries)
    rows = {name: metric_rows(sm) for name, sm in summaries.items()}
    table: list[tuple[str, list[str]]] = []
    for i, (label, *_rest) in enumerate(rows[names[0]]):
        cells = []
        for name in names:
            _, ours, base, _ratio = rows[name][i]
            cells.append(f"{ours} ({base})" if summaries[name].get("baseline") else ours)
        table.append((label[:51], cells))
    heads = [f"{n} (baseline)" for n in names]
    width = 2 + max(len(c) for c in [*heads, *(c for _, cells in table for c in cells)])
    print(f"{'':<52}" + "".join(f"{h:>{width}}" for h in heads), file=stream)
    for label, cells in table:
        print(f"{label:<52}" + "".join(f"{c:>{width}}" for c in cells), file=stream)
    counts = "  ".join(f"{n}: {summaries[n]['n_failed']} av {summaries[n]['n']}" for n in names)
    print(f"Feilede spørsmål: {counts}", file=stream)
