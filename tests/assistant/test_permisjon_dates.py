"""Calendar-month arithmetic with named dates: month ends and leap years."""

from datetime import date

import pytest

from assistant.permisjon.dates import Duration, add_months, parse_duration

pytestmark = pytest.mark.unit

NOTICE_RECEIVED = date(2026, 12, 1)
LAST_OF_AUGUST_2026 = date(2026, 8, 31)
LAST_OF_AUGUST_2027 = date(2027, 8, 31)  # + 6 months lands in February 2028, a leap year
LEAP_DAY_2028 = date(2028, 2, 29)
LAST_OF_JANUARY_2027 = date(2027, 1, 31)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (NOTICE_RECEIVED, 3, date(2027, 3, 1)),
        (NOTICE_RECEIVED, 2, date(2027, 2, 1)),
        (NOTICE_RECEIVED, 6, date(2027, 6, 1)),
        (LAST_OF_AUGUST_2026, 6, date(2027, 2, 28)),
        (LAST_OF_AUGUST_2027, 6, LEAP_DAY_2028),
        (LAST_OF_JANUARY_2027, 1, date(2027, 2, 28)),
        (LEAP_DAY_2028, 12, date(2029, 2, 28)),
        (date(2026, 10, 31), 2, date(2026, 12, 31)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_duration_end_and_comparisons() -> None:
    assert Duration(1, "uker").end(NOTICE_RECEIVED) == date(2026, 12, 8)
    assert Duration(2, "år").end(LEAP_DAY_2028) == date(2030, 2, 28)
    assert Duration(1, "uker").shorter_than_months(1, NOTICE_RECEIVED)
    assert not Duration(1, "måneder").shorter_than_months(1, NOTICE_RECEIVED)
    # February 2027 has 28 days: 28 days from 1 February is exactly one month, not shorter
    assert not Duration(28, "dager").shorter_than_months(1, date(2027, 2, 1))
    assert Duration(28, "dager").shorter_than_months(1, date(2027, 3, 1))
    assert Duration(37, "måneder").longer_than_months(36, NOTICE_RECEIVED)
    assert not Duration(3, "år").longer_than_months(36, NOTICE_RECEIVED)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("4 måneder", Duration(4, "måneder")), ("1 uke", Duration(1, "uker")), ("10 dager", Duration(10, "dager")),
     ("2 år", Duration(2, "år")), ("6 mnd", Duration(6, "måneder"))],
)  # fmt: skip
def test_parse_duration(text: str, expected: Duration) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "fire måneder", "4", "4 timer", "-1 uke"])
def test_parse_duration_rejects_with_norwegian_message(text: str) -> None:
    with pytest.raises(ValueError, match="er ikke en varighet"):
        parse_duration(text)


def test_labels() -> None:
    assert Duration(1, "uker").label() == "1 uke"
    assert Duration(4, "måneder").label() == "4 måneder"
    assert Duration(1, "måneder").label() == "1 måned"
