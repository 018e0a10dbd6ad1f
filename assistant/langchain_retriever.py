"""The hybrid search as a LangChain ``BaseRetriever``, so that retrieval composes into LangChain chains."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from assistant.models import Hit


def hit_to_document(hit: Hit) -> Document:
    """A LangChain ``Document`` for a hit, with the chunk's provenance as metadata."""
    c = hit.chunk
    return Document(
        id=c.chunk_id,
        page_content=c.text,
        metadata={
            "chunk_id": c.chunk_id,
            "doc_id": c.doc_id,
            "document": c.document,
            "short_name": c.short_name,
            "section": c.section,
            "provision": c.provision,
            "page": c.page_start,
            "score": hit.score,
            "exact_provision": hit.exact_provision,
        },
    )


class KompetanseRetriever(BaseRetriever):
    """LangChain retriever over an ``assistant.retriever.HybridSearcher`` (``searcher``), ``k`` hits per query."""

    searcher: Any
    k: int = 6

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [hit_to_document(h) for h in self.searcher.search(query, self.k)]
