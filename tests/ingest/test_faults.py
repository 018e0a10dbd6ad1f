"""Faults: SIGKILL mid-ingest, a full disk, a read-only data folder, a Chroma server that goes away.

Writes run in subprocesses (the way `kompetanse ingest` runs); checks run here and
close their Chroma client afterwards, so no stale in-process state hides a problem.

Full disk is simulated with RLIMIT_FSIZE in the ingest subprocess (works as root and
without privileges; SQLite then fails its writes exactly as on a full disk). A
read-only folder needs more than chmod when the tests run as root (root ignores file
modes): then the data folder is a tmpfs mount remounted read-only; without root,
chmod is used; when neither is possible the test is skipped.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.errors import IndexUnavailableError
from core.models import sha256_hex
from core.settings import REPO_ROOT, Settings, load_settings
from index.embeddings import HashEmbeddings
from index.store import REBUILD_SUFFIX, VectorIndex
from ingest.pipeline import ingest_paths
from tests.chroma_server import ChromaServer
from tests.conftest import CORPUS_DIR

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# Pins the ingest code fingerprint, so edits to the chunker while the suite runs cannot turn
# these runs into rebuilds.
DRIVER = """
import sys
import ingest.pipeline
from ingest.pipeline import ingest_paths
from core.settings import load_settings

ingest.pipeline.ingest_version = lambda _mode: "fault-tests"

def show(event):
    if event.kind == "file":
        print("file", event.file_index, flush=True)

