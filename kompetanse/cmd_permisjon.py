"""`kompetanse sjekk|varsel|svarfrist`: the education leave tools on the command line."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

    from core.settings import Settings

LEVELS = ["grunnskole", "videregående", "høyere"]


def _yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in ("ja", "j", "yes", "y", "true"):
        return True
    if value in ("nei", "n", "no", "false"):
        return False
    raise argparse.ArgumentTypeError(f"«{text}»: svar ja eller nei")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"«{text}» er ikke en dato; skriv ÅÅÅÅ-MM-DD, for eksempel 2026-12-01"
        ) from None


def _length(text: str) -> dict[str, Any]:
    from assistant.permisjon.dates import parse_duration

    try:
        d = parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return {"amount": d.amount, "unit": d.unit}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the sjekk, varsel and svarfrist subcommands."""
    s = sub.add_parser(
        "sjekk",
        help="Sjekk om du har rett på utdanningspermisjon (aml. § 12-11, HTA 14.2).",
        description="Rettighetssjekk: vilkårene i arbeidsmiljøloven § 12-11 og lønn etter HTA 14.2, "
        "hvert punkt med kildehenvisning. Felt du ikke oppgir blir «ukjent».",
    )
    s.add_argument("--arbeidsliv", type=float, help="År i arbeidslivet totalt.")
    s.add_argument("--ansatt", type=float, help="År hos denne arbeidsgiveren.")
    s.add_argument("--tidligere", type=_yes_no, help="Har du hatt utdanningspermisjon før? ja/nei")
    s.add_argument("--tidligere-start", type=_day, help="Når forrige permisjon begynte (ÅÅÅÅ-MM-DD).")
    s.add_argument(
        "--tidligere-varighet", type=_length, help="Hvor lenge forrige permisjon varte, f.eks. «6 måneder»."
    )
    s.add_argument("--start", type=_day, help="Når den nye permisjonen skal begynne (standard: i dag).")
    s.add_argument(
        "--varighet", type=_length, help="Lengden på den nye permisjonen, f.eks. «4 måneder» eller «1 uke»."
    )
    s.add_argument("--niva", choices=LEVELS, help="Utdanningens nivå.")
    s.add_argument("--yrkesrelatert", type=_yes_no, help="Er utdanningen yrkesrelatert? ja/nei")
    s.add_argument("--omfang", choices=["hel", "delvis"], help="Hel eller delvis permisjon.")
    s.add_argument(
        "--arbeidsgiver-krever", type=_yes_no, help="Mener arbeidsgiver utdanningen er nødvendig? ja/nei"
    )
    s.add_argument("--turnus", type=_yes_no, help="Arbeider du turnus? ja/nei")
    s.add_argument("--json", action="store_true", help="Skriv resultatet som JSON.")
    s.set_defaults(func=run_sjekk)

    v = sub.add_parser(
        "varsel",
        help="Lag et skriftlig varsel om utdanningspermisjon til arbeidsgiver (aml. § 12-11 fjerde ledd).",
        description="Utkast til skriftlig varsel med feltene loven krever, som Markdown (og .docx med --docx). "
        "Felt som mangler blir listet, ikke funnet på.",
    )
    v.add_argument("--navn", default="", help="Ditt navn.")
    v.add_argument("--arbeidsgiver", default="", help="Arbeidsgiveren.")
    v.add_argument("--utdanning", default="", help="Utdanningens faglige innhold.")
    v.add_argument("--sted", default="", help="Utdanningsinstitusjonen.")
    v.add_argument("--start", type=_day, help="Når permisjonen skal begynne (ÅÅÅÅ-MM-DD).")
    v.add_argument("--varighet", type=_length, help="Lengden, f.eks. «4 måneder».")
    v.add_argument("--omfang", choices=["hel", "delvis"], help="Hel eller delvis permisjon.")
    v.add_argument("--prosent", type=int, help="Ved delvis permisjon: andel av stillingen (1–99).")
    v.add_argument(
        "--opptak", choices=["tatt opp", "søkt", "ikke aktuelt"], help="Opptak ved utdanningsinstitusjon."
    )
    v.add_argument("--niva", choices=LEVELS, help="Utdanningens nivå.")
    v.add_argument("--yrkesrelevans", default="", help="Hvorfor utdanningen er relevant for jobben.")
    v.add_argument("--docx", type=Path, help="Skriv også varselet som Word-fil hit.")
    v.add_argument("--json", action="store_true", help="Skriv resultatet som JSON.")
    v.set_defaults(func=run_varsel)

    f = sub.add_parser(
        "svarfrist",
        help="For ledere: siste frist for skriftlig svar på et varsel om utdanningspermisjon, med utkast til svar.",
        description="Svarfristen etter arbeidsmiljøloven § 12-11 femte ledd (seks, tre eller to måneder) "
        "regnet fra mottaksdatoen, hva svaret må inneholde, og et utkast til svar.",
    )
    f.add_argument("--mottatt", type=_day, required=True, help="Datoen varselet ble mottatt (ÅÅÅÅ-MM-DD).")
    f.add_argument("--varighet", type=_length, required=True, help="Lengden på permisjonen det er søkt om.")
    f.add_argument("--permisjonsstart", type=_day, help="Når permisjonen skal begynne (valgfritt).")
    f.add_argument("--navn", default="", help="Arbeidstakerens navn i utkastet.")
    f.add_argument("--arbeidsgiver", default="", help="Arbeidsgiveren i utkastet.")
    f.add_argument("--docx", type=Path, help="Skriv også utkastet til svar som Word-fil hit.")
    f.add_argument("--json", action="store_true", help="Skriv resultatet som JSON.")
    f.set_defaults(func=run_svarfrist)


