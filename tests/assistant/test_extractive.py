"""The extractive answerer only quotes passages, and cites each quote exactly."""

import pytest

from assistant.citations import strip_markers, validate_answer
from assistant.extractive import Candidate, extractive_answer, select
from assistant.models import Passage
from core.sentences import Span
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


def test_pay_during_leave_leads_with_the_pay_rule_not_a_pointer() -> None:
    # New wording; the pointer "reguleres av § 12-11" states no rule and must not lead.
    passages = _passages([GUIDE[1], LAW[0]])
    extract = extractive_answer(
        "Beholder jeg lønna mens jeg er i studiepermisjon?", passages, BM25Index(CHUNKS)
    )
    assert extract is not None
    first = extract.text.split("[")[0]
    assert "permisjon med lønn" in first
    assert not first.startswith("Rett til utdanningspermisjon reguleres")


def test_multi_part_post_gets_a_paragraph_per_part_with_its_own_citations() -> None:
    passages = _passages([LAW[0], GUIDE[1], LAW[1]])
    parts = ("Kan jeg kreve fri for å ta utdanning?", "Må jeg sende et skriftlig varsel?")
    extract = extractive_answer(" ".join(parts), passages, BM25Index(CHUNKS), parts=parts)
    assert extract is not None
    paragraphs = extract.text.split("\n\n")
    assert len(paragraphs) == 2
    assert "rett til hel eller delvis permisjon" in paragraphs[0] and "[1]" in paragraphs[0]
    assert "skriftlig varsel" in paragraphs[1] and "[3]" in paragraphs[1]
    assert len(set(paragraphs)) == len(paragraphs)  # nothing repeated


def test_exact_provision_is_carried_on_the_passage_not_inferred_from_a_score() -> None:
    # A huge score alone no longer means "the question named this provision".
    loud = (Passage(1, GUIDE[3], 99.0), Passage(2, LAW[1], 0.5, exact_provision=True))
    extract = extractive_answer("Hva står i § 12-11?", loud, BM25Index(CHUNKS))
    assert extract is not None and extract.text.startswith("(4) Arbeidstaker")


def test_the_sentence_granting_the_right_leads_an_answer_to_a_rights_question() -> None:
    pointer = "Retten til permisjon reguleres av loven, og avtalen gir utfyllende regler."
    granting = "Arbeidstaker som har vært ansatt i to år, har rett til permisjon for å studere."
    text = f"{pointer} {granting}"
    passage = Passage(1, CHUNKS[0], 1.0)
    cands = [
        Candidate(passage, Span(0, len(pointer), pointer), 2.0, 1),
        Candidate(passage, Span(len(pointer) + 1, len(text), granting), 1.8, 2),
    ]
    assert select(cands, asks_right=True)[0].span.text == granting
    assert select(cands, asks_right=False)[0].span.text == pointer  # otherwise the best sentence leads
