"""Thumbs up/down feedback on answers, stored only in a local SQLite file.

The store keeps exactly: the question, the answer text, the cited chunk ids, the
rating, an optional comment, who was asking (the role chosen in the app: ansatt, leder
or tillitsvalgt, or empty) and a timestamp. Nothing is sent anywhere. The file
uses WAL journaling so several app processes can share it. Fødselsnummer-like
11-digit numbers are masked before anything is stored or logged.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.errors import KompetanseError
from core.privacy import mask_personal_numbers

MAX_TEXT_CHARS = 100_000
OPEN_WAIT_S = 10.0  # how long a new store waits for another process creating it at the same moment
MAX_COMMENT_CHARS = 5_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    chunk_ids TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    comment TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT ''
)
"""
ROLES = ("ansatt", "leder", "tillitsvalgt")


mask_fnr = mask_personal_numbers


class FnrMaskingFilter(logging.Filter):
    """A logging filter that masks fødselsnummer-like numbers in every record it passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix here
            return True
        masked = mask_fnr(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


class FeedbackStore:
    """Feedback rows in ``<data_dir>/feedback.sqlite3``; safe to use from many threads and processes."""

    def __init__(self, path: Path) -> None:
        """Open (and create if needed) the store at ``path``; raises ``KompetanseError`` if it cannot."""
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            deadline = time.monotonic() + OPEN_WAIT_S
            while True:
                try:
                    self._create()
                    break
                except sqlite3.OperationalError as exc:
                    # Switching a new file to WAL needs an exclusive lock and SQLite does not wait for it
                    # (no busy handler): worker processes starting together see "database is locked".
                    if "locked" not in str(exc) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
        except (OSError, sqlite3.Error) as exc:
            raise KompetanseError(
                f"Kunne ikke åpne tilbakemeldingslageret i {path}.", detail=f"{type(exc).__name__}: {exc}"
            ) from exc

    def _create(self) -> None:
        with self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute(_SCHEMA)
            columns = {row[1] for row in con.execute("PRAGMA table_info(feedback)")}
            if "role" not in columns:  # a store written before roles were recorded
                con.execute("ALTER TABLE feedback ADD COLUMN role TEXT NOT NULL DEFAULT ''")

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> FeedbackStore:
        """The store in the standard place under ``data_dir``."""
        return cls(data_dir / "feedback.sqlite3")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # One short-lived connection per operation: no sharing across threads.
        con = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        try:
            con.execute("PRAGMA busy_timeout=10000")
            yield con
        finally:
            con.close()

    def add(
        self,
        question: str,
        answer: str,
        chunk_ids: Sequence[str],
        rating: int,
        comment: str = "",
        role: str = "",
    ) -> int:
        """Store one rating (1 = nyttig, -1 = ikke nyttig) and who asked (``role``, one of
        :data:`ROLES` or ""); returns its id. Raises ``ValueError`` on a bad rating or role."""
        if rating not in (-1, 1):
            raise ValueError(f"rating must be 1 or -1, got {rating!r}")
        if role and role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)} or empty, got {role!r}")
        row = (
            datetime.now(UTC).isoformat(timespec="seconds"),
            mask_fnr(question[:MAX_TEXT_CHARS]),
            mask_fnr(answer[:MAX_TEXT_CHARS]),
            json.dumps([str(c) for c in chunk_ids][:100]),
            rating,
            mask_fnr(comment[:MAX_COMMENT_CHARS]),
            role,
        )
        with self._connect() as con:
            cur = con.execute(
                "INSERT INTO feedback (created_at, question, answer, chunk_ids, rating, comment, role) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            return int(cur.lastrowid or 0)

    def update(self, feedback_id: int, rating: int | None = None, comment: str | None = None) -> bool:
        """Change the rating and/or comment of an earlier row; True if the row exists."""
        if rating is not None and rating not in (-1, 1):
            raise ValueError(f"rating must be 1 or -1, got {rating!r}")
        with self._connect() as con:
            cur = con.execute(
                "UPDATE feedback SET rating = COALESCE(?, rating), comment = COALESCE(?, comment) WHERE id = ?",
                (rating, None if comment is None else mask_fnr(comment[:MAX_COMMENT_CHARS]), feedback_id),
            )
            return cur.rowcount > 0

    def export(self) -> list[dict[str, Any]]:
        """All rows, oldest first, as plain dicts (chunk ids as a list)."""
        with self._connect() as con:
            con.row_factory = sqlite3.Row
            rows = con.execute("SELECT * FROM feedback ORDER BY id").fetchall()
        return [{**dict(r), "chunk_ids": json.loads(r["chunk_ids"])} for r in rows]

    def count(self) -> int:
        """How many rows are stored."""
        with self._connect() as con:
            return int(con.execute("SELECT COUNT(*) FROM feedback").fetchone()[0])

    def delete_all(self) -> int:
        """Delete every row; returns how many were deleted."""
        with self._connect() as con:
            cur = con.execute("DELETE FROM feedback")
            deleted = cur.rowcount
            # Really remove the text from disk, not just mark the pages free.
            con.execute("VACUUM")
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return deleted
