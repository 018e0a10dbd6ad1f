"""The words a question asks about: its content words, the rare ones (salient terms) the sources may not cover,
what a leave is asked for, and the rare words of the narrative around the questions (see
:mod:`assistant.refusal`, which decides from them)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.known import general_frequency, names_a_role
from assistant.question import question_language
from core.answer_settings import AnswerabilitySettings
from core.asking import asked_text, leave_purposes, question_sentences, situation_words
from core.function_words import NUMBER_WORDS, STOPWORDS
from core.intents import INTENTS
from core.text import fold

WORD_RE = re.compile(r"[a-zæøåéèêóòôäöü]+")
"""A word of letters (Norwegian and the accented letters of loanwords), after :func:`core.text.fold`."""


_ELONGATED = re.compile(r"([a-zæøåéèêóòôäöü])\1{2,}")
"""A letter written three or more times over ("soooo", "neeei"): an informal stretch of one letter."""


def content_words(sentences: Sequence[str], min_chars: int) -> list[str]:
    """The non-stopwords of ``sentences`` at least ``min_chars`` long (in order, unique), leaving out the
    words that name the asker's job, workplace or subject of study (:func:`core.asking.situation_words`).
    A stretched word is read as written once ("soooo" -> so): standard Norwegian and English spelling never
    has a letter three times in a row (Norwegian compounds drop the third: "buss" + "stopp" -> busstopp)."""
    out: list[str] = []
    for sentence in sentences:
        situation = situation_words(sentence)
        for word in WORD_RE.findall(_ELONGATED.sub(r"\1", fold(sentence))):
            if (
                len(word) >= min_chars
                and word not in STOPWORDS
                and word not in NUMBER_WORDS
                and word not in situation
                and word not in out
            ):
                out.append(word)
    return out


def asked_words(question: str, min_chars: int = 3) -> list[str]:
    """The content words of the sentences that ask something, at least ``min_chars`` long (in order, unique)."""
    return content_words(asked_text(question), min_chars)


def salient_terms(question: str, settings: AnswerabilitySettings) -> list[str]:
    """Asked-about content words rarer in general use than ``settings.max_zipf`` (in order, unique).

    Frequencies are the higher of Bokmål and English, so the same rule serves
    Norwegian and English questions. A kind of one of the sources' roles ("enhetslederen",
    :func:`assistant.known.names_a_role`) says who is involved, not what is asked, and is left out.
    """
    words = asked_words(question, settings.min_term_chars)
    purpose = purpose_words(question)
    rare = [word for word in words if general_frequency(word) < settings.max_zipf or word in purpose]
    return [word for word in (*rare, *(w for w in purpose if w not in rare)) if not names_a_role(word)]


PURPOSE_MIN_CHARS = 4
"""The shortest word of a leave's purpose that counts ("blod", "amme"; not "gje", "ta")."""


def purpose_words(question: str) -> list[str]:
    """The content words of what the time off asked about is for (:func:`core.asking.leave_purposes`), however
    common: in "fri med lønn når jeg flytter" the move is what is asked. Norwegian questions only (an English
    word meets the sources only through the glossary, so every English purpose would look uncovered)."""
    if question_language(question) == "en":
        return []
    return content_words(leave_purposes(question), PURPOSE_MIN_CHARS)


def context_terms(question: str, settings: AnswerabilitySettings) -> list[str]:
    """Rare content words of the sentences around the questions (the narrative), as :func:`salient_terms`.

    "Jeg har vikariat i fire år. Har jeg krav på fast stilling?" asks about the vikariat its first
    sentence names. Words that name a kind of rule ("avslått", "klage": ``core.intents.INTENTS``) tell
    what happened, and a kind of role ("enhetslederen") who was involved, not a topic: they are left out.
    """
    sentences, _asking = question_sentences(question)
    asked = asked_text(question)
    narrative = [s for s in sentences if not any(part in s or s in part for part in asked)]
    asked_words = set(content_words(asked, settings.min_term_chars))
    return [
        word
        for word in content_words(narrative, settings.min_term_chars)
        if word not in asked_words
        and not any(i.asks.search(word) for i in INTENTS)
        and general_frequency(word) < settings.context_max_zipf
        and not names_a_role(word)
    ]
