"""The vector index: chunks and their vectors in a Chroma collection, with a committed manifest.

Chroma never embeds here: collections are created with ``embedding_function=None``
and every write and query passes vectors computed by our own embedder, whose
``name`` and ``dimension`` are recorded in the collection metadata.

Commit protocol (kill -9 at any point leaves the previous index complete):

1. upsert the document's new chunks (content-addressed ids; the old chunks stay);
2. commit: rewrite the collection metadata, whose ``manifest`` (JSON) now holds
   the new ``content_hash`` for the document (one atomic metadata write);
3. delete the document's chunks that are not in the new set.

Readers only return chunks whose ``doc_hash`` equals the committed hash of a
committed document, so uncommitted or stale chunks are invisible; the next
ingest removes them (:meth:`VectorIndex.collect_garbage`).

A rebuild writes a fresh shadow collection (``<name>-rebuild``), marks it
complete, deletes the live collection and renames the shadow; :meth:`open`
finishes an interrupted swap (:mod:`index.rebuild`). Connection, retry and error
mapping live in :mod:`index.chroma`, the committed readers in :mod:`index.reader`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from core.errors import IndexMismatchError
from core.models import Chunk
from index.chroma import PAGE, WRITE_LOCK, Meta, discard, not_found
from index.reader import IndexReader
from index.rebuild import REBUILD_SUFFIX, recover_swap, swap_into
from index.records import (
    KEY_COMPLETE,
    KEY_DIMENSION,
    KEY_EMBEDDER,
    KEY_GENERATION,
    KEY_INGEST_VERSION,
    KEY_MANIFEST,
    KEY_SCHEMA,
    SCHEMA_VERSION,
    DocRecord,
    chunk_from_metadata,
    chunk_to_metadata,
    manifest_json,
    manifest_of,
    sentence_to_metadata,
    text_hash,
)
from index.sentences import SentenceRecord, sentence_key

__all__ = [
    "REBUILD_SUFFIX",
    "DocRecord",
    "VectorIndex",
    "chunk_from_metadata",
    "chunk_to_metadata",
    "sentence_to_metadata",
    "text_hash",
]

if TYPE_CHECKING:
    from core.settings import Settings
    from index.embeddings import IndexEmbeddings

log = logging.getLogger(__name__)


class VectorIndex(IndexReader):
    """Chroma-backed chunk index with a committed manifest (see the module docstring).

    Thread-safe for readers (:class:`index.reader.IndexReader`); writes are serialised
    inside the process. After a connection error the next call reconnects
    (:class:`index.chroma.ChromaCollection`), so a restarted server needs no app
    restart. Construct with :meth:`open` or :meth:`begin_rebuild`.
    """

    def __init__(self, settings: Settings, embedder: IndexEmbeddings | None, name: str) -> None:
        super().__init__(settings, name, embedder.dimension if embedder is not None else 0)
        self.embedder_name = embedder.name if embedder is not None else ""

    # ----------------------------------------------------------------- opening

    @classmethod
    def open(cls, settings: Settings, embedder: IndexEmbeddings, *, create: bool = False) -> VectorIndex:
        """Open the collection named by ``settings.chroma.collection``.

        ``create=True`` (writers) creates it when missing. Raises
        :class:`IndexUnavailableError` (server down, folder unreadable),
        :class:`EmptyIndexError` (missing or without documents, unless ``create``),
        :class:`IndexMismatchError` (built with another embedder).
        """
        index = cls(settings, embedder, settings.chroma.collection)
        index._attach(create=create)
        return index

    @staticmethod
    def peek(settings: Settings) -> tuple[str, int, dict[str, DocRecord]] | None:
        """(embedder name, dimension, manifest) recorded in the live index, or None if there is none.

        Needs no embedder, so a mismatched index can still be inspected (to rebuild it).
        Raises :class:`IndexUnavailableError`.
        """
        index = VectorIndex(settings, None, settings.chroma.collection)
        if not settings.chroma.host and not settings.chroma_dir.exists():
            return None
        meta = index._run(lambda _col: index._get_or_create(False), need_collection=False)
        if meta is None:
            return None
        return str(meta.get(KEY_EMBEDDER, "")), int(meta.get(KEY_DIMENSION, 0)), manifest_of(meta)

    @classmethod
    def begin_rebuild(cls, settings: Settings, embedder: IndexEmbeddings) -> VectorIndex:
        """A fresh, empty shadow collection to rebuild into; publish it with :meth:`finish_rebuild`.

        Any leftover shadow from an interrupted rebuild is discarded. The live
        index stays untouched (and readable) until :meth:`finish_rebuild`.
        """
        index = cls(settings, embedder, settings.chroma.collection + REBUILD_SUFFIX)
        index._ensure_folder()
        index._run(lambda _col: discard(index._connect(), index.name), need_collection=False)
        index._attach(create=True)
        return index

    def finish_rebuild(self) -> None:
        """Publish this shadow collection as the live index (replacing the old one)."""
        live = self.settings.chroma.collection
        if self.name != live + REBUILD_SUFFIX:
            raise ValueError(f"finish_rebuild() needs a shadow index from begin_rebuild(), got {self.name!r}")
        with WRITE_LOCK:
            meta = self._fresh_meta()
            meta[KEY_COMPLETE] = True
            meta[KEY_GENERATION] = uuid.uuid4().hex
            self._write_meta(meta)

            def swap(_col: Any) -> None:
                # Idempotent, because _run may retry it after a partial failure.
                self._collection = swap_into(self._connect(), self.name, live)

            self._run(swap, need_collection=False)
            self.name = live

    def _attach(self, *, create: bool) -> None:
        if not self.settings.chroma.host and not create and not self.settings.chroma_dir.exists():
            raise self._empty()
        if create:
            self._ensure_folder()
        meta = self._run(lambda _col: self._get_or_create(create), need_collection=False)
        if meta is None:
            raise self._empty()
        recorded = str(meta.get(KEY_EMBEDDER, ""))
        recorded_dim = int(meta.get(KEY_DIMENSION, 0))
        if recorded != self.embedder_name or recorded_dim != self.dimension:
            raise IndexMismatchError(
                f"Indeksen ble bygget med {recorded or 'en ukjent modell'} ({recorded_dim} dimensjoner), "
                f"men innstillingene bruker {self.embedder_name} ({self.dimension} dimensjoner). "
                "Bygg den på nytt med `kompetanse ingest --rebuild`.",
                detail=f"collection {self.name!r}: {recorded}/{recorded_dim} != "
                f"{self.embedder_name}/{self.dimension}",
            )
        if not create and not manifest_of(meta):
            raise self._empty()

    def _get_or_create(self, create: bool) -> Meta | None:
        client = self._connect()
        live = self.settings.chroma.collection
        if self.name == live:
            recover_swap(client, live, writer=create)
        try:
            self._collection = client.get_collection(self.name, embedding_function=None)
        except Exception as exc:
            if not not_found(exc):
                raise
            if not create:
                return None
            self._collection = client.create_collection(
                self.name,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={
                    KEY_EMBEDDER: self.embedder_name,
                    KEY_DIMENSION: self.dimension,
                    KEY_SCHEMA: SCHEMA_VERSION,
                    KEY_MANIFEST: "{}",
                    KEY_GENERATION: uuid.uuid4().hex,
                    KEY_INGEST_VERSION: "",
                },
            )
        return dict(self._collection.metadata or {})

    # ------------------------------------------------------------------ writers

    def set_ingest_version(self, version: str) -> None:
        """Record the ingest code fingerprint (the pipeline rebuilds when it changes)."""
        with WRITE_LOCK:
            meta = self._fresh_meta()
            meta[KEY_INGEST_VERSION] = version
            self._write_meta(meta)

    def replace_document(
        self,
        record: DocRecord,
        chunks: list[Chunk],
        vectors: list[list[float]],
        sentences: Sequence[tuple[SentenceRecord, Sequence[float]]] = (),
    ) -> None:
        """Atomically replace a document's chunks (add if new), following the commit protocol.

        ``sentences`` are the chunks' sentences with their vectors (see
        :mod:`index.sentences`); they are stored and committed with the chunks.

        Raises ``ValueError`` when chunks and vectors disagree with the record or
        the index dimension, :class:`IndexUnavailableError` when Chroma fails (the
        previously committed version then stays visible).
        """
        if len(chunks) != len(vectors):
            raise ValueError(f"got {len(chunks)} chunks but {len(vectors)} vectors")
        for chunk, vector in zip(chunks, vectors, strict=True):
            if chunk.doc_id != record.doc_id or chunk.doc_hash != record.content_hash:
                raise ValueError(
                    f"chunk {chunk.chunk_id} belongs to {chunk.doc_id}@{chunk.doc_hash}, "
                    f"not {record.doc_id}@{record.content_hash}"
                )
            if len(vector) != self.dimension:
                raise ValueError(
                    f"vector for {chunk.chunk_id} has {len(vector)} dimensions, not {self.dimension}"
                )
        by_id = {chunk.chunk_id: chunk for chunk in chunks}
        for sentence, sentence_vector in sentences:
            if sentence.chunk_id not in by_id or len(sentence_vector) != self.dimension:
                raise ValueError(f"sentence {sentence.sentence_id} does not fit the document's chunks")
        with WRITE_LOCK:
            self._upsert_chunks(chunks, vectors)
            self._upsert_sentences(sentences, by_id)
            self._commit(record)
            keep = set(by_id) | {sentence.sentence_id for sentence, _vector in sentences}
            self._delete_stale(record.doc_id, keep)

    def _upsert_sentences(
        self, sentences: Sequence[tuple[SentenceRecord, Sequence[float]]], chunks: Mapping[str, Chunk]
    ) -> None:
        """Step 1 for sentence vectors (invisible until the document is committed)."""
        for start in range(0, len(sentences), PAGE):
            part = sentences[start : start + PAGE]
            self._call(
                "upsert",
                ids=[s.sentence_id for s, _v in part],
                embeddings=[[float(x) for x in v] for _s, v in part],
                documents=[sentence_key(s.text) for s, _v in part],
                metadatas=[sentence_to_metadata(s, chunks[s.chunk_id]) for s, _v in part],
            )

    def _upsert_chunks(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        """Step 1: store chunks (invisible to readers until committed)."""
        for start in range(0, len(chunks), PAGE):
            part = chunks[start : start + PAGE]
            self._call(
                "upsert",
                ids=[c.chunk_id for c in part],
                embeddings=[list(v) for v in vectors[start : start + PAGE]],
                documents=[c.text for c in part],
                metadatas=[chunk_to_metadata(c) for c in part],
            )

    def _commit(self, record: DocRecord | None, remove: str | None = None) -> None:
        """Step 2: one atomic metadata write that makes ``record`` (or a removal) visible."""
        meta = self._fresh_meta()
        manifest = manifest_of(meta)
        if record is not None:
            manifest[record.doc_id] = record
        if remove is not None:
            manifest.pop(remove, None)
        meta[KEY_MANIFEST] = manifest_json(manifest)
        meta[KEY_GENERATION] = uuid.uuid4().hex
        self._write_meta(meta)
        with self._lock:
            self._committed = None

    def _delete_stale(self, doc_id: str, keep: set[str]) -> None:
        """Step 3: delete the document's chunks that are not in ``keep``."""
        stored = self._call("get", where={"doc_id": doc_id}, include=[])["ids"]
        self._delete_ids([chunk_id for chunk_id in stored if chunk_id not in keep])

    def remove_document(self, doc_id: str) -> None:
        """Remove a document: commit the manifest without it, then delete its chunks."""
        with WRITE_LOCK:
            self._commit(None, remove=doc_id)
            self._delete_stale(doc_id, set())

    def collect_garbage(self) -> int:
        """Delete chunks left by interrupted runs (not committed); returns how many.

        Only writers may call this: a concurrent ingest's not yet committed chunks
        look like garbage too.
        """
        with WRITE_LOCK:
            manifest = self.manifest()
            orphans = [
                chunk_id
                for chunk_id, _text, meta in self._scan(["metadatas"])
                if not self._is_committed(meta or {}, manifest)
            ]
            self._delete_ids(orphans)
            if orphans:
                log.info("removed %d uncommitted chunks from %s", len(orphans), self.name)
            return len(orphans)
