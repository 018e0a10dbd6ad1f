"""Reading the committed index: only chunks and sentences of committed documents are seen.

The committed manifest (documents and the ``content_hash`` their chunks must carry) is
kept in the collection metadata; :class:`IndexReader` caches it until the collection's
generation token changes, and filters every read with it, so chunks written by an
ingest that has not committed yet (or was killed) stay invisible.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from core.models import Chunk
from index.chroma import ChromaCollection, pages
from index.records import (
    KEY_GENERATION,
    KEY_INGEST_VERSION,
    KEY_RECORD,
    SENTENCE,
    DocRecord,
    chunk_from_metadata,
    manifest_of,
    text_hash,
)
from index.snapshot import Snapshot, read_snapshot, snapshot_key, write_snapshot

if TYPE_CHECKING:
    import numpy as np

    from core.settings import Settings

CHUNKS_ONLY: dict[str, Any] = {KEY_RECORD: {"$ne": SENTENCE}}
SENTENCES_ONLY: dict[str, Any] = {KEY_RECORD: SENTENCE}


class IndexReader(ChromaCollection):
    """The committed contents of a collection whose vectors have ``dimension`` entries."""

    def __init__(self, settings: Settings, name: str, dimension: int) -> None:
        super().__init__(settings, name)
        self.dimension = dimension
        self._committed: dict[str, str] | None = None
        self._committed_token = ""
        self._snapshot: tuple[str, Snapshot] | None = None
        self._snapshot_lock = threading.Lock()

    # ----------------------------------------------------------------- manifest

    def manifest(self) -> dict[str, DocRecord]:
        """Committed documents by ``doc_id`` (one small read)."""
        return manifest_of(self._fresh_meta())

    def generation(self) -> str:
        """A token that changes whenever the committed contents change (one small read).

        Also refreshes the cached manifest the readers filter with, when the token changed.
        """
        meta = self._fresh_meta()
        token = (
            f"{self._collection.id if self._collection is not None else ''}:{meta.get(KEY_GENERATION, '')}"
        )
        if token != self._committed_token:
            self._remember(token, manifest_of(meta))
        return token

    def _remember(self, token: str, manifest: Mapping[str, DocRecord]) -> dict[str, str]:
        committed = {doc_id: record.content_hash for doc_id, record in manifest.items()}
        with self._lock:
            self._committed, self._committed_token = committed, token
        return committed

    def _committed_hashes(self, *, reload: bool = False) -> dict[str, str]:
        """doc_id -> committed content hash, cached until the generation changes (or ``reload``)."""
        committed = self._committed
        if committed is None or reload or not committed:
            return self._remember("", self.manifest())
        return committed

    @property
    def ingest_version(self) -> str:
        """The ingest code fingerprint recorded by the pipeline ("" if none)."""
        return str(self._fresh_meta().get(KEY_INGEST_VERSION, ""))

    # ------------------------------------------------------------------ readers

    @staticmethod
    def _is_committed(meta: Mapping[str, Any], manifest: Mapping[str, DocRecord]) -> bool:
        record = manifest.get(str(meta.get("doc_id")))
        return record is not None and record.content_hash == meta.get("doc_hash")

    @staticmethod
    def _in_committed(meta: Mapping[str, Any] | None, committed: Mapping[str, str]) -> bool:
        """True if the record belongs to a committed document version. A record without metadata
        (the Chroma server returns one deleted while the query ran) belongs to none."""
        if not meta or meta.get("doc_id") is None or meta.get("doc_hash") is None:
            return False
        return committed.get(str(meta["doc_id"])) == meta["doc_hash"]

    def chunks(self) -> list[Chunk]:
        """Every committed chunk, ordered by (doc_id, position)."""
        manifest = self.manifest()
        if not manifest:
            return []
        found = [
            chunk_from_metadata(chunk_id, text or "", meta)
            for chunk_id, text, meta in self._scan(["documents", "metadatas"], CHUNKS_ONLY)
            if self._is_committed(meta or {}, manifest)
        ]
        found.sort(key=lambda c: (c.doc_id, c.position))
        return found

    def sentence_vectors(self) -> tuple[list[str], np.ndarray]:
        """(sentence keys, vectors as a float32 matrix) of every committed chunk's sentences.

        Keys are :func:`index.sentences.sentence_key` of the sentence text; a key
        shared by several sentences appears once.
        """
        import numpy as np

        committed = self._committed_hashes(reload=True)
        keys: dict[str, int] = {}
        rows: list[Any] = []
        for _id, text, meta, vector in self._scan_vectors(SENTENCES_ONLY):
            if text and vector is not None and self._in_committed(meta or {}, committed) and text not in keys:
                keys[text] = len(rows)
                rows.append(vector)
        matrix = (
            np.asarray(rows, dtype=np.float32) if rows else np.zeros((0, max(self.dimension, 1)), np.float32)
        )
        return list(keys), matrix

    def snapshot(self) -> Snapshot:
        """Every committed chunk with its vector, and every sentence vector, of the current generation.

        Kept in memory until the generation changes, and on local disk under
        ``settings.snapshot_dir`` (:mod:`index.snapshot`): a new process on an unchanged
        index maps it from there instead of reading the store. One small read of the
        collection metadata per call.
        """
        generation = self.generation()
        memo = self._snapshot
        if memo is not None and memo[0] == generation:
            return memo[1]
        with self._snapshot_lock:
            memo = self._snapshot
            if memo is not None and memo[0] == generation:
                return memo[1]
            key = snapshot_key(generation, self.dimension)
            snapshot = read_snapshot(self.settings.snapshot_dir, key)
            if snapshot is None:
                snapshot = self._read_snapshot()
                if self.generation() == generation:  # nothing was committed while reading
                    write_snapshot(self.settings.snapshot_dir, key, snapshot)
            self._snapshot = (generation, snapshot)
            return snapshot

    def _read_snapshot(self) -> Snapshot:
        """The committed chunks and their vectors in one pass over the store, then the sentences."""
        import numpy as np

        committed = self._committed_hashes(reload=True)
        found: list[tuple[Chunk, Any]] = []
        for chunk_id, text, meta, vector in self._scan_vectors(CHUNKS_ONLY):
            if self._in_committed(meta or {}, committed):
                found.append((chunk_from_metadata(chunk_id, text or "", meta), vector))
        found.sort(key=lambda item: (item[0].doc_id, item[0].position))
        width = max(self.dimension, 1)
        matrix = np.zeros((len(found), width), dtype=np.float32)
        for row, (_chunk, vector) in enumerate(found):
            if vector is not None:
                matrix[row] = vector
        keys, sentences = self.sentence_vectors()
        return Snapshot([chunk for chunk, _vector in found], matrix, keys, sentences)

    def search(self, vector: Sequence[float], k: int) -> list[tuple[Chunk, float]]:
        """The ``k`` committed chunks nearest to ``vector`` with cosine similarity, best first."""
        if k <= 0:
            raise ValueError(f"k must be greater than 0, got {k}")
        if len(vector) != self.dimension:
            raise ValueError(f"query vector must have {self.dimension} dimensions, got {len(vector)}")
        committed = self._committed_hashes()
        if not committed:
            return []
        result = self._call(
            "query",
            query_embeddings=[[float(x) for x in vector]],
            n_results=k,
            where=CHUNKS_ONLY,
            include=["documents", "metadatas", "distances"],
        )
        rows = list(
            zip(
                result["ids"][0],
                (result["documents"] or [[]])[0],
                (result["metadatas"] or [[]])[0],
                (result["distances"] or [[]])[0],
                strict=True,
            )
        )
        if any(not self._in_committed(meta, committed) for _i, _t, meta, _d in rows):
            # Another process committed since we cached the manifest, or an ingest is under way.
            committed = self._committed_hashes(reload=True)
        hits = [
            (chunk_from_metadata(chunk_id, text or "", meta), 1.0 - float(distance))
            for chunk_id, text, meta, distance in rows
            if self._in_committed(meta, committed)
        ]
        hits.sort(key=lambda hit: hit[1], reverse=True)
        return hits

    def has_chunks(self, ids: Sequence[str]) -> set[str]:
        """The subset of ``ids`` stored in the collection (committed or not)."""
        found: set[str] = set()
        for page in pages(list(dict.fromkeys(ids))):
            found.update(self._call("get", ids=list(page), include=[])["ids"])
        return found

    def vectors_for(self, ids: Sequence[str]) -> dict[str, list[float]]:
        """Stored vectors of those ``ids`` that exist, for reuse (same id means same text)."""
        vectors: dict[str, list[float]] = {}
        for page in pages(list(dict.fromkeys(ids))):
            got = self._call("get", ids=list(page), include=["embeddings"])
            embeddings = got["embeddings"]
            if embeddings is not None:
                for chunk_id, vector in zip(got["ids"], embeddings, strict=True):
                    vectors[chunk_id] = [float(x) for x in vector]
        return vectors

    def vectors_for_texts(self, texts: Sequence[str]) -> dict[str, list[float]]:
        """Stored vectors for chunks with exactly these texts (any document or version), by text."""
        by_hash = {text_hash(text): text for text in texts}
        vectors: dict[str, list[float]] = {}
        for page in pages(sorted(by_hash)):
            got = self._call(
                "get", where={"text_hash": {"$in": list(page)}}, include=["embeddings", "metadatas"]
            )
            embeddings = got["embeddings"]
            if embeddings is None:
                continue
            for meta, vector in zip(got["metadatas"] or [], embeddings, strict=True):
                text = by_hash.get(str((meta or {}).get("text_hash")))
                if text is not None:
                    vectors[text] = [float(x) for x in vector]
        return vectors

    def count(self) -> int:
        """Number of stored chunks, committed or not, without their sentences (for diagnostics)."""
        return sum(1 for _record in self._scan([], CHUNKS_ONLY))
