"""The extractive answerer only quotes passages, and cites each quote exactly."""

import pytest

from assistant.citations import strip_markers, validate_answer
from assistant.extractive import extractive_answer
from assistant.models import Passage
from index.lexical import BM25Index
from tests.assistant.fakes import CHUNKS, GUIDE, LAW

pytestmark = pytest.mark.unit


def _passages(chunks):  # type: ignore[no-untyped-def]
    return tuple(Passage(i + 1, c, 1.0 - i * 0.1) for i, c in enumerate(chunks))


def test_every_citation_quotes_its_passage_verbatim() -> None:
    passages = _passages([LAW[0], GUIDE[1], LAW[1]])
    extract = extractive_answer("Har jeg rett på utdanningspermisjon?", passages, BM25Index(CHUNKS))
    assert extract is not None and extract.citations
    for c in extract.citations:
        chunk = passages[c.n - 1].chunk
        assert chunk.chunk_id == c.chunk_id
        assert chunk.text[c.quote_start : c.quote_start + len(c.quote)] == c.quote
        assert c.quote.strip() and " ".join(c.quote.split()) in " ".join(strip_markers(extract.text).split())
        assert "Utdanningspermisjon\n" not in c.quote  # the heading line is not part of a quote


def test_answer_passes_the_citation_validator() -> None:
    passages = _passages([GUIDE[1], LAW[0]])
    extract = extractive_answer("Får jeg lønn under utdanningspermisjon?", passages, BM25Index(CHUNKS))
    assert extract is not None
    validation = validate_answer(extract.text, passages)
    assert validation.ok and not validation.removed


def test_lead_names_the_provisions() -> None:
    passages = _passages([LAW[0], GUIDE[1]])
    extract = extractive_answer("Har jeg rett på utdanningspermisjon?", passages, BM25Index(CHUNKS))
    assert extract is not None
    assert "aml. § 12-11" in extract.lead


def test_heading_only_passage_gives_nothing() -> None:
    from tests.assistant.fakes import make_chunk

    chunk = make_chunk("14.2 Utdanningspermisjon", position=9)
    assert extractive_answer("utdanningspermisjon", _passages([chunk]), BM25Index(CHUNKS)) is None
