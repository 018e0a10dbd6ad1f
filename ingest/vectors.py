"""Vectors for a document's chunks and sentences: reused from the index where possible, else embedded.

A vector is reused by id (same id means same text), then by exact text (a new version of a
document usually keeps most passages), and only the rest goes to the embedder, each distinct
text once. With ``embedding.chunk_vectors = "sentences"`` (the default) a chunk's vector is
derived from its sentences' vectors and its repeated heading's, so ingest embeds the text once
(:func:`derived_vector`); ``"embed"`` embeds the chunk's text as well. The sentences and repeated
headings are :func:`index.sentences.vector_records`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from core.errors import KompetanseError
from core.models import Chunk
from core.settings import EmbeddingSettings
from index.embeddings import IndexEmbeddings
from index.sentences import SentenceRecord, sentence_key, vector_records
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


def derived_vector(parts: Sequence[tuple[str, Sequence[float]]]) -> list[float]:
    """A chunk's vector from its parts' (text, vector): the L2-normalised mean weighted by text length.

    e5 mean-pools over tokens, so a long sentence weighs more in a chunk's own embedding
    than a short one; length weighting follows that. Measured on the tuning split
    (docs/benchmarks.md): the plain mean lost 3.5 points of hit@1 and 4.3 of hit@4 against
    embedding the chunk's text; length weighting with the repeated heading lost none.
    """
    weights = np.asarray([max(len(text), 1) for text, _vector in parts], dtype=np.float64)
    matrix = np.asarray([vector for _text, vector in parts], dtype=np.float64)
    mean = weights @ matrix
    norm = float(np.linalg.norm(mean))
    return [float(x) for x in (mean / norm if norm > 0 else mean)]


def embedded_texts(settings: EmbeddingSettings, chunks: Sequence[Chunk]) -> list[str]:
    """The texts :func:`embed_chunks` sends to the embedder for ``chunks`` when nothing can be reused
    (each distinct one once, in order): their sentences and repeated headings, and with
    ``chunk_vectors = "embed"`` their texts too. The benchmark measures the embedder's raw speed on them."""
    texts = [sentence_key(r.text) for r in vector_records(chunks)]
    if settings.chunk_vectors == "embed":
        texts += [c.text for c in chunks]
    return list(dict.fromkeys(texts))


def embed_chunks(
    reuse: Sequence[VectorIndex],
    embedder: IndexEmbeddings,
    settings: EmbeddingSettings,
    chunks: list[Chunk],
    emit: Emit,
) -> tuple[list[list[float]], list[tuple[SentenceRecord, list[float]]], int]:
    """Vectors for ``chunks``, for their :func:`~index.sentences.vector_records` (sentences and repeated
    headings), and how many chunks needed the embedder."""

    def vectors(items: Sequence[tuple[str, str]]) -> tuple[dict[str, list[float]], set[str]]:
        return stored_or_embedded(reuse, embedder, settings.batch_size, items, emit)

    records = vector_records(chunks)
    by_record, new_records = vectors([(r.sentence_id, sentence_key(r.text)) for r in records])
    pairs = [(r, by_record[r.sentence_id]) for r in records]
    if settings.chunk_vectors == "sentences":
        parts: dict[str, list[tuple[str, list[float]]]] = {}
        for record, vector in pairs:
            parts.setdefault(record.chunk_id, []).append((record.text, vector))
        by_chunk, new_chunks = vectors([(c.chunk_id, c.text) for c in chunks if c.chunk_id not in parts])
        by_chunk.update({chunk_id: derived_vector(found) for chunk_id, found in parts.items()})
        new_chunks |= {r.chunk_id for r in records if r.sentence_id in new_records}
    else:
        by_chunk, new_chunks = vectors([(c.chunk_id, c.text) for c in chunks])
    return [by_chunk[c.chunk_id] for c in chunks], pairs, len(new_chunks)
