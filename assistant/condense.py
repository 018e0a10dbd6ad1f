"""Follow-up questions: build a standalone question from the conversation.

Without an LLM this is deterministic: a question that leans on the previous
turn (short, starts with "og"/"hva med", refers back with "den/det/dette", or
names no topic of its own) is joined with the last user question, so retrieval
sees both ("Har jeg rett på utdanningspermisjon? Og hva med lønn?").
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
MAX_TOPIC_WORDS = 3


def needs_context(question: str) -> bool:
    """True when ``question`` probably depends on the earlier conversation."""
    words = content_words(question)
    if FOLLOW_UP_START.search(question):
        return True
    if len(words) <= 1:
        return True
    return bool(len(words) <= MAX_TOPIC_WORDS and BACK_REFERENCE.search(question))


def standalone_question(question: str, history: Sequence[Turn]) -> str:
    """The question to retrieve with: ``question`` itself, or joined with the last user question.

    Only the most recent user turn is used, so a conversation that changed topic
    does not drag the old topic along.
    """
    previous = next((t.content for t in reversed(history) if t.role == "user" and t.content.strip()), "")
    if not previous or not needs_context(question):
        return question
    return f"{previous.strip()} {question.strip()}"
