"""Norwegian analysis: stems, compounds, glossary, typos."""

import pytest

from core.text import (
    Vocabulary,
    analyse,
    bokmal_forms,
    content_words,
    is_a_word,
    lemmas,
    stem,
    with_equivalents,
)

pytestmark = pytest.mark.unit

VOCAB = Vocabulary(["utdanning", "permisjon", "videre", "lønn", "utvikling", "kompetanse"])


def test_compound_split_into_known_parts() -> None:
    assert VOCAB.split("utdanningspermisjon") == (stem("utdanning"), stem("permisjon"))
    assert VOCAB.split("videreutdanning") == (stem("videre"), stem("utdanning"))


def test_unknown_compound_is_not_split() -> None:
    assert VOCAB.split("feriedager") == ()


def test_a_questions_compound_with_an_everyday_head_matches_its_long_known_tail() -> None:
    vocab = Vocabulary(["tillitsvalgte", "permisjon"])
    # "hoved" is everyday Norwegian the sources never use; the tail is what they speak of
    assert vocab.known_tail("hovedtillitsvalgt") == stem("tillitsvalgt")
    assert stem("tillitsvalgt") in analyse("hovedtillitsvalgt", vocab, expand=True)
    assert stem("tillitsvalgt") not in analyse("hovedtillitsvalgt", vocab)  # passages are not widened
    assert vocab.known_tail("sommerperm") is None  # a short tail says too little
    assert vocab.known_tail("xqzvtillitsvalgt") is None  # the head must be a word


def test_a_compounds_nynorsk_tail_matches_through_its_glossary_equivalent() -> None:
    # "plasstillitsvald": the Nynorsk "tillitsvald" is the sources' "tillitsvalgte" (core.glossary)
    vocab = Vocabulary(["tillitsvalgte", "permisjon"])
    assert vocab.known_tail("plasstillitsvald") == stem("tillitsvalgte")


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
    # Nynorsk function words too: "each", "each other", "together" name no topic
    assert content_words("Kor lang frist i kvart av tilfella når dei jobbar saman med kvarandre?") == [
        "lang",
        "frist",
        "tilfella",
        "jobbar",
    ]


def test_vocabulary_knows_the_first_parts_of_its_compounds() -> None:
    vocab = Vocabulary(["turnusarbeidere", "arbeid", "opplæringstiltak", "tiltak"])
    # the last part inflected ("arbeid-ere"), and a linking "s" ("opplæring-s-tiltak")
    assert vocab.is_modifier("turnus") and vocab.is_modifier("opplæring")
    assert not vocab.is_modifier("arbeid") and not vocab.is_modifier("turnusarbeidere")


def test_the_embedded_question_carries_the_sources_words_for_its_own() -> None:
    assert (
        with_equivalents("Kven avgjer saka når vi er usamde?")
        == "Kven avgjer saka når vi er usamde? avgjør uenige tvist"
    )
    assert (
        with_equivalents("Har jeg rett til utdanningspermisjon?") == "Har jeg rett til utdanningspermisjon?"
    )


def test_a_typo_in_a_question_meets_the_corpus_word_one_slip_away() -> None:
    vocab = Vocabulary(["utdanningspermisjon", "utdanning", "permisjon", "medarbeidersamtalen", "samtale"])
    assert vocab.correction("utdaningspermisjon") == "utdanningspermisjon"  # a letter dropped
    assert vocab.correction("medarbiedersamtalen") == "medarbeidersamtalen"  # two letters swapped
    assert vocab.correction("fagforening") is None  # nothing one slip away
    assert stem("utdanningspermisjon") in analyse("Har jeg rett på utdaningspermisjon?", vocab, expand=True)
    # passages are analysed as written; only a word general use does not know counts as a typo
    assert analyse("utdaningspermisjon", vocab) == [stem("utdaningspermisjon")]
    assert is_a_word("samtaler") and not is_a_word("utdaningspermisjon")


def test_a_question_word_the_sources_do_not_know_also_meets_them_through_its_lemma() -> None:
    # "godkjent" (participle) and the sources' "godkjenne" have different Snowball stems; the lemma joins them.
    vocab = Vocabulary(["godkjenne", "kurset"])
    assert "godkjenn" in analyse("Er kurset godkjent?", vocab, expand=True)
    assert "godkjenn" not in analyse("Er kurset godkjent?", vocab)  # passages are indexed as written


def test_a_genitive_has_the_lemma_of_its_noun_and_a_word_ending_in_s_keeps_its_own() -> None:
    # "et 3-ukers kurs": the weeks are a unit, not a topic the sources are silent on
    assert "uke" in lemmas("ukers")
    assert "kommune" in lemmas("kommunens")
    # "kurs" is not the genitive of "kur", nor "status" of "statu"
    assert lemmas("kurs") == ("kurs",)
    assert lemmas("status") == ("status",)


@pytest.mark.parametrize(
    ("nynorsk", "bokmal"),
    [("avdelinga", "avdelingen"), ("haustferien", "høstferien"), ("vanskeleg", "vanskelig")],
)
def test_a_nynorsk_spelling_has_its_regular_bokmal_form(nynorsk: str, bokmal: str) -> None:
    assert bokmal in bokmal_forms(nynorsk)


def test_only_forms_that_general_bokmal_use_knows_are_given() -> None:
    assert bokmal_forms("qzxa") == ()


@pytest.mark.parametrize(
    ("nynorsk", "bokmal"), [("tenkje", "tenke"), ("gjere", "gjøre"), ("eigentleg", "egentlig")]
)
def test_nynorsk_verbs_and_adverbs_have_their_bokmal_form(nynorsk: str, bokmal: str) -> None:
    assert bokmal_forms(nynorsk)[0] == bokmal


@pytest.mark.parametrize(
    ("nynorsk", "bokmal"),
    [
        ("sjukeheim", "sykehjem"),
        ("reknar", "regner"),
        ("halde", "holde"),
        ("annan", "annen"),
        ("einaste", "eneste"),
    ],
)
def test_two_stem_spellings_short_endings_and_passives_have_their_bokmal_form(
    nynorsk: str, bokmal: str
) -> None:
    # Språkrådet's regular correspondences: sjuk/syk with heim/hjem in one word, kn/gn, hald/hold, -an/-en,
    # and an ending as long as the rest of the word ("en-aste" -> eneste)
    assert bokmal_forms(nynorsk)[0] == bokmal
