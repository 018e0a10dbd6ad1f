"""`kompetanse ask`, `chat`, `lookup` and `samtale`: the assistant in the terminal."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.models import Answer, ProvisionView
    from assistant.service import Assistant
    from core.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the question-answering subcommands."""
    ask = sub.add_parser("ask", help="Still ett spørsmål og få et svar med kildehenvisninger.")
    ask.add_argument("question", help='Spørsmålet, f.eks. "Har jeg rett på utdanningspermisjon?"')
    ask.add_argument("--json", action="store_true", help="Skriv svaret som JSON (se README).")
    ask.set_defaults(func=run_ask)

    chat = sub.add_parser("chat", help="En samtale i terminalen (oppfølgingsspørsmål forstås i sammenheng).")
    chat.set_defaults(func=run_chat)

    look = sub.add_parser(
        "lookup", help="Vis en bestemmelse: full tekst, hvor veilederen omtaler den, henvisninger."
    )
    look.add_argument("ref", help='F.eks. "HTA 14.2", "pkt. 4.2.4", "§ 12-11".')
    look.add_argument("--json", action="store_true", help="Skriv resultatet som JSON.")
    look.set_defaults(func=run_lookup)

    sam = sub.add_parser("samtale", help="Lag en spørsmålsliste til medarbeidersamtalen (Markdown).")
    sam.add_argument("--focus", default="", help='Tema, f.eks. "digital læring" eller "lønnsutvikling".')
    sam.add_argument("--limit", type=int, default=12, help="Antall spørsmål (standard 12).")
    sam.add_argument("--json", action="store_true", help="Skriv resultatet som JSON.")
    sam.set_defaults(func=run_samtale)


def _assistant(settings: Settings) -> Assistant:
    from assistant.service import Assistant
    from ingest.pipeline import ensure_index

    ensure_index(settings)
    return Assistant.from_settings(settings)


def format_answer(answer: Answer) -> str:
    """Plain-text rendering: lead, answer, notices, numbered sources."""
    lines: list[str] = []
    if answer.lead:
        lines += [answer.lead, ""]
    lines.append(answer.text)
    for notice in answer.notices:
        lines += ["", f"Merk: {notice}"]
    if answer.citations:
        lines += ["", "Kilder:"]
        seen: set[int] = set()
        for c in answer.citations:
            if c.n in seen:
                continue
            seen.add(c.n)
            where = ", ".join(p for p in (c.provision or c.section, f"s. {c.page}" if c.page else "") if p)
            lines.append(f"[{c.n}] {c.document}" + (f" – {where}" if where else ""))
    method = "Sitert direkte fra kildene." if answer.method == "extractive" else ""
    if answer.method.startswith("llm:"):
        method = f"Skrevet av {answer.method[4:]} og kontrollert mot kildene."
    if method:
        lines += ["", method]
    return "\n".join(lines)


def format_provision(view: ProvisionView) -> str:
    """Plain-text rendering of a provision view."""
    lines = [f"{view.label} – {view.title}", f"({view.document})", "", view.text]
    if view.discussed_in:
        lines += ["", "Omtalt i veilederen:"]
        lines += [f"- {c.section}" for c in view.discussed_in]
    if view.references:
        lines += ["", "Henviser til: " + ", ".join(view.references)]
    return "\n".join(lines)


def run_ask(args: argparse.Namespace, settings: Settings) -> int:
    answer = _assistant(settings).ask(args.question)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_answer(answer))
    return 0


def run_chat(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.models import Turn

    assistant = _assistant(settings)
    history: list[Turn] = []
    print("Kompetanseassistenten. Still et spørsmål (tom linje eller Ctrl-D avslutter).")
    while True:
        try:
            question = input("\nDu: ").strip()
        except EOFError:
            break
        if not question:
            break
        answer = assistant.ask(question, history)
        print("\n" + format_answer(answer))
        history += [Turn("user", question), Turn("assistant", answer.text)]
    return 0


def run_lookup(args: argparse.Namespace, settings: Settings) -> int:
    assistant = _assistant(settings)
    view = assistant.lookup(args.ref)
    if view is None:
        print(assistant.not_found(args.ref), file=sys.stderr)
        return 1
    print(json.dumps(view.to_dict(), ensure_ascii=False, indent=2) if args.json else format_provision(view))
    return 0


def run_samtale(args: argparse.Namespace, settings: Settings) -> int:
    checklist = _assistant(settings).samtale(args.focus, limit=args.limit)
    print(
        json.dumps(checklist.to_dict(), ensure_ascii=False, indent=2)
        if args.json
        else checklist.to_markdown()
    )
    return 0
