"""The rights check, branch by branch, against the sentences of aml. § 12-11 and HTA 14.2."""

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from assistant.permisjon import rules
from assistant.permisjon.dates import add_months
from assistant.permisjon.models import SjekkInput
from assistant.permisjon.sjekk import check
from core.settings import REPO_ROOT

pytestmark = pytest.mark.unit

TODAY = date(2026, 12, 1)
EIGHT_MONTHS_AGO = add_months(TODAY, -8)
CORPUS_TEXT = " ".join(
    rules.normalise((REPO_ROOT / "corpus" / f).read_text(encoding="utf-8"))
    for f in (rules.AML_FILE, rules.GUIDE_FILE)
)
COMPLETE: dict[str, Any] = {
    "years_working_life": 4,
    "years_with_employer": 3,
    "earlier_leave": False,
    "length": {"amount": 4, "unit": "måneder"},
    "level": "høyere",
    "job_related": True,
    "scope": "hel",
    "employer_requires": True,
    "turnus": False,
}


def run(**fields: Any) -> dict[str, Any]:
    return check(SjekkInput.model_validate(fields), today=TODAY).to_dict()


def cond(result: dict[str, Any], cid: str) -> dict[str, Any]:
    return next(c for c in result["conditions"] if c["id"] == cid)


def test_four_years_in_working_life_and_three_with_employer_meets_12_11_first_ledd() -> None:
    result = run(**COMPLETE)
    for cid in ("arbeidsliv", "ansettelse"):
        c = cond(result, cid)
        assert c["status"] == "oppfylt"
        assert c["citation"]["provision"] == "aml. § 12-11" and c["citation"]["ledd"] == "(1)"
    assert "minst tre år" in cond(result, "arbeidsliv")["citation"]["quote"]
    assert result["verdict"] == "rett"


def test_one_year_with_employer_is_not_met() -> None:
    result = run(**{**COMPLETE, "years_with_employer": 1})
    c = cond(result, "ansettelse")
    assert c["status"] == "ikke oppfylt"
    assert "de siste to år" in c["citation"]["quote"]
    assert result["verdict"] == "ikke rett"


def test_two_years_in_working_life_is_not_met() -> None:
    result = run(**{**COMPLETE, "years_working_life": 2, "years_with_employer": 2})
    assert cond(result, "arbeidsliv")["status"] == "ikke oppfylt"
    assert cond(result, "ansettelse")["status"] == "oppfylt"


def test_unknown_inputs_give_ukjent_and_avhenger() -> None:
    result = run()
    assert {c["status"] for c in result["conditions"]} == {"ukjent"}
    assert result["verdict"] == "avhenger"
    assert (
        result["pay"]["pay_and_costs"]["status"] == "ukjent" and result["pay"]["turnus"]["status"] == "ukjent"
    )


def test_a_leave_that_began_eight_months_ago_and_lasted_six_fails_3_a() -> None:
    result = run(**{**COMPLETE, "earlier_leave": True, "earlier_leave_start": EIGHT_MONTHS_AGO.isoformat(),
                    "earlier_leave_length": {"amount": 6, "unit": "måneder"}})  # fmt: skip
    a = cond(result, "ventetid_a")
    assert a["status"] == "ikke oppfylt"
    assert a["citation"]["ledd"] == "(3) a" and "dobbelt så lang tid" in a["citation"]["quote"]
    assert cond(result, "ventetid_b")["status"] == "ikke oppfylt"  # a four-month leave, under a year since
    assert result["verdict"] == "ikke rett"


def test_a_one_week_course_is_exempt_from_3_b() -> None:
    result = run(**{**COMPLETE, "earlier_leave": True, "earlier_leave_start": EIGHT_MONTHS_AGO.isoformat(),
                    "earlier_leave_length": {"amount": 1, "unit": "uker"}, "length": {"amount": 1, "unit": "uker"}})  # fmt: skip
    b = cond(result, "ventetid_b")
    assert b["status"] == "oppfylt"
    assert b["citation"]["quote"] == rules.WAIT_B_EXEMPT.quote
    assert cond(result, "ventetid_a")["status"] == "oppfylt"  # two weeks passed long ago
    assert result["verdict"] == "rett"


def test_3_b_one_year_from_start_has_passed() -> None:
    start = add_months(TODAY, -13)
    result = run(**{**COMPLETE, "earlier_leave": True, "earlier_leave_start": start.isoformat(),
                    "earlier_leave_length": {"amount": 2, "unit": "måneder"}})  # fmt: skip
    assert cond(result, "ventetid_b")["status"] == "oppfylt"
    assert cond(result, "ventetid_a")["status"] == "oppfylt"


