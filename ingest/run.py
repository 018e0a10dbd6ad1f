"""One ingest run: its state and the work on each file, one at a time (:mod:`ingest.pipeline` starts it).

Per file: :func:`ingest.metadata.document_info` -> :func:`ingest.loaders.load_document`
-> :func:`ingest.chunker.chunk_document` (parsed ahead by :mod:`ingest.parsing`) -> embed only
chunk ids not already stored (:mod:`ingest.vectors`) -> :meth:`VectorIndex.replace_document`.
A file whose bytes and description are unchanged is skipped without loading it. One bad file never
stops the run: it is reported by name with its reason, and in a rebuild the new index keeps the
document's previous version.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from core.errors import DocumentError, KompetanseError
from core.models import Chunk, DocumentInfo
from core.settings import Settings
from index.embeddings import IndexEmbeddings
from index.sentences import SentenceRecord, vector_records
from index.store import DocRecord, VectorIndex
from ingest.parsing import Prefetch, file_hash, parse_file
from ingest.report import FileOutcome, Progress, ProgressEvent, Status, provision_warnings
from ingest.vectors import embed_chunks

__all__ = ["IngestRun", "ingest_all", "same_description"]

log = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def same_description(record: DocRecord, info: DocumentInfo, path: Path) -> bool:
    """True when the stored ``record`` describes the document as ``info`` and ``path`` do (same title,
    short name, kind, version, source and path), so an unchanged file needs no new ingest."""
    return (record.title, record.short_name, record.kind, record.version, record.source, record.path) == (
        info.title,
        info.short_name,
        info.kind,
        info.version,
        info.source,
        str(path),
    )


def _distinct(labels: Sequence[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(label for label in labels if label))


@dataclass
class IngestRun:
    """State of one ingest run."""

    settings: Settings
    embedder: IndexEmbeddings
    target: VectorIndex
    reuse: list[VectorIndex]
    manifest: dict[str, DocRecord]
    old: dict[str, DocRecord]
    rebuilding: bool
    previous: VectorIndex | None  # the live index during a rebuild (same embedder), for carry-over
    progress: Progress | None
    seen: dict[str, str] = field(default_factory=dict)  # doc_id -> path ingested in this run
    prefetch: Prefetch | None = None

    def emit(self, event: ProgressEvent) -> None:
        """Report ``event`` to the run's progress callback, if it has one."""
        if self.progress is not None:
            self.progress(event)


def _embed(
    run: IngestRun, chunks: list[Chunk], index: int, total_files: int, path: str
) -> tuple[list[list[float]], list[tuple[SentenceRecord, list[float]]], int]:
    """Vectors for ``chunks`` and their sentences (:func:`ingest.vectors.embed_chunks`), with progress."""

    def emit(done: int, total: int) -> None:
        run.emit(ProgressEvent("embed", index, total_files, path, done=done, total=total))

    return embed_chunks(run.reuse, run.embedder, run.settings.embedding, chunks, emit)


