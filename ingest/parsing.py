"""A file read, cleaned and chunked, and the thread that does it for the next file ahead of time.

The ingest loop embeds one file while :class:`Prefetch` parses the next one in a
background thread (parsing is mostly pypdf and regular expressions, embedding mostly the
model, so the two overlap well on two cores).
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from core.models import Chunk, DocumentInfo, LoadedDocument, sha256_hex
from core.settings import Settings
from index.records import DocRecord


def file_hash(path: Path) -> str | None:
    """The hash of the file's bytes, or None when it cannot be read (the loader reports why)."""
    try:
        return sha256_hex(path.read_bytes())
    except OSError:
        return None  # the loader reports it properly


@dataclass(frozen=True)
class Parsed:
    """A file read, cleaned and chunked (ahead of time, while the previous file was embedded)."""

    info: DocumentInfo
    doc: LoadedDocument
    chunks: list[Chunk]


def parse_file(path: Path, info: DocumentInfo, settings: Settings) -> Parsed:
    """Load and chunk ``path``. Raises :class:`DocumentError` like :func:`ingest.loaders.load_document`."""
    from ingest.chunker import chunk_document
    from ingest.loaders import load_document

    doc = load_document(path, info, settings)
    cfg = settings.chunking
    return Parsed(info, doc, chunk_document(doc, max_chars=cfg.max_chars, min_chars=cfg.min_chars))


class Prefetch:
    """Parses the next file in one background thread while the current file is being embedded.

    Only files that will be loaded anyway are parsed ahead (not unchanged ones, judged
    against the run's ``manifest``, which the run keeps up to date); a failure is
    re-raised when the main loop takes the result, so it is reported exactly as if the
    file had been parsed in the loop.
    """

    def __init__(self, settings: Settings, manifest: Mapping[str, DocRecord], rebuilding: bool) -> None:
        self._settings = settings
        self._manifest = manifest
        self._rebuilding = rebuilding
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-parse")
        self._pending: dict[Path, Future[Parsed | None]] = {}

    def ahead(self, path: Path) -> None:
        """Start parsing ``path`` in the background (once)."""
        if path not in self._pending:
            self._pending[path] = self._pool.submit(self._maybe_parse, path)

    def _maybe_parse(self, path: Path) -> Parsed | None:
        from ingest.metadata import document_info

        info = document_info(path, self._settings.corpus_dir)
        previous = self._manifest.get(info.doc_id)
        if previous is not None and not self._rebuilding and previous.content_hash == file_hash(path):
            return None  # most likely unchanged: the loop decides without parsing
        return parse_file(path, info, self._settings)

    def take(self, path: Path, info: DocumentInfo) -> Parsed:
        """The parsed file (from the background thread when it parsed it, else parsed now)."""
        future = self._pending.pop(path, None)
        parsed = future.result() if future is not None else None
        if parsed is None or parsed.info != info:
            parsed = parse_file(path, info, self._settings)
        return parsed

    def close(self) -> None:
        """Stop the background thread (pending parses are cancelled)."""
        self._pool.shutdown(wait=True, cancel_futures=True)
