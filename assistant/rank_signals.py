"""The signals retrieval fuses and re-ranks with: a candidate's raw scores, reciprocal rank fusion, how much
of a chunk's section titles a question names, how close a chunk's best stored sentence vector comes to the
question, and how much of the question's stems one sentence holds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from core.models import Chunk
from core.text import analyse
from index.lexical import BM25Index
from index.sentences import chunk_sentences, sentence_key
from index.snapshot import Snapshot


@dataclass(frozen=True)
class Candidate:
    """A chunk with the raw signals gathered for it before the final score."""

    position: int
    rrf: float = 0.0
    dense: float = 0.0
    lexical: float = 0.0
    exact: bool = False


def rrf_fuse(rankings: Sequence[Sequence[int]], k: int) -> dict[int, float]:
    """Reciprocal rank fusion of several rankings of chunk positions: sum of 1/(k + rank)."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, pos in enumerate(ranking, 1):
            fused[pos] = fused.get(pos, 0.0) + 1.0 / (k + rank)
    return fused


def title_overlap(question_stems: set[str], chunk: Chunk, analysed_titles: dict[str, set[str]]) -> float:
    """Share of the chunk's section-title stems that the question mentions (0..1)."""
    key = " › ".join(chunk.section_path) + "|" + (chunk.provision or "")
    stems = analysed_titles.get(key)
    if stems is None:
        stems = set(analyse(" ".join(chunk.section_path)))
        analysed_titles[key] = stems
    if not stems:
        return 0.0
    return len(stems & question_stems) / len(stems)


def unit(vector: Sequence[float]) -> np.ndarray:
    """``vector`` as float32 of length one (unchanged when zero)."""
    query = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(query))
    return query / norm if norm > 0 else query


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """``matrix`` as float32 with every row of length one (a zero row stays zero)."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def sentence_rows(snapshot: Snapshot) -> tuple[np.ndarray, list[np.ndarray]]:
    """The snapshot's sentence vectors at unit length, and for each chunk the rows of its sentences
    (:func:`index.sentences.chunk_sentences`; a sentence the snapshot lacks has none)."""
    if not len(snapshot.sentence_matrix):
        return np.zeros((0, 1), np.float32), [np.zeros(0, np.int64) for _ in snapshot.chunks]
    matrix = unit_rows(snapshot.sentence_matrix)
    row = {key: i for i, key in enumerate(snapshot.sentence_keys)}
    rows = [
        np.fromiter(
            (row[k] for k in (sentence_key(span.text) for span in chunk_sentences(chunk)) if k in row),
            dtype=np.int64,
        )
        for chunk in snapshot.chunks
    ]
    return matrix, rows


def sentence_closeness(
    matrix: np.ndarray, rows: Sequence[np.ndarray], query: np.ndarray, positions: Iterable[int]
) -> dict[int, float]:
    """For each chunk position, how close its best sentence (``rows[pos]`` of the unit-length sentence
    ``matrix``) comes to the unit ``query`` relative to the best of them (1.0 for the best, 0 at 0.1 cosine
    below it, as for chunk vectors): a long passage whose one sentence answers is not diluted by the rest. A
    chunk without stored sentence vectors gets none."""
    have = [pos for pos in positions if pos < len(rows) and len(rows[pos])]
    if not have:
        return {}
    # one product for all candidates' sentences, then the best of each candidate's run of rows
    sims = np.einsum("ij,j->i", matrix[np.concatenate([rows[pos] for pos in have])], query)
    starts = np.cumsum([0, *(len(rows[pos]) for pos in have[:-1])])
    best = np.maximum.reduceat(sims, starts)
    top = float(best.max())
    return {pos: max(0.0, 1.0 - (top - float(sim)) * 10.0) for pos, sim in zip(have, best, strict=True)}


def sentence_score(question_stems: set[str], sentence: str, bm25: BM25Index) -> float:
    """Idf-weighted share of the question's stems that the sentence contains (0..1)."""
    return best_sentence_score(question_stems, (sentence,), bm25)


def _held_weight(question_stems: set[str], sentence: str, bm25: BM25Index) -> float:
    """The idf weight of the question's stems that ``sentence`` holds (a stem the index never saw weighs nothing:
    no sentence can hold it)."""
    terms = bm25.text_terms(sentence)
    return sum(bm25.idf.get(t, 0.0) for t in question_stems if t in terms)


def best_sentence(question_stems: set[str], sentences: Iterable[str], bm25: BM25Index) -> str | None:
    """The first of ``sentences`` with the best :func:`sentence_score` (None when none holds a stem)."""
    best, best_weight = None, 0.0
    for s in sentences:
        weight = _held_weight(question_stems, s, bm25)
        if weight > best_weight:
            best, best_weight = s, weight
    return best


def best_sentence_score(question_stems: set[str], sentences: Iterable[str], bm25: BM25Index) -> float:
    """The best :func:`sentence_score` among ``sentences`` (the question's total weight summed once)."""
    total = sum(bm25.idf.get(t, 0.0) for t in question_stems)
    if total <= 0:
        return 0.0
    return max((_held_weight(question_stems, s, bm25) for s in sentences), default=0.0) / total
