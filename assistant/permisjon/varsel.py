"""The written notice to the employer with the fields aml. § 12-11 (4) requires, as Markdown.

Missing required fields are listed (and shown as gaps in the draft), never invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.permisjon import rules
from assistant.permisjon.dates import norwegian_date
from assistant.permisjon.models import VarselInput
from assistant.permisjon.rules import Source

GAP = "[mangler]"


@dataclass(frozen=True)
class Missing:
    """A required field the form did not give, and the sentence that requires it."""

    field: str
    text: str
    source: Source

    def to_dict(self) -> dict[str, Any]:
        """JSON form: field, text, citation."""
        return {"field": self.field, "text": self.text, "citation": self.source.citation()}


@dataclass(frozen=True)
class Varsel:
    """A draft notice: its Markdown, the missing fields and the sentences it rests on."""

    markdown: str
    missing: tuple[Missing, ...]
    sources: tuple[Source, ...]

    @property
    def complete(self) -> bool:
        """True when every required field was given."""
        return not self.missing

    def to_dict(self) -> dict[str, Any]:
        """JSON form: complete, missing, markdown, citations."""
        return {
            "complete": self.complete,
            "missing": [m.to_dict() for m in self.missing],
            "markdown": self.markdown,
            "citations": [s.citation() for s in self.sources],
        }


def missing_fields(form: VarselInput) -> tuple[Missing, ...]:
    """The fields § 12-11 (4) requires that ``form`` leaves empty."""
    out = []
    if not form.education.strip():
        out.append(Missing("education", "Utdanningens faglige innhold", rules.NOTICE_CONTENT))
    if form.length is None:
        out.append(Missing("length", "Varighet", rules.NOTICE_CONTENT))
    if form.admission is None:
        out.append(Missing("admission", "Eventuelt opptak ved utdanningsinstitusjon (tatt opp, søkt eller ikke aktuelt)",
                           rules.NOTICE_CONTENT))  # fmt: skip
    if form.level is None:
        out.append(
            Missing(
                "level", "Utdanningens nivå (avgjør om yrkesrelevans må begrunnes)", rules.NOTICE_RELEVANCE
            )
        )
    elif form.level == "høyere" and not form.relevance.strip():
        out.append(Missing("relevance", "Begrunnelse for yrkesrelevans", rules.NOTICE_RELEVANCE))
    return tuple(out)


def _or_gap(value: str, placeholder: str = GAP) -> str:
    return value.strip() or placeholder


def _lines(form: VarselInput) -> list[str]:
    length = form.length.duration().label() if form.length else GAP
    start = f", fra {norwegian_date(form.start)}" if form.start else ""
    scope = {"hel": "hel permisjon", "delvis": "delvis permisjon"}.get(form.scope or "", "")
    if form.scope == "delvis" and form.percent:
        scope += f" ({form.percent} % av stillingen)"
    admission = {
        "tatt opp": "Jeg er tatt opp"
        + (f" ved {form.institution.strip()}" if form.institution.strip() else "")
        + ".",
        "søkt": "Jeg har søkt opptak"
        + (f" ved {form.institution.strip()}" if form.institution.strip() else "")
        + ".",
        "ikke aktuelt": "Utdanningen krever ikke opptak ved en utdanningsinstitusjon.",
    }.get(form.admission or "", GAP)
    lines = [
        "# Varsel om utdanningspermisjon",
        "",
        f"**Til:** {_or_gap(form.employer, '[arbeidsgiver]')}  ",
        f"**Fra:** {_or_gap(form.name, '[navn]')}  ",
        f"**Dato:** {norwegian_date(date.today())}",
        "",
        "Jeg varsler med dette at jeg vil bruke retten til utdanningspermisjon etter arbeidsmiljøloven § 12-11.",
        "",
        f"- **Faglig innhold:** {_or_gap(form.education)}",
        f"- **Varighet:** {length}{start}" + (f", {scope}" if scope else ""),
        f"- **Opptak:** {admission}",
    ]
    if form.level == "høyere":
        lines.append(f"- **Yrkesrelevans:** {_or_gap(form.relevance)}")
    elif form.level is None:
        lines.append(f"- **Nivå og yrkesrelevans:** {GAP}")
    lines += ["", "Med vennlig hilsen", "", _or_gap(form.name, "[navn]")]
    return lines


def draft(form: VarselInput) -> Varsel:
    """The notice for ``form``: Markdown with the requirement cited at the foot, and the missing fields."""
    sources = [rules.NOTICE, rules.NOTICE_CONTENT]
    if form.level in (None, "høyere"):
        sources.append(rules.NOTICE_RELEVANCE)
    missing = missing_fields(form)
    lines = _lines(form)
    if missing:
        lines += ["", "> **Mangler før varselet sendes:** " + "; ".join(m.text for m in missing) + "."]
    lines += ["", "---", "", "**Krav til varselet:**", ""]
    lines += [f"- {s.label()}: «{s.quote}» ({s.document})" for s in sources]
    return Varsel("\n".join(lines) + "\n", missing, tuple(sources))