report = ingest_paths(load_settings(), rebuild=sys.argv[1] == "rebuild", progress=show)
print("done", report.exit_code, flush=True)
"""

CLI = [
    sys.executable,
    "-c",
    "import ingest.pipeline\n"
    "ingest.pipeline.ingest_version = lambda _mode: 'fault-tests'\n"
    "from kompetanse.cli import main\n"
    "raise SystemExit(main(['ingest']))\n",
]

WORDS = [
    "kompetanse",
    "læring",
    "medarbeider",
    "leder",
    "tillitsvalgte",
    "plan",
    "tiltak",
    "utdanning",
    "permisjon",
    "arbeidsgiver",
    "arbeidstaker",
    "kommune",
    "virksomhet",
    "kartlegging",
    "strategi",
    "samtale",
    "fagbrev",
    "veiledning",
    "mestring",
    "omstilling",
    "digitalisering",
    "budsjett",
    "prioritering",
    "evaluering",
    "hospitering",
    "kurs",
    "studier",
    "nettverk",
    "erfaring",
]
FILES = 24
SECTIONS = 10


def _write_corpus(folder: Path, version: str, files: int = FILES) -> dict[str, str]:
    """Generate ``files`` markdown files; returns file name -> content hash."""
    folder.mkdir(parents=True, exist_ok=True)
    hashes: dict[str, str] = {}
    for i in range(files):
        rnd = random.Random(f"{i}")
        parts = [f"# Dokument {i}\n"]
        for j in range(SECTIONS):
            words = " ".join(rnd.choice(WORDS) for _ in range(110))
            parts.append(f"## Del {j}\n\nVersjon{version} avsnitt {i}-{j}: {words}.\n")
        data = "\n".join(parts).encode("utf-8")
        (folder / f"dok-{i:02d}.md").write_bytes(data)
        hashes[f"dok-{i:02d}"] = sha256_hex(data)
    return hashes


def _env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "KOMPETANSE_DATA_DIR": str(settings.data_dir),
        "KOMPETANSE_CORPUS_DIR": str(settings.corpus_dir),
        "KOMPETANSE_EMBEDDING__BACKEND": "hash",
        "COLUMNS": "200",
    }


def _ingest(settings: Settings, mode: str = "sync") -> None:
    result = subprocess.run(
        [sys.executable, "-c", DRIVER, mode],
        env=_env(settings),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "done 0" in result.stdout


def _ingest_killed(settings: Settings, mode: str, after_file: int, delay: float) -> bool:
    """Start an ingest, SIGKILL it ``delay`` s after it starts file ``after_file``; True if it was running."""
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, mode],
        env=_env(settings),
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.split() == ["file", str(after_file)]:
            break
    time.sleep(delay)
    running = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    process.stdout.close()
    return running


def _check_complete(settings: Settings, versions: dict[str, dict[str, str]]) -> dict[str, str]:
    """Assert every document is fully one version; returns doc_id -> version."""
    index = VectorIndex.open(settings, HashEmbeddings())
    try:
        manifest = index.manifest()
        chunks = index.chunks()
        assert set(manifest) == set(versions)
        seen: dict[str, str] = {}
        for doc_id, record in manifest.items():
            mine = [c for c in chunks if c.doc_id == doc_id]
            assert len(mine) == record.chunks > 0, doc_id
            assert [c.position for c in mine] == list(range(len(mine)))
            assert {c.doc_hash for c in mine} == {record.content_hash}
            version = versions[doc_id][record.content_hash]
            assert all(f"Versjon{version}" in c.text for c in mine if "avsnitt" in c.text)
            seen[doc_id] = version
        hits = index.search(HashEmbeddings().embed_query("kompetanse og læring"), 5)
        assert len(hits) == 5 and all(c.doc_id in manifest for c, _ in hits)
        return seen
    finally:
        index.close()


def _stored_count_and_collections(settings: Settings) -> tuple[int, int, list[str]]:
    index = VectorIndex.open(settings, HashEmbeddings())
    try:
        names = [c.name for c in index._connect().list_collections()]
        return index.count(), len(index.chunks()), names
    finally:
        index.close()


@pytest.fixture
def generated(tmp_path: Path) -> tuple[Settings, dict[str, dict[str, str]]]:
    """Settings over a generated corpus (v1 ingested), and doc_id -> {hash: version} for v1 and v2."""
    settings = load_settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus")
    v1 = _write_corpus(settings.corpus_dir, "1")
    _ingest(settings)
    return settings, {doc_id: {digest: "1"} for doc_id, digest in v1.items()}


def test_sigkill_at_any_point_leaves_a_complete_index(generated: tuple[Settings, dict]) -> None:
    settings, versions = generated
    v2 = _write_corpus(settings.corpus_dir, "2")
    for doc_id, digest in v2.items():
        versions[doc_id][digest] = "2"
    rnd = random.Random(1234)
    plan = [(2, rnd.uniform(0, 0.05)), (7, rnd.uniform(0, 0.05)), (13, rnd.uniform(0, 0.1)), (19, 0.0)]
    progress: list[dict[str, str]] = []
    for after_file, delay in plan:
        _ingest_killed(settings, "sync", after_file, delay)
        progress.append(_check_complete(settings, versions))  # complete after every kill
    assert "2" in progress[-1].values(), "the killed runs made no progress at all"
    _ingest(settings)  # the next run finishes the job
    assert set(_check_complete(settings, versions).values()) == {"2"}
    stored, visible, names = _stored_count_and_collections(settings)
    assert stored == visible  # leftovers of the killed runs were collected

    # A rebuild killed midway leaves the live index untouched; the next writer discards it.
    assert _ingest_killed(settings, "rebuild", 9, 0.02)
    assert set(_check_complete(settings, versions).values()) == {"2"}
    _ingest(settings)
    stored, visible, names = _stored_count_and_collections(settings)
    assert stored == visible and names == [settings.chroma.collection]
    assert not any(name.endswith(REBUILD_SUFFIX) for name in names)


def test_full_disk_gives_a_clear_error_and_keeps_the_old_index(generated: tuple[Settings, dict]) -> None:
    settings, versions = generated
    before = _check_complete(settings, versions)
    sqlite = settings.chroma_dir / "chroma.sqlite3"
    limit = sqlite.stat().st_size + 150_000
    big = settings.corpus_dir / "stor.md"
    _write_corpus(settings.corpus_dir / "tmp", "3", files=12)
    big.write_text(
        "\n".join(p.read_text(encoding="utf-8") for p in sorted((settings.corpus_dir / "tmp").iterdir())),
        encoding="utf-8",
    )
    shutil.rmtree(settings.corpus_dir / "tmp")

    def limit_file_size() -> None:  # in the child, before exec
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run(
        CLI,
        env=_env(settings),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        preexec_fn=limit_file_size,
    )
    assert result.returncode != 0
    assert "Indeksen kan ikke brukes akkurat nå." in result.stderr
    assert str(settings.chroma_dir) not in result.stderr  # no server paths in what the user sees
    assert "Traceback" not in result.stderr
    assert _check_complete(settings, versions) == before  # the old index is intact
    big.unlink()
    _ingest(settings)
    stored, visible, _ = _stored_count_and_collections(settings)
    assert stored == visible


@pytest.fixture
def protectable_data(tmp_path: Path) -> Iterator[tuple[Path, Callable[[bool], None]]]:
    """A data folder and a function that makes it read-only (True) or writable again (False)."""
    folder = tmp_path / "data"
    folder.mkdir()
    if os.geteuid() != 0:

        def chmod(read_only: bool) -> None:
            for path in [folder, *folder.rglob("*")]:
                mode = path.stat().st_mode
                path.chmod(mode & ~0o222 if read_only else mode | 0o200)

        yield folder, chmod
        chmod(False)
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", str(folder)], capture_output=True
    )
    # Root ignores file modes, so a read-only folder needs a read-only mount. CI and the
    # developers' machines run as root with mount allowed; anywhere else this is a set-up fault.
    assert mounted.returncode == 0, (
        "cannot make a read-only folder: running as root without permission to mount tmpfs "
        f"({mounted.stderr.decode(errors='replace').strip()})"
    )

    def remount(read_only: bool) -> None:
        option = "remount,ro" if read_only else "remount,rw"
        subprocess.run(["mount", "-o", option, str(folder)], check=True)

    try:
        yield folder, remount
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_read_only_data_folder_gives_a_clear_error_and_keeps_the_old_index(
    tmp_path: Path, protectable_data: tuple[Path, Callable[[bool], None]]
) -> None:
    folder, set_read_only = protectable_data
    settings = load_settings(data_dir=folder, corpus_dir=tmp_path / "corpus")
    shutil.copytree(CORPUS_DIR, settings.corpus_dir)
    _ingest(settings)
    index = VectorIndex.open(settings, HashEmbeddings())
    before = index.chunks()
    index.close()
    (settings.corpus_dir / "ny.md").write_text("# Ny\n\nEn ny fil om kompetanseplaner i kommunen.\n", "utf-8")
    set_read_only(True)
    try:
        result = subprocess.run(
            CLI,
            env=_env(settings),
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
        )
    finally:
        set_read_only(False)
    assert result.returncode != 0
    assert "Indeksen kan ikke brukes akkurat nå." in result.stderr and "Traceback" not in result.stderr
    assert "skrivebeskyttet" in result.stderr and str(settings.data_dir) not in result.stderr
    index = VectorIndex.open(settings, HashEmbeddings())
    try:
        assert index.chunks() == before
    finally:
        index.close()


def test_chroma_server_going_away_and_coming_back(tmp_path: Path) -> None:
    server = ChromaServer(tmp_path / "server")
    server.start()
    try:
        settings = load_settings(
            data_dir=tmp_path / "data",
            corpus_dir=CORPUS_DIR,
            embedding={"backend": "hash"},
            chroma={"host": server.host, "port": server.port, "collection": "kompetanse"},
        )
        ingest_paths(settings, embedder=HashEmbeddings())
        index = VectorIndex.open(settings, HashEmbeddings())
        query = HashEmbeddings().embed_query("utdanningspermisjon")
        hits = index.search(query, 4)
        generation = index.generation()

        server.stop()
        for call in (lambda: index.search(query, 4), index.chunks, index.generation, index.manifest):
            with pytest.raises(IndexUnavailableError) as info:
                call()
            assert "Indeksen kan ikke brukes akkurat nå." in info.value.message
            assert f"{server.host}:{server.port}" in info.value.detail  # the log gets where
        with pytest.raises(IndexUnavailableError):
            ingest_paths(settings, embedder=HashEmbeddings())

        server.start()  # same port, same data
        assert index.search(query, 4) == hits  # the same object works again
        assert index.generation() == generation
    finally:
        server.stop()
