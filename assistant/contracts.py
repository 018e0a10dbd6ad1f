"""The small interfaces the assistant needs: from its optional chat model, and retrieval's from the vector store
and the embedder.

It sits here rather than in ``index/contracts.py`` (with ``Embedder`` and ``ChunkIndex``)
because it speaks in the answer stage's types (passages, turns, drafts), and ``index/``
never imports ``assistant/``. :class:`assistant.llm.LLMAnswerer` (a LangChain
``BaseChatModel`` with our prompts and citation validation) conforms; mypy checks it
there, and ``tests/index/test_contracts.py`` asserts it at runtime as well.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from assistant.llm import LLMDraft
    from assistant.models import Passage, Turn
    from index.snapshot import Snapshot


@runtime_checkable
class ChatAnswerer(Protocol):
    """Writes a cited answer from passages and validates it; rewrites follow-up questions."""

    def generate(self, question: str, passages: Sequence[Passage], history: Sequence[Turn] = ()) -> LLMDraft:
        """The model's answer to ``question`` from ``passages``, validated (raises ``LLMUnavailableError``)."""
        ...

    def stream(
        self, question: str, passages: Sequence[Passage], history: Sequence[Turn] = ()
    ) -> Iterator[str]:
        """The model's answer as text deltas (raises ``LLMUnavailableError``, possibly after some deltas)."""
        ...

    def draft_from_text(self, text: str, passages: Sequence[Passage], elapsed_s: float = 0.0) -> LLMDraft:
        """Validate a complete streamed answer (raises ``LLMUnavailableError`` on garbage)."""
        ...

    def rewrite_question(self, history: Sequence[Turn], question: str) -> str:
        """A follow-up rewritten as a standalone question (``question`` itself on any failure)."""
        ...


class SearchIndex(Protocol):
    """What retrieval needs from the vector store (``index.store.VectorIndex`` provides it)."""

    def snapshot(self) -> Snapshot:  # pragma: no cover - protocol
        raise NotImplementedError

    def generation(self) -> str:  # pragma: no cover - protocol
        raise NotImplementedError


class QueryEmbedder(Protocol):
    """What retrieval needs from the embedder (any LangChain ``Embeddings``)."""

    def embed_query(self, text: str) -> list[float]:  # pragma: no cover - protocol
        raise NotImplementedError
