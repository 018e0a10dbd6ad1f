"""Render an evaluation run as a self-contained HTML page or as Markdown.

Both show the metrics table (ours vs baseline, with their ratio), the hit@k
plot (k = 1..10), per-role and per-language breakdowns, and every failed
question with what was retrieved and answered. ``write_report`` picks the
format from the file extension.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.errors import KompetanseError
from evals.runner import EvalReport, QuestionRecord, summary

UNMEASURED = "ikke målt"
ANSWER_CHARS = 1200

# (key, Norwegian label, kind) in table order; kind picks the number format.
METRIC_ROWS: tuple[tuple[str, str, str], ...] = (
    ("hit_at_1", "Treff@1 (fasit øverst)", "rate"),
    ("hit_at_4", "Treff@4 (fasit blant de fire første)", "rate"),
    ("mrr", "MRR (gjennomsnittlig resiprok rang)", "score"),
    ("answer_evidence_rate", "Svar som siterer fasiten", "rate"),
    ("answer_quote_rate", "Svar der fasiten står ordrett i teksten", "rate"),
    ("citation_precision", "Kildepresisjon (henvisninger som støtter setningen)", "rate"),
    ("citation_recall", "Kildedekning (setninger med støttende henvisning)", "rate"),
    ("citation_precision_llm", "Kildepresisjon, modellvurdert", "rate"),
    ("citation_recall_llm", "Kildedekning, modellvurdert", "rate"),
    ("oos_refusal_rate", "Utenfor kildene: avvist eller udekket del nevnt", "rate"),
    ("partial_rate_in_scope", "Innenfor kildene: svar med udekket del", "rate"),
    ("false_refusal_rate", "Feilaktig avviste spørsmål (lavere er bedre)", "rate"),
    ("latency_ms_p50", "Svartid p50 (ms, lavere er bedre)", "ms"),
    ("latency_ms_p95", "Svartid p95 (ms, lavere er bedre)", "ms"),
)
BREAKDOWN_COLUMNS = (
    ("n", "n", "count"),
    ("hit_at_4", "Treff@4", "rate"),
    ("answer_evidence_rate", "Siterer fasit", "rate"),
    ("citation_recall", "Kildedekning", "rate"),
    ("oos_refusal_rate", "Avviser utenfor", "rate"),
    ("false_refusal_rate", "Feilavvist", "rate"),
)
JUDGE_NAMES = {
    "deterministic": "deterministisk (ordrett eller nesten ordrett innhold)",
    "llm": "deterministisk, og i tillegg en språkmodell",
}
ROLE_NAMES = {"employee": "Arbeidstaker", "manager": "Leder", "union": "Tillitsvalgt"}
LANGUAGE_NAMES = {"nb": "Bokmål", "nn": "Nynorsk", "en": "Engelsk"}


def fmt(value: Any, kind: str) -> str:
    """Format a metric value; None becomes "ikke målt"."""
    if value is None:
        return UNMEASURED
    if kind == "rate":
        return f"{100 * value:.1f} %"
    if kind == "ms":
        return f"{value:.0f}"
    if kind == "count":
        return str(value)
    return f"{value:.3f}"


def ratio(ours: Any, base: Any) -> str:
    """ours / baseline as "1.25×", or "–" when either is unmeasured or the baseline is 0."""
    if ours is None or base is None or base == 0:
        return "–"
    return f"{ours / base:.2f}×"


def metric_rows(summ: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(label, ours, baseline, ratio) for the metrics table."""
    base = summ.get("baseline") or {}
    rows = []
    for key, label, kind in METRIC_ROWS:
        if key.endswith("_llm") and summ.get(key) is None and base.get(key) is None:
            rows.append((label, UNMEASURED + " (ingen språkmodell satt opp)", UNMEASURED, "–"))
            continue
        b = base.get(key) if base else None
        rows.append((label, fmt(summ.get(key), kind), fmt(b, kind) if base else "–", ratio(summ.get(key), b)))
    return rows


