"""Laying chosen sentences out as an answer: units, markers, citations, lead line."""

import pytest

from assistant.compose import Candidate, answer_units, compose, lead_for
from assistant.models import Passage
from tests.assistant.fakes import law_chunk, make_chunk

pytestmark = pytest.mark.unit

LAW = law_chunk(
    "(3) Den som har hatt permisjon, kan ikke få ny før det har gått\n"
    "a. like lang tid som den forrige varte og\n"
    "b. minst ett år.\n"
    "(4) Varselet skal være skriftlig.",
    position=60,
)


def test_a_lead_in_and_its_items_are_one_unit() -> None:
    units = answer_units(LAW)
    assert [len(members) for _span, members in units] == [3, 0]
    assert units[0][0].text.endswith("minst ett år.") and units[1][0].text.startswith("(4)")


def test_a_lead_in_ending_in_a_colon_keeps_its_bulleted_statements_but_not_a_list_of_questions() -> None:
    policy = make_chunk(
        "Lønnspolitikken skal:\n\n- motivere til kompetanseutvikling.\n- sikre gode tjenester.\n\n"
        "Spør gjerne:\n• Hva trenger vi?\n• Hvem kan lære bort?",
        position=61,
    )
    units = answer_units(policy)
    assert [len(members) for _span, members in units] == [3, 0, 0, 0]
    assert units[0][0].text.startswith("Lønnspolitikken skal:") and units[0][0].text.endswith(
        "gode tjenester."
    )


def test_each_quote_is_cited_exactly_and_markers_open_lines() -> None:
    passage = Passage(2, LAW, 1.0)
    chosen = [
        Candidate(passage, span, 1.0, i, members) for i, (span, members) in enumerate(answer_units(LAW))
    ]
    extract = compose(chosen)
    assert extract.text.split("\n")[0].endswith("har gått") and extract.text.endswith("skriftlig [2].")
    assert "\n(4) Varselet" in extract.text
    for citation in extract.citations:
        assert LAW.text[citation.quote_start : citation.quote_start + len(citation.quote)] == citation.quote
    assert extract.lead == "Gjelder: aml. § 12-11"


def test_the_lead_names_each_provision_or_guide_section_once() -> None:
    guide = make_chunk("Ledere har ansvar for læring.", position=61)
    assert lead_for([LAW, LAW]) == "Gjelder: aml. § 12-11"
    assert lead_for([]) == ""
    assert lead_for([LAW, guide]).startswith("Gjelder: aml. § 12-11; ")
