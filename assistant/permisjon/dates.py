"""Calendar arithmetic for leave lengths and deadlines.

Months are calendar months: 2026-12-01 + 3 months = 2027-03-01. When the target month
has no such day, the result is that month's last day (2026-08-31 + 6 months =
2027-02-28; 2027-08-31 + 6 months = 2028-02-29 in a leap year). This is our convention
for computing the dates; the sources in ``corpus/`` do not say how to count months.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Unit = Literal["dager", "uker", "måneder", "år"]
UNITS: tuple[Unit, ...] = ("dager", "uker", "måneder", "år")
_UNIT_WORDS: dict[str, Unit] = {
    "dag": "dager",
    "dager": "dager",
    "d": "dager",
    "uke": "uker",
    "uker": "uker",
    "u": "uker",
    "måned": "måneder",
    "måneder": "måneder",
    "mnd": "måneder",
    "m": "måneder",
    "år": "år",
}


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months; a missing day becomes the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Duration:
    """A length of leave: ``amount`` of ``unit`` (dager, uker, måneder or år)."""

    amount: int
    unit: Unit

    def end(self, start: date) -> date:
        """The day the length has run out when counted from ``start``."""
        if self.unit == "dager":
            return start + timedelta(days=self.amount)
        if self.unit == "uker":
            return start + timedelta(weeks=self.amount)
        months = self.amount * (12 if self.unit == "år" else 1)
        return add_months(start, months)

    def shorter_than_months(self, months: int, start: date) -> bool:
        """True when the length, counted from ``start``, ends before ``months`` calendar months have run."""
        return self.end(start) < add_months(start, months)

    def longer_than_months(self, months: int, start: date) -> bool:
        """True when the length, counted from ``start``, ends after ``months`` calendar months."""
        return self.end(start) > add_months(start, months)

    def label(self) -> str:
        """Norwegian text, e.g. "4 måneder", "1 uke"."""
        singular = {"dager": "dag", "uker": "uke", "måneder": "måned", "år": "år"}
        return f"{self.amount} {singular[self.unit] if self.amount == 1 else self.unit}"


def parse_duration(text: str) -> Duration:
    """Parse "4 måneder", "1 uke", "10 dager", "2 år" (also "4 mnd", "4m").

    Raises ``ValueError`` with a Norwegian message when the text is not a length.
    """
    match = re.fullmatch(r"\s*(\d{1,4})\s*([a-zæøå]+)\s*", (text or "").lower())
    unit = _UNIT_WORDS.get(match.group(2)) if match else None
    if match is None or unit is None:
        raise ValueError(
            f"«{text}» er ikke en varighet. Skriv for eksempel «4 måneder», «1 uke» eller «10 dager»."
        )
    return Duration(int(match.group(1)), unit)


def norwegian_date(day: date) -> str:
    """``day`` as "1. mars 2027"."""
    months = ("januar februar mars april mai juni juli august september oktober november desember").split()
    return f"{day.day}. {months[day.month - 1]} {day.year}"
