"""The Assistant's steps on an in-memory index: answers, refusals, hostile input, follow-ups."""

import pytest

from assistant.models import Answer, Turn
from assistant.refusal import (
    EMPTY_QUESTION_TEXT,
    NEAREST_TEXT,
    REFUSAL_TEXT,
    UNCOVERED_HELP,
    Evidence,
    decide,
)
from assistant.service import (
    NOTICE_LANGUAGE,
    Assistant,
    mask_personal_numbers,
    question_language,
    sanitise_question,
)
from core.settings import Settings
from index.embeddings import HashEmbeddings
from tests.assistant.fakes import CHUNKS, MemoryIndex

pytestmark = pytest.mark.unit


@pytest.fixture
def assistant(settings: Settings) -> Assistant:
    # The hash embedder's similarities are far lower than e5's: use a floor that suits it.
    settings.answerability.min_dense = 0.1
    embedder = HashEmbeddings()
    return Assistant(settings, MemoryIndex(CHUNKS, embedder), embedder)


def test_named_provision_is_answered_with_valid_citations(assistant: Assistant) -> None:
    answer = assistant.ask("Hva står i HTA 14.2?")
    assert not answer.refused
    assert answer.citations and answer.citations[0].provision == "HTA kap. 1 pkt. 14.2"
    for c in answer.citations:
        passage = answer.passages[c.n - 1]
        assert passage.chunk.chunk_id == c.chunk_id
        assert c.quote in passage.chunk.text


