"""Passages that hand a matter over to another indexed provision, and when they still decide it."""

import pytest

from assistant.deferral import deferrals, names_own_agreement, still_decides
from tests.assistant.fakes import make_chunk

pytestmark = pytest.mark.unit


def test_a_passage_deferring_to_an_indexed_provision_names_the_matter_it_hands_over() -> None:
    clause = make_chunk(
        "7.1 Fagbrevpermisjon\n\nRett til fagbrevpermisjon reguleres av opplæringsloven § 4-2.",
        position=1,
        provision="Avtalen pkt. 7.1",
        references=("oppl. § 4-2",),
    )
    statute = make_chunk(
        "§ 4-2 Fagbrevpermisjon kan kreves.", position=2, doc_id="oppl", provision="oppl. § 4-2"
    )
    found = deferrals([clause, statute])
    assert set(found) == {0} and "fagbrevpermisjon" in found[0]
    # a reference to a provision the index does not hold hands nothing over
    assert deferrals([clause]) == {}


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("Sier tariffavtalen noe mer enn loven?", True),
        ("Under the collective agreement (HTA), must I grant it?", True),
        ("Hva sier tariffen om dette?", True),  # glossary: tariffen -> hovedtariffavtalen
        ("Kan sjefen nekte meg permisjon?", False),
    ],
)
def test_a_question_names_the_agreement_of_a_quoted_provision(question: str, named: bool) -> None:
    quoted = make_chunk(
        "14.2 Utdanningspermisjon\n\nRett til …", position=1, provision="HTA kap. 1 pkt. 14.2"
    )
    assert names_own_agreement(question, quoted) is named


@pytest.mark.parametrize(
    ("question", "decides"),
    [
        ("Kan sjefen nekte meg et studium som er nyttig både for meg og for kommunen?", True),
        ("Styraren seier vi manglar pedagogar. Kan kommunen likevel avslå?", True),
        ("Would the course benefit both of us? Can my boss refuse it?", True),
        ("Kan sjefen nekte meg permisjon til et studium?", False),
    ],
)
def test_a_deferring_passage_still_decides_its_own_case(question: str, decides: bool) -> None:
    own_case = make_chunk(
        "14.2 Utdanningspermisjon\n\nHvis det, i forbindelse med utdannelse som er av verdi både for "
        "arbeidstakeren og arbeidsgiver, er nødvendig med permisjon, skal dette innvilges.",
        position=1,
        provision="HTA kap. 1 pkt. 14.2",
    )
    assert still_decides(question, own_case) is decides
    # another deferring passage without that case is not decided by the question's words
    other = make_chunk(
        "7.1 Fagbrevpermisjon\n\nRett til fri reguleres av loven.", position=2, provision="X pkt. 7.1"
    )
    assert not still_decides(question, other)
