"""Nothing but the question is embedded while answering: sentence vectors come from the index."""

from __future__ import annotations

import pytest

from assistant.models import Turn
from assistant.service import Assistant
from core.settings import Settings
from index.embeddings import HashEmbeddings
from tests.assistant.fakes import CHUNKS, MemoryIndex

pytestmark = pytest.mark.unit


class CountingEmbeddings(HashEmbeddings):
    """The hash embedder, recording every text it is asked to embed."""

    def __init__(self) -> None:
        self.queries: list[str] = []
        self.documents: list[str] = []

    def embed_query(self, text: str) -> list[float]:
        self.queries.append(text)
        return super().embed_query(text)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.documents.extend(texts)
        return super().embed_documents(texts)


@pytest.fixture
def counted(settings: Settings) -> tuple[Assistant, CountingEmbeddings]:
    settings.answerability.min_dense = 0.1  # the hash embedder's similarities are low
    embedder = CountingEmbeddings()
    # The index's chunk and sentence vectors are made "at ingest" by another embedder instance.
    assistant = Assistant(settings, MemoryIndex(CHUNKS, HashEmbeddings()), embedder)
    assistant.refresh()  # start-up: loads the sentence vectors
    embedder.queries.clear()
    embedder.documents.clear()
    return assistant, embedder


def test_a_question_embeds_only_itself(counted: tuple[Assistant, CountingEmbeddings]) -> None:
    assistant, embedder = counted
    answer = assistant.ask("Hvem har rett til utdanningspermisjon etter arbeidsmiljøloven?")
    assert not answer.refused and answer.citations
    assert embedder.documents == []
    assert embedder.queries == [answer.standalone_question]


def test_a_follow_up_embeds_only_its_standalone_question(
    counted: tuple[Assistant, CountingEmbeddings],
) -> None:
    assistant, embedder = counted
    history = (
        Turn("user", "Har jeg rett på utdanningspermisjon?"),
        Turn("assistant", "Ja, etter arbeidsmiljøloven § 12-11 [1]."),
    )
    answer = assistant.ask("Og må jeg varsle skriftlig?", history)  # leaves its topic implicit
    assert not answer.refused and answer.citations
    assert answer.standalone_question != answer.question  # it really was treated as a follow-up
    assert embedder.documents == []
    assert embedder.queries == [answer.standalone_question]


def test_a_question_asked_again_is_not_embedded_again_while_it_is_among_the_recent_ones(
    counted: tuple[Assistant, CountingEmbeddings], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant import service

    monkeypatch.setattr(service, "QUERY_VECTORS", 3)
    assistant, embedder = counted
    first = "Hvem har rett til utdanningspermisjon?"
    assistant.ask(first)
    for other in ("Hva er 10-faktor?", "Hva står i HTA 3.2?"):
        assistant.ask(other)
    assistant.ask(first)  # still among the three most recent: looked up
    assert embedder.queries.count(first) == 1
    for other in ("Må jeg varsle skriftlig?", "Hva er kompetanseplanlegging?", "Kan lederen nekte?"):
        assistant.ask(other)
    assistant.ask(first)  # pushed out by three newer questions: embedded again
    assert embedder.queries.count(first) == 2
