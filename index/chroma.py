"""One named Chroma collection, reached through a client that reconnects after failures.

Every call goes through :meth:`ChromaCollection._run`: a failed call drops the client
and tries again (``settings.chroma.attempts`` tries in all), so a restarted server
needs no app restart; Chroma's own errors become :class:`IndexUnavailableError` or
:class:`EmptyIndexError` with a message a user can act on. Reads are paged below
Chroma's batch limit. :class:`index.store.VectorIndex` builds the committed index on
top of this.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from core.errors import EmptyIndexError, IndexUnavailableError, KompetanseError

if TYPE_CHECKING:
    from core.settings import Settings

log = logging.getLogger(__name__)

PAGE = 5000  # below Chroma's max batch size (5461 embedded)

# One writer at a time inside this process (the app may ingest uploads from several threads).
WRITE_LOCK = threading.RLock()

T = TypeVar("T")
Meta = dict[str, Any]


def not_found(exc: BaseException) -> bool:
    """True when ``exc`` is Chroma's "no such collection"."""
    from chromadb.errors import NotFoundError

    return isinstance(exc, NotFoundError)


def _reason(exc: BaseException) -> str:
    text = str(exc).lower()
    if "full" in text or "no space" in text or "file too large" in text:
        return "Disken ser ut til å være full."
    if "readonly" in text or "read-only" in text or "permission" in text:
        return "Mappen er skrivebeskyttet."
    return ""


def pages(seq: Sequence[T], size: int = PAGE) -> Iterator[Sequence[T]]:
    """``seq`` in slices of at most ``size`` (Chroma refuses larger batches)."""
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def discard(client: Any, name: str) -> None:
    """Delete the collection ``name`` if it exists."""
    try:
        client.delete_collection(name)
    except Exception as exc:
        if not not_found(exc):
            raise


def _forget_broken_system(path: str) -> None:
    """Chroma caches one system per folder even when starting it failed; drop it so a retry can work."""
    from chromadb.api.shared_system_client import SharedSystemClient

    with SharedSystemClient._refcount_lock:
        if SharedSystemClient._identifier_to_refcount.get(path, 0) <= 0:
            SharedSystemClient._identifier_to_system.pop(path, None)


class ChromaCollection:
    """The collection ``name``: connection, retry, error mapping, metadata and paged reads.

    Thread-safe; the client is created on first use and after a failure.
    """

    def __init__(self, settings: Settings, name: str) -> None:
        self.settings = settings
        self.name = name
        self._client: Any = None
        self._collection: Any = None
        self._lock = threading.RLock()

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
        """Run ``op(collection)``; reconnect and retry (``chroma.attempts`` tries in all); map Chroma failures to our errors."""
        last: BaseException | None = None
        for attempt in range(self.settings.chroma.attempts):
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
                if not_found(exc):
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

    # ------------------------------------------------------------- paged access

    def _call(self, method: str, **kwargs: Any) -> Any:
        """``collection.<method>(**kwargs)`` through :meth:`_run` (reconnect, error mapping)."""
        return self._run(lambda col: getattr(col, method)(**kwargs))

    def _scan(
        self, include: list[str], where: dict[str, Any] | None = None
    ) -> Iterator[tuple[str, Any, Any]]:
        """(id, document, metadata) of every stored chunk matching ``where``, page by page."""
        offset = 0
        while True:
            page = self._call("get", where=where, include=include, limit=PAGE, offset=offset)
            ids = page["ids"]
            documents = page.get("documents") or [None] * len(ids)
            metadatas = page.get("metadatas") or [None] * len(ids)
            yield from zip(ids, documents, metadatas, strict=True)
            if len(ids) < PAGE:
                return
            offset += PAGE

    def _delete_ids(self, ids: Sequence[str]) -> None:
        for page in pages(list(ids)):
            self._call("delete", ids=list(page))

    def _scan_vectors(self, where: dict[str, Any]) -> Iterator[tuple[str, Any, Any, Any]]:
        """(id, document, metadata, embedding) of every stored record matching ``where``."""
        offset = 0
        while True:
            page = self._call(
                "get",
                where=where,
                include=["documents", "metadatas", "embeddings"],
                limit=PAGE,
                offset=offset,
            )
            ids = page["ids"]
            documents = page.get("documents") or [None] * len(ids)
            metadatas = page.get("metadatas") or [None] * len(ids)
            embeddings = page.get("embeddings")
            if embeddings is None:
                embeddings = [None] * len(ids)
            yield from zip(ids, documents, metadatas, embeddings, strict=True)
            if len(ids) < PAGE:
                return
            offset += PAGE

    def close(self) -> None:
        """Release the Chroma client (embedded: the folder's Chroma system stops when its last client
        closes). The object reconnects if used again."""
        self._reset()

    def drop(self) -> None:
        """Delete the whole collection; the object is unusable afterwards (reopen with create)."""
        with WRITE_LOCK:
            self._run(lambda _col: discard(self._connect(), self.name), need_collection=False)
            with self._lock:
                self._collection = None
