"""The signals retrieval fuses and re-ranks with."""

import pytest

from assistant.rank_signals import best_sentence, best_sentence_score, rrf_fuse, sentence_score, title_overlap
from core.text import analyse
from index.lexical import BM25Index
from tests.assistant.fakes import make_chunk

pytestmark = pytest.mark.unit


def test_rrf_rewards_agreement() -> None:
    fused = rrf_fuse([[1, 2, 3], [2, 1, 3]], k=60)
    assert fused[1] == fused[2] > fused[3]


def test_title_overlap_is_the_share_of_the_titles_stems_the_question_names() -> None:
    chunk = make_chunk("Tekst.", position=1, section=("Lokal lønnspolitikk",))
    assert title_overlap(set(analyse("Hva sier lønnspolitikken?")), chunk, {}) == pytest.approx(0.5)
    assert title_overlap(set(analyse("Hva med ferie?")), chunk, {}) == 0.0


def test_a_sentence_scores_the_share_of_the_question_stems_the_index_knows() -> None:
    index = BM25Index([make_chunk("Arbeidstaker har rett til permisjon.", position=1)])
    known = set(analyse("permisjon arbeidstaker"))
    assert sentence_score(known, "Arbeidstaker har rett til permisjon.", index) == pytest.approx(1.0)
    # a stem the index never saw ("zebra") weighs nothing: it can be in no sentence
    assert sentence_score(known | {"zebra"}, "Arbeidstaker har rett til permisjon.", index) == pytest.approx(
        1.0
    )
    assert sentence_score(known, "Ingen av ordene.", index) == 0.0


def test_the_best_sentence_score_is_the_best_of_the_sentences_scores() -> None:
    index = BM25Index([make_chunk("Arbeidstaker har rett til permisjon. Lønn gis ikke.", position=1)])
    stems = set(analyse("permisjon lønn"))
    texts = ("Arbeidstaker har rett til permisjon.", "Lønn gis ikke.", "Ingenting her.")
    assert best_sentence_score(stems, texts, index) == max(sentence_score(stems, t, index) for t in texts) > 0
    assert best_sentence_score(set(), texts, index) == 0.0 == best_sentence_score(stems, (), index)


def test_the_best_sentence_is_the_first_with_the_best_score() -> None:
    index = BM25Index([make_chunk("Arbeidstaker har rett til permisjon. Lønn gis ikke.", position=1)])
    stems = set(analyse("permisjon"))
    texts = ("Lønn gis ikke.", "Arbeidstaker har rett til permisjon.", "Permisjon gis.")
    assert best_sentence(stems, texts, index) == "Arbeidstaker har rett til permisjon."
    assert best_sentence(set(analyse("ferie")), texts, index) is None  # no sentence holds a stem
