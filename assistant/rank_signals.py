"""The signals retrieval fuses and re-ranks with: a candidate's raw scores, reciprocal rank fusion, and how much
of a chunk's section titles a question names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.models import Chunk
from core.text import analyse


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