def test_3_a_depends_on_whether_time_runs_from_start_or_end() -> None:
    # 12 months of leave that began 30 months ago: 24 months have passed since its start, 18 since its end
    start = add_months(TODAY, -30)
    result = run(**{**COMPLETE, "earlier_leave": True, "earlier_leave_start": start.isoformat(),
                    "earlier_leave_length": {"amount": 12, "unit": "måneder"}})  # fmt: skip
    a = cond(result, "ventetid_a")
    assert a["status"] == "ukjent" and "starten eller slutten" in a["explanation"]
    assert result["verdict"] == "avhenger"


def test_earlier_leave_without_dates_is_unknown() -> None:
    result = run(**{**COMPLETE, "earlier_leave": True})
    assert cond(result, "ventetid_a")["status"] == "ukjent"
    assert cond(result, "ventetid_b")["status"] == "ukjent"


def test_3_b_unknown_when_the_new_length_could_be_a_short_course() -> None:
    start = add_months(TODAY, -3)
    result = run(**{**COMPLETE, "length": None, "earlier_leave": True, "earlier_leave_start": start.isoformat(),
                    "earlier_leave_length": {"amount": 1, "unit": "dager"}})  # fmt: skip
    assert cond(result, "ventetid_b")["status"] == "ukjent"
    assert cond(result, "varighet")["status"] == "ukjent"


@pytest.mark.parametrize(
    ("level", "job_related", "status"),
    [("grunnskole", None, "oppfylt"), ("videregående", False, "oppfylt"), ("høyere", True, "oppfylt"),
     ("høyere", False, "ikke oppfylt"), ("høyere", None, "ukjent"), (None, True, "ukjent")],
)  # fmt: skip
def test_job_related_branches(level: str | None, job_related: bool | None, status: str) -> None:
    c = cond(run(**{**COMPLETE, "level": level, "job_related": job_related}), "yrkesrelatert")
    assert c["status"] == status
    assert c["citation"]["quote"] == rules.JOB_RELATED.quote


def test_pay_and_turnus_follow_hta_14_2() -> None:
    paid = run(**{**COMPLETE, "turnus": True})
    assert paid["pay"]["pay_and_costs"]["status"] == "med lønn"
    assert "legitimerte utgifter" in paid["pay"]["pay_and_costs"]["citations"][0]["quote"]
    assert paid["pay"]["turnus"]["status"] == "ny fridag"
    assert paid["pay"]["turnus"]["citations"][0]["provision"] == "HTA kap. 1 pkt. 14.2"
    unpaid = run(**{**COMPLETE, "employer_requires": False})
    assert unpaid["pay"]["pay_and_costs"]["status"] == "ikke omfattet"
    assert "sier kildene ikke noe" in unpaid["pay"]["pay_and_costs"]["text"]
    assert unpaid["pay"]["turnus"]["status"] == "ikke aktuelt"


def test_refusal_and_next_steps_are_cited() -> None:
    result = run(**COMPLETE)
    assert result["employer_refusal"]["citations"][0]["ledd"] == "(2)"
    provisions = [c["provision"] for s in result["next_steps"] for c in s["citations"]]
    assert (
        provisions.count("aml. § 12-11") >= 3 and "aml. § 12-14" in provisions and "aml. § 17-2" in provisions
    )


def test_every_citation_quote_is_in_the_corpus() -> None:
    result = run(**{**COMPLETE, "earlier_leave": True, "earlier_leave_start": EIGHT_MONTHS_AGO.isoformat(),
                    "earlier_leave_length": {"amount": 1, "unit": "uker"}, "length": {"amount": 1, "unit": "uker"}})  # fmt: skip
    quotes = [c["citation"]["quote"] for c in result["conditions"]]
    quotes += [q["quote"] for part in [*result["pay"].values(), result["employer_refusal"], *result["next_steps"]]
               for q in part["citations"]]  # fmt: skip
    assert quotes and all(rules.normalise(q) in CORPUS_TEXT for q in quotes)


@pytest.mark.parametrize(
    ("fields", "needle"),
    [({"years_working_life": -1}, "«years_working_life» kan ikke være negativt"),
     ({"years_with_employer": -0.5}, "«years_with_employer» kan ikke være negativt"),
     ({"years_working_life": 2, "years_with_employer": 5}, "«years_with_employer» er større"),
     ({"start": "2026-01-01", "earlier_leave_start": "2026-06-01"}, "feil rekkefølge"),
     ({"length": {"amount": 37, "unit": "måneder"}}, "lengre enn tre år"),
     ({"length": {"amount": 0, "unit": "uker"}}, "minst 1")],
)  # fmt: skip
def test_invalid_input_names_the_field(fields: dict[str, Any], needle: str) -> None:
    with pytest.raises(ValidationError, match=needle):
        SjekkInput.model_validate(fields)
