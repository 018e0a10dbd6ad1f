"""The LangChain adapter of the hybrid search (hash embedder, in-memory index)."""

import pytest

from assistant.langchain_retriever import KompetanseRetriever
from assistant.retriever import HybridSearcher
from core.answer_settings import RetrievalSettings
from index.embeddings import HashEmbeddings
from tests.assistant.fakes import CHUNKS, MemoryIndex

pytestmark = pytest.mark.unit


def test_langchain_retriever_returns_documents_with_provenance() -> None:
    embedder = HashEmbeddings()
    searcher = HybridSearcher(MemoryIndex(CHUNKS, embedder), embedder, RetrievalSettings())
    docs = KompetanseRetriever(searcher=searcher, k=2).invoke("HTA 14.2")
    assert docs[0].metadata["provision"] == "HTA kap. 1 pkt. 14.2"
    assert docs[0].metadata["chunk_id"]
    assert docs[0].metadata["exact_provision"] is True
