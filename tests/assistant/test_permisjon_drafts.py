"""The reply deadline and the written notice, their drafts, and the .docx files opened with python-docx."""

import io
from datetime import date
from typing import Any

import pytest
from docx import Document
from pydantic import ValidationError

from assistant.permisjon import rules
from assistant.permisjon.docx import markdown_to_docx
from assistant.permisjon.models import SvarfristInput, VarselInput
from assistant.permisjon.svarfrist import compute
from assistant.permisjon.varsel import GAP, draft

pytestmark = pytest.mark.unit

NOTICE_RECEIVED = date(2026, 12, 1)
LAST_OF_AUGUST_2026 = date(2026, 8, 31)
LAST_OF_AUGUST_2027 = date(2027, 8, 31)


def svar(received: date, amount: int, unit: str, **extra: Any) -> dict[str, Any]:
    form = SvarfristInput.model_validate(
        {"received": received, "length": {"amount": amount, "unit": unit}, **extra}
    )
    return compute(form).to_dict()


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_four_month_leave_received_1_december_2026_gives_1_march_2027() -> None:
    result = svar(NOTICE_RECEIVED, 4, "måneder")
    assert result["deadline"] == "2027-03-01" and result["months"] == 3
    assert result["rule"]["citation"]["quote"] == rules.REPLY_SHORT.quote
    assert result["deadline_text"] == "1. mars 2027"


@pytest.mark.parametrize(
    ("received", "amount", "unit", "deadline", "months"),
    [
        (NOTICE_RECEIVED, 6, "måneder", "2027-06-01", 6),  # six months is not "kortere enn seks måneder"
        (NOTICE_RECEIVED, 1, "år", "2027-06-01", 6),
        (NOTICE_RECEIVED, 3, "uker", "2027-02-01", 2),  # under one month
        (NOTICE_RECEIVED, 1, "måneder", "2027-03-01", 3),  # one month is not under one month
        (LAST_OF_AUGUST_2026, 6, "måneder", "2027-02-28", 6),  # month end, no 31 February
        (LAST_OF_AUGUST_2027, 8, "måneder", "2028-02-29", 6),  # leap year
        (date(2026, 12, 31), 2, "uker", "2027-02-28", 2),
        (date(2027, 11, 30), 5, "måneder", "2028-02-29", 3),
    ],
)
def test_deadline_edges(received: date, amount: int, unit: str, deadline: str, months: int) -> None:
    result = svar(received, amount, unit)
    assert (result["deadline"], result["months"]) == (deadline, months)
    expected = rules.REPLY_SIX if months == 6 else rules.REPLY_SHORT
    assert result["rule"]["citation"]["quote"] == expected.quote


def test_length_counted_from_leave_start_when_given() -> None:
    # 28 days is a whole month from 1 February 2027 (not under one month) but under one from 1 March
    assert svar(NOTICE_RECEIVED, 28, "dager", leave_start="2027-02-01")["months"] == 3
    assert svar(NOTICE_RECEIVED, 28, "dager", leave_start="2027-03-01")["months"] == 2


def test_reply_contents_duty_to_inform_and_dispute_are_cited() -> None:
    result = svar(NOTICE_RECEIVED, 4, "måneder")
    assert {p["citation"]["ledd"] for p in result["reply_must_contain"]} == {"(5)", "(2)"}
    assert result["duty_to_inform"]["citation"]["quote"] == rules.REPLY_INFORM.quote
    assert result["dispute"]["citation"]["provision"] == "aml. § 12-14"
    assert any("helg eller helligdag" in n for n in result["notes"])


def test_draft_reply_markdown_and_docx() -> None:
    form = SvarfristInput.model_validate(
        {"received": NOTICE_RECEIVED, "length": {"amount": 4, "unit": "måneder"}, "name": "Kari Nordmann"}
    )
    md = compute(form).markdown
    assert "**Svarfrist:** 1. mars 2027" in md and "Kari Nordmann" in md
    text = docx_text(markdown_to_docx(md))
    assert "Svarfrist: 1. mars 2027" in text
    assert rules.REPLY_SHORT.quote in text


def test_svarfrist_rejects_leave_over_three_years() -> None:
    with pytest.raises(ValidationError, match=r"«length».*lengre enn tre år"):
        SvarfristInput.model_validate({"received": NOTICE_RECEIVED, "length": {"amount": 4, "unit": "år"}})


FULL = {
    "name": "Kari Nordmann",
    "employer": "Eksempel kommune",
    "education": "Videreutdanning i veiledning, 30 studiepoeng",
    "institution": "Universitetet i Eksempel",
    "start": "2027-08-15",
    "length": {"amount": 6, "unit": "måneder"},
    "scope": "delvis",
    "percent": 50,
    "admission": "tatt opp",
    "level": "høyere",
    "relevance": "Jeg veileder nyansatte sykepleiere.",
}


def test_complete_notice_has_every_field_and_cites_12_11_fourth_ledd() -> None:
    notice = draft(VarselInput.model_validate(FULL))
    assert notice.complete and GAP not in notice.markdown
    md = notice.markdown
    for needle in ("Videreutdanning i veiledning", "6 måneder, fra 15. august 2027", "50 %",
                   "Jeg er tatt opp ved Universitetet i Eksempel", "Yrkesrelevans:** Jeg veileder"):  # fmt: skip
        assert needle in md
    assert rules.NOTICE_CONTENT.quote in md and rules.NOTICE_RELEVANCE.quote in md
    assert md.index("Krav til varselet") > md.index("Med vennlig hilsen")  # cited at the foot


def test_missing_fields_are_listed_not_invented() -> None:
    notice = draft(
        VarselInput.model_validate({"education": "Fagbrev i helsearbeiderfaget", "level": "høyere"})
    )
    assert [m.field for m in notice.missing] == ["length", "admission", "relevance"]
    assert notice.to_dict()["missing"][2]["citation"]["quote"] == rules.NOTICE_RELEVANCE.quote
    assert notice.markdown.count(GAP) >= 3 and "Mangler før varselet sendes" in notice.markdown


def test_relevance_not_required_up_to_upper_secondary() -> None:
    notice = draft(VarselInput.model_validate({**FULL, "level": "videregående", "relevance": ""}))
    assert notice.complete
    assert rules.NOTICE_RELEVANCE.quote not in notice.markdown


def test_unknown_level_is_listed() -> None:
    notice = draft(VarselInput.model_validate({**FULL, "level": None}))
    assert [m.field for m in notice.missing] == ["level"]


def test_notice_docx_contains_the_cited_requirement() -> None:
    notice = draft(VarselInput.model_validate(FULL))
    doc = Document(io.BytesIO(markdown_to_docx(notice.markdown)))
    assert doc.paragraphs[0].text == "Varsel om utdanningspermisjon"
    text = docx_text(markdown_to_docx(notice.markdown))
    assert rules.NOTICE_CONTENT.quote in text and "aml. § 12-11 (4)" in text
    assert "**" not in text  # bold markers became bold runs
    assert any(r.bold for p in doc.paragraphs for r in p.runs)


def test_percent_out_of_range() -> None:
    with pytest.raises(ValidationError, match="«percent»"):
        VarselInput.model_validate({**FULL, "percent": 100})
