"""The in-memory copy of a committed generation and its local copy on disk (embedded store and server)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.settings import Settings
from index.embeddings import HashEmbeddings
from index.snapshot import KEEP, Snapshot, read_snapshot, write_snapshot
from index.store import VectorIndex
from tests.index_fixtures import store_with_sentences

GUIDE = [
    "Medarbeidersamtalen er en planlagt samtale. Den handler om kompetanse.",
    "Kompetanseplanen bygger på virksomhetens strategi.",
]
LAW = ["Arbeidstaker har rett til utdanningspermisjon. Permisjonen kan være hel eller delvis."]


@pytest.fixture
def index(store_settings: Settings) -> VectorIndex:
    opened = VectorIndex.open(store_settings, HashEmbeddings(), create=True)
    store_with_sentences(opened, "guide", "g1", GUIDE)
    return opened


def _no_store_reads(index: VectorIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("read the store instead of the local snapshot")

    monkeypatch.setattr(index, "_scan_vectors", refuse)
    monkeypatch.setattr(index, "_scan", refuse)


def test_snapshot_holds_the_committed_chunks_with_their_vectors_and_the_sentences(index: VectorIndex) -> None:
    snapshot = index.snapshot()
    assert snapshot.chunks == index.chunks()
    expected = np.asarray(HashEmbeddings().embed_documents([c.text for c in snapshot.chunks]), np.float32)
    assert np.allclose(snapshot.chunk_matrix, expected)
    keys, matrix = index.sentence_vectors()
    assert snapshot.sentence_keys == keys and np.allclose(snapshot.sentence_matrix, matrix)
    assert index.snapshot() is snapshot  # same generation: kept in memory


def test_a_new_reader_of_the_same_generation_maps_the_local_copy(
    index: VectorIndex, store_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = index.snapshot()
    assert len(list(store_settings.snapshot_dir.iterdir())) == 1
    again = VectorIndex.open(store_settings, HashEmbeddings())
    _no_store_reads(again, monkeypatch)
    second = again.snapshot()
    assert second.chunks == first.chunks and second.sentence_keys == first.sentence_keys
    assert np.array_equal(second.chunk_matrix, first.chunk_matrix)
    assert isinstance(second.sentence_matrix, np.memmap)


def test_a_commit_makes_a_new_snapshot(index: VectorIndex, store_settings: Settings) -> None:
    before = index.snapshot()
    store_with_sentences(index, "law", "l1", LAW)
    after = VectorIndex.open(store_settings, HashEmbeddings()).snapshot()
    assert {c.doc_id for c in after.chunks} == {"guide", "law"} != {c.doc_id for c in before.chunks}
    assert len(after.sentence_keys) > len(before.sentence_keys)
    index.remove_document("law")
    assert {c.doc_id for c in index.snapshot().chunks} == {"guide"}


def test_an_unreadable_copy_is_read_from_the_store_again(
    index: VectorIndex, store_settings: Settings
) -> None:
    expected = index.snapshot()
    (folder,) = store_settings.snapshot_dir.iterdir()
    (folder / "chunk_vectors.npy").write_bytes(b"not numpy")
    assert read_snapshot(store_settings.snapshot_dir, folder.name) is None
    assert VectorIndex.open(store_settings, HashEmbeddings()).snapshot().chunks == expected.chunks


@pytest.mark.unit
def test_only_the_newest_copies_are_kept(tmp_path: Path) -> None:
    empty = Snapshot([], np.zeros((0, 4), np.float32), [], np.zeros((0, 4), np.float32))
    for n in range(KEEP + 2):
        write_snapshot(tmp_path, f"key{n}", empty)
    assert len(list(tmp_path.iterdir())) == KEEP
    assert read_snapshot(tmp_path, f"key{KEEP + 1}") is not None and read_snapshot(tmp_path, "key0") is None


@pytest.mark.unit
def test_a_snapshot_refuses_rows_that_do_not_match() -> None:
    with pytest.raises(ValueError, match="do not match"):
        Snapshot([], np.zeros((1, 4), np.float32), [], np.zeros((0, 4), np.float32))