def _ingest_file(run: IngestRun, path: Path, index: int, total_files: int) -> FileOutcome:
    from ingest.metadata import document_info

    shown = str(path)
    info = document_info(path, run.settings.corpus_dir)
    doc_id = info.doc_id
    if doc_id in run.seen:
        raise DocumentError(
            shown,
            f"Filen får samme dokument-id («{doc_id}») som {run.seen[doc_id]}. Gi den et annet filnavn "
            "eller en egen doc_id i manifest.json.",
            f"duplicate doc_id {doc_id!r}",
        )
    run.seen[doc_id] = shown
    previous = run.manifest.get(doc_id)
    if (
        previous is not None
        and not run.rebuilding
        and previous.content_hash == file_hash(path)
        and same_description(previous, info, path)
    ):
        return FileOutcome(
            shown,
            doc_id,
            "unchanged",
            previous.chunks,
            previous.provisions,
            previous.pages,
            title=previous.title,
        )
    parsed = (
        run.prefetch.take(path, info) if run.prefetch is not None else parse_file(path, info, run.settings)
    )
    doc = parsed.doc
    for other in run.manifest.values():
        if other.doc_id != doc_id and other.content_hash == doc.content_hash and Path(other.path).exists():
            raise DocumentError(
                shown,
                f"Filen har samme innhold som «{other.title}» ({other.path}) og legges ikke inn to ganger.",
                f"duplicate content of {other.doc_id}",
            )
    chunks = parsed.chunks
    if not chunks:
        raise DocumentError(shown, "Fant ingen tekst å dele opp i avsnitt.", "chunker returned no chunks")
    vectors, sentences, embedded = _embed(run, chunks, index, total_files, shown)
    record = DocRecord(
        doc_id=doc_id,
        title=info.title,
        short_name=info.short_name,
        kind=info.kind,
        version=info.version,
        source=info.source,
        path=str(path),
        content_hash=doc.content_hash,
        chunks=len(chunks),
        provisions=_distinct([chunk.provision for chunk in chunks]),
        pages=sum(1 for page in doc.pages if page.number is not None),
        ingested_at=_now(),
    )
    run.target.replace_document(record, chunks, vectors, sentences)
    run.manifest[doc_id] = record
    status: Status = "updated" if doc_id in run.old else "added"
    return FileOutcome(
        shown,
        doc_id,
        status,
        record.chunks,
        record.provisions,
        record.pages,
        doc.warnings + provision_warnings(doc.info.kind, record.provisions),
        title=record.title,
        embedded=embedded,
    )


def _carry_over(run: IngestRun, doc_id: str) -> None:
    """In a rebuild, keep the old version of a document whose file failed (same embedder only)."""
    source = run.previous
    record = run.old.get(doc_id)
    if source is None or record is None:
        return
    chunks = [chunk for chunk in source.chunks() if chunk.doc_id == doc_id]
    vectors = source.vectors_for([chunk.chunk_id for chunk in chunks])
    if chunks and len(vectors) == len(chunks):
        sentences = vector_records(chunks)
        stored = source.vectors_for([s.sentence_id for s in sentences])
        pairs = [(s, stored[s.sentence_id]) for s in sentences if s.sentence_id in stored]
        run.target.replace_document(record, chunks, [vectors[c.chunk_id] for c in chunks], pairs)
        run.manifest[doc_id] = record


def _failed(run: IngestRun, path: Path, message: str) -> FileOutcome:
    doc_id = next((d for d, p in run.seen.items() if p == str(path)), "")
    return FileOutcome(str(path), doc_id, "failed", error=message)


def ingest_all(run: IngestRun, all_files: Sequence[Path]) -> list[FileOutcome]:
    """Ingest each file in turn (the next one parsed ahead); one bad file never stops the run.

    Returns one :class:`FileOutcome` per file, in order (a failed file's reason in Norwegian).
    Raises :class:`KompetanseError` when the index or the embedder is unavailable.
    """
    outcomes: list[FileOutcome] = []
    for index, path in enumerate(all_files):
        run.emit(ProgressEvent("file", index, len(all_files), str(path)))
        if index + 1 < len(all_files) and run.prefetch is not None:
            run.prefetch.ahead(all_files[index + 1])  # parsed while this one is embedded
        try:
            outcome = _ingest_file(run, path, index, len(all_files))
        except DocumentError as exc:
            log.info("could not ingest %s: %s (%s)", path, exc.message, exc.detail)
            outcome = _failed(run, path, exc.message)
        except KompetanseError:
            raise  # index or embedder unavailable: nothing else can succeed either
        except Exception as exc:
            log.exception("unexpected error while ingesting %s", path)
            message = f"Uventet feil under innlesing ({type(exc).__name__}). Se loggen for detaljer."
            outcome = _failed(run, path, message)
        if outcome.status == "failed" and run.rebuilding and outcome.doc_id:
            _carry_over(run, outcome.doc_id)
        outcomes.append(outcome)
        run.emit(ProgressEvent("outcome", index, len(all_files), str(path), outcome=outcome))
    return outcomes
