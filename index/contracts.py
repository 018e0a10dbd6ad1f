"""The small interfaces the answer stages need from the index and the embedder.

``index.store.VectorIndex`` and the embedders in ``index.embeddings`` conform, and
so do the in-memory fakes of the unit tests; mypy checks it
(``tests/index/test_contracts.py`` asserts it at runtime as well).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from core.models import Chunk
from index.snapshot import Snapshot


@runtime_checkable
class Embedder(Protocol):
    """Text -> vectors (a LangChain ``Embeddings`` with a recorded name and dimension)."""

    @property
    def name(self) -> str:
        """Stable id recorded in the index."""
        ...

    @property
    def dimension(self) -> int:
        """Length of every vector."""
        ...

    def embed_query(self, text: str) -> list[float]:
        """One question's vector."""
        ...

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One vector per passage."""
        ...


@runtime_checkable
class ChunkIndex(Protocol):
    """What the assistant reads from the index."""

    def chunks(self) -> list[Chunk]:
        """Every committed chunk."""
        ...

    def search(self, vector: Sequence[float], k: int) -> list[tuple[Chunk, float]]:
        """The ``k`` nearest committed chunks with cosine similarity, best first."""
        ...

    def generation(self) -> str:
        """A token that changes whenever the committed contents change."""
        ...

    def manifest(self) -> Mapping[str, Any]:
        """Committed documents by ``doc_id`` (``index.store.DocRecord`` values)."""
        ...

    def snapshot(self) -> Snapshot:
        """Every committed chunk with its vector, and every sentence vector (:mod:`index.snapshot`)."""
        ...
