""" "Forbered medarbeidersamtale": a ranked, cited checklist of questions from the guide.

The questions come verbatim from the guide's question lists (the
medarbeidersamtale questions, the "Til refleksjon" lists and the
kompetanseplanlegging checklist); a focus ("digital læring",
"lønnsutvikling") ranks them by lexical and semantic closeness.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.models import Checklist, ChecklistItem
from assistant.rank_signals import sentence_score
from core.models import Chunk
from core.sentences import BULLET_RE, split_sentences
from index.lexical import BM25Index

# The medarbeidersamtale's own questions come first when there is no focus.
_SECTION_PRIORITY = ("medarbeidersamtal", "refleksjon", "kompetanseplanlegging")


@dataclass(frozen=True)
class Question:
    """A question sentence from the guide with the chunk it stands in."""

    text: str
    chunk: Chunk
    order: int


def _priority(chunk: Chunk) -> int:
    path = " ".join(chunk.section_path).lower()
    for i, key in enumerate(_SECTION_PRIORITY):
        if key in path:
            return i
    return len(_SECTION_PRIORITY)


def guide_questions(chunks: Sequence[Chunk]) -> list[Question]:
    """Every question sentence in the guide's lists, in document order, without duplicates."""
    out: list[Question] = []
    seen: set[str] = set()
    for chunk in chunks:
        if chunk.kind != "guide" or chunk.provision:
            continue
        for span in split_sentences(chunk.text):
            text = " ".join(BULLET_RE.sub("", span.text).split())
            if not text.endswith("?") or len(text) < 15:
                continue
            key = text.lower()
            if key in seen:
                continue
            seen.add(key)
            out.append(Question(text, chunk, len(out)))
    return out


def build_checklist(
    focus: str,
    questions: Sequence[Question],
    bm25: BM25Index,
    *,
    embed_query: Callable[[str], Sequence[float]] | None = None,
    question_vectors: np.ndarray | None = None,
    limit: int = 12,
) -> Checklist:
    """Rank ``questions`` for ``focus`` and return the top ``limit`` as a cited checklist.

    Without a focus the medarbeidersamtale questions come first, then the
    reflection questions, in the guide's order. With a focus the score is the
    lexical overlap plus, when vectors are given, the cosine similarity.
    """
    focus = focus.strip()
    if not focus:
        ranked = sorted(questions, key=lambda q: (_priority(q.chunk), q.order))
        items = [ChecklistItem(q.text, q.chunk, 0.0) for q in ranked[:limit]]
        return Checklist(focus="", items=tuple(items))
    q_stems = set(bm25.query_terms(focus))
    dense = np.zeros(len(questions))
    if embed_query is not None and question_vectors is not None and len(questions):
        qv = np.asarray(embed_query(focus), dtype=np.float32)
        dense = question_vectors @ qv
        dense = dense - dense.max()  # relative: the best question scores 0
    scored = []
    for i, q in enumerate(questions):
        lexical = sentence_score(q_stems, q.text, bm25)
        score = lexical + 4.0 * float(dense[i]) + (0.05 if _priority(q.chunk) == 0 else 0.0)
        scored.append((score, q.order, q))
    scored.sort(key=lambda t: (-t[0], t[1]))
    items = [ChecklistItem(q.text, q.chunk, s) for s, _, q in scored[:limit]]
    return Checklist(focus=focus, items=tuple(items))
