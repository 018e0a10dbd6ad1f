"""The index, the embedders and the test fakes all provide the interfaces the assistant needs."""

from __future__ import annotations

import pytest

from core.settings import Settings
from index.contracts import ChunkIndex, Embedder
from index.embeddings import E5Embeddings, HashEmbeddings
from index.store import VectorIndex
from tests.assistant.fakes import CHUNKS, MemoryIndex

pytestmark = pytest.mark.unit


def test_embedders_conform() -> None:
    assert isinstance(HashEmbeddings(), Embedder)
    assert isinstance(E5Embeddings(), Embedder)  # nothing loads until first use


def test_indexes_conform(settings: Settings) -> None:
    assert isinstance(MemoryIndex(CHUNKS, HashEmbeddings()), ChunkIndex)
    assert isinstance(VectorIndex(settings, HashEmbeddings(), "probe"), ChunkIndex)  # no connection made
    assert not isinstance(object(), ChunkIndex)