def hit_at_k_png(summ: dict[str, Any]) -> bytes | None:
    """The hit@k curve (k = 1..10), ours vs baseline, as PNG bytes; None if unmeasured."""
    ours = summ.get("hit_at_k") or []
    base = (summ.get("baseline") or {}).get("hit_at_k") or []
    if not any(v is not None for v in [*ours, *base]):
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=110)
    for values, label, style in ((ours, "Kompetanseassistenten", "o-"), (base, "Baseline", "s--")):
        points = [(k, v) for k, v in enumerate(values, 1) if v is not None]
        if points:
            ax.plot([k for k, _ in points], [v for _, v in points], style, label=label)
    ax.set_xlabel("k (antall treff)")
    ax.set_ylabel("Andel med fasit blant de k første")
    ax.set_ylim(0, 1.02)
    ax.set_xticks(range(1, 11))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _breakdown_rows(groups: dict[str, dict[str, Any]], names: dict[str, str]) -> list[list[str]]:
    return [
        [names.get(g, g)] + [fmt(s.get(k), kind) for k, _, kind in BREAKDOWN_COLUMNS]
        for g, s in groups.items()
    ]


def _failed(report: EvalReport) -> list[QuestionRecord]:
    return [r for r in report.ours.records if not r.passed]


def _answer_excerpt(record: QuestionRecord) -> str:
    text = record.answer.strip() or "(tomt svar)"
    return text if len(text) <= ANSWER_CHARS else text[:ANSWER_CHARS] + " …"


