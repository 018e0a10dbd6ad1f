"""Follow-up questions: build a standalone question from the conversation.

Without an LLM this is deterministic. The new question decides what is
retrieved: one that names a topic of its own ("Og hva med lønn etter
videreutdanning?") stands alone, whatever came before. Only a question that
leaves its topic implicit (one content word, a short one, or one that refers back
with "den/det/hun" and names no topic of its own) is completed with the last user
question ("Har jeg rett på utdanningspermisjon? Og hva med lønn?").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.models import Turn
from core.text import content_words

FOLLOW_UP_START = re.compile(
    r"^\s*(og|men|så|hva med|hvordan med|kva med|korleis med|what about|and|also|or|eller|også|"
    r"hvor lenge|kor lenge|how long|må jeg|må eg|do i|kan den|kan det|gjelder det|gjeld det|"
    r"hva om|kva om|what if|samme|then|da|deretter|hvis ja|hvis nei)\b",
    re.IGNORECASE,
)
BACK_REFERENCE = re.compile(
    r"\b(den|det|dette|denne|disse|der|slik|it|that|this|those|them|dei|dette|hen|han|ho|hun)\b",
    re.IGNORECASE,
)
# A reply that opens by acknowledging the last answer ("ok supert.", "takk!", "ok and …") goes on with the
# same conversation: unless it names a topic of its own, the earlier question fills in what it leaves out.
ACKNOWLEDGEMENT = re.compile(
    r"^\s*(?:ok(?:ay|ei|e)?|takk|tusen takk|supert?|flott|fint|thanks?|thank you|great|right|aha|skjønner)\b[\s,.!]*",
    re.IGNORECASE,
)
MAX_TOPIC_WORDS = 3
# A content word this long is almost always a noun that names a topic (Norwegian compounds).
TOPIC_WORD_CHARS = 10


def _names_topic(words: Sequence[str]) -> bool:
    """True when the question's content words include a compound or long noun of its own ("videreutdanning")."""
    return any(len(w) >= TOPIC_WORD_CHARS for w in words)


def needs_context(question: str) -> bool:
    """True when ``question`` probably depends on the earlier conversation."""
    ack = ACKNOWLEDGEMENT.match(question)
    if ack:
        question = question[ack.end() :]
    words = content_words(question)
    if len(words) <= 1 or (ack and not _names_topic(words)):
        return True
    refers_back = bool(BACK_REFERENCE.search(question))
    # "hun har allerede sagt nei fordi det er travelt. lov??": however long, a reply that refers back and
    # names no topic of its own is about the earlier one.
    if refers_back and not _names_topic(words):
        return True
    short = len(words) <= MAX_TOPIC_WORDS
    # "Og hva med X?" or "Hvor lenge da?" with a short body leans on the previous turn.
    return bool(
        short
        and (
            refers_back or (FOLLOW_UP_START.search(question) and len(words) <= 2 and not _names_topic(words))
        )
    )


def standalone_question(question: str, history: Sequence[Turn]) -> str:
    """The question to retrieve with: ``question`` itself, or joined with the last user question.

    Only the most recent user turn is used, so a conversation that changed topic
    does not drag the old topic along.
    """
    previous = next((t.content for t in reversed(history) if t.role == "user" and t.content.strip()), "")
    if not previous or not needs_context(question):
        return question
    return f"{previous.strip()} {question.strip()}"
