"""The rights check: aml. § 12-11 (1) and (3) condition by condition, pay and costs after HTA 14.2.

Every condition and every note carries the sentence it comes from. A field left out
gives «ukjent» for the conditions that depend on it, never a guess; the verdict is
«rett» only when every condition is «oppfylt», «ikke rett» when one is «ikke oppfylt»,
else «avhenger».
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from assistant.permisjon import rules
from assistant.permisjon.dates import add_months, norwegian_date
from assistant.permisjon.models import SjekkInput
from assistant.permisjon.rules import Source

Status = Literal["oppfylt", "ikke oppfylt", "ukjent"]
Verdict = Literal["rett", "ikke rett", "avhenger"]


@dataclass(frozen=True)
class Condition:
    """One condition of the law, its status for this case, why, and the sentence it comes from."""

    id: str
    text: str
    status: Status
    explanation: str
    source: Source

    def to_dict(self) -> dict[str, Any]:
        """JSON form: id, text, status, explanation, citation."""
        return {
            "id": self.id,
            "text": self.text,
            "status": self.status,
            "explanation": self.explanation,
            "citation": self.source.citation(),
        }


@dataclass(frozen=True)
class Note:
    """A cited statement (pay, the employer's refusal, a next step)."""

    text: str
    sources: tuple[Source, ...]
    status: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON form: text, optional status, citations."""
        out: dict[str, Any] = {"text": self.text, "citations": [s.citation() for s in self.sources]}
        if self.status:
            out["status"] = self.status
        return out


@dataclass(frozen=True)
class SjekkResult:
    """The check's outcome."""

    verdict: Verdict
    conditions: tuple[Condition, ...]
    pay: tuple[Note, ...]
    employer_refusal: Note
    next_steps: tuple[Note, ...]
    as_of: date
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """The JSON described in the README."""
        return {
            "verdict": self.verdict,
            "as_of": self.as_of.isoformat(),
            "conditions": [c.to_dict() for c in self.conditions],
            "pay": {"pay_and_costs": self.pay[0].to_dict(), "turnus": self.pay[1].to_dict()},
            "employer_refusal": self.employer_refusal.to_dict(),
            "next_steps": [s.to_dict() for s in self.next_steps],
            "notes": list(self.notes),
        }


def _years(value: float | None, need: float, cid: str, text: str, source: Source, what: str) -> Condition:
    if value is None:
        return Condition(cid, text, "ukjent", f"Oppgi {what} for å sjekke dette vilkåret.", source)
    ok = value >= need
    return Condition(
        cid,
        text,
        "oppfylt" if ok else "ikke oppfylt",
        f"Du har oppgitt {value:g} år {what}; kravet er minst {need:g} år.",
        source,
    )


def _job_related(form: SjekkInput) -> Condition:
    text = "Utdanning ut over videregående nivå må være yrkesrelatert"
    src = rules.JOB_RELATED
    if form.level is None:
        return Condition("yrkesrelatert", text, "ukjent", "Oppgi utdanningens nivå.", src)
    if form.level in ("grunnskole", "videregående"):
        return Condition(
            "yrkesrelatert", text, "oppfylt", "Kravet gjelder bare utdanning ut over videregående nivå.", src
        )
    if form.job_related is None:
        return Condition(
            "yrkesrelatert", text, "ukjent", "Oppgi om utdanningen er yrkesrelatert (høyere nivå).", src
        )
    if form.job_related:
        return Condition(
            "yrkesrelatert", text, "oppfylt", "Du har oppgitt at utdanningen er yrkesrelatert.", src
        )
    return Condition(
        "yrkesrelatert", text, "ikke oppfylt", "Du har oppgitt at utdanningen ikke er yrkesrelatert.", src
    )


def _length(form: SjekkInput) -> Condition:
    text = "Permisjonen kan vare i inntil tre år"
    if form.length is None:
        return Condition(
            "varighet", text, "ukjent", "Oppgi hvor lenge permisjonen skal vare.", rules.UP_TO_THREE_YEARS
        )
    return Condition(
        "varighet",
        text,
        "oppfylt",
        f"Oppgitt varighet: {form.length.duration().label()}.",
        rules.UP_TO_THREE_YEARS,
    )


def _waiting(form: SjekkInput, start: date) -> tuple[Condition, Condition]:
    text_a = "Ventetid a: dobbelt så lang tid som forrige permisjon varte"
    text_b = "Ventetid b: minst ett år fra forrige permisjon tok til (ikke for kurs under én måned)"
    had = (
        form.earlier_leave if form.earlier_leave is not None else (True if form.earlier_leave_start else None)
    )
    if had is False:
        why = "Du har oppgitt at du ikke har hatt utdanningspermisjon før."
        return (
            Condition("ventetid_a", text_a, "oppfylt", why, rules.WAIT_A),
            Condition("ventetid_b", text_b, "oppfylt", why, rules.WAIT_B),
        )
    a = _wait_a(form, start, had, text_a)
    b = _wait_b(form, start, had, text_b)
    return a, b


def _wait_a(form: SjekkInput, start: date, had: bool | None, text: str) -> Condition:
    src = rules.WAIT_A
    prev, length = form.earlier_leave_start, form.earlier_leave_length
    if had is None:
        return Condition("ventetid_a", text, "ukjent", "Oppgi om du har hatt utdanningspermisjon før.", src)
    if prev is None or length is None:
        return Condition(
            "ventetid_a",
            text,
            "ukjent",
            "Oppgi når den forrige permisjonen begynte og hvor lenge den varte.",
            src,
        )
    duration = length.duration()
    end = duration.end(prev)
    days = (end - prev).days
    # The sentence does not say whether the time runs from the start or the end of the earlier
    # leave: a verdict is given only when both readings agree.
    from_start = date.fromordinal(prev.toordinal() + 2 * days)
    from_end = date.fromordinal(end.toordinal() + 2 * days)
    if start >= from_end:
        return Condition(
            "ventetid_a", text, "oppfylt",
            f"Forrige permisjon varte {duration.label()}; det har gått minst dobbelt så lang tid "
            f"innen {norwegian_date(start)}.", src,
        )  # fmt: skip
    if start < from_start:
        return Condition(
            "ventetid_a", text, "ikke oppfylt",
            f"Forrige permisjon varte {duration.label()}; dobbelt så lang tid har ikke gått innen "
            f"{norwegian_date(start)} (tidligst {norwegian_date(from_start)}).", src,
        )  # fmt: skip
    return Condition(
        "ventetid_a", text, "ukjent",
        "Loven sier ikke om tiden regnes fra starten eller slutten av forrige permisjon, og svaret "
        f"avhenger av det her (tidligst {norwegian_date(from_start)}, senest {norwegian_date(from_end)}).", src,
    )  # fmt: skip


def _wait_b(form: SjekkInput, start: date, had: bool | None, text: str) -> Condition:
    if form.length is not None and form.length.duration().shorter_than_months(1, start):
        return Condition(
            "ventetid_b", text, "oppfylt",
            f"Ny permisjon på {form.length.duration().label()} er kortere enn én måned, og kurs under "
            "én måned er unntatt fra ettårskravet.", rules.WAIT_B_EXEMPT,
        )  # fmt: skip
    src = rules.WAIT_B
    if had is None:
        return Condition("ventetid_b", text, "ukjent", "Oppgi om du har hatt utdanningspermisjon før.", src)
    if form.earlier_leave_start is None:
        return Condition("ventetid_b", text, "ukjent", "Oppgi når den forrige permisjonen begynte.", src)
    year_after = add_months(form.earlier_leave_start, 12)
    if start >= year_after:
        return Condition(
            "ventetid_b", text, "oppfylt", f"Det har gått minst ett år siden {norwegian_date(form.earlier_leave_start)}.",
            src,
        )  # fmt: skip
    if form.length is None:
        return Condition(
            "ventetid_b", text, "ukjent",
            f"Ett år har ikke gått før {norwegian_date(year_after)}; oppgi lengden på den nye permisjonen "
            "(kurs under én måned er unntatt).", src,
        )  # fmt: skip
    return Condition(
        "ventetid_b", text, "ikke oppfylt",
        f"Ett år fra forrige permisjon tok til har ikke gått før {norwegian_date(year_after)}.", src,
    )  # fmt: skip


def _pay(form: SjekkInput) -> tuple[Note, ...]:
    if form.employer_requires is True:
        pay = Note(
            "Arbeidsgiver mener utdanningen er nødvendig for pålagte oppgaver: da skal det gis permisjon med "
            "lønn og dekning av legitimerte utgifter.", (rules.HTA_PAY,), "med lønn",
        )  # fmt: skip
    elif form.employer_requires is False:
        pay = Note(
            "Lønn og dekning av utgifter følger av HTA 14.2 bare når kommunen/virksomheten mener utdanningen er "
            "nødvendig for pålagte oppgaver. Ut over det sier kildene ikke noe om lønn under permisjonen.",
            (rules.HTA_PAY,), "ikke omfattet",
        )  # fmt: skip
    else:
        pay = Note(
            "Oppgi om arbeidsgiver mener utdanningen er nødvendig for pålagte oppgaver; da skal det gis "
            "permisjon med lønn og dekning av legitimerte utgifter.", (rules.HTA_PAY,), "ukjent",
        )  # fmt: skip
    if form.turnus is None:
        turnus = Note("Oppgi om du arbeider turnus.", (rules.HTA_TURNUS,), "ukjent")
    elif form.turnus:
        turnus = Note(
            "Har du permisjon med lønn til kurs på din lovbestemte ukefridag, får du ny fridag som kompensasjon.",
            (rules.HTA_TURNUS,), "ny fridag",
        )  # fmt: skip
    else:
        turnus = Note("Regelen om ny fridag gjelder turnusarbeidere.", (rules.HTA_TURNUS,), "ikke aktuelt")
    return pay, turnus


NEXT_STEPS = (
    Note(
        "Gi arbeidsgiver skriftlig varsel med faglig innhold, varighet, eventuelt opptak og – for utdanning ut over "
        "videregående – begrunnet yrkesrelevans (verktøyet «Skriftlig varsel»).",
        (rules.NOTICE, rules.NOTICE_CONTENT, rules.NOTICE_RELEVANCE),
    ),
    Note(
        "Mener arbeidsgiver at vilkårene ikke er oppfylt, skal du få skriftlig svar innen fristen (seks, tre eller "
        "to måneder etter varighet; verktøyet «Svarfrist»).",
        (rules.REPLY_SIX, rules.REPLY_SHORT),
    ),
    Note(
        "Blir dere uenige, avgjøres tvisten av tvisteløsningsnemnda, og først etter nemndas avgjørelse kan den "
        "bringes inn for domstolene.",
        (rules.DISPUTE, rules.COURTS),
    ),
)


def check(form: SjekkInput, today: date | None = None) -> SjekkResult:
    """Check ``form`` against aml. § 12-11 and HTA 14.2; ``today`` is the default start of the new leave."""
    start = form.start or today or date.today()
    conditions = (
        _years(form.years_working_life, 3, "arbeidsliv", "Minst tre år i arbeidslivet", rules.WORKING_LIFE,
               "i arbeidslivet"),
        _years(form.years_with_employer, 2, "ansettelse", "Ansatt hos arbeidsgiveren de siste to år",
               rules.EMPLOYMENT, "hos arbeidsgiveren"),
        _job_related(form),
        _length(form),
        *_waiting(form, start),
    )  # fmt: skip
    statuses = {c.status for c in conditions}
    verdict: Verdict = (
        "ikke rett" if "ikke oppfylt" in statuses else ("avhenger" if "ukjent" in statuses else "rett")
    )
    refusal = Note(
        "Selv når vilkårene er oppfylt, kan permisjon ikke kreves når den vil hindre arbeidsgivers forsvarlige "
        "planlegging av drift og personaldisponeringer. Etter HTA 14.2 skal nødvendig permisjon til utdanning av "
        "verdi for begge parter innvilges med mindre særlige grunner er til hinder.",
        (rules.REFUSAL, rules.HTA_GRANTED),
    )
    notes = (f"Vurdert for en permisjon som begynner {norwegian_date(start)}.",)
    return SjekkResult(verdict, conditions, _pay(form), refusal, NEXT_STEPS, start, notes)
