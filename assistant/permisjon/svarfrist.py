"""For managers: the last date for the written reply under aml. § 12-11 (5), and a draft reply.

The length of leave is counted from its start when given, else from the date the notice
was received; months are calendar months (see ``dates``). The sources say nothing about
deadlines that fall on a weekend or public holiday, so the date is not moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.permisjon import rules
from assistant.permisjon.dates import Duration, add_months, norwegian_date
from assistant.permisjon.models import SvarfristInput
from assistant.permisjon.rules import Source


@dataclass(frozen=True)
class Point:
    """One cited statement of the result."""

    text: str
    source: Source

    def to_dict(self) -> dict[str, Any]:
        """JSON form: text and citation."""
        return {"text": self.text, "citation": self.source.citation()}


@dataclass(frozen=True)
class Svarfrist:
    """The reply deadline and what the reply must contain."""

    received: date
    length: Duration
    months: int
    deadline: date
    deadline_point: Point
    reply_must_contain: tuple[Point, ...]
    duty_to_inform: Point
    dispute: Point
    notes: tuple[str, ...]
    markdown: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON described in the README."""
        return {
            "received": self.received.isoformat(),
            "length": self.length.label(),
            "months": self.months,
            "deadline": self.deadline.isoformat(),
            "deadline_text": norwegian_date(self.deadline),
            "rule": self.deadline_point.to_dict(),
            "reply_must_contain": [p.to_dict() for p in self.reply_must_contain],
            "duty_to_inform": self.duty_to_inform.to_dict(),
            "dispute": self.dispute.to_dict(),
            "notes": list(self.notes),
            "draft_reply_markdown": self.markdown,
        }


def reply_months(length: Duration, anchor: date) -> int:
    """2 months for leave under one month, 3 under six months, else 6 (lengths counted from ``anchor``)."""
    if length.shorter_than_months(1, anchor):
        return 2
    if length.shorter_than_months(6, anchor):
        return 3
    return 6


def compute(form: SvarfristInput) -> Svarfrist:
    """The deadline and cited points for ``form``."""
    length = form.length.duration()
    months = reply_months(length, form.leave_start or form.received)
    deadline = add_months(form.received, months)
    source = rules.REPLY_SIX if months == 6 else rules.REPLY_SHORT
    words = {2: "to", 3: "tre", 6: "seks"}
    kind = {2: "kortere enn én måned", 3: "kortere enn seks måneder", 6: "seks måneder eller lengre"}[months]
    deadline_point = Point(
        f"Varslet permisjon på {length.label()} er {kind}: skriftlig svar senest {words[months]} måneder etter "
        f"at varselet ble mottatt, dvs. {norwegian_date(deadline)}, og snarest mulig.",
        source,
    )
    must = (
        Point("Svaret skal være skriftlig og gis snarest mulig.", rules.REPLY_SIX),
        Point(
            "Svaret skal si at arbeidsgiver mener vilkårene for utdanningspermisjon ikke er oppfylt.",
            rules.REPLY_SIX,
        ),
        Point(
            "Avslag fordi permisjonen vil hindre forsvarlig planlegging av drift og personaldisponeringer må "
            "bygge på denne regelen.",
            rules.REFUSAL,
        ),
    )
    inform = Point(
        "Fram til svar er gitt skal arbeidsgiver på forespørsel orientere arbeidstakeren om hva som gjøres for å "
        "legge til rette for permisjonen.",
        rules.REPLY_INFORM,
    )
    dispute = Point("En tvist om retten til permisjon avgjøres av tvisteløsningsnemnda.", rules.DISPUTE)
    notes = (
        "Fristen er regnet i kalendermåneder fra mottaksdatoen; finnes ikke dagen i siste måned, er fristen "
        "månedens siste dag.",
        "Kildene sier ikke noe om frister som faller på helg eller helligdag; datoen er ikke flyttet.",
    )
    markdown = _draft_reply(form, deadline, (deadline_point, *must, inform, dispute))
    return Svarfrist(
        form.received, length, months, deadline, deadline_point, must, inform, dispute, notes, markdown
    )


def _draft_reply(form: SvarfristInput, deadline: date, points: tuple[Point, ...]) -> str:
    name = form.name.strip() or "[arbeidstakers navn]"
    lines = [
        "# Svar på varsel om utdanningspermisjon",
        "",
        f"**Til:** {name}  ",
        f"**Fra:** {form.employer.strip() or '[arbeidsgiver]'}  ",
        f"**Varsel mottatt:** {norwegian_date(form.received)}  ",
        f"**Svarfrist:** {norwegian_date(deadline)}",
        "",
        f"Vi viser til ditt varsel om utdanningspermisjon på {form.length.duration().label()}, mottatt "
        f"{norwegian_date(form.received)}.",
        "",
        "Arbeidsgiver mener at vilkårene for utdanningspermisjon etter arbeidsmiljøloven § 12-11 ikke er oppfylt, "
        "fordi:",
        "",
        "- [ ] kravet om minst tre år i arbeidslivet eller to års ansettelse hos oss (§ 12-11 første ledd)",
        "- [ ] utdanningen er ikke yrkesrelatert (§ 12-11 første ledd)",
        "- [ ] ventetiden etter forrige permisjon er ikke ute (§ 12-11 tredje ledd)",
        "- [ ] permisjonen vil hindre forsvarlig planlegging av drift og personaldisponeringer (§ 12-11 annet ledd)",
        "",
        "Begrunnelse: [skriv begrunnelsen]",
        "",
        "Er du uenig, kan tvisten bringes inn for tvisteløsningsnemnda (arbeidsmiljøloven § 12-14).",
        "",
        "Med vennlig hilsen",
        "",
        form.employer.strip() or "[arbeidsgiver]",
        "",
        "---",
        "",
        "**Grunnlag:**",
        "",
    ]
    seen: list[Source] = []
    for p in points:
        if p.source not in seen:
            seen.append(p.source)
    lines += [f"- {s.label()}: «{s.quote}» ({s.document})" for s in seen]
    return "\n".join(lines) + "\n"
