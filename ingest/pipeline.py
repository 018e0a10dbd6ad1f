"""Incremental ingest: files -> documents -> chunks -> vectors -> the index, one file at a time.

The next file is parsed in a background thread while the current one is embedded
(:mod:`ingest.parsing`); vectors are reused from the index where possible
(:mod:`ingest.vectors`); the run reports its outcomes with :mod:`ingest.report`.

Per file (:mod:`ingest.run`): :func:`ingest.metadata.document_info` ->
:func:`ingest.loaders.load_document` -> :func:`ingest.chunker.chunk_document` -> embed
only chunk ids not already stored -> :meth:`VectorIndex.replace_document`. A file whose
bytes and description are unchanged is skipped without loading it. One bad file never
stops the run: it is reported by name with its reason and the index keeps its previous
version.

A folder means "sync this folder": documents whose files vanished from it are
removed. Files named explicitly are added or updated only. When the ingest code
itself changes (see :func:`ingest_version`), or on ``rebuild``, everything is
rebuilt into a shadow collection that replaces the live one only when complete.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from core.errors import EmptyIndexError, IndexMismatchError, KompetanseError
from core.settings import Settings
from index.embeddings import IndexEmbeddings, make_embedder
from index.store import DocRecord, VectorIndex
from ingest.parsing import Prefetch, file_hash
from ingest.report import (
    STATUS_LABELS,
    FileOutcome,
    IngestReport,
    Progress,
    ProgressEvent,
    Status,
)
from ingest.run import IngestRun, ingest_all, same_description

__all__ = [
    "STATUS_LABELS",
    "FileOutcome",
    "IngestReport",
    "Progress",
    "ProgressEvent",
    "Status",
    "ensure_index",
    "ingest_paths",
    "ingest_version",
]

log = logging.getLogger(__name__)

PIPELINE_VERSION = "3"  # 2: sentence vectors stored with the chunks; 3: one abbreviation list
# The code that decides what the chunks and their vectors are: every module of ingest/ but those that
# only run and report an ingest, and the core modules ingest reads documents with. A change in any of them
# triggers a rebuild (which reuses the stored sentence vectors, so a new way of deriving chunk vectors costs
# no embedding). tests/ingest/test_pipeline.py checks that every core module ingest imports is listed.
_NOT_CHUNKING = frozenset({"__init__", "pipeline", "run", "report"})
CHUNKING_CORE_MODULES = (
    "models",
    "sentences",
    "doc_names",
    "provisions",
    "provision_labels",
    "provision_headings",
)
"""Modules of core/ whose code changes the chunks (``core.settings`` enters through its values)."""


def chunking_sources() -> list[Path]:
    """The source files whose code decides the chunks and their vectors, in a fixed order."""
    root = Path(__file__).resolve().parent
    ingest = sorted(p for p in root.glob("*.py") if p.stem not in _NOT_CHUNKING)
    return [*ingest, *(root.parent / "core" / f"{name}.py" for name in CHUNKING_CORE_MODULES)]


def ingest_version(settings: Settings) -> str:
    """Fingerprint of the code that turns files into chunks and vectors, of the chunk sizes
    (``chunking``) and of how chunk vectors are made (``embedding.chunk_vectors``); a change
    triggers a rebuild."""
    sizes = f"{settings.chunking.max_chars}/{settings.chunking.min_chars}"
    return _fingerprint(f"{PIPELINE_VERSION}\0{settings.embedding.chunk_vectors}\0{sizes}")


@lru_cache(maxsize=4)
def _fingerprint(parameters: str) -> str:
    digest = hashlib.sha256(parameters.encode())
    for source in chunking_sources():
        digest.update(f"{source.parent.name}/{source.name}".encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]


def _resolve(paths: Sequence[Path]) -> list[Path]:
    return [Path(p).expanduser().resolve() for p in paths]


def ingest_paths(
    settings: Settings,
    paths: Sequence[Path] | None = None,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    embedder: IndexEmbeddings | None = None,
) -> IngestReport:
    """Ingest files and folders (default: ``settings.corpus_dir``) into the index.

    Folders are synced (documents whose files vanished from them are removed);
    files are added or updated. ``rebuild`` re-embeds everything into a fresh
    collection that replaces the old one when done (documents of the old index
    whose files still exist are included). Returns an :class:`IngestReport`
    (``exit_code`` 1 when any file failed). Raises :class:`IndexUnavailableError`
    when the index cannot be written (the previous index stays intact),
    :class:`IndexMismatchError` when the index was built with another embedder
    and ``rebuild`` is off, :class:`KompetanseError` when the embedder fails.
    """
    from ingest.metadata import discover

    started = time.perf_counter()
    embedder = embedder if embedder is not None else make_embedder(settings)
    targets = _resolve(paths if paths is not None else [settings.corpus_dir])
    version = ingest_version(settings)

    target, reuse, old_manifest, rebuilding, previous = _prepare(settings, embedder, rebuild, version)
    manifest = {} if rebuilding else dict(old_manifest)

    missing = [path for path in targets if not path.exists()]
    targets = [path for path in targets if path.exists()]
    files, unsupported = discover(targets)
    if rebuilding:  # keep documents of the old index whose files still exist
        extra = [Path(r.path) for r in old_manifest.values() if r.path and Path(r.path).is_file()]
        files, more_unsupported = discover([*files, *extra])
        unsupported = [*unsupported, *more_unsupported]
    all_files = sorted([*files, *unsupported], key=str)
    run = IngestRun(settings, embedder, target, reuse, manifest, old_manifest, rebuilding, previous, progress)
    run.emit(ProgressEvent("start", 0, len(all_files)))

    outcomes = [
        FileOutcome(str(path), "", "failed", error="Finner ikke filen eller mappen.") for path in missing
    ]
    run.prefetch = Prefetch(run.settings, run.manifest, run.rebuilding)
    try:
        outcomes.extend(ingest_all(run, all_files))
    finally:
        run.prefetch.close()

    outcomes.extend(_removals(run, targets, all_files))
    # Leftovers of interrupted runs were available for vector reuse above; now they go.
    target.collect_garbage()
    if rebuilding:
        target.set_ingest_version(version)
        target.finish_rebuild()
    if rebuilding or any(o.status in ("added", "updated", "removed") for o in outcomes):
        _store_snapshot(settings, embedder)
    run.emit(ProgressEvent("finish", len(all_files), len(all_files)))
    return IngestReport(tuple(outcomes), time.perf_counter() - started, embedder.name, rebuilt=rebuilding)


def _store_snapshot(settings: Settings, embedder: IndexEmbeddings) -> None:
    """Write the new generation's local snapshot (:mod:`index.snapshot`), so the app's next start maps
    it instead of reading the store. Only saves time: a failure is logged, never raised."""
    try:
        index = VectorIndex.open(settings, embedder)
        try:
            index.snapshot()
        finally:
            index.close()
    except KompetanseError as exc:
        log.warning("could not store the index snapshot: %s", exc.detail or exc)


def _prepare(
    settings: Settings, embedder: IndexEmbeddings, rebuild: bool, version: str
) -> tuple[VectorIndex, list[VectorIndex], dict[str, DocRecord], bool, VectorIndex | None]:
    """The index to write, the indexes to reuse vectors from, the old manifest, whether to rebuild,
    and (in a rebuild) the live index when it has the same embedder.

    Without ``rebuild`` the live index is written in place (after removing
    leftovers of interrupted runs), unless the ingest code changed since it was
    built: then it is rebuilt into a shadow collection, reusing its vectors.
    An explicit ``rebuild`` re-embeds everything.
    """
    if not rebuild:
        live = VectorIndex.open(settings, embedder, create=True)
        manifest = live.manifest()
        if live.ingest_version == version or not manifest:
            if live.ingest_version != version:
                live.set_ingest_version(version)
            return live, [live], manifest, False, None
        log.info("ingest code changed (%s -> %s): rebuilding", live.ingest_version or "-", version)
        return VectorIndex.begin_rebuild(settings, embedder), [live], manifest, True, live
    peeked = VectorIndex.peek(settings)
    try:
        previous: VectorIndex | None = VectorIndex.open(settings, embedder)
    except (EmptyIndexError, IndexMismatchError):
        previous = None
    return VectorIndex.begin_rebuild(settings, embedder), [], peeked[2] if peeked else {}, True, previous


def _removals(run: IngestRun, targets: list[Path], files: list[Path]) -> list[FileOutcome]:
    """Remove documents whose files vanished from a synced folder; in a rebuild, report what was left out."""
    if run.rebuilding:
        return [
            FileOutcome(record.path, record.doc_id, "removed", title=record.title)
            for record in run.old.values()
            if record.doc_id not in run.manifest
        ]
    present = {str(path) for path in files}
    folders = {folder for folder in targets if folder.is_dir()}
    outcomes: list[FileOutcome] = []
    for record in list(run.manifest.values()):
        path = Path(record.path)
        if path.parent not in folders or str(path) in present or record.doc_id in run.seen:
            continue
        run.target.remove_document(record.doc_id)
        del run.manifest[record.doc_id]
        outcomes.append(FileOutcome(record.path, record.doc_id, "removed", title=record.title))
    return outcomes


def ensure_index(
    settings: Settings, *, progress: Progress | None = None, embedder: IndexEmbeddings | None = None
) -> IngestReport | None:
    """Make sure the index holds the current corpus (used by ``make run`` / ``kompetanse serve``).

    Cheap when nothing changed (hashes the corpus files, reads the manifest) and
    returns None then; otherwise ingests ``settings.corpus_dir`` (rebuilding when
    the index was built with another embedder or older ingest code) and returns
    the report. Raises like :func:`ingest_paths`.
    """
    from ingest.metadata import discover, document_info

    embedder = embedder if embedder is not None else make_embedder(settings)
    rebuild = False
    try:
        index = VectorIndex.open(settings, embedder)
    except EmptyIndexError:
        index = None
    except IndexMismatchError:
        index, rebuild = None, True
    if index is not None and index.ingest_version == ingest_version(settings):
        manifest = index.manifest()
        folder = settings.corpus_dir.resolve()
        files = discover([folder]).supported
        by_path = {record.path: record for record in manifest.values()}
        unchanged = all(
            (record := by_path.get(str(path))) is not None
            and record.content_hash == file_hash(path)
            and same_description(record, document_info(path, settings.corpus_dir), path)
            for path in files
        )
        listed = {str(path) for path in files}
        vanished = any(Path(r.path).parent == folder and r.path not in listed for r in manifest.values())
        if unchanged and not vanished:
            return None
    return ingest_paths(
        settings, [settings.corpus_dir], rebuild=rebuild, progress=progress, embedder=embedder
    )
