"""Follow-up questions become standalone questions."""

import pytest

from assistant.condense import needs_context, standalone_question
from assistant.models import Turn

pytestmark = pytest.mark.unit

HISTORY = (Turn("user", "Har jeg rett på utdanningspermisjon?"), Turn("assistant", "Ja, ..."))


@pytest.mark.parametrize(
    "q", ["Og hva med lønn?", "Hvor lenge kan den vare?", "Må jeg varsle skriftlig?", "Lønn?"]
)
def test_follow_ups_take_the_previous_question(q: str) -> None:
    assert needs_context(q)
    assert standalone_question(q, HISTORY) == f"Har jeg rett på utdanningspermisjon? {q}"


def test_self_contained_question_is_kept() -> None:
    q = "Hva sier veilederen om digitale læringsformer i kommunen?"
    assert not needs_context(q)
    assert standalone_question(q, HISTORY) == q


def test_no_history_keeps_question() -> None:
    assert standalone_question("Og hva med lønn?", ()) == "Og hva med lønn?"


def test_follow_up_that_names_its_own_topic_decides_what_is_retrieved() -> None:
    history = [
        Turn("user", "Hva bør lederen spørre om i den årlige medarbeidersamtalen?"),
        Turn("assistant", "Veilederen foreslår spørsmål om kompetanse [1]."),
    ]
    follow_up = "Og lønnsutviklingen når etterutdanningen er fullført?"
    assert standalone_question(follow_up, history) == follow_up


def test_follow_up_that_leaves_its_topic_implicit_is_completed_from_history() -> None:
    history = [Turn("user", "Kan jeg ta utdanningspermisjon i ett år?"), Turn("assistant", "Ja [1].")]
    assert "utdanningspermisjon" in standalone_question("Med lønn?", history)


def test_a_reply_opening_with_an_acknowledgement_goes_on_with_the_conversation() -> None:
    history = [
        Turn("user", "Har jeg rett på fri for å ta fagbrev i barne- og ungdomsarbeid?"),
        Turn("assistant", "Ja, når du har vært i arbeidslivet i tre år …"),
    ]
    follow_up = "ok flott! hvordan gjør jeg det da, holder det å si det muntlig?"
    assert standalone_question(follow_up, history).startswith("Har jeg rett på fri")
    # An acknowledgement before a topic of its own does not drag the old one along.
    new_topic = "takk! et annet spørsmål: hvordan fungerer lønnsutviklingssamtalen?"
    assert standalone_question(new_topic, history) == new_topic


def test_a_long_reply_that_refers_back_and_names_no_topic_is_completed_from_history() -> None:
    q = "hun har allerede sagt nei fordi det er så travelt på avdelinga om dagen. er det lov??"
    assert needs_context(q)
    assert standalone_question(q, HISTORY).startswith("Har jeg rett på utdanningspermisjon?")


def test_a_long_reply_that_refers_back_but_names_a_topic_of_its_own_stands_alone() -> None:
    q = "Hun sier at lønnsforhandlingene først kommer til høsten, stemmer det?"
    assert not needs_context(q)
