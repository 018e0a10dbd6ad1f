"""``GET /api/health``: "ok" only when a question can really be answered.

The check is a real one-hit search against the index with a query vector embedded
once and kept, so it costs one small Chroma query; an "ok" is reused for
``ui.health_cache_seconds``. Statuses: ``ok`` (200); ``empty`` (no documents),
``unavailable`` (the index or embedder fails) and ``reloading`` (the index
holds documents but the search found nothing, e.g. mid-rebuild), all 503.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from assistant.service import Assistant
from core.errors import EmptyIndexError, KompetanseError
from core.settings import Settings

log = logging.getLogger(__name__)

PROBE_QUESTION = "utdanningspermisjon"
UNAVAILABLE = "Indeksen kan ikke brukes akkurat nå. Prøv igjen om litt."
RELOADING = "Indeksen oppdateres. Prøv igjen om litt."


def embedder_name(settings: Settings, assistant: Assistant) -> str:
    """The embedder's name as the assistant reports it, else as configured."""
    for attr in ("embedder", "embeddings"):
        name = getattr(getattr(assistant, attr, None), "name", None)
        if isinstance(name, str) and name:
            return name
    emb = settings.embedding
    return f"{emb.backend}:{emb.model}" if emb.model else emb.backend


class HealthProbe:
    """Answers ``/api/health`` from a cached real query; thread-safe."""

    def __init__(self, settings: Settings, assistant: Assistant) -> None:
        self.settings = settings
        self.assistant = assistant
        self._vector: list[float] | None = None
        self._cached: tuple[float, dict[str, Any], int] | None = None
        self._lock = threading.Lock()

    def _search_one(self) -> int:
        """Number of hits (0 or 1) of the probe search; raises ``KompetanseError``."""
        index = getattr(self.assistant, "index", None)
        embedder = getattr(self.assistant, "embedder", None)
        if index is None or embedder is None:  # an assistant without a vector index of its own
            return len(self.assistant.retrieve(PROBE_QUESTION, 1))
        if self._vector is None:
            self._vector = list(embedder.embed_query(PROBE_QUESTION))
        return len(index.search(self._vector, 1))

    def _measure(self) -> tuple[dict[str, Any], int]:
        base: dict[str, Any] = {
            "embedder": embedder_name(self.settings, self.assistant),
            "llm": self.settings.llm.provider,
        }
        try:
            docs = self.assistant.documents()
            if not docs:
                return {**base, "status": "empty", "documents": 0, "chunks": 0}, 503
            counts = {"documents": len(docs), "chunks": sum(d.chunks for d in docs)}
            if self._search_one() == 0:
                return {**base, "status": "reloading", **counts, "error": RELOADING}, 503
        except EmptyIndexError:
            return {**base, "status": "empty", "documents": 0, "chunks": 0}, 503
        except KompetanseError as exc:
            log.warning("health check failed: %s", exc.detail or exc.message)
            return {**base, "status": "unavailable", "error": exc.message}, 503
        except Exception:
            log.exception("health check failed unexpectedly")
            return {**base, "status": "unavailable", "error": UNAVAILABLE}, 503
        return {**base, "status": "ok", **counts}, 200

    def check(self) -> tuple[dict[str, Any], int]:
        """(body, HTTP status), measured at most every ``ui.health_cache_seconds``."""
        now = time.monotonic()
        cached = self._cached
        if cached is not None and now - cached[0] < self.settings.ui.health_cache_seconds:
            return cached[1], cached[2]
        with self._lock:
            cached = self._cached
            if cached is not None and now - cached[0] < self.settings.ui.health_cache_seconds:
                return cached[1], cached[2]
            body, code = self._measure()
            # Only "ok" is reused: a failing index is re-checked on every call, so recovery shows at once.
            self._cached = (time.monotonic(), body, code) if code == 200 else None
        return body, code