def _validate(model: type[BaseModel], data: dict[str, Any]) -> Any:
    from pydantic import ValidationError

    from ui.api import validation_message

    try:
        return model.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        for error in exc.errors():
            print(f"Feil: {validation_message(dict(error))}", file=sys.stderr)
        return None


def _print_json(data: dict[str, Any]) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _write_docx(path: Path | None, markdown: str) -> None:
    if path is None:
        return
    from assistant.permisjon.docx import markdown_to_docx

    path.write_bytes(markdown_to_docx(markdown))
    print(f"Skrev {path.name}", file=sys.stderr)


def run_sjekk(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.permisjon.models import SjekkInput
    from assistant.permisjon.sjekk import check

    form = _validate(
        SjekkInput,
        {
            "years_working_life": args.arbeidsliv,
            "years_with_employer": args.ansatt,
            "earlier_leave": args.tidligere,
            "earlier_leave_start": args.tidligere_start,
            "earlier_leave_length": args.tidligere_varighet,
            "start": args.start,
            "length": args.varighet,
            "level": args.niva,
            "job_related": args.yrkesrelatert,
            "scope": args.omfang,
            "employer_requires": args.arbeidsgiver_krever,
            "turnus": args.turnus,
        },
    )
    if form is None:
        return 2
    result = check(form).to_dict()
    if args.json:
        _print_json(result)
        return 0
    print(f"Vurdering: {result['verdict']}\n")
    for c in result["conditions"]:
        cit = c["citation"]
        print(
            f"- {c['text']}: {c['status']}. {c['explanation']}\n  {cit['provision']} {cit['ledd']}: «{cit['quote']}»"
        )
    print()
    for p in [*result["pay"].values(), result["employer_refusal"], *result["next_steps"]]:
        refs = "; ".join(f"{x['provision']} {x['ledd']}".strip() for x in p["citations"])
        print(f"- {p['text']} ({refs})")
    return 0


def run_varsel(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.permisjon.models import VarselInput
    from assistant.permisjon.varsel import draft

    form = _validate(
        VarselInput,
        {
            "name": args.navn,
            "employer": args.arbeidsgiver,
            "education": args.utdanning,
            "institution": args.sted,
            "start": args.start,
            "length": args.varighet,
            "scope": args.omfang,
            "percent": args.prosent,
            "admission": args.opptak,
            "level": args.niva,
            "relevance": args.yrkesrelevans,
        },
    )
    if form is None:
        return 2
    notice = draft(form)
    if args.json:
        _print_json(notice.to_dict())
    else:
        print(notice.markdown)
    _write_docx(args.docx, notice.markdown)
    return 0


def run_svarfrist(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.permisjon.models import SvarfristInput
    from assistant.permisjon.svarfrist import compute

    form = _validate(
        SvarfristInput,
        {
            "received": args.mottatt,
            "length": args.varighet,
            "leave_start": args.permisjonsstart,
            "name": args.navn,
            "employer": args.arbeidsgiver,
        },
    )
    if form is None:
        return 2
    result = compute(form)
    if args.json:
        _print_json(result.to_dict())
    else:
        print(f"Svarfrist: {result.to_dict()['deadline_text']} ({result.deadline.isoformat()})")
        for p in (result.deadline_point, *result.reply_must_contain, result.duty_to_inform, result.dispute):
            print(f"- {p.text} ({p.source.label()}: «{p.source.quote}»)")
        for note in result.notes:
            print(f"  Merk: {note}")
        print()
        print(result.markdown)
    _write_docx(args.docx, result.markdown)
    return 0
