"""The tools' inputs as pydantic models, shared by the API, the CLI and the web app.

Validation messages are Norwegian and name the field, so every entry point can show
them as they are (the API turns them into its 422 ``{"error", "details"}`` shape).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from assistant.permisjon.dates import Duration, Unit

Level = Literal["grunnskole", "videregående", "høyere"]
Scope = Literal["hel", "delvis"]
Admission = Literal["tatt opp", "søkt", "ikke aktuelt"]
MAX_LEAVE_MONTHS = 36


class Length(BaseModel):
    """A length of leave, e.g. ``{"amount": 4, "unit": "måneder"}``."""

    model_config = ConfigDict(extra="forbid")

    amount: int = Field(
        description="How many units; at least 1 and at most 1,100 (three years in days, with margin; "
        "longer leaves are refused as over three years).",
        json_schema_extra={"minimum": 1},
        le=1100,
        examples=[4],
    )
    unit: Unit = Field(description="dager, uker, måneder or år.", examples=["måneder"])

    @field_validator("amount")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError("Varigheten («amount») må være minst 1.")
        return value

    def duration(self) -> Duration:
        """As a :class:`Duration`."""
        return Duration(self.amount, self.unit)


def _check_three_years(length: Length | None, start: date, field: str) -> None:
    if length is not None and length.duration().longer_than_months(MAX_LEAVE_MONTHS, start):
        raise ValueError(
            f"Feltet «{field}»: permisjonen er lengre enn tre år. Loven gir rett til permisjon i inntil tre år; "
            "oppgi en varighet på høyst tre år."
        )


MIN_YEAR, MAX_YEAR = 1900, 2200


def _plausible(value: date | None, field: str) -> date | None:
    # Far-off dates (year 1 or 9999) would overflow the calendar arithmetic; no real case needs them.
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"Feltet «{field}»: datoen må ligge mellom år {MIN_YEAR} og {MAX_YEAR}.")
    return value


def _not_negative(value: float | None, field: str) -> float | None:
    if value is not None and value < 0:
        raise ValueError(f"Feltet «{field}» kan ikke være negativt. Oppgi antall år, for eksempel 4.")
    return value


class SjekkInput(BaseModel):
    """The rights check's form. Leave a field out (null) when you do not know: it becomes «ukjent»."""

    model_config = ConfigDict(extra="forbid")

    years_working_life: float | None = Field(
        None,
        description="Years in working life in total (0–70).",
        json_schema_extra={"minimum": 0, "maximum": 70},
    )
    years_with_employer: float | None = Field(
        None,
        description="Years employed by this employer (0–70, not more than years_working_life).",
        json_schema_extra={"minimum": 0, "maximum": 70},
    )
    earlier_leave: bool | None = Field(None, description="Has the employee had education leave before?")
    earlier_leave_start: date | None = Field(
        None, description="When the earlier education leave began (YYYY-MM-DD)."
    )
    earlier_leave_length: Length | None = Field(
        None, description="How long the earlier education leave lasted."
    )
    start: date | None = Field(
        None, description="When the new leave would begin (YYYY-MM-DD); today when left out."
    )
    length: Length | None = Field(None, description="Length of the new leave (at most three years).")
    level: Level | None = Field(
        None,
        description="Level of the education: grunnskole, videregående, or høyere (above upper secondary).",
    )
    job_related: bool | None = Field(None, description="Is the education job-related (yrkesrelatert)?")
    scope: Scope | None = Field(None, description="hel (full) or delvis (partial) leave.")
    employer_requires: bool | None = Field(
        None, description="Does the employer consider the education necessary for the assigned work?"
    )
    turnus: bool | None = Field(None, description="Does the employee work turnus (shifts)?")

    @field_validator("earlier_leave_start", "start")
    @classmethod
    def _dates(cls, value: date | None, info: ValidationInfo) -> date | None:
        return _plausible(value, str(info.field_name))

    @field_validator("years_working_life", "years_with_employer")
    @classmethod
    def _years(cls, value: float | None, info: object) -> float | None:
        field = getattr(info, "field_name", "år")
        _not_negative(value, field)
        if value is not None and value > 70:
            raise ValueError(f"Feltet «{field}» er for stort (høyst 70 år).")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> SjekkInput:
        if (
            self.years_working_life is not None
            and self.years_with_employer is not None
            and self.years_with_employer > self.years_working_life
        ):
            raise ValueError(
                "Feltet «years_with_employer» er større enn «years_working_life». "
                "Årene hos arbeidsgiveren er en del av årene i arbeidslivet."
            )
        start = self.start or date.today()
        if self.earlier_leave_start is not None and self.earlier_leave_start > start:
            raise ValueError(
                "Datoene står i feil rekkefølge: «earlier_leave_start» er etter «start». "
                "Den tidligere permisjonen må ha begynt før den nye."
            )
        _check_three_years(self.length, start, "length")
        if self.earlier_leave_start is not None:
            _check_three_years(self.earlier_leave_length, self.earlier_leave_start, "earlier_leave_length")
        return self


class VarselInput(BaseModel):
    """The written notice's fields; leave out what you do not know and it is listed as missing."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=200, description="The employee's name (optional).")
    employer: str = Field("", max_length=200, description="The employer, e.g. the municipality (optional).")
    education: str = Field(
        "", max_length=2000, description="The education's subject content (faglig innhold)."
    )
    institution: str = Field("", max_length=300, description="The school or institution (optional).")
    start: date | None = Field(None, description="When the leave would begin (YYYY-MM-DD).")
    length: Length | None = Field(None, description="Length of the leave (at most three years).")
    scope: Scope | None = Field(None, description="hel (full) or delvis (partial) leave.")
    percent: int | None = Field(
        None,
        description="For partial leave: the share of the position, 1–99.",
        json_schema_extra={"minimum": 1},
    )
    admission: Admission | None = Field(
        None, description="Admission to the institution: tatt opp, søkt, ikke aktuelt."
    )
    level: Level | None = Field(
        None, description="grunnskole, videregående, or høyere (above upper secondary)."
    )
    relevance: str = Field(
        "", max_length=3000, description="Why the education is relevant to the job (yrkesrelevans)."
    )

    @field_validator("start")
    @classmethod
    def _dates(cls, value: date | None, info: ValidationInfo) -> date | None:
        return _plausible(value, str(info.field_name))

    @field_validator("percent")
    @classmethod
    def _percent(cls, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= 99:
            raise ValueError(
                "Feltet «percent» må være mellom 1 og 99 (andel av stillingen ved delvis permisjon)."
            )
        return value

    @model_validator(mode="after")
    def _three_years(self) -> VarselInput:
        _check_three_years(self.length, self.start or date.today(), "length")
        return self


class SvarfristInput(BaseModel):
    """The date the notice was received and the length of leave applied for."""

    model_config = ConfigDict(extra="forbid")

    received: date = Field(description="The date the employer received the written notice (YYYY-MM-DD).")
    length: Length = Field(description="Length of the leave applied for (at most three years).")
    leave_start: date | None = Field(
        None,
        description="When the leave would begin; the length is counted from here (else from received).",
    )
    name: str = Field("", max_length=200, description="The employee's name for the draft reply (optional).")
    employer: str = Field("", max_length=200, description="The employer for the draft reply (optional).")

    @field_validator("received", "leave_start")
    @classmethod
    def _dates(cls, value: date | None, info: ValidationInfo) -> date | None:
        return _plausible(value, str(info.field_name))

    @model_validator(mode="after")
    def _three_years(self) -> SvarfristInput:
        _check_three_years(self.length, self.leave_start or self.received, "length")
        return self
