"""The sparse BM25 gives the scores of a straightforward postings-loop BM25."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest

from core.models import Chunk
from core.text import analyse
from index.lexical import BM25Index, chunk_search_text
from tests.assistant.fakes import CHUNKS, make_chunk

pytestmark = pytest.mark.unit

QUESTIONS = [
    "Hvem har rett til utdanningspermisjon?",
    "utdanningspermisjon utdanningspermisjon skriftlig varsel",
    "Kan vi forhandle om lønn etter videreutdanning?",
    "Hva står i HTA 14.2?",
    "medarbeidersamtalen læring kompetansebehov",
    "Hvor mange feriedager har jeg?",
    "",
]


def reference_scores(index: BM25Index, question: str) -> dict[int, float]:
    """BM25 exactly as the formula reads, term by term and chunk by chunk."""
    tfs = [Counter(analyse(chunk_search_text(c), index.vocab)) for c in index.chunks]
    n = len(tfs)
    lengths = [sum(tf.values()) for tf in tfs]
    avg = sum(lengths) / n
    terms = index.query_terms(question)
    scores: dict[int, float] = {}
    for t in set(terms):
        d = sum(1 for tf in tfs if t in tf)
        if not d:
            continue
        idf = math.log(1.0 + (n - d + 0.5) / (d + 0.5))
        for i, tf in enumerate(tfs):
            f = tf.get(t, 0)
            if f:
                norm = f * (index.k1 + 1) / (f + index.k1 * (1 - index.b + index.b * lengths[i] / avg))
                scores[i] = scores.get(i, 0.0) + idf * norm * (1.0 + 0.2 * (terms.count(t) - 1))
    return scores


def _random_chunks(seed: int) -> list[Chunk]:
    rng = random.Random(seed)
    vocabulary = (
        "permisjon utdanning lønn arbeidstaker arbeidsgiver varsel skriftlig kompetanse læring år".split()
    )
    return [
        make_chunk(" ".join(rng.choice(vocabulary) for _ in range(rng.randint(3, 40))) + ".", position=i)
        for i in range(60)
    ]


@pytest.mark.parametrize("chunks", [CHUNKS, _random_chunks(1), _random_chunks(2)], ids=["fakes", "r1", "r2"])
@pytest.mark.parametrize("question", [*QUESTIONS, "permisjon lønn varsel", "år år læring"])
def test_sparse_scores_match_the_reference(chunks: list[Chunk], question: str) -> None:
    index = BM25Index(chunks)
    expected = reference_scores(index, question)
    ranked = sorted(((i, s) for i, s in expected.items() if s > 0), key=lambda kv: (-kv[1], kv[0]))
    for k in (1, 3, len(chunks)):
        hits = index.search(question, k)
        assert [h.index for h in hits] == [i for i, _s in ranked[:k]]
        assert [h.score for h in hits] == pytest.approx([s for _i, s in ranked[:k]], rel=1e-9)


def test_coverage_and_repeated_analysis() -> None:
    index = BM25Index(CHUNKS)
    assert index.coverage("") == 0.0
    assert index.coverage("utdanningspermisjon") == pytest.approx(1.0)
    assert 0.0 < index.coverage("utdanningspermisjon feriedager romskip") < 1.0
    first = index.query_terms("Hvem har rett til utdanningspermisjon?")
    first.append("endret av kalleren")
    assert index.query_terms("Hvem har rett til utdanningspermisjon?") != first  # callers get a copy
