"""Embedders that wrap a real one (memoised, or counting its calls), shared by the test suites."""

from __future__ import annotations

import threading

from index.embeddings import IndexEmbeddings


class WrappedEmbeddings(IndexEmbeddings):
    """An embedder that passes everything to ``inner``; subclasses watch or memoise the calls.

    Same ``name`` and ``dimension`` as the wrapped embedder, so indexes built with it
    are indistinguishable from indexes built with the embedder itself.
    """

    def __init__(self, inner: IndexEmbeddings) -> None:
        self.inner = inner

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


class MemoEmbeddings(WrappedEmbeddings):
    """A real embedder whose passage vectors are memoised by text (queries are not)."""

    def __init__(self, inner: IndexEmbeddings, cache: dict[str, list[float]] | None = None) -> None:
        super().__init__(inner)
        self.cache: dict[str, list[float]] = {} if cache is None else cache
        self._lock = threading.Lock()
        self.embedded = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            todo = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if todo:
            vectors = self.inner.embed_documents(todo)
            with self._lock:
                self.cache.update(zip(todo, vectors, strict=True))
                self.embedded += len(todo)
        with self._lock:
            return [list(self.cache[t]) for t in texts]
