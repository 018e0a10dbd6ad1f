"""The local feedback store: what it keeps, WAL sharing across processes, export, delete, masking."""

from __future__ import annotations

import logging
import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from core.errors import KompetanseError
from ui import feedback
from ui.feedback import FeedbackStore, FnrMaskingFilter, mask_fnr

pytestmark = pytest.mark.unit


def test_add_update_export_roundtrip(tmp_path: Path) -> None:
    store = FeedbackStore.in_data_dir(tmp_path)
    fid = store.add("Har jeg rett på permisjon?", "Ja [1].", ["c1", "c2"], 1)
    assert store.update(fid, comment="Veldig nyttig")
    assert store.update(fid, rating=-1)
    assert not store.update(fid + 100, comment="x")
    rows = store.export()
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == {"id", "created_at", "question", "answer", "chunk_ids", "rating", "comment", "role"}
    assert row["role"] == ""
    assert (row["question"], row["answer"], row["chunk_ids"], row["rating"], row["comment"]) == (
        "Har jeg rett på permisjon?",
        "Ja [1].",
        ["c1", "c2"],
        -1,
        "Veldig nyttig",
    )
    assert (tmp_path / "feedback.sqlite3").exists()


def test_bad_rating_is_refused(tmp_path: Path) -> None:
    store = FeedbackStore.in_data_dir(tmp_path)
    with pytest.raises(ValueError, match="rating"):
        store.add("q", "a", [], 5)
    assert store.count() == 0


def test_wal_mode_is_on(tmp_path: Path) -> None:
    FeedbackStore.in_data_dir(tmp_path)
    con = sqlite3.connect(tmp_path / "feedback.sqlite3")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def _writer(path: str, n: int) -> None:
    store = FeedbackStore(Path(path))
    for i in range(n):
        store.add(f"spørsmål {i}", "svar", ["c"], 1 if i % 2 else -1)


def test_several_processes_share_the_store(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite3"
    FeedbackStore(path)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(path), 25)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert FeedbackStore(path).count() == 75


def _open_together(path: str, barrier: Any, failed: Any) -> None:
    barrier.wait(30)
    try:
        FeedbackStore(Path(path))
    except Exception:
        failed.value += 1


def test_processes_creating_a_new_store_at_the_same_moment_all_succeed(tmp_path: Path) -> None:
    # `kompetanse serve --workers N` on a fresh data folder: every worker opens the store at start-up.
    # Switching a new file to WAL fails at once while another process is doing the same (no busy wait);
    # measured without the retry: 2 of 30 rounds of 4 processes failed.
    ctx = multiprocessing.get_context("fork")
    failed = ctx.Value("i", 0)
    for round_ in range(15):
        barrier = ctx.Barrier(4)
        path = str(tmp_path / f"feedback-{round_}.sqlite3")
        procs = [ctx.Process(target=_open_together, args=(path, barrier, failed)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
    assert failed.value == 0


def test_a_locked_new_store_is_retried_until_it_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    create = FeedbackStore._create

    def locked_twice(self: FeedbackStore) -> None:
        calls.append(1)
        if len(calls) <= 2:
            raise sqlite3.OperationalError("database is locked")
        create(self)

    monkeypatch.setattr(FeedbackStore, "_create", locked_twice)
    assert FeedbackStore(tmp_path / "feedback.sqlite3").count() == 0 and len(calls) == 3
    monkeypatch.setattr(feedback, "OPEN_WAIT_S", 0.0)
    calls.clear()
    with pytest.raises(KompetanseError, match="tilbakemeldingslageret"):
        FeedbackStore(tmp_path / "other.sqlite3")


def test_delete_all_removes_the_text_from_disk(tmp_path: Path) -> None:
    store = FeedbackStore.in_data_dir(tmp_path)
    store.add("hemmelig-spørsmål-xyz", "svar", [], 1, "kommentar-xyz")
    assert store.delete_all() == 1
    assert store.export() == []
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert b"xyz" not in raw


def test_fodselsnummer_is_masked_in_stored_text(tmp_path: Path) -> None:
    store = FeedbackStore.in_data_dir(tmp_path)
    store.add("Mitt nummer er 01017012345", "svar 010170 12345", [], 1, "ring 01017012345")
    row = store.export()[0]
    assert "12345" not in row["question"] + row["answer"] + row["comment"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fnr 01017012345 her", "fnr *********** her"),
        ("010170 12345", "***********"),
        ("konto 123456789012", "konto 123456789012"),  # 12 digits: not a fødselsnummer
        ("tlf 12345678", "tlf 12345678"),
    ],
)
def test_mask_fnr(text: str, expected: str) -> None:
    assert mask_fnr(text) == expected


def test_logging_filter_masks_records(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("tests.ui.masking")
    logger.addFilter(FnrMaskingFilter())
    with caplog.at_level(logging.INFO, logger="tests.ui.masking"):
        logger.info("question: %s", "mitt fnr er 01017012345")
    assert "01017012345" not in caplog.text and "***********" in caplog.text


def test_unwritable_location_gives_a_norwegian_error(tmp_path: Path) -> None:
    blocker = tmp_path / "fil"
    blocker.write_text("ikke en mappe")
    from core.errors import KompetanseError

    with pytest.raises(KompetanseError, match="tilbakemeldingslageret"):
        FeedbackStore(blocker / "feedback.sqlite3")


def test_the_role_is_stored_and_an_older_store_gains_the_column(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "feedback.sqlite3"
    with sqlite3.connect(path) as con:  # a store written before roles were recorded
        con.execute(
            "CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, "
            "question TEXT NOT NULL, answer TEXT NOT NULL, chunk_ids TEXT NOT NULL, "
            "rating INTEGER NOT NULL CHECK (rating IN (-1, 1)), comment TEXT NOT NULL DEFAULT '')"
        )
        con.execute(
            "INSERT INTO feedback (created_at, question, answer, chunk_ids, rating) VALUES ('t', 'q', 'a', '[]', 1)"
        )
    con.close()
    store = FeedbackStore(path)
    store.add("Spørsmål", "Svar", [], -1, role="tillitsvalgt")
    assert [(r["question"], r["role"]) for r in store.export()] == [("q", ""), ("Spørsmål", "tillitsvalgt")]
    with pytest.raises(ValueError, match="role"):
        store.add("q", "a", [], 1, role="sjef")
