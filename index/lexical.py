"""BM25 over Norwegian stems and compound parts, built from the index's chunks.

The lexical index is derived from the chunks stored in Chroma each time the
collection's generation changes, so it is always in step with the vector index
and app instances hold no state of their own.

Scores live in a sparse matrix (chunks x terms) holding each term's BM25
contribution ``idf * tf-norm``; a search sums the question's term columns
(scaled by query-term frequency), so its cost grows with the postings of the
question's terms only, and coverage costs O(1) per term. A question is
analysed once and its terms kept for the other steps that ask again.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from core.models import Chunk
from core.text import Vocabulary, analyse, words

_QUERY_CACHE = 512  # analysed questions kept per index (one request asks several times)
_TEXT_CACHE = 20_000  # analysed sentences kept per index (about 1 kB each)


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
        texts = [chunk_search_text(c) for c in self.chunks]
        vocab_words: set[str] = set()
        for text in texts:
            vocab_words.update(words(text))
        self.vocab = Vocabulary(vocab_words)
        self._tfs: list[Counter[str]] = [Counter(analyse(text, self.vocab)) for text in texts]
        df: Counter[str] = Counter()
        for tf in self._tfs:
            df.update(tf.keys())
        n = max(len(self.chunks), 1)
        self._lengths = [sum(tf.values()) for tf in self._tfs]
        self._avg = (sum(self._lengths) / n) or 1.0
        self.idf = {t: math.log(1.0 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self._max_idf = max(self.idf.values(), default=1.0)
        self.known_stems = frozenset(self.idf) | self.vocab.stems
        """Every stem the sources use: analysed terms and the vocabulary's word stems."""
        self._column = {t: j for j, t in enumerate(self.idf)}
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []
        for i, tf in enumerate(self._tfs):
            denominator = self.k1 * (1 - self.b + self.b * self._lengths[i] / self._avg)
            for t, f in tf.items():
                rows.append(i)
                cols.append(self._column[t])
                values.append(self.idf[t] * f * (self.k1 + 1) / (f + denominator))
        self._weights = sparse.csc_matrix(
            (np.asarray(values, dtype=np.float64), (rows, cols)), shape=(len(self.chunks), len(self._column))
        )
        self._position = {c.chunk_id: i for i, c in enumerate(self.chunks)}
        self._queries: dict[str, list[str]] = {}
        self._texts: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()

    def chunk_terms(self, chunk_id: str) -> frozenset[str]:
        """The analysed stems of one chunk (empty for a chunk this index does not hold)."""
        i = self._position.get(chunk_id)
        return frozenset(self._tfs[i]) if i is not None else frozenset()

    def query_terms(self, question: str) -> list[str]:
        """Analysed stems of a question (glossary-expanded, compounds split); cached per question."""
        terms = self._queries.get(question)
        if terms is None:
            terms = analyse(question, self.vocab, expand=True)
            with self._lock:
                if len(self._queries) >= _QUERY_CACHE:
                    self._queries.clear()
                self._queries[question] = terms
        return list(terms)

    def text_terms(self, text: str) -> frozenset[str]:
        """Analysed stems of a passage's sentence (compounds split); cached, since the same sentences are
        scored for question after question."""
        terms = self._texts.get(text)
        if terms is None:
            terms = frozenset(analyse(text, self.vocab))
            with self._lock:
                if len(self._texts) >= _TEXT_CACHE:
                    self._texts.clear()
                self._texts[text] = terms
        return terms

    def search(self, question: str, k: int) -> list[LexicalHit]:
        """The ``k`` best chunks for ``question`` by BM25, best first (only positive scores)."""
        counts = Counter(self.query_terms(question))
        known = [(self._column[t], 1.0 + 0.2 * (qf - 1)) for t, qf in counts.items() if t in self._column]
        if not known or k <= 0:
            return []
        columns = [j for j, _w in known]
        scores = self._weights[:, columns] @ np.asarray([w for _j, w in known])
        positive = np.flatnonzero(scores > 0)
        if positive.size > k:
            # Keep the k best (ties broken by position, as a stable sort would).
            cut = np.partition(scores[positive], positive.size - k)[positive.size - k]
            positive = positive[scores[positive] >= cut]
        ranked = sorted(positive.tolist(), key=lambda i: (-scores[i], i))[:k]
        return [LexicalHit(int(i), float(scores[i])) for i in ranked]

    def coverage(self, question: str) -> float:
        """Share of the question's known content stems (weighted by idf) that occur in the corpus at all."""
        terms = set(self.query_terms(question))
        if not terms:
            return 0.0
        known = sum(self.idf.get(t, 0.0) for t in terms if t in self.idf)
        total = known + self._max_idf * sum(1 for t in terms if t not in self.idf)
        return known / total if total else 0.0
