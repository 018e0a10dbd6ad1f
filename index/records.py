"""What the index stores per record: committed-document records and chunk/sentence metadata.

Chroma metadata holds scalars only: tuples are stored as JSON strings and None
values by omitting the key. Sentence records carry ``record: "sentence"``; chunk
records carry no marker (indexes built before sentence vectors stay readable).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from core.models import Chunk, DocumentKind, sha256_hex
from index.sentences import SentenceRecord, sentence_key

# Collection metadata: which embedder built the index, the committed manifest (JSON), and a
# generation token that changes with every commit.
KEY_MANIFEST = "manifest"
KEY_EMBEDDER = "embedder"
KEY_DIMENSION = "dimension"
KEY_GENERATION = "generation"
KEY_SCHEMA = "schema"
KEY_INGEST_VERSION = "ingest_version"
KEY_COMPLETE = "complete"  # a rebuilt shadow collection is ready to replace the live one
SCHEMA_VERSION = 1
# Sentence vectors live in the same collection as their chunks (so they follow the commit
# protocol, rebuilds and garbage collection), marked with this metadata key.
KEY_RECORD = "record"
SENTENCE = "sentence"


@dataclass(frozen=True)
class DocRecord:
    """A committed document as recorded in the index manifest.

    ``path`` is the absolute path of the ingested file, ``content_hash`` the hash
    every committed chunk of the document carries as ``doc_hash``, ``provisions``
    the distinct provision labels, ``pages`` the number of numbered pages (0 for
    flowing text), ``ingested_at`` an ISO-8601 UTC timestamp.
    """

    doc_id: str
    title: str
    short_name: str
    kind: DocumentKind
    version: str
    source: str
    path: str
    content_hash: str
    chunks: int
    provisions: tuple[str, ...]
    pages: int
    ingested_at: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = asdict(self)
        data["provisions"] = list(self.provisions)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DocRecord:
        """Inverse of :meth:`to_dict`."""
        return cls(
            doc_id=str(data["doc_id"]),
            title=str(data.get("title", "")),
            short_name=str(data.get("short_name", "")),
            kind=data.get("kind", "other"),
            version=str(data.get("version", "")),
            source=str(data.get("source", "")),
            path=str(data.get("path", "")),
            content_hash=str(data["content_hash"]),
            chunks=int(data.get("chunks", 0)),
            provisions=tuple(data.get("provisions", ())),
            pages=int(data.get("pages", 0)),
            ingested_at=str(data.get("ingested_at", "")),
        )


def text_hash(text: str) -> str:
    """Key for reusing a vector: the embedder's input is exactly the chunk text."""
    return sha256_hex(text, 32)


def chunk_to_metadata(chunk: Chunk) -> dict[str, str | int]:
    """Chroma metadata for ``chunk`` (the text goes in ``documents``, the id is the Chroma id).

    Tuples are stored as JSON strings; None values are stored by omitting the key.
    ``text_hash`` is added so vectors can be reused for identical text in a new version.
    """
    meta: dict[str, str | int] = {
        "doc_id": chunk.doc_id,
        "document": chunk.document,
        "short_name": chunk.short_name,
        "kind": chunk.kind,
        "section_path": json.dumps(list(chunk.section_path), ensure_ascii=False),
        "chunk_type": chunk.chunk_type,
        "char_start": chunk.char_start,
        "char_end": chunk.char_end,
        "position": chunk.position,
        "doc_hash": chunk.doc_hash,
        "references": json.dumps(list(chunk.references), ensure_ascii=False),
        "text_hash": text_hash(chunk.text),
    }
    for key, value in (
        ("provision", chunk.provision),
        ("heading", chunk.heading),
        ("page_start", chunk.page_start),
        ("page_end", chunk.page_end),
    ):
        if value is not None:
            meta[key] = value
    return meta


def sentence_to_metadata(sentence: SentenceRecord, chunk: Chunk) -> dict[str, str | int]:
    """Chroma metadata for one sentence of ``chunk`` (its key text goes in ``documents``)."""
    return {
        KEY_RECORD: SENTENCE,
        "doc_id": chunk.doc_id,
        "doc_hash": chunk.doc_hash,
        "chunk_id": chunk.chunk_id,
        "char_start": sentence.start,
        "char_end": sentence.end,
        "text_hash": text_hash(sentence_key(sentence.text)),
    }


def chunk_from_metadata(chunk_id: str, text: str, meta: Mapping[str, Any]) -> Chunk:
    """Rebuild the exact :class:`Chunk` written by :func:`chunk_to_metadata`."""

    def optional_int(key: str) -> int | None:
        value = meta.get(key)
        return None if value is None else int(value)

    def optional_str(key: str) -> str | None:
        value = meta.get(key)
        return None if value is None else str(value)

    return Chunk(
        chunk_id=chunk_id,
        doc_id=str(meta["doc_id"]),
        document=str(meta["document"]),
        short_name=str(meta["short_name"]),
        kind=meta["kind"],
        text=text,
        section_path=tuple(json.loads(meta["section_path"])),
        provision=optional_str("provision"),
        heading=optional_str("heading"),
        chunk_type=meta["chunk_type"],
        page_start=optional_int("page_start"),
        page_end=optional_int("page_end"),
        char_start=int(meta["char_start"]),
        char_end=int(meta["char_end"]),
        position=int(meta["position"]),
        doc_hash=str(meta["doc_hash"]),
        references=tuple(json.loads(meta.get("references", "[]"))),
    )


def manifest_of(meta: Mapping[str, Any]) -> dict[str, DocRecord]:
    """The committed documents recorded in collection metadata ``meta``."""
    raw = json.loads(meta.get(KEY_MANIFEST) or "{}")
    return {doc_id: DocRecord.from_dict(data) for doc_id, data in raw.items()}


def manifest_json(manifest: Mapping[str, DocRecord]) -> str:
    """``manifest`` as the JSON stored in the collection metadata (sorted, stable)."""
    return json.dumps(
        {doc_id: manifest[doc_id].to_dict() for doc_id in sorted(manifest)},
        ensure_ascii=False,
        sort_keys=True,
    )
