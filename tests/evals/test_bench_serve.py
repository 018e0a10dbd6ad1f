"""The benchmark's served-app measurements, end to end but small: the hash embedder, 1x corpus, a short load.

Guards the code path the long benchmark (``--scale 100``) takes after its hour of ingest:
copying the index to a Chroma server, ``kompetanse serve`` from launch to listening, and
``kompetanse serve --workers 1,2`` under ``tools/loadtest.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import REPO_ROOT, Settings, load_settings
from evals.bench_serve import WORKER_KEYS, chroma_server, copy_collection, measure_start, measure_workers
from index.embeddings import make_embedder
from index.store import VectorIndex
from ingest.pipeline import ingest_paths

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(900)]

QUESTIONS = REPO_ROOT / "evals" / "data" / "tuning.jsonl"


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The bundled corpus ingested with the hash embedder; spawned apps get the same embedder."""
    monkeypatch.setenv("KOMPETANSE_EMBEDDING__BACKEND", "hash")
    settings = load_settings(data_dir=tmp_path / "data", corpus_dir=REPO_ROOT / "corpus")
    report = ingest_paths(settings, [settings.corpus_dir], rebuild=True)
    assert not report.failed
    return settings


def test_copy_keeps_the_index_exactly(built: Settings, tmp_path: Path) -> None:
    embedder = make_embedder(built)
    local = VectorIndex.open(built, embedder)
    # The generation is "<collection id>:<counter>"; the copy is a new collection with the same counter.
    expected = (local.count(), local.generation().split(":")[-1], sorted(local.manifest()))
    local.close()
    with chroma_server(tmp_path / "server") as (host, port):
        copied = copy_collection(built, host, port)
        remote_settings = built.model_copy(
            update={"chroma": built.chroma.model_copy(update={"host": host, "port": port})}
        )
        remote = VectorIndex.open(remote_settings, embedder)
        try:
            assert copied >= expected[0]  # chunks and their sentence vectors
            got = (remote.count(), remote.generation().split(":")[-1], sorted(remote.manifest()))
            assert got == expected
            assert remote.search(embedder.embed_query("utdanningspermisjon"), 1)
        finally:
            remote.close()


def test_start_and_workers_are_measured(built: Settings, tmp_path: Path) -> None:
    start = measure_start(built, "Hvem har rett til utdanningspermisjon?")
    assert 0 < start["start_s"] < 600 and start["serve_rss_mb"] > 50
    rows = measure_workers(
        built, tmp_path / "workers", [1, 2], QUESTIONS, clients=4, load_s=3.0, start_timeout_s=300
    )
    assert [row["workers"] for row in rows] == [1, 2]
    for row in rows:
        assert tuple(row) == WORKER_KEYS
        assert row["load_errors"] == 0 and row["load_answers_per_s"] > 0, row
        assert row["start_s"] > 0 and row["rss_mb"] > 50
    assert rows[1]["rss_mb"] > rows[0]["rss_mb"] * 1.2  # a parent and two workers, each with its own index
