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


def test_a_bullet_under_a_lead_in_ending_in_a_colon_is_shown_under_it_and_a_question_list_is_not() -> None:
    policy = make_chunk(
        "Lønnspolitikken skal:\n\n- motivere til kompetanseutvikling.\n- sikre gode tjenester.\n\n"
        "Spør gjerne:\n• Hva trenger vi?\n• Hvem kan lære bort?",
        position=61,
    )
    units = answer_units(policy)
    # each bullet a unit with its lead-in; the lead-in is never a unit alone; the questions stay plain
    assert [[m.text.strip() for m in members] for _span, members in units][:2] == [
        ["Lønnspolitikken skal:", "- motivere til kompetanseutvikling."],
        ["Lønnspolitikken skal:", "- sikre gode tjenester."],
    ]
    assert [len(members) for _span, members in units] == [2, 2, 0, 0, 0]
    passage = Passage(1, policy, 1.0)
    chosen = [Candidate(passage, span, 1.0, i, members) for i, (span, members) in enumerate(units[:2])]
    extract = compose(chosen)
    # the lead-in once, each line cited, and each citation quotes the bullet's own words
    assert extract.text.splitlines() == [
        "Lønnspolitikken skal [1]:",
        "- motivere til kompetanseutvikling [1].",
        "- sikre gode tjenester [1].",
    ]
    assert [c.quote for c in extract.citations] == [
        "motivere til kompetanseutvikling.",
        "sikre gode tjenester.",
    ]


def test_bullets_of_one_lead_in_chosen_apart_are_shown_together_under_it_once() -> None:
    policy = make_chunk("Planen skal:\n\n- vise behovene.\n- gi prioriteringer.", position=62)
    other = Passage(2, law_chunk("(4) Varselet skal være skriftlig.", position=63), 1.0)
    passage = Passage(1, policy, 1.0)
    units = answer_units(policy)
    (span_other, _none) = answer_units(other.chunk)[0]
    chosen = [
        Candidate(passage, units[0][0], 1.0, 0, units[0][1]),
        Candidate(other, span_other, 0.9, 1),
        Candidate(passage, units[1][0], 0.8, 2, units[1][1]),
    ]
    lines = compose(chosen).text.splitlines()
    assert lines == [
        "Planen skal [1]:",
        "- vise behovene [1].",
        "- gi prioriteringer [1].",
        "(4) Varselet skal være skriftlig [2].",
    ]


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


def test_an_item_of_an_elided_list_keeps_its_lead_in() -> None:
    # an excerpt of a law that leaves most of a list out ("herunder: [...]") still leads the item it keeps
    chunk = make_chunk(
        "(1) Søknaden skal gi opplysninger om forhold av betydning, herunder:\n\n[...]\n\n"
        "c. hvilket studium søkeren er tatt opp til, [...]",
        position=90,
    )
    units = answer_units(chunk)
    assert len(units) == 1
    span, members = units[0]
    assert span.text.startswith("(1) Søknaden skal") and span.text.rstrip().endswith("tatt opp til, [...]")
    assert len(members) == 2
