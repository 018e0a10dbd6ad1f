"""What a document must contain: the question that asks it and the passages that prescribe it."""

import pytest

from assistant.prescribed import asks_contents, prescribed
from assistant.retriever import HybridSearcher
from core.answer_settings import RetrievalSettings
from index.embeddings import HashEmbeddings
from tests.assistant.fakes import MemoryIndex, make_chunk

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Hva skal egentlig en lokal lønnspolitikk inneholde?", True),
        ("What is the pay policy actually supposed to say about further education?", True),
        ("Kva er planen meint å innehalde?", True),
        ("hva MÅ lønnspolitikken si noe om?", True),
        ("Kva må stå i planen?", True),
        ("What should the contract include?", True),
        ("Hva står i 14.2?", False),
        ("Hva skal jeg gjøre nå?", False),
    ],
)
def test_a_question_about_what_a_document_must_contain(question: str, asks: bool) -> None:
    assert asks_contents(question) is asks


def test_a_passage_prescribes_the_contents_of_the_document_it_names() -> None:
    assert prescribed("Arbeidsavtalen skal inneholde opplysninger om …") == {"arbeidsavtal"}
    assert prescribed("Den lokale lønnspolitikken skal:\n- motivere") == {"lønnspolitikk"}
    assert prescribed("Lederen skal sørge for opplæring.") == frozenset()


def test_the_passage_prescribing_the_asked_documents_contents_ranks_first() -> None:
    chunks = [
        make_chunk(
            "Lokale tillegg gis etter kriterier i lønnspolitikken, etter ansvar og etter innsats i kommunen.",
            position=1,
        ),
        make_chunk("Den lokale lønnspolitikken skal:\n- motivere til kompetanseutvikling.", position=2),
        make_chunk("Kompetanseplanen skal:\n- vise behovene for hver enhet.", position=3),
        *(
            make_chunk(f"Avsnitt {i} om læring på arbeidsplassen og samarbeid.", position=10 + i)
            for i in range(6)
        ),
    ]
    embedder = HashEmbeddings()
    question = "Hva skal lønnspolitikken i kommunen inneholde?"
    # the hash embedder's closeness is noise: the sentence closeness it would add is left out
    settings = RetrievalSettings(w_dense_sentence=0.0)
    searcher = HybridSearcher(MemoryIndex(chunks, embedder), embedder, settings)
    assert searcher.search(question, 3)[0].chunk.text.startswith("Den lokale lønnspolitikken skal:")
    # without the deciding bonus the passage that only speaks of the policy would lead; the plan's contents
    # are no answer to a question about the policy
    plain = HybridSearcher(
        MemoryIndex(chunks, embedder), embedder, settings.model_copy(update={"deciding_bonus": 0.0})
    )
    assert plain.search(question, 3)[0].chunk.text.startswith("Lokale tillegg")
