"""BM25 over Norwegian stems and compound parts, built from the index's chunks.

The lexical index is derived from the chunks stored in Chroma each time the
collection's generation changes, so it is always in step with the vector index
and app instances hold no state of their own.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from core.models import Chunk
from core.text import Vocabulary, analyse, words


@dataclass(frozen=True)
class LexicalHit:
    """A chunk index with its BM25 score."""

    index: int
    score: float


def chunk_search_text(chunk: Chunk) -> str:
    """What the lexical index sees of a chunk: its text plus its section titles and provision label."""
    parts = [chunk.text, " ".join(chunk.section_path)]
    if chunk.provision:
        parts.append(chunk.provision)
    return "\n".join(parts)


class BM25Index:
    """Okapi BM25 (k1, b) over analysed chunk texts.

    Build with :meth:`build`; :meth:`search` returns the best chunk positions.
    """

    def __init__(self, chunks: Sequence[Chunk], k1: float = 1.4, b: float = 0.6) -> None:
        self.chunks = list(chunks)
        self.k1 = k1
        self.b = b
        vocab_words: set[str] = set()
        for c in self.chunks:
            vocab_words.update(words(chunk_search_text(c)))
        self.vocab = Vocabulary(vocab_words)
        self._tfs: list[Counter[str]] = []
        df: Counter[str] = Counter()
        for c in self.chunks:
            tf = Counter(analyse(chunk_search_text(c), self.vocab))
            self._tfs.append(tf)
            df.update(tf.keys())
        n = max(len(self.chunks), 1)
        self._lengths = [sum(tf.values()) for tf in self._tfs]
        self._avg = (sum(self._lengths) / n) or 1.0
        self.idf = {t: math.log(1.0 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self._postings: dict[str, list[tuple[int, int]]] = {}
        for i, tf in enumerate(self._tfs):
            for t, f in tf.items():
                self._postings.setdefault(t, []).append((i, f))

    def query_terms(self, question: str) -> list[str]:
        """Analysed stems of a question (glossary-expanded, compounds split)."""
        return analyse(question, self.vocab, expand=True)

    def search(self, question: str, k: int) -> list[LexicalHit]:
        """The ``k`` best chunks for ``question`` by BM25, best first (only positive scores)."""
        terms = self.query_terms(question)
        scores: dict[int, float] = {}
        for t in set(terms):
            postings = self._postings.get(t)
            if not postings:
                continue
            idf = self.idf[t]
            qf = terms.count(t)
            for i, f in postings:
                norm = (
                    f * (self.k1 + 1) / (f + self.k1 * (1 - self.b + self.b * self._lengths[i] / self._avg))
                )
                scores[i] = scores.get(i, 0.0) + idf * norm * (1.0 + 0.2 * (qf - 1))
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        return [LexicalHit(i, s) for i, s in ranked if s > 0]

    def coverage(self, question: str) -> float:
        """Share of the question's known content stems (weighted by idf) that occur in the corpus at all."""
        terms = set(self.query_terms(question))
        if not terms:
            return 0.0
        known = sum(self.idf.get(t, 0.0) for t in terms if t in self.idf)
        max_idf = max(self.idf.values(), default=1.0)
        total = known + max_idf * sum(1 for t in terms if t not in self.idf)
        return known / total if total else 0.0
