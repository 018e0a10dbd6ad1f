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
finishes an interrupted swap.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from core.errors import EmptyIndexError, IndexMismatchError, IndexUnavailableError, KompetanseError
from core.models import Chunk
from index.records import (
    KEY_MANIFEST,
    KEY_RECORD,
    SENTENCE,
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
    import numpy as np

    from core.settings import Settings
    from index.embeddings import IndexEmbeddings

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
REBUILD_SUFFIX = "-rebuild"
_KEY_EMBEDDER = "embedder"
_KEY_DIMENSION = "dimension"
_KEY_GENERATION = "generation"
_KEY_SCHEMA = "schema"
_KEY_INGEST_VERSION = "ingest_version"
_KEY_COMPLETE = "complete"
_PAGE = 5000  # below Chroma's max batch size (5461 embedded)
# Sentence vectors live in the same collection as their chunks (so they follow the commit
# protocol, rebuilds and garbage collection), marked with this metadata key.
_KEY_RECORD = KEY_RECORD
_SENTENCE = SENTENCE
_KEY_MANIFEST = KEY_MANIFEST
_CHUNKS_ONLY: dict[str, Any] = {_KEY_RECORD: {"$ne": _SENTENCE}}
_SENTENCES_ONLY: dict[str, Any] = {_KEY_RECORD: _SENTENCE}

# One writer at a time inside this process (the app may ingest uploads from several threads).
_WRITE_LOCK = threading.RLock()

T = TypeVar("T")
Meta = dict[str, Any]


def _not_found(exc: BaseException) -> bool:
    from chromadb.errors import NotFoundError

    return isinstance(exc, NotFoundError)


def _reason(exc: BaseException) -> str:
    text = str(exc).lower()
    if "full" in text or "no space" in text or "file too large" in text:
        return "Disken ser ut til å være full."
    if "readonly" in text or "read-only" in text or "permission" in text:
        return "Mappen er skrivebeskyttet."
    return ""


def _pages(seq: Sequence[T], size: int = _PAGE) -> Iterator[Sequence[T]]:
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def _forget_broken_system(path: str) -> None:
    """Chroma caches one system per folder even when starting it failed; drop it so a retry can work."""
    from chromadb.api.shared_system_client import SharedSystemClient

    with SharedSystemClient._refcount_lock:
        if SharedSystemClient._identifier_to_refcount.get(path, 0) <= 0:
            SharedSystemClient._identifier_to_system.pop(path, None)


class VectorIndex:
    """Chroma-backed chunk index with a committed manifest (see the module docstring).

    Thread-safe for readers; writes are serialised inside the process. After a
    connection error the next call reconnects, so a restarted server needs no app
    restart. Construct with :meth:`open` or :meth:`begin_rebuild`.
    """

    def __init__(self, settings: Settings, embedder: IndexEmbeddings | None, name: str) -> None:
        self.settings = settings
        self.name = name
        self.embedder_name = embedder.name if embedder is not None else ""
        self.dimension = embedder.dimension if embedder is not None else 0
        self._client: Any = None
        self._collection: Any = None
        self._lock = threading.RLock()
        self._committed: dict[str, str] | None = None
        self._committed_token = ""

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
        return str(meta.get(_KEY_EMBEDDER, "")), int(meta.get(_KEY_DIMENSION, 0)), manifest_of(meta)

    @classmethod
    def begin_rebuild(cls, settings: Settings, embedder: IndexEmbeddings) -> VectorIndex:
        """A fresh, empty shadow collection to rebuild into; publish it with :meth:`finish_rebuild`.

        Any leftover shadow from an interrupted rebuild is discarded. The live
        index stays untouched (and readable) until :meth:`finish_rebuild`.
        """
        index = cls(settings, embedder, settings.chroma.collection + REBUILD_SUFFIX)
        index._ensure_folder()

        def reset(client: Any) -> None:
            try:
                client.delete_collection(index.name)
            except Exception as exc:
                if not _not_found(exc):
                    raise

        index._run(lambda _col: reset(index._connect()), need_collection=False)
        index._attach(create=True)
        return index

    def finish_rebuild(self) -> None:
        """Publish this shadow collection as the live index (replacing the old one)."""
        live = self.settings.chroma.collection
        if self.name != live + REBUILD_SUFFIX:
            raise ValueError(f"finish_rebuild() needs a shadow index from begin_rebuild(), got {self.name!r}")
        with _WRITE_LOCK:
            meta = self._fresh_meta()
            meta[_KEY_COMPLETE] = True
            meta[_KEY_GENERATION] = uuid.uuid4().hex
            self._write_meta(meta)
            self._run(lambda _col: self._swap_into(live), need_collection=False)
            self.name = live

    def _swap_into(self, live: str) -> None:
        # Idempotent, because _run may retry it after a partial failure.
        client = self._connect()
        try:
            shadow = client.get_collection(self.name, embedding_function=None)
        except Exception as exc:
            if not _not_found(exc):
                raise
            shadow = None  # renamed by an earlier attempt
        if shadow is not None:
            try:
                client.delete_collection(live)
            except Exception as exc:
                if not _not_found(exc):
                    raise
            shadow.modify(name=live)
        self._collection = client.get_collection(live, embedding_function=None)

    def _ensure_folder(self) -> None:
        if self.settings.chroma.host:
            return
        folder = self.settings.chroma_dir
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise IndexUnavailableError(
                f"Kan ikke opprette indeksmappen {folder}. Sjekk at stien er en mappe du kan skrive til "
                "(eller sett KOMPETANSE_DATA_DIR).",
                detail=repr(exc),
            ) from exc
        if not folder.is_dir():
            raise IndexUnavailableError(
                f"Indeksmappen {folder} er ikke en mappe. Flytt filen eller sett KOMPETANSE_DATA_DIR.",
                detail=f"{folder} is not a directory",
            )

    def _attach(self, *, create: bool) -> None:
        if not self.settings.chroma.host and not create and not self.settings.chroma_dir.exists():
            raise self._empty()
        if create:
            self._ensure_folder()
        meta = self._run(lambda _col: self._get_or_create(create), need_collection=False)
        if meta is None:
            raise self._empty()
        recorded = str(meta.get(_KEY_EMBEDDER, ""))
        recorded_dim = int(meta.get(_KEY_DIMENSION, 0))
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
            self._recover_swap(client, live, writer=create)
        try:
            self._collection = client.get_collection(self.name, embedding_function=None)
        except Exception as exc:
            if not _not_found(exc):
                raise
            if not create:
                return None
            self._collection = client.create_collection(
                self.name,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={
                    _KEY_EMBEDDER: self.embedder_name,
                    _KEY_DIMENSION: self.dimension,
                    _KEY_SCHEMA: SCHEMA_VERSION,
                    _KEY_MANIFEST: "{}",
                    _KEY_GENERATION: uuid.uuid4().hex,
                    _KEY_INGEST_VERSION: "",
                },
            )
        return dict(self._collection.metadata or {})

    def _recover_swap(self, client: Any, live: str, *, writer: bool) -> None:
        """Finish a rebuild killed after marking its shadow complete; writers discard unfinished ones."""
        shadow_name = live + REBUILD_SUFFIX
        try:
            shadow = client.get_collection(shadow_name, embedding_function=None)
        except Exception as exc:
            if _not_found(exc):
                return
            raise
        if not (shadow.metadata or {}).get(_KEY_COMPLETE):
            # An unfinished rebuild: the live index is still the valid one.
            if writer:
                client.delete_collection(shadow_name)
                log.info("discarded an unfinished rebuild of %s", live)
            return
        try:
            client.get_collection(live, embedding_function=None)
            if not writer:
                return  # live index intact; let the next writer finish the swap
            client.delete_collection(live)
        except Exception as exc:
            if not _not_found(exc):
                raise
        try:
            shadow.modify(name=live)
            log.info("finished an interrupted rebuild of %s", live)
        except Exception:  # another process finished it first
            log.debug("rename of %s failed", shadow_name, exc_info=True)

    # -------------------------------------------------------- connection, errors

    def _connect(self) -> Any:
        with self._lock:
            if self._client is None:
                import chromadb
                from chromadb.config import Settings as ChromaConfig

                config = ChromaConfig(anonymized_telemetry=False)
                chroma = self.settings.chroma
                if chroma.host:
                    headers = {}
                    if chroma.token is not None and chroma.token.get_secret_value():
                        headers["Authorization"] = f"Bearer {chroma.token.get_secret_value()}"
                    self._client = chromadb.HttpClient(
                        host=chroma.host, port=chroma.port, ssl=chroma.ssl, headers=headers, settings=config
                    )
                else:
                    path = str(self.settings.chroma_dir)
                    try:
                        self._client = chromadb.PersistentClient(path=path, settings=config)
                    except Exception:
                        _forget_broken_system(path)
                        raise
            return self._client

    def _reset(self) -> None:
        """Drop the client so the next call reconnects (embedded: releases the shared Chroma system)."""
        with self._lock:
            client, self._client, self._collection = self._client, None, None
        if client is not None and not self.settings.chroma.host:
            try:
                client.close()
            except Exception:  # already broken; we only want a fresh one next time
                log.debug("closing the Chroma client failed", exc_info=True)

    def _unavailable(self, exc: BaseException) -> IndexUnavailableError:
        # The user gets what to do; where and why (path, server, Chroma's error) go to the log.
        chroma = self.settings.chroma
        where = (
            f"Chroma server {chroma.host}:{chroma.port}"
            if chroma.host
            else f"folder {self.settings.chroma_dir}"
        )
        message = " ".join(
            part
            for part in (
                "Indeksen kan ikke brukes akkurat nå.",
                _reason(exc),  # only what Chroma's error itself says (disk full, read-only)
                "Prøv igjen om litt. Vedvarer feilen, be administratoren se i loggen til Kompetanseassistenten.",
            )
            if part
        )
        return IndexUnavailableError(message, detail=f"{where}: {type(exc).__name__}: {exc}")

    def _empty(self) -> EmptyIndexError:
        return EmptyIndexError(
            "Indeksen er tom. Kjør `kompetanse ingest` for å lese inn dokumentene (eller `make run`, "
            "som gjør det automatisk).",
            detail=f"collection {self.name!r} is missing or has no committed documents",
        )

    def _run(self, op: Callable[[Any], T], *, need_collection: bool = True) -> T:
        """Run ``op(collection)``; reconnect and retry once; map Chroma failures to our errors."""
        last: BaseException | None = None
        for attempt in range(2):
            try:
                collection = None
                if need_collection:
                    with self._lock:
                        if self._collection is None:
                            self._collection = self._connect().get_collection(
                                self.name, embedding_function=None
                            )
                        collection = self._collection
                return op(collection)
            except KompetanseError:
                raise
            except Exception as exc:
                last = exc
                if _not_found(exc):
                    # Dropped or swapped by a rebuild (maybe in another process): look it up again.
                    with self._lock:
                        self._collection = None
                    if attempt == 0 and need_collection:
                        continue
                    raise self._empty() from exc
                log.warning("index operation failed (attempt %d): %r", attempt + 1, exc)
                self._reset()
        assert last is not None
        raise self._unavailable(last) from last

    # ----------------------------------------------------------------- metadata

    def _fresh_meta(self) -> Meta:
        def read(_col: Any) -> Meta:
            collection = self._connect().get_collection(self.name, embedding_function=None)
            with self._lock:
                self._collection = collection
            return dict(collection.metadata or {})

        return self._run(read, need_collection=False)

    def _write_meta(self, meta: Meta) -> None:
        self._run(lambda col: col.modify(metadata=meta))

    def manifest(self) -> dict[str, DocRecord]:
        """Committed documents by ``doc_id`` (one small read)."""
        return manifest_of(self._fresh_meta())

    def generation(self) -> str:
        """A token that changes whenever the committed contents change (one small read).

        Also refreshes the cached manifest the readers filter with, when the token changed.
        """
        meta = self._fresh_meta()
        token = (
            f"{self._collection.id if self._collection is not None else ''}:{meta.get(_KEY_GENERATION, '')}"
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
        return str(self._fresh_meta().get(_KEY_INGEST_VERSION, ""))

    def set_ingest_version(self, version: str) -> None:
        """Record the ingest code fingerprint (the pipeline rebuilds when it changes)."""
        with _WRITE_LOCK:
            meta = self._fresh_meta()
            meta[_KEY_INGEST_VERSION] = version
            self._write_meta(meta)

    # ------------------------------------------------------------------ readers

    @staticmethod
    def _is_committed(meta: Mapping[str, Any], manifest: Mapping[str, DocRecord]) -> bool:
        record = manifest.get(str(meta.get("doc_id")))
        return record is not None and record.content_hash == meta.get("doc_hash")

    @staticmethod
    def _in_committed(meta: Mapping[str, Any], committed: Mapping[str, str]) -> bool:
        return committed.get(str(meta.get("doc_id"))) == meta.get("doc_hash")

    def _call(self, method: str, **kwargs: Any) -> Any:
        """``collection.<method>(**kwargs)`` through :meth:`_run` (reconnect, error mapping)."""
        return self._run(lambda col: getattr(col, method)(**kwargs))

    def _scan(
        self, include: list[str], where: dict[str, Any] | None = None
    ) -> Iterator[tuple[str, Any, Any]]:
        """(id, document, metadata) of every stored chunk matching ``where``, page by page."""
        offset = 0
        while True:
            page = self._call("get", where=where, include=include, limit=_PAGE, offset=offset)
            ids = page["ids"]
            documents = page.get("documents") or [None] * len(ids)
            metadatas = page.get("metadatas") or [None] * len(ids)
            yield from zip(ids, documents, metadatas, strict=True)
            if len(ids) < _PAGE:
                return
            offset += _PAGE

    def _delete_ids(self, ids: Sequence[str]) -> None:
        for page in _pages(list(ids)):
            self._call("delete", ids=list(page))

    def chunks(self) -> list[Chunk]:
        """Every committed chunk, ordered by (doc_id, position)."""
        manifest = self.manifest()
        if not manifest:
            return []
        found = [
            chunk_from_metadata(chunk_id, text or "", meta)
            for chunk_id, text, meta in self._scan(["documents", "metadatas"], _CHUNKS_ONLY)
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
        for _id, text, meta, vector in self._scan_vectors(_SENTENCES_ONLY):
            if text and vector is not None and self._in_committed(meta or {}, committed) and text not in keys:
                keys[text] = len(rows)
                rows.append(vector)
        matrix = (
            np.asarray(rows, dtype=np.float32) if rows else np.zeros((0, max(self.dimension, 1)), np.float32)
        )
        return list(keys), matrix

    def _scan_vectors(self, where: dict[str, Any]) -> Iterator[tuple[str, Any, Any, Any]]:
        """(id, document, metadata, embedding) of every stored record matching ``where``."""
        offset = 0
        while True:
            page = self._call(
                "get",
                where=where,
                include=["documents", "metadatas", "embeddings"],
                limit=_PAGE,
                offset=offset,
            )
            ids = page["ids"]
            documents = page.get("documents") or [None] * len(ids)
            metadatas = page.get("metadatas") or [None] * len(ids)
            embeddings = page.get("embeddings")
            if embeddings is None:
                embeddings = [None] * len(ids)
            yield from zip(ids, documents, metadatas, embeddings, strict=True)
            if len(ids) < _PAGE:
                return
            offset += _PAGE

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
            where=_CHUNKS_ONLY,
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
        if any(not self._in_committed(meta or {}, committed) for _i, _t, meta, _d in rows):
            # Another process committed since we cached the manifest, or an ingest is under way.
            committed = self._committed_hashes(reload=True)
        hits = [
            (chunk_from_metadata(chunk_id, text or "", meta), 1.0 - float(distance))
            for chunk_id, text, meta, distance in rows
            if self._in_committed(meta or {}, committed)
        ]
        hits.sort(key=lambda hit: hit[1], reverse=True)
        return hits

    def has_chunks(self, ids: Sequence[str]) -> set[str]:
        """The subset of ``ids`` stored in the collection (committed or not)."""
        found: set[str] = set()
        for page in _pages(list(dict.fromkeys(ids))):
            found.update(self._call("get", ids=list(page), include=[])["ids"])
        return found

    def vectors_for(self, ids: Sequence[str]) -> dict[str, list[float]]:
        """Stored vectors of those ``ids`` that exist, for reuse (same id means same text)."""
        vectors: dict[str, list[float]] = {}
        for page in _pages(list(dict.fromkeys(ids))):
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
        for page in _pages(sorted(by_hash)):
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

    # ------------------------------------------------------------------ writers

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
        with _WRITE_LOCK:
            self._upsert_chunks(chunks, vectors)
            self._upsert_sentences(sentences, by_id)
            self._commit(record)
            keep = set(by_id) | {sentence.sentence_id for sentence, _vector in sentences}
            self._delete_stale(record.doc_id, keep)

    def _upsert_sentences(
        self, sentences: Sequence[tuple[SentenceRecord, Sequence[float]]], chunks: Mapping[str, Chunk]
    ) -> None:
        """Step 1 for sentence vectors (invisible until the document is committed)."""
        for start in range(0, len(sentences), _PAGE):
            part = sentences[start : start + _PAGE]
            self._call(
                "upsert",
                ids=[s.sentence_id for s, _v in part],
                embeddings=[[float(x) for x in v] for _s, v in part],
                documents=[sentence_key(s.text) for s, _v in part],
                metadatas=[sentence_to_metadata(s, chunks[s.chunk_id]) for s, _v in part],
            )

    def _upsert_chunks(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        """Step 1: store chunks (invisible to readers until committed)."""
        for start in range(0, len(chunks), _PAGE):
            part = chunks[start : start + _PAGE]
            self._call(
                "upsert",
                ids=[c.chunk_id for c in part],
                embeddings=[list(v) for v in vectors[start : start + _PAGE]],
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
        meta[_KEY_MANIFEST] = manifest_json(manifest)
        meta[_KEY_GENERATION] = uuid.uuid4().hex
        self._write_meta(meta)
        with self._lock:
            self._committed = None

    def _delete_stale(self, doc_id: str, keep: set[str]) -> None:
        """Step 3: delete the document's chunks that are not in ``keep``."""
        stored = self._call("get", where={"doc_id": doc_id}, include=[])["ids"]
        self._delete_ids([chunk_id for chunk_id in stored if chunk_id not in keep])

    def remove_document(self, doc_id: str) -> None:
        """Remove a document: commit the manifest without it, then delete its chunks."""
        with _WRITE_LOCK:
            self._commit(None, remove=doc_id)
            self._delete_stale(doc_id, set())

    def collect_garbage(self) -> int:
        """Delete chunks left by interrupted runs (not committed); returns how many.

        Only writers may call this: a concurrent ingest's not yet committed chunks
        look like garbage too.
        """
        with _WRITE_LOCK:
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

    def count(self) -> int:
        """Number of stored chunks, committed or not, without their sentences (for diagnostics)."""
        return sum(1 for _record in self._scan([], _CHUNKS_ONLY))

    def close(self) -> None:
        """Release the Chroma client (embedded: the folder's Chroma system stops when its last client
        closes). The object reconnects if used again."""
        self._reset()

    def drop(self) -> None:
        """Delete the whole collection; the object is unusable afterwards (reopen with create)."""
        with _WRITE_LOCK:

            def delete(_col: Any) -> None:
                try:
                    self._connect().delete_collection(self.name)
                except Exception as exc:
                    if not _not_found(exc):
                        raise

            self._run(delete, need_collection=False)
            with self._lock:
                self._collection = None
