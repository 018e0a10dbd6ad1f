"""The benchmark's results as Markdown: one table of every scale and system, then the workers table.

:data:`KEYS` are the keys of each scale's figures in the JSON output (``--json``) of :mod:`evals.bench`.
"""

from __future__ import annotations

from typing import Any

from evals.bench_corpus import PAGE_CHARS
from evals.bench_serve import fmt_number, json_keys_note, render_workers

__all__ = ["COLUMNS", "KEYS", "render"]

COLUMNS = (
    ("Filer", "files", 0),
    ("Sider", "pages", 0),
    ("Avsnitt", "chunks", 0),
    ("Innlesing (s)", "ingest_s", 1),
    ("Innlesing (tegn/s)", "ingest_chars_per_s", 0),
    ("Modellen rått (tegn/s)", "embedder_chars_per_s", 0),
    ("Uendret på nytt (s)", "reingest_unchanged_s", 1),
    ("Assistenten klar (s)", "assistant_start_s", 1),
    ("Start til den lytter (s)", "start_s", 1),
    ("Varm p50 (ms)", "query_ms_p50", 0),
    ("Varm p95 (ms)", "query_ms_p95", 0),
    ("Nytt spørsmål p95 (ms)", "novel_query_ms_p95", 0),
    ("RSS (MB)", "rss_mb", 0),
    ("RSS kompetanse serve (MB)", "serve_rss_mb", 0),
    ("Last: klienter", "load_clients", 0),
    ("Last: svar/s", "load_answers_per_s", 1),
    ("Last: p95 (ms)", "load_ms_p95", 0),
    ("Last: feil", "load_errors", 0),
)
KEYS = ("scale", *(key for _label, key, _digits in COLUMNS), "workers")


def render(results: dict[str, Any]) -> str:
    """The benchmark results as one Markdown table (one column per scale and system)."""
    columns = [("Assistenten", r) for r in results["scales"]]
    columns += [("Baseline", r) for r in results["baseline"]]
    out = [
        "# Ytelsesmålinger",
        "",
        f"Kjørt {results['created']} på {results['machine']}. {results.get('note', '')}".rstrip(),
        "",
        "| Mål | " + " | ".join(f"{name} {r['scale']}x" for name, r in columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for label, key, digits in COLUMNS:
        out.append(
            f"| {label} | " + " | ".join(fmt_number(r.get(key), digits) for _name, r in columns) + " |"
        )
    share = [
        fmt_number(100 * r["ingest_chars_per_s"] / r["embedder_chars_per_s"], 0)
        if r.get("embedder_chars_per_s")
        else "ikke målt"
        for _name, r in columns
    ]
    out.append("| Innlesing i % av modellen | " + " | ".join(share) + " |")
    out += [
        "",
        f"Sider: PDF-sider, og {PAGE_CHARS} tegn per side for tekstfiler. Innlesingstiden er uten lasting av "
        "modellen; innlesingen bygger vektorer for setningene og de gjentatte overskriftene (avsnittsvektoren "
        "er deres lengdevektede snitt) og skriver øyeblikksbildet av indeksen. «Modellen rått» er modellens fart "
        "på de samme tekstene i samme kjøring. Hver setning i de genererte variantene er merket «(utgave N)», så "
        "ingen setning går igjen og ingen vektor kan gjenbrukes. «Nytt spørsmål» er første gang "
        "prosessen ser spørsmålet, «varm» er andre gang. «Assistenten klar» er fra prosessstart til assistenten "
        "er klar i prosessen (øyeblikksbildet av indeksen, BM25 og setningsvektorer lastet); «start til den "
        "lytter» er fra "
        "`kompetanse serve` startes på den eksisterende indeksen til den tar imot forespørsler. Lasttesten "
        "kjører klientene som tråder i samme prosess (uten HTTP); RSS er den prosessens topp etter lasten.",
        "",
    ]
    out += render_workers(results["scales"])
    out += json_keys_note(KEYS)
    return "\n".join(out)
