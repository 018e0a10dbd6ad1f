"""Sentence vectors: every sentence of every chunk embedded once, at ingest, stored with the index.

The extractive answerer ranks the sentences of the top passages by their
similarity to the question. Embedding those sentences at query time made
queries slow as soon as the corpus outgrew an in-memory cache, so ingest
embeds them (:func:`chunk_sentences` defines exactly which texts) and the
index stores them next to the chunks, under the same commit protocol
(:meth:`index.store.VectorIndex.replace_document`). :class:`SentenceVectors`
loads them into one numpy matrix when the index generation changes and looks
sentences up by their normalised text; a sentence it does not know (an index
built before sentence vectors, or a document carried over from a failed
rebuild) is embedded on the spot and kept, so answers never depend on it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from core.errors import IndexUnavailableError
from core.models import Chunk
from core.sentences import Span, split_sentences

if TYPE_CHECKING:
    from index.snapshot import Snapshot

log = logging.getLogger(__name__)

# How often (seconds) the loaded sentence matrix checks whether the index changed.
REFRESH_EVERY_S = 2.0


@dataclass(frozen=True)
class SentenceRecord:
    """One sentence of a chunk: ``text`` is ``chunk.text[start:end]`` as the answerer quotes it."""

    chunk_id: str
    ordinal: int
    start: int
    end: int
    text: str

    @property
    def sentence_id(self) -> str:
        """Content-addressed id (the chunk id is derived from the document's content and position)."""
        return f"{self.chunk_id}#s{self.ordinal}"


def sentence_key(text: str) -> str:
    """The lookup key of a sentence: its text with whitespace collapsed (what gets embedded)."""
    return " ".join(text.split())


def without_heading(chunk: Chunk, span: Span) -> Span:
    """Cut a chunk's heading line off the first sentence it was glued to."""
    heading = (chunk.heading or "").strip()
    text = chunk.text
    if heading and span.start <= text.find(heading) < span.end and "\n" in span.text:
        cut = text.find("\n", text.find(heading)) + 1
        if span.start < cut < span.end:
            return Span(cut, span.end, text[cut : span.end])
    return span


def chunk_sentences(chunk: Chunk) -> list[Span]:
    """The sentences of ``chunk`` the answerer considers, heading lines cut off (spans of its text)."""
    return [without_heading(chunk, span) for span in split_sentences(chunk.text)]


def sentence_records(chunks: Sequence[Chunk]) -> list[SentenceRecord]:
    """Every sentence of ``chunks`` with non-empty text, in chunk order."""
    records: list[SentenceRecord] = []
    for chunk in chunks:
        for ordinal, span in enumerate(chunk_sentences(chunk)):
            if sentence_key(span.text):
                records.append(SentenceRecord(chunk.chunk_id, ordinal, span.start, span.end, span.text))
    return records


HEADING_ORDINAL = -1
"""The ordinal of a chunk's repeated heading among its vector records."""


def vector_records(chunks: Sequence[Chunk]) -> list[SentenceRecord]:
    """The texts whose vectors are stored with ``chunks``: every sentence, and the repeated heading
    of a later piece of a provision or section (ordinal :data:`HEADING_ORDINAL`).

    The sentences leave a repeated heading out (the answerer never quotes it), but it names the
    piece's subject, so a chunk vector derived from its records (:mod:`ingest.vectors`) includes it.
    ``chunk.text`` starts with that heading, so its span is ``[0, len(heading))``.
    """
    records: list[SentenceRecord] = []
    for chunk in chunks:
        sentences = sentence_records([chunk])
        heading = chunk.heading or ""
        key = sentence_key(heading)
        if key and chunk.text.startswith(heading) and not any(key in sentence_key(s.text) for s in sentences):
            records.append(SentenceRecord(chunk.chunk_id, HEADING_ORDINAL, 0, len(heading), heading))
        records.extend(sentences)
    return records


class SentenceSource(Protocol):
    """What :class:`SentenceVectors` needs from the index (``VectorIndex`` provides it)."""

    def generation(self) -> str:
        """A token that changes whenever the committed contents change."""
        ...

    def snapshot(self) -> Snapshot:
        """The committed generation in memory; its sentence keys and rows (L2-normalised) are used."""
        ...


class SentenceVectors:
    """Sentence text -> vector, from the index's stored sentence vectors (a numpy matrix in memory).

    ``source`` None (tests, fakes) means every sentence is embedded on first use and
    cached, as before sentence vectors were stored. Thread-safe.
    """

    def __init__(
        self,
        embed_documents: Callable[[list[str]], list[list[float]]],
        source: SentenceSource | None = None,
        max_items: int = 50_000,
        refresh_every_s: float = REFRESH_EVERY_S,
    ) -> None:
        self._embed = embed_documents
        self._source = source
        self._row: dict[str, int] = {}
        self._matrix = np.zeros((0, 1), dtype=np.float32)
        self._extra: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._max = max_items
        self._every = refresh_every_s
        self._generation: str | None = None
        self._checked = 0.0
        self.embedded = 0
        """Sentences embedded at query time because the index did not have them (diagnostics)."""

    def refresh(self, *, force: bool = False) -> bool:
        """Reload the matrix if the index generation changed (checked at most every few seconds)."""
        if self._source is None:
            return False
        now = time.monotonic()
        if not force and self._generation is not None and now - self._checked < self._every:
            return False
        with self._lock:
            self._checked = now
            try:
                generation = self._source.generation()
            except IndexUnavailableError:
                if force or self._generation is None:
                    raise
                log.warning("index unavailable: keeping the loaded sentence vectors")
                return False
            if generation == self._generation and not force:
                return False
            snapshot = self._source.snapshot()
            keys = snapshot.sentence_keys
            self._row = {key: i for i, key in enumerate(keys)}
            self._matrix = snapshot.sentence_matrix
            self._extra = {}
            self._generation = generation
            log.info("loaded %d sentence vectors", len(keys))
            return True

    def __len__(self) -> int:
        return len(self._row)

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text (L2-normalised, as the embedder returns them)."""
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        self.refresh()
        row, matrix, extra = self._row, self._matrix, self._extra
        keys = [sentence_key(t) for t in texts]
        missing = [k for k in dict.fromkeys(keys) if k not in row and k not in extra]
        if missing:
            new = self._embed(missing)
            with self._lock:
                self.embedded += len(missing)
                # A new dict, never mutated after publication: readers may hold the old one.
                grown = {} if len(self._extra) + len(missing) > self._max else dict(self._extra)
                for key, vector in zip(missing, new, strict=True):
                    grown[key] = np.asarray(vector, dtype=np.float32)
                self._extra = extra = grown
        return np.stack([matrix[row[k]] if k in row else extra[k] for k in keys])
