"""Chunk and sentence vectors at ingest: each text embedded once, chunk vectors derived from their records."""

from __future__ import annotations

import numpy as np
import pytest

from core.models import Chunk
from core.settings import EmbeddingSettings
from index.embeddings import HashEmbeddings
from index.sentences import HEADING_ORDINAL, sentence_key, vector_records
from ingest.vectors import derived_vector, embed_chunks, embedded_texts
from tests.embedders import WrappedEmbeddings
from tests.index_fixtures import make_chunk

HEADING = "§ 9-9. Opplæring i arbeidstiden"


class RecordingEmbedder(WrappedEmbeddings):
    """Hash vectors, remembering every text sent to the embedder."""

    def __init__(self) -> None:
        super().__init__(HashEmbeddings())
        self.texts: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.texts.extend(texts)
        return self.inner.embed_documents(texts)


def _pieces() -> list[Chunk]:
    """A provision split in two: the first piece holds its heading, the second repeats it."""
    first = (
        f"{HEADING}\n(1) Arbeidsgiver skal sørge for nødvendig opplæring. Opplæringen skjer i arbeidstiden."
    )
    second = f"{HEADING}\n(2) Utgiftene dekkes av arbeidsgiver."
    return [
        make_chunk("lov", 0, first, provision="§ 9-9", section_path=("Lov", HEADING, "(1)")),
        make_chunk(
            "lov", 1, second, provision="§ 9-9", heading=HEADING, section_path=("Lov", HEADING, "(2)")
        ),
    ]


def test_derived_vector_is_the_length_weighted_normalised_mean() -> None:
    vector = derived_vector([("a" * 10, [1.0, 0.0]), ("b" * 30, [0.0, 1.0])])
    assert vector == pytest.approx(list(np.array([10.0, 30.0]) / np.hypot(10.0, 30.0)))


def test_a_repeated_heading_is_a_record_of_its_own_only_where_the_sentences_lack_it() -> None:
    first, second = _pieces()
    records = vector_records([first, second])
    headings = [r for r in records if r.ordinal == HEADING_ORDINAL]
    assert [(r.chunk_id, r.text) for r in headings] == [(second.chunk_id, HEADING)]
    assert second.text[headings[0].start : headings[0].end] == HEADING
    assert any(HEADING in r.text for r in records if r.chunk_id == first.chunk_id and r.ordinal >= 0)


def test_sentences_mode_embeds_each_record_once_and_no_chunk_text() -> None:
    chunks = _pieces()
    embedder = RecordingEmbedder()
    vectors, pairs, new_chunks = embed_chunks([], embedder, EmbeddingSettings(), chunks, lambda _d, _t: None)
    records = vector_records(chunks)
    assert sorted(embedder.texts) == sorted({sentence_key(r.text) for r in records})
    assert embedder.texts == embedded_texts(EmbeddingSettings(), chunks)
    assert not {c.text for c in chunks} & set(embedder.texts)
    assert new_chunks == 2 and [r for r, _v in pairs] == records
    second = [(r.text, v) for r, v in pairs if r.chunk_id == chunks[1].chunk_id]
    assert vectors[1] == pytest.approx(derived_vector(second))


def test_embed_mode_also_embeds_the_chunk_text() -> None:
    chunks = _pieces()
    embedder = RecordingEmbedder()
    settings = EmbeddingSettings(chunk_vectors="embed")
    vectors, _pairs, _new = embed_chunks([], embedder, settings, chunks, lambda _d, _t: None)
    assert {c.text for c in chunks} <= set(embedder.texts)
    assert sorted(embedder.texts) == sorted(embedded_texts(settings, chunks))
    assert vectors[0] == pytest.approx(HashEmbeddings().embed_documents([chunks[0].text])[0])
