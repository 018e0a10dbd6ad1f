"""The one exception family whose message is shown to the user.

Inside the packages, raise a :class:`KompetanseError` subclass with a Norwegian
``message`` the user can act on and an English ``detail`` for the log. The CLI,
the UI and the API turn them into clear text; anything else is logged with its
traceback and shown as a short generic message.
"""

from __future__ import annotations


class KompetanseError(Exception):
    """An error with a user-facing Norwegian message and a technical detail."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class DocumentError(KompetanseError):
    """A file could not be ingested; ``path`` names it."""

    def __init__(self, path: str, message: str, detail: str = "") -> None:
        super().__init__(message, detail)
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class IndexMismatchError(KompetanseError):
    """The index was built with another embedder than the one configured."""


class IndexUnavailableError(KompetanseError):
    """The vector store cannot be reached or opened (server down, folder unreadable)."""


class EmptyIndexError(KompetanseError):
    """The index holds no documents yet."""


class AmbiguousReferenceError(KompetanseError):
    """A provision reference matches provisions in several documents; ``candidates`` lists their labels."""

    def __init__(self, ref: str, candidates: list[str]) -> None:
        shown = ", ".join(f"«{label}»" for label in candidates)
        super().__init__(
            f"«{ref}» finnes i flere dokumenter: {shown}. Skriv hvilket dokument du mener, "
            f"for eksempel «{candidates[0]}».",
            f"ambiguous provision reference {ref!r}: {candidates}",
        )
        self.ref = ref
        self.candidates = tuple(candidates)
