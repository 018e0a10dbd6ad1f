"""The `Assistant` facade: what the CLI, the UI, the API and the evals call.

(Interface first; the implementation lands with the retrieval/answer modules.)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from assistant.models import Answer, Checklist, DocumentSummary, Hit, ProvisionView, Turn
from ingest.settings import Settings


class Assistant:
    """Answers questions from the index with citations.

    Construct with :meth:`from_settings` (opens the index, loads the embedder;
    does not ingest). Thread-safe: the app calls it from many requests at once.
    """

    settings: Settings

    @classmethod
    def from_settings(cls, settings: Settings) -> Assistant:
        """Open the index named by ``settings``; raises ``EmptyIndexError``/``IndexMismatchError``/``IndexUnavailableError``."""
        raise NotImplementedError

    def ask(self, question: str, history: Sequence[Turn] = (), role: str | None = None) -> Answer:
        """Answer ``question`` (with earlier ``history``) or refuse; never raises for bad text input."""
        raise NotImplementedError

    def stream(self, question: str, history: Sequence[Turn] = (), role: str | None = None) -> Iterator[str | Answer]:
        """Yield text deltas while an LLM writes, then the final validated :class:`Answer` last."""
        raise NotImplementedError

    def retrieve(self, question: str, k: int | None = None) -> list[Hit]:
        """Ranked hits for a standalone question."""
        raise NotImplementedError

    def lookup(self, ref: str) -> ProvisionView | None:
        """A provision by any common reference form ("HTA 14.2", "§ 12-11"), or None."""
        raise NotImplementedError

    def provisions(self, query: str = "") -> list[ProvisionView]:
        """All provisions and guide sections, optionally filtered by ``query``."""
        raise NotImplementedError

    def samtale(self, focus: str = "", limit: int = 12) -> Checklist:
        """A ranked, cited medarbeidersamtale checklist for an optional focus."""
        raise NotImplementedError

    def documents(self) -> list[DocumentSummary]:
        """The documents in the index with chunk and provision counts."""
        raise NotImplementedError

    def refresh(self) -> bool:
        """Reload the lexical index if the collection changed since it was built; True if reloaded."""
        raise NotImplementedError