@pytest.mark.parametrize("question", ["", "   \n\t ", "\x00\x01\x02"])
def test_empty_questions_get_a_prompt_not_an_error(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.refused and answer.text == EMPTY_QUESTION_TEXT
    assert assistant.index.searches == 0  # type: ignore[attr-defined]


def test_huge_question_is_truncated_with_notice(assistant: Assistant) -> None:
    answer = assistant.ask("utdanningspermisjon " * 10_000)
    assert any("forkortet" in n or "første" in n for n in answer.notices)
    assert len(answer.standalone_question) <= assistant.settings.retrieval.max_question_chars


def test_invalid_unicode_and_controls_are_cleaned() -> None:
    text, _ = sanitise_question("hei\ud800 på\x07 deg\u200b", 100)
    assert "\ud800" not in text and "\x07" not in text and "\u200b" not in text


def test_out_of_scope_is_refused_without_answering(assistant: Assistant) -> None:
    answer = assistant.ask("Hvor mange feriedager har jeg?")
    assert answer.refused and answer.text == REFUSAL_TEXT and not answer.citations


def test_follow_up_uses_history(assistant: Assistant) -> None:
    history = (Turn("user", "Har jeg rett på utdanningspermisjon?"), Turn("assistant", "..."))
    answer = assistant.ask("Og hva med lønn?", history)
    assert "utdanningspermisjon" in answer.standalone_question


def test_english_question_gets_language_notice(assistant: Assistant) -> None:
    assert question_language("Do I have a right to education leave?") == "en"
    answer = assistant.ask("Do I have a right to education leave?")
    assert NOTICE_LANGUAGE in answer.notices


def test_named_provision_is_never_refused(settings: Settings) -> None:
    assert decide(Evidence(top_dense=0.1, exact=True), settings.answerability) == "answer"
    assert decide(Evidence(top_dense=0.1, exact=False), settings.answerability) == "refuse"


def test_fodselsnummer_masked() -> None:
    assert mask_personal_numbers("mitt nr er 01019912345 ok") == "mitt nr er *********** ok"


def test_lookup_and_provisions(assistant: Assistant) -> None:
    view = assistant.lookup("§ 12-11")
    assert view is not None and view.label == "aml. § 12-11"
    assert "skriftlig varsel" in view.text
    assert any(c.provision == "HTA kap. 1 pkt. 14.2" for c in view.discussed_in)
    labels = [v.label for v in assistant.provisions()]
    assert "HTA kap. 4 pkt. 4.2.4" in labels
    assert assistant.lookup("finnes ikke 99.9") is None


def test_samtale_checklist_is_cited(assistant: Assistant) -> None:
    checklist = assistant.samtale("læringsformer")
    assert checklist.items
    assert "læringsformer" in checklist.items[0].question
    md = checklist.to_markdown()
    assert "[1]" in md and "## Kilder" in md


def test_off_topic_follow_up_is_refused(assistant: Assistant) -> None:
    history = (Turn("user", "Har jeg rett på utdanningspermisjon?"), Turn("assistant", "..."))
    answer = assistant.ask("Hvor mange feriedager har jeg?", history)
    assert answer.refused


def test_on_topic_follow_up_is_answered(assistant: Assistant) -> None:
    history = (Turn("user", "Har jeg rett på utdanningspermisjon?"), Turn("assistant", "..."))
    answer = assistant.ask("Må jeg varsle skriftlig?", history)
    assert not answer.refused


def _with_llm(settings: Settings, responses: list[str]) -> Assistant:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from assistant.llm import LLMAnswerer

    settings.answerability.min_dense = 0.1
    embedder = HashEmbeddings()
    llm = LLMAnswerer(FakeListChatModel(responses=responses), "fake-model")
    return Assistant(settings, MemoryIndex(CHUNKS, embedder), embedder, llm)


def test_llm_answer_is_validated_and_keeps_provenance(settings: Settings) -> None:
    good = "Rett til utdanningspermisjon reguleres av arbeidsmiljøloven § 12-11 [1]."
    assistant = _with_llm(settings, [good])
    answer = assistant.ask("Hva står i HTA 14.2?")
    assert answer.method == "llm:fake-model"
    assert answer.citations and answer.citations[0].provision == "HTA kap. 1 pkt. 14.2"
    assert answer.lead.startswith("Gjelder:") and answer.standalone_question
    assert "retrieve_ms" in answer.timings


def test_unsupported_llm_answer_falls_back_to_quotes(settings: Settings) -> None:
    assistant = _with_llm(settings, ["Du får alltid full lønn i fem år [1]. Det er sikkert [9]."])
    answer = assistant.ask("Hva står i HTA 14.2?")
    assert answer.method == "extractive"
    assert any("verifiseres" in n or "kontroll" in n for n in answer.notices), answer.notices
    for c in answer.citations:
        assert c.quote in answer.passages[c.n - 1].chunk.text


def test_streaming_yields_deltas_then_the_answer(settings: Settings) -> None:
    good = "Rett til utdanningspermisjon reguleres av arbeidsmiljøloven § 12-11 [1]."
    items = list(_with_llm(settings, [good]).stream("Hva står i HTA 14.2?"))
    assert isinstance(items[-1], Answer) and items[-1].method == "llm:fake-model"
    assert all(isinstance(i, str) for i in items[:-1]) and "".join(items[:-1]).strip() == good


MIXED = "Gir utdanningspermisjon rett til lønn, og hva med foreldrepengene imens?"


def test_a_partial_answer_names_what_is_uncovered_on_every_answer_path(settings: Settings) -> None:
    uncovered = "Kildene sier ingenting om foreldrepengene."
    good = "Permisjon med lønn gis når kommunen krever utdanningen [1]."
    written = _with_llm(settings, [good]).ask(MIXED)
    fallen_back = _with_llm(settings, ["Du får alltid full lønn i fem år [9]."]).ask(MIXED)
    settings.llm.provider = "none"
    quoted = Assistant(settings, MemoryIndex(CHUNKS, HashEmbeddings()), HashEmbeddings()).ask(MIXED)
    for answer in (written, fallen_back, quoted):
        assert answer.answerability == "partial" and not answer.refused
        assert answer.uncovered == ("foreldrepengene",)
        # a detail of the question is uncovered: the answer comes first, then what the sources do not
        # say and who can help
        assert answer.text.endswith(f"{uncovered} {UNCOVERED_HELP}") and answer.text.count(uncovered) == 1
        assert NEAREST_TEXT not in answer.text
    assert written.method == "llm:fake-model" and fallen_back.method == "extractive"


UNCOVERED_TOPIC = "Hvordan regnes vaktgodtgjørelsen ut?"


def test_when_what_is_asked_is_uncovered_that_comes_first_and_few_quotes_follow(settings: Settings) -> None:
    # No passage is far enough to refuse: the question is answered in part with the nearest quotes.
    settings.answerability.min_dense = 0.0
    settings.answerability.refuse_dense = 0.0
    settings.answerability.focus_dense = 0.0
    settings.extractive.nearest_sentences = 1
    first = "Kildene sier ingenting om vaktgodtgjørelsen."
    good = "Permisjon med lønn gis når kommunen krever utdanningen [1]."
    written = _with_llm(settings, [good]).ask(UNCOVERED_TOPIC)
    settings.llm.provider = "none"
    quoted = Assistant(settings, MemoryIndex(CHUNKS, HashEmbeddings()), HashEmbeddings()).ask(UNCOVERED_TOPIC)
    for answer in (written, quoted):
        assert answer.answerability == "partial" and answer.uncovered == ("vaktgodtgjørelsen",)
        assert answer.text.startswith(f"{first} {UNCOVERED_HELP}\n\n{NEAREST_TEXT}")
        assert answer.lead == ""  # no "Gjelder:" line: no provision governs what was asked
    assert len(quoted.citations) == 1  # nearest_sentences


def test_refresh_swaps_in_a_fresh_searcher_and_is_throttled(settings: Settings) -> None:
    embedder = HashEmbeddings()
    index = MemoryIndex(CHUNKS, embedder)
    slow = settings.model_copy(update={"chroma": settings.chroma.model_copy(update={"check_seconds": 3600})})
    assistant = Assistant(slow, index, embedder)
    assert assistant.refresh() is True  # first load fills the searcher it was built with
    first = assistant.searcher
    assert assistant.refresh() is False and assistant.searcher is first
    index.gen = "2"
    assistant.ask("Hva sier HTA 14.2?")  # checked within check_seconds: no new read, no reload
    assert assistant.searcher is first
    assert assistant.refresh() is True  # the writer's explicit refresh reloads at once
    assert assistant.searcher is not first and assistant.searcher.chunks == first.chunks


def test_retrieve_with_the_users_words_ranks_as_the_answer_did(assistant: Assistant) -> None:
    # The evaluation measures retrieval this way: the passages the answer drew from come first. Few
    # passages, so that placing each part's best passage among those quoted changes the order.
    assistant.settings.retrieval.top_k = 3
    assistant.settings.extractive.passages_considered = 2
    assistant.settings.retrieval.w_dense_sentence = 0.0  # the hash embedder's closeness is noise
    post = "Får jeg lønn mens jeg studerer? Og hva med etterpå?"
    answer = assistant.ask(post)
    quoted = [p.chunk.chunk_id for p in answer.passages]
    assert [h.chunk.chunk_id for h in assistant.retrieve(answer.standalone_question, 3, asked=post)] == quoted
    assert [h.chunk.chunk_id for h in assistant.retrieve(answer.standalone_question, 3)] != quoted


def test_each_part_of_a_post_carries_the_sentence_it_refers_back_to(assistant: Assistant) -> None:
    post = "Sjefen sa at deltidsansatte ikke kan få permisjon. Stemmer det?? Og hvem betaler kurset?"
    assert assistant._parts(post) == (
        "Sjefen sa at deltidsansatte ikke kan få permisjon. Stemmer det??",
        "Og hvem betaler kurset?",
    )


def test_a_statement_before_a_comma_is_no_part_of_its_own(assistant: Assistant) -> None:
    # what happened before the comma frames the questions after it; it is not answered as a question
    post = "Kommunen avviste søknaden min om permisjon, hvem kan jeg klage til, og får jeg svar skriftlig?"
    assert assistant._parts(post) == ("hvem kan jeg klage til", "får jeg svar skriftlig?")
    assert assistant._parts("Kommunen avviste søknaden min, hvem kan jeg klage til?") == ()
