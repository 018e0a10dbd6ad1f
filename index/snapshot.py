"""What a reader keeps in memory of one committed index generation, and its copy on local disk.

The assistant searches an in-memory copy of the committed index: every chunk, the
matrix of chunk vectors and the matrix of sentence vectors. Reading that from Chroma
costs seconds and, at 100x, a few hundred MB of transient memory in Chroma and in
the lists it returns. A generation never changes once committed, so the copy is
also written to ``<data_dir>/snapshots/<key>/`` (the key hashes the collection id
and its generation counter) and the next start, or another worker
process on the same machine, maps it from disk instead: the matrices are
memory-mapped, only the chunk texts and metadata are parsed.

A folder appears only complete (written under a temporary name, then renamed). The
newest few are kept; a folder that cannot be read is ignored and rebuilt from the
store. Deleting ``snapshots/`` is always safe.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.models import Chunk, sha256_hex
from index.records import chunk_from_metadata, chunk_to_metadata

log = logging.getLogger(__name__)

FORMAT = "1"
KEEP = 3  # snapshot folders kept per data folder (the newest)


@dataclass(frozen=True)
class Snapshot:
    """One committed generation: chunks in (doc_id, position) order with one vector row each, and the
    distinct sentence keys (:func:`index.sentences.sentence_key`) with one vector row each."""

    chunks: list[Chunk]
    chunk_matrix: np.ndarray
    sentence_keys: list[str]
    sentence_matrix: np.ndarray

    def __post_init__(self) -> None:
        if len(self.chunks) != len(self.chunk_matrix) or len(self.sentence_keys) != len(self.sentence_matrix):
            raise ValueError(
                f"snapshot rows do not match: {len(self.chunks)} chunks, {len(self.chunk_matrix)} chunk "
                f"vectors, {len(self.sentence_keys)} sentences, {len(self.sentence_matrix)} sentence vectors"
            )


def snapshot_key(generation: str, dimension: int) -> str:
    """The folder name for a generation token (collection id and generation counter) of vectors with
    ``dimension`` entries."""
    return sha256_hex(f"{FORMAT}\0{generation}\0{dimension}", 24)


def read_snapshot(root: Path, key: str) -> Snapshot | None:
    """The snapshot stored under ``root/key``, or None when there is none or it cannot be read."""
    folder = root / key
    if not (folder / "chunks.json").is_file():
        return None
    try:
        with open(folder / "chunks.json", encoding="utf-8") as handle:
            raw = json.load(handle)
        with open(folder / "sentences.json", encoding="utf-8") as handle:
            keys = json.load(handle)
        chunks = [chunk_from_metadata(chunk_id, text, meta) for chunk_id, text, meta in raw]
        snapshot = Snapshot(
            chunks,
            np.load(folder / "chunk_vectors.npy", mmap_mode="r"),
            keys,
            np.load(folder / "sentence_vectors.npy", mmap_mode="r"),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring the unreadable index snapshot %s: %s", folder, exc)
        return None
    with contextlib.suppress(OSError):
        os.utime(folder)  # most recently used: kept longest
    return snapshot


def write_snapshot(root: Path, key: str, snapshot: Snapshot) -> None:
    """Store ``snapshot`` under ``root/key`` (atomically) and drop all but the newest few folders.

    A failure to write (a read-only or full disk) is logged and otherwise ignored: the
    snapshot only saves time.
    """
    folder = root / key
    if folder.is_dir():
        return
    staging = root / f".tmp-{key}-{uuid.uuid4().hex[:8]}"
    try:
        staging.mkdir(parents=True)
        rows = [[c.chunk_id, c.text, chunk_to_metadata(c)] for c in snapshot.chunks]
        with open(staging / "chunks.json", "w", encoding="utf-8") as handle:
            json.dump(rows, handle, ensure_ascii=False)
        with open(staging / "sentences.json", "w", encoding="utf-8") as handle:
            json.dump(snapshot.sentence_keys, handle, ensure_ascii=False)
        np.save(staging / "chunk_vectors.npy", np.asarray(snapshot.chunk_matrix, dtype=np.float32))
        np.save(staging / "sentence_vectors.npy", np.asarray(snapshot.sentence_matrix, dtype=np.float32))
        staging.rename(folder)
    except OSError as exc:
        if not folder.is_dir():  # another process may have written the same snapshot first
            log.warning("could not store the index snapshot in %s: %s", root, exc)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _prune(root)


def _prune(root: Path) -> None:
    try:
        folders = sorted(
            (p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
    except OSError:
        return
    for old in folders[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
