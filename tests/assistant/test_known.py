"""What the sources know: words as lemmas, glossary equivalents, compound parts and spelling variants."""

import pytest

from assistant import known
from assistant.known import general_frequency, is_known, named_roles, names_a_role, role_of, uses
from index.lexical import BM25Index
from tests.assistant.fakes import make_chunk

pytestmark = pytest.mark.unit


def test_a_hyphenated_lemma_does_not_make_a_rare_compound_common(monkeypatch: pytest.MonkeyPatch) -> None:
    # simplemma writes some compounds with a hyphen ("natt-tillegg"); wordfreq reads that as two
    # common words and reports a phrase estimate, which must not count as the word's frequency.
    monkeypatch.setattr(known, "lemmas", lambda word: (word, "kveld-vakt"))
    assert general_frequency("kveldvakt") == 0.0


def test_a_word_the_sources_use_as_the_first_part_of_a_compound_is_known() -> None:
    chunk = make_chunk("Ordningen gjelder skiftarbeidere og annet arbeid i kommunen.", position=3)
    index = BM25Index([chunk])
    assert is_known("skift", index)
    assert not is_known("nattevakt", index)


def test_a_compound_ending_in_a_clipped_word_is_known_through_the_whole_word() -> None:
    chunk = make_chunk("Arbeidstaker har rett til utdanningspermisjon etter loven.", position=5)
    index = BM25Index([chunk])
    assert is_known(
        "studieperm", index
    )  # "perm" is the clipped "permisjon"; studiepermisjon -> utdanningspermisjon
    # a glossary word that is no clipping of its equivalent ("skole" -> utdanning) is not read into a compound
    assert "barneutdanning" not in known.forms("barneskole")


def test_a_passage_uses_a_word_through_its_inflections_and_compound_parts() -> None:
    chunk = make_chunk("Arbeidstakeren må gi skriftlig varsel før permisjon til utdanning.", position=4)
    index = BM25Index([chunk])
    terms = index.chunk_terms(chunk.chunk_id)
    assert uses("varsle", terms, index)  # one edit from the stem of "varsel"
    assert uses("utdanningspermisjonen", terms, index)  # its last part, "permisjon", is used
    assert not uses("nattillegg", terms, index)


@pytest.mark.parametrize(
    "word", ["seksjonslederen", "fagleiar", "plasstillitsvalgte", "driftssjefen", "einingsleiaren"]
)
def test_a_kind_of_one_of_the_sources_roles_names_that_role(word: str) -> None:
    assert names_a_role(word)


@pytest.mark.parametrize("word", ["utdanningspermisjon", "sjukepleiar", "leder", "nattevakt", "ansattes"])
def test_words_that_are_not_a_kind_of_role_do_not_name_one(word: str) -> None:
    # "sjukep-leiar" ends in a role's Nynorsk form, but "sjukep" is no word; "leder" is the role itself.
    assert not names_a_role(word)


def test_a_nynorsk_form_or_typo_of_a_common_word_is_as_common_as_that_word() -> None:
    # "vanskeleg" (Nynorsk) and "vanskelg" (a typo) are spellings of the common "vanskelig": not rare
    # topic words, whatever wordfreq's Bokmål list says of the spelling itself.
    common = general_frequency("vanskelig")
    assert general_frequency("vanskeleg") == pytest.approx(common)
    assert general_frequency("vanskelg") == pytest.approx(common)


def test_a_rare_word_near_a_common_one_keeps_its_own_frequency() -> None:
    # English words keep theirs (a British spelling is not a Norwegian typo), and so does a word only a
    # little rarer than its neighbour (an inflection); short words are never read as variants.
    assert general_frequency("kilometre") < general_frequency("kilometer")
    assert known.variant_zipf("arme") == 0.0  # too short: "arm", "arme", "armer" are all one slip apart


def test_a_nynorsk_spelling_meets_the_sources_bokmal_word() -> None:
    # "hausten" is the Nynorsk "høsten": the sources' word, not a rare unknown topic.
    index = BM25Index([make_chunk("Kurset starter til høsten i alle enheter.", position=4)])
    assert is_known("hausten", index)
    assert general_frequency("hausten") >= general_frequency("høsten") - 0.5


def test_a_verb_and_its_ing_noun_know_each_other() -> None:
    # The sources say "kartlegge" and "revidering"; the questions say "kartleggingen" and "revidere".
    index = BM25Index(
        [make_chunk("Lederen skal kartlegge behovet. Planen trenger revidering hvert år.", position=0)]
    )
    assert is_known("kartleggingen", index)
    assert is_known("revidere", index)
    assert not is_known("ringen", index)  # too short a stem to be a derivation


def test_a_nynorsk_word_is_as_common_as_the_bokmal_spelling_of_its_lemma() -> None:
    # "finst" (lemma "finnast") is the Bokmål "finnes": a function word, never a term the sources leave out
    assert general_frequency("finst") >= 5.0


def test_a_lemma_one_slip_from_a_common_word_keeps_the_words_own_frequency() -> None:
    # "fridagen" -> "fridag" is one letter from "fredag", another word: only the word itself may be a typo
    assert general_frequency("fridagen") < 3.8


def test_an_english_inflection_is_as_common_as_its_english_lemma() -> None:
    # "phoned", "busiest" are everyday English, not terms the sources leave out
    assert general_frequency("phoned") >= 5.0
    assert general_frequency("busiest") >= 4.5
    assert general_frequency("welders") < 3.8  # a rare English word stays rare as its lemma


def test_the_nynorsk_word_for_a_disagreement_meets_the_sources_dispute() -> None:
    chunk = make_chunk("Tvist om rett til permisjon avgjøres av nemnda.", position=5)
    index = BM25Index([chunk])
    assert is_known("usemja", index)  # usemje -> tvist (Språkrådet's Bokmål equivalent: uenighet)


@pytest.mark.parametrize(
    ("word", "role"),
    [
        ("ledere", "leder"),
        ("leiaren", "leder"),
        ("sjefen", "leder"),
        ("einingsleiar", "leder"),
        ("plasstillitsvalde", "tillitsvalgt"),
        ("tillitsvalgte", "tillitsvalgt"),
        ("tilsette", "medarbeider"),
        ("arbeidstaker", "medarbeider"),
        ("medarbeidersamtalen", None),  # a conversation, not a person
        ("rektor", None),
    ],
)
def test_a_word_names_the_role_of_its_head(word: str, role: str | None) -> None:
    assert role_of(word) == role


def test_the_roles_a_text_names() -> None:
    assert named_roles("Eg og den plasstillitsvalde skal ha møte med leiaren.") == {"tillitsvalgt", "leder"}
    assert named_roles("Hva skal vi snakke om i medarbeidersamtalen?") == frozenset()
