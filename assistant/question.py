"""Cleaning a raw question and guessing its language."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
# Common English words that are not also Norwegian words ("i", "for", "to" are both).
_ENGLISH = frozenset(
    "the what how do does can my is are of and when who which have has you your should will would if this that with about".split()
)
_NYNORSK = frozenset("eg ikkje kva korleis kor kven dykk berre heilt tilsett arbeidsgjevar løn".split())

NOTICE_TRUNCATED = "Spørsmålet var svært langt, så bare de første {n} tegnene ble brukt."
NOTICE_LANGUAGE = "Kildene er på norsk (bokmål), så svaret siterer dem på bokmål."


def sanitise_question(question: str, max_chars: int) -> tuple[str, tuple[str, ...]]:
    """Clean a raw question: valid Unicode, no control characters, bounded length.

    Returns the cleaned question and any notices for the user.
    """
    notices: list[str] = []
    text = question.encode("utf-8", "replace").decode("utf-8", "replace")
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    if len(text) > max_chars:
        text = text[:max_chars].rsplit(" ", 1)[0] or text[:max_chars]
        notices.append(NOTICE_TRUNCATED.format(n=max_chars))
    return text, tuple(notices)


def question_language(question: str) -> str:
    """A rough guess: "en", "nn" or "nb"."""
    words = set(re.findall(r"[a-zæøå]+", question.lower()))
    if len(words & _ENGLISH) >= 2:
        return "en"
    if words & _NYNORSK:
        return "nn"
    return "nb"