# ---------------------------------------------------------------------- Markdown


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    def cell(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def render_markdown(report: EvalReport, plot_file: str | None = None) -> str:
    """The report as Markdown; ``plot_file`` is a relative path to the hit@k PNG, if written."""
    summ = summary(report)
    out = ["# Evaluering av Kompetanseassistenten", ""]
    out.append(
        f"Kjørt {report.created}. {summ['n']} spørsmål ({summ['n_in_scope']} innenfor kildene, "
        f"{summ['n_out_of_scope']} utenfor). Vurdering av henvisninger: {JUDGE_NAMES.get(summ['judge'], summ['judge'])}."
    )
    out += ["", "## Nøkkeltall", ""]
    out += _md_table(("Mål", "Assistenten", "Baseline", "Forhold"), metric_rows(summ))
    out += ["", "## Treff@k", ""]
    out.append(f"![Treff@k]({plot_file})" if plot_file else f"Treff@k: {UNMEASURED}.")
    for title, key, names in (
        ("Per rolle", "by_role", ROLE_NAMES),
        ("Per språk", "by_language", LANGUAGE_NAMES),
    ):
        if summ.get(key):
            out += ["", f"## {title}", ""]
            out += _md_table(
                ["Gruppe"] + [h for _, h, _ in BREAKDOWN_COLUMNS], _breakdown_rows(summ[key], names)
            )
    failed = _failed(report)
    out += ["", f"## Spørsmål som feilet ({len(failed)})", ""]
    if not failed:
        out.append("Ingen.")
    for r in failed:
        out += [f"### {r.id}: {r.question}", ""]
        out.append(
            f"- Rolle: {ROLE_NAMES.get(r.role, r.role)}; utenfor kildene: {'ja' if r.out_of_scope else 'nei'}"
        )
        out.append(f"- Avvist: {'ja' if r.refused else 'nei'}; svartid: {r.latency_ms:.0f} ms")
        out += [f"- Årsak: {reason}" for reason in r.failures]
        out += ["", "Svar:", ""] + ["> " + line for line in _answer_excerpt(r).splitlines()] + [""]
        rows = [
            [str(i), "✓" if p.hit else "", p.document, f"{p.score:.3f}", p.preview]
            for i, p in enumerate(r.retrieved, 1)
        ]
        out += [*_md_table(("#", "Fasit", "Dokument", "Skår", "Utdrag"), rows), ""]
    return "\n".join(out).rstrip() + "\n"


# ---------------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1b1b1b}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.3em .6em;
text-align:left;vertical-align:top}th{background:#f2f2f2}.fail{border-left:4px solid #b00020;
padding-left:1em;margin-bottom:2em}.hit{color:#0a6b2d;font-weight:bold}blockquote{white-space:pre-wrap;
background:#fafafa;border-left:3px solid #999;margin:.5em 0;padding:.5em 1em}small{color:#555}
"""


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(report: EvalReport) -> str:
    """The report as one self-contained HTML page (the plot inlined as a base64 PNG)."""
    summ = summary(report)
    esc = html.escape
    parts = [
        "<!doctype html><html lang='nb'><head><meta charset='utf-8'>",
        "<title>Evaluering av Kompetanseassistenten</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Evaluering av Kompetanseassistenten</h1>",
        f"<p>Kjørt {esc(report.created)}. {summ['n']} spørsmål ({summ['n_in_scope']} innenfor kildene, "
        f"{summ['n_out_of_scope']} utenfor). Vurdering av henvisninger: {esc(JUDGE_NAMES.get(summ['judge'], summ['judge']))}.</p>",
        "<h2>Nøkkeltall</h2>",
        _html_table(("Mål", "Assistenten", "Baseline", "Forhold"), metric_rows(summ)),
        "<h2>Treff@k</h2>",
    ]
    png = hit_at_k_png(summ)
    if png:
        data = base64.b64encode(png).decode("ascii")
        parts.append(f"<img alt='Treff@k for assistenten og baseline' src='data:image/png;base64,{data}'>")
    else:
        parts.append(f"<p>Treff@k: {UNMEASURED}.</p>")
    for title, key, names in (
        ("Per rolle", "by_role", ROLE_NAMES),
        ("Per språk", "by_language", LANGUAGE_NAMES),
    ):
        if summ.get(key):
            parts.append(f"<h2>{title}</h2>")
            header = ["Gruppe"] + [h for _, h, _ in BREAKDOWN_COLUMNS]
            parts.append(_html_table(header, _breakdown_rows(summ[key], names)))
    failed = _failed(report)
    parts.append(f"<h2>Spørsmål som feilet ({len(failed)})</h2>")
    if not failed:
        parts.append("<p>Ingen.</p>")
    for r in failed:
        reasons = "".join(f"<li>{esc(x)}</li>" for x in r.failures)
        rows = "".join(
            f"<tr><td>{i}</td><td class='hit'>{'✓' if p.hit else ''}</td><td>{esc(p.document)}</td>"
            f"<td>{p.score:.3f}</td><td>{esc(p.preview)}<br><small>{esc(p.chunk_id)}</small></td></tr>"
            for i, p in enumerate(r.retrieved, 1)
        )
        parts.append(
            f"<div class='fail'><h3>{esc(r.id)}: {esc(r.question)}</h3>"
            f"<p>Rolle: {esc(ROLE_NAMES.get(r.role, r.role))}; utenfor kildene: "
            f"{'ja' if r.out_of_scope else 'nei'}; avvist: {'ja' if r.refused else 'nei'}; "
            f"svartid: {r.latency_ms:.0f} ms</p><ul>{reasons}</ul>"
            f"<p>Svar:</p><blockquote>{esc(_answer_excerpt(r))}</blockquote>"
            "<table><thead><tr><th>#</th><th>Fasit</th><th>Dokument</th><th>Skår</th><th>Utdrag</th></tr>"
            f"</thead><tbody>{rows}</tbody></table></div>"
        )
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(report: EvalReport, path: str | Path) -> Path:
    """Write the report to ``path`` as HTML (.html/.htm) or Markdown (.md, plot PNG beside it).

    Returns the path written. Raises :class:`KompetanseError` for another extension.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".html", ".htm", ".md"):
        raise KompetanseError(f"Rapportfila må slutte på .html eller .md, fikk {path.name}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".md":
        png = hit_at_k_png(summary(report))
        plot_name = None
        if png:
            plot_path = path.with_name(path.stem + "-treff-at-k.png")
            plot_path.write_bytes(png)
            plot_name = plot_path.name
        path.write_text(render_markdown(report, plot_name), encoding="utf-8")
    else:
        path.write_text(render_html(report), encoding="utf-8")
    return path
