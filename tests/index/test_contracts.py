"""The index, the embedders, the chat answerer and the test fakes all provide the interfaces the assistant needs.

mypy type-checks this file (``files`` in ``pyproject.toml``), so the typed assignments in
:func:`test_fakes_and_backends_conform_statically` are checked statically as well as run.
"""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.contracts import ChatAnswerer
from assistant.llm import LLMAnswerer
from core.settings import Settings
from index.contracts import ChunkIndex, Embedder
from index.embeddings import E5Embeddings, HashEmbeddings
from index.store import VectorIndex
from tests.assistant.fakes import CHUNKS, MemoryIndex
from tests.embedders import MemoEmbeddings
from tests.index_fixtures import CountingEmbedder

pytestmark = pytest.mark.unit


def test_embedders_conform() -> None:
    assert isinstance(HashEmbeddings(), Embedder)
    assert isinstance(E5Embeddings(), Embedder)  # nothing loads until first use
    assert isinstance(MemoEmbeddings(HashEmbeddings()), Embedder)
    assert isinstance(CountingEmbedder(HashEmbeddings()), Embedder)


def test_indexes_conform(settings: Settings) -> None:
    assert isinstance(MemoryIndex(CHUNKS, HashEmbeddings()), ChunkIndex)
    assert isinstance(VectorIndex(settings, HashEmbeddings(), "probe"), ChunkIndex)  # no connection made
    assert not isinstance(object(), ChunkIndex)


def test_chat_answerer_conforms() -> None:
    assert isinstance(LLMAnswerer(FakeListChatModel(responses=["ok"]), "fake"), ChatAnswerer)
    assert not isinstance(object(), ChatAnswerer)


def test_fakes_and_backends_conform_statically(settings: Settings) -> None:
    # Each assignment is a mypy check that the class provides the Protocol.
    embedders: list[Embedder] = [
        HashEmbeddings(),
        E5Embeddings(),
        MemoEmbeddings(HashEmbeddings()),
        CountingEmbedder(HashEmbeddings()),
    ]
    indexes: list[ChunkIndex] = [
        MemoryIndex(CHUNKS, HashEmbeddings()),
        VectorIndex(settings, HashEmbeddings(), "probe"),
    ]
    answerer: ChatAnswerer = LLMAnswerer(FakeListChatModel(responses=["ok"]), "fake")
    assert len(embedders) == 4 and len(indexes) == 2 and answerer is not None
