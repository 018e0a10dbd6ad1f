"""Norwegian analysis: stems, compounds, glossary."""

import pytest

from core.text import Vocabulary, analyse, content_words, stem

pytestmark = pytest.mark.unit

VOCAB = Vocabulary(["utdanning", "permisjon", "videre", "lønn", "utvikling", "kompetanse"])


def test_compound_split_into_known_parts() -> None:
    assert VOCAB.split("utdanningspermisjon") == (stem("utdanning"), stem("permisjon"))
    assert VOCAB.split("videreutdanning") == (stem("videre"), stem("utdanning"))


def test_unknown_compound_is_not_split() -> None:
    assert VOCAB.split("feriedager") == ()


def test_compound_matches_phrase() -> None:
    query = set(analyse("utdanningspermisjon", VOCAB))
    passage = set(analyse("permisjon for utdanning", VOCAB))
    assert {stem("utdanning"), stem("permisjon")} <= query & passage


def test_etter_og_videreutdanning_expands_both() -> None:
    stems = analyse("etter- og videreutdanning", VOCAB)
    assert stem("etterutdanning") in stems and stem("videreutdanning") in stems


@pytest.mark.parametrize(
    ("question", "expected"),
    [("Can I get paid education leave?", {"lønn", "utdanning", "permisjon"}), ("Kva med løna?", {"lønn"})],
)
def test_glossary_maps_english_and_nynorsk(question: str, expected: set[str]) -> None:
    assert {stem(w) for w in expected} <= set(analyse(question, VOCAB, expand=True))


def test_stopwords_dropped() -> None:
    assert content_words("Har jeg rett på det?") == ["rett"]
