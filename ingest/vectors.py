"""Vectors for a document's chunks and sentences: reused from the index where possible, else embedded.

A vector is reused by id (same id means same text), then by exact text (a new version of a
document usually keeps most passages), and only the rest goes to the embedder, each distinct
text once. With ``embedding.chunk_vectors = "sentences"`` a chunk's vector is the normalised
mean of its sentences' vectors instead of an embedding of its text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from core.errors import KompetanseError
from core.models import Chunk
from core.settings import EmbeddingSettings
from index.embeddings import IndexEmbeddings
from index.sentences import SentenceRecord, sentence_key, sentence_records
from index.store import VectorIndex

Emit = Callable[[int, int], None]  # (texts embedded so far, texts to embed)


def stored_or_embedded(
    reuse: Sequence[VectorIndex],
    embedder: IndexEmbeddings,
    batch_size: int,
    items: Sequence[tuple[str, str]],
    emit: Emit,
) -> tuple[dict[str, list[float]], set[str]]:
    """Vectors for ``items`` (id, text): stored ones reused by id, then by text, the rest embedded.

    Returns the vectors by id and the ids that had to be embedded. Raises
    :class:`KompetanseError` when the embedder returns the wrong number of vectors.
    """
    ids = [item_id for item_id, _text in items]
    known: dict[str, list[float]] = {}
    for source in reuse:
        missing_ids = [i for i in ids if i not in known]
        if missing_ids:
            known.update(source.vectors_for(missing_ids))
    todo = [(item_id, text) for item_id, text in items if item_id not in known]
    if todo:  # a new version of a document: most passages usually kept their text
        by_text: dict[str, list[float]] = {}
        for source in reuse:
            by_text.update(source.vectors_for_texts([t for _i, t in todo if t not in by_text]))
        for item_id, text in todo:
            if text in by_text:
                known[item_id] = by_text[text]
        todo = [(item_id, text) for item_id, text in todo if item_id not in known]
    texts = list(dict.fromkeys(text for _i, text in todo))  # each distinct text once
    fresh: dict[str, list[float]] = {}
    for start in range(0, len(texts), batch_size):
        part = texts[start : start + batch_size]
        vectors = embedder.embed_documents(part)
        if len(vectors) != len(part):
            raise KompetanseError(
                "Innebyggingsmodellen ga feil antall vektorer.",
                detail=f"{len(vectors)} vectors for {len(part)} texts",
            )
        fresh.update(zip(part, vectors, strict=True))
        emit(min(start + batch_size, len(texts)), len(texts))
    known.update((item_id, fresh[text]) for item_id, text in todo)
    return known, {item_id for item_id, _text in todo}


def mean_vector(rows: Sequence[Sequence[float]]) -> list[float]:
    """The L2-normalised mean of ``rows`` (a chunk's vector derived from its sentences)."""
    matrix = np.asarray(rows, dtype=np.float64)
    mean = matrix.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return [float(x) for x in (mean / norm if norm > 0 else mean)]


def embed_chunks(
    reuse: Sequence[VectorIndex],
    embedder: IndexEmbeddings,
    settings: EmbeddingSettings,
    chunks: list[Chunk],
    emit: Emit,
) -> tuple[list[list[float]], list[tuple[SentenceRecord, list[float]]], int]:
    """Vectors for ``chunks`` and for their sentences, and how many chunks needed the embedder."""

    def vectors(items: Sequence[tuple[str, str]]) -> tuple[dict[str, list[float]], set[str]]:
        return stored_or_embedded(reuse, embedder, settings.batch_size, items, emit)

    sentences = sentence_records(chunks)
    by_sentence, new_sentences = vectors([(s.sentence_id, sentence_key(s.text)) for s in sentences])
    pairs = [(s, by_sentence[s.sentence_id]) for s in sentences]
    if settings.chunk_vectors == "sentences":
        rows: dict[str, list[list[float]]] = {}
        for sentence, vector in pairs:
            rows.setdefault(sentence.chunk_id, []).append(vector)
        by_chunk, new_chunks = vectors([(c.chunk_id, c.text) for c in chunks if c.chunk_id not in rows])
        by_chunk.update({chunk_id: mean_vector(found) for chunk_id, found in rows.items()})
        new_chunks |= {s.chunk_id for s in sentences if s.sentence_id in new_sentences}
    else:
        by_chunk, new_chunks = vectors([(c.chunk_id, c.text) for c in chunks])
    return [by_chunk[c.chunk_id] for c in chunks], pairs, len(new_chunks)
