"""The words a question asks about: rare terms, the narrative's words, and the words that never name a topic."""

import pytest

from assistant.asked_terms import content_words, context_terms, salient_terms
from core.answer_settings import AnswerabilitySettings

pytestmark = pytest.mark.unit


def test_english_question_uses_english_frequencies() -> None:
    # Common English words are not salient; a rare one the sources lack is.
    terms = salient_terms("Can my manager reimburse my snowmobile licence?", AnswerabilitySettings())
    assert "snowmobile" in terms and "manager" not in terms


def test_narrative_words_naming_what_happened_are_not_topics() -> None:
    # "avslått" tells what the employer did; the question asks about the rule, not a topic.
    question = "Lederen har avslått søknaden min om utdanningspermisjon. Hvem avgjør det hvis vi er uenige?"
    assert "avslått" not in context_terms(question, AnswerabilitySettings())


def test_number_words_never_name_what_the_sources_do_not_cover() -> None:
    settings = AnswerabilitySettings()
    post = "Tre av fjorten ansatte vil ha permisjon samtidig. Kan jeg si nei til sytten søknader?"
    assert not {"fjorten", "sytten"} & set(salient_terms(post, settings) + context_terms(post, settings))


def test_a_stretched_word_is_read_as_written_once() -> None:
    # "sooooo" is an informal "so", never a term the sources fail to cover.
    settings = AnswerabilitySettings()
    assert salient_terms("Is that sooooo hard to understand, can they refuse my leave?", settings) == []
    assert content_words(["Hjeeelp, permisjooon!"], 3) == ["hjelp", "permisjon"]
