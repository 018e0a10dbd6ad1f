"""Answerability: answer, answer in part, or refuse, and what to say then.

The decision uses general evidence only, never a list of topics:

- how close the best passage is in embedding space (``min_dense``);
- the question's *salient terms*: content words that are rare in general
  Norwegian (``wordfreq`` Bokmål frequencies; English frequencies for English
  questions) and that the sources never use, neither as the word, its
  ``simplemma`` lemma (Bokmål and Nynorsk), its stem, nor as the head of a
  compound whose last part the sources know ("vidareutdanning" -> utdanning).
  Terms in the sentences that ask something decide; rare unknown words of the
  narrative around them ("Jeg har vikariat i fire år. Har jeg krav på fast
  stilling?") are named as uncovered but never cause a refusal, since the
  questions themselves may be covered.

- the *focus share*: how much of what is asked (words weighted by rarity in general
  use) the best passages speak of at all; near-domain questions ("får jeg betalt for
  overtid?") retrieve passages that are close in embedding space yet silent on the
  words that carry the question.

Outcomes: "refuse" when the text asks nothing (only orders, as prompt injections do:
on the tuning split every such item was out of scope), when the best passage is far, or when every asked-about rare
term is uncovered, the best passage is not close (``refuse_dense``) and states no rule of the kind the
question asks for ("may they refuse", "by when", pay, a right, a dispute: ``core.intents.INTENTS``), or when the focus share is
below ``min_focus`` and the best passage is not close (``focus_dense``); "partial"
when some asked-about rare terms, or rare words of the narrative, are uncovered, or an amount asked for
("hvor mange uker …") is stated by no best passage (the answer then says "Kildene sier ingenting om
<term>."); else "answer".
Thresholds live in ``core.answer_settings.AnswerabilitySettings``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.asked_terms import WORD_RE, asked_words, context_terms, salient_terms
from assistant.known import general_frequency, is_known, names_a_role, names_a_source, uses
from assistant.models import Answer, Hit, Passage
from assistant.question import question_language
from core.answer_settings import AnswerabilitySettings
from core.asking import (
    asking_sentences,
    asks_something,
)
from core.intents import Intent, asked_intents, decides
from core.sentences import split_sentences
from core.text import fold, lemmas
from index.lexical import BM25Index

REFUSAL_TEXT = (
    "Jeg finner ikke noe om dette i kildene jeg har: KS-veilederen om læring og kompetanseutvikling, "
    "bestemmelsene i Hovedtariffavtalen som den siterer, og arbeidsmiljøloven §§ 12-11, 12-14, 14-6 og 17-2. "
    "Jeg vil ikke gjette på et svar om rettighetene dine. Spør gjerne din tillitsvalgte eller "
    "personalavdelingen, eller se hele Hovedtariffavtalen hos KS."
)
EMPTY_QUESTION_TEXT = "Skriv et spørsmål, så svarer jeg med henvisning til kildene."
UNCOVERED_TEXT = "Kildene sier ingenting om {terms}."
UNCOVERED_HELP = "Spør gjerne din tillitsvalgte eller personalavdelingen om det."
NEAREST_TEXT = "Det nærmeste kildene kommer, er dette:"


@dataclass(frozen=True)
class Evidence:
    """Retrieval and vocabulary signals for one question.

    ``top_dense``: cosine similarity of the best passage; ``exact``: a named
    provision was found; ``covered``/``uncovered``: the asked-about salient terms
    the sources do / do not use.
    """

    top_dense: float
    exact: bool
    covered: tuple[str, ...] = ()
    uncovered: tuple[str, ...] = ()
    asks: bool = True
    focus: float | None = None
    """Rarity-weighted share of the asked words that the best passages use (None: not judged)."""
    rule_stated: bool = False
    """The question asks for a kind of rule (``core.intents.INTENTS``) and a best passage states one."""
    context_uncovered: tuple[str, ...] = ()
    """Rare words of the narrative around the questions that the sources do not use (:func:`context_terms`)."""
    unstated: tuple[str, ...] = ()
    """Amounts asked for that no best passage states (:func:`unstated_amounts`)."""

    @property
    def asked_uncovered(self) -> bool:
        """The sources do not cover what is asked: every asked-about rare term is unknown to them, or an
        amount asked for is stated by no best passage. (Unknown words of the narrative alone leave the
        questions themselves covered.) The passages found are then only the nearest the sources come."""
        if self.exact:  # a provision named by number is what is asked, and it is quoted
            return False
        return bool(self.unstated) or (bool(self.uncovered) and not self.covered)

    @property
    def all_uncovered(self) -> tuple[str, ...]:
        """Everything the answer must say the sources do not cover: unstated amounts, then the asked terms,
        then the narrative's rarest few (:func:`named_narrative`), each named once ("permittering" is not
        repeated after "permitteringen", nor a word after an amount phrase that holds it)."""
        out: list[str] = []
        for term in (*self.unstated, *self.uncovered, *named_narrative(self.context_uncovered)):
            said = {w for phrase in out for word in WORD_RE.findall(phrase) for w in lemmas(word)}
            if not said & set(lemmas(term)):
                out.append(term)
        return tuple(out)

    def to_dict(self) -> dict[str, object]:
        return {
            "top_dense": round(self.top_dense, 4),
            "exact": self.exact,
            "covered": list(self.covered),
            "uncovered": list(self.uncovered),
            "asks": self.asks,
            "focus": None if self.focus is None else round(self.focus, 4),
            "rule_stated": self.rule_stated,
            "context_uncovered": list(self.context_uncovered),
            "unstated": list(self.unstated),
        }


NARRATIVE_NAMED = 2
"""How many of the narrative's uncovered words an answer names: the story around a question holds a job, a
workplace, a union's name and more ("helsesekretær på legekontoret … kveldstid"), and a list of them all says
less than its rarest two. A fixed readability limit, not tuned: the outcome does not depend on it."""


def named_narrative(terms: Sequence[str]) -> tuple[str, ...]:
    """The ``NARRATIVE_NAMED`` rarest of the narrative's uncovered ``terms`` in general use, in their order."""
    rarest = set(sorted(terms, key=general_frequency)[:NARRATIVE_NAMED])
    return tuple(t for t in terms if t in rarest)


@dataclass(frozen=True)
class Gap:
    """What an answer in part must name: the ``terms`` the sources do not cover, and whether they are what
    the question asks (``asked``, :attr:`Evidence.asked_uncovered`) rather than a detail of it."""

    terms: tuple[str, ...] = ()
    asked: bool = False

    @classmethod
    def of(cls, evidence: Evidence, *, parts: int = 1) -> Gap:
        """The gap ``evidence`` shows; in a post asking ``parts`` questions an uncovered term is one part's
        detail, never all that is asked."""
        terms = evidence.all_uncovered
        return cls(terms, bool(terms) and parts < 2 and evidence.asked_uncovered)


NO_GAP = Gap()
"""The gap of a question the sources cover."""


FOCUS_PASSAGES = 3
"""How many of the best passages the focus share looks at (the answer quotes from the first few)."""
FOCUS_ZIPF = 6.0
"""A word's weight in the focus share is ``FOCUS_ZIPF`` minus its Zipf frequency (0 for the commonest
words: "jeg", "kan", "jobb"). A fixed scale, not tuned: Zipf 6 is roughly one use in a thousand words."""


def stated_rules(question: str, hits: Sequence[Hit]) -> tuple[Intent, ...]:
    """The kinds of rule ``question`` asks for (``core.intents.INTENTS``) that a best passage states."""
    texts = [h.chunk.text for h in hits[:FOCUS_PASSAGES]]
    return tuple(i for i in asked_intents(question) if any(decides([i], text) for text in texts))


def answered_by_a_rule(word: str, stated: Sequence[Intent], question: str = "") -> bool:
    """True when ``word`` asks for one of the ``stated`` kinds of rule ("nekte", "frist", "lønn"), by itself or
    as part of the wording in ``question`` that asks for it ("bestemmer" in "hvem er det som bestemmer").

    Such a word names what the question wants to know about a rule, not a topic: "Kan sjefen
    avslå …?" is answered by "Permisjon kan likevel ikke kreves når …", which never says "avslå".
    """
    return any(i.asks.search(word) for i in stated) or word in _rule_wording(question, tuple(stated))


@lru_cache(maxsize=4096)
def _rule_wording(question: str, stated: tuple[Intent, ...]) -> frozenset[str]:
    """The words of ``question``'s wordings that ask for one of the ``stated`` kinds of rule, and that the wording
    is made of (words of the kind's pattern: "hvem", "bestemmer"), not the words it lets stand between them
    ("medlemmene" in "har medlemmene våre rett til")."""
    return frozenset(
        word
        for i in stated
        for m in i.asks.finditer(question)
        for word in WORD_RE.findall(fold(m.group(0)))
        if re.search(rf"(?<![a-zæøå]){re.escape(word)}(?![a-zæøå])", i.asks.pattern)
    )


def focus_words(
    question: str, hits: Sequence[Hit], bm25: BM25Index, stated: Sequence[Intent] | None = None
) -> list[tuple[str, float, bool]]:
    """(word, weight, used) for each asked word: its rarity weight (``FOCUS_ZIPF`` minus its Zipf
    frequency) and whether the best passages use it (as a word, lemma, compound part or one-edit
    inflection), or state the kind of rule it asks for. Empty for English questions (the sources are
    Norwegian) and without hits."""
    if question_language(question) == "en" or not hits:
        return []
    terms: set[str] = set()
    for hit in hits[:FOCUS_PASSAGES]:
        terms |= bm25.chunk_terms(hit.chunk.chunk_id)
    stated = stated_rules(question, hits) if stated is None else stated

    # "står det noe i veilederen om …": the name of a document the best passages come from is used by them
    quoted = {hit.chunk.short_name for hit in hits[:FOCUS_PASSAGES]}

    def used(word: str) -> bool:
        return (
            answered_by_a_rule(word, stated, question)
            or uses(word, terms, bm25)
            or names_a_source(word, quoted)
        )

    # A kind of one of the sources' roles ("enhetslederen") says who is involved, not what is asked (as in
    # :func:`salient_terms`); the passages need not name it.
    out = [(w, max(0.0, FOCUS_ZIPF - general_frequency(w)), used(w)) for w in asked_words(question)]
    return [(w, weight, u) for w, weight, u in out if u or not names_a_role(w)]


# "Hvor mange uker …?", "hvor mye …", "how much …": a question for an amount. General interrogatives of
# Bokmål, Nynorsk and English, not fitted to any question.
_ASKS_AMOUNT = re.compile(
    r"\b(hvor mange|hvor mye|hvor lenge|hvor stor|hvor høy|kor mange|kor mykje|kor lenge|kor stor|"
    r"how many|how much|how long)\b",
    re.IGNORECASE,
)
# What states an amount: a number in digits or words, or a fraction or multiple.
_STATES_AMOUNT = re.compile(
    r"\b(\d+|en|ett|én|ei|eitt|to|tre|fire|fem|seks|sju|syv|åtte|ni|ti|elleve|tolv|halv\w*|dobbelt|"
    r"prosent|kroner|kr)\b",
    re.IGNORECASE,
)


_UNITS = frozenset(
    "uke uker uka ukene veke veker veka vekene dag dager dagar dagen dagene døgn time timer timar timen måned "
    "måneder månad månader år året årene gang ganger gonger kroner kr prosent studiepoeng "
    "week weeks day days hour hours month months year years time times".split()
)
"""Units of measure: in "hvor mange uker foreldrepermisjon" what is counted is the word after the unit."""


def unstated_amounts(
    question: str, hits: Sequence[Hit], bm25: BM25Index, *, max_zipf: float
) -> tuple[str, ...]:
    """The amounts a question asks for ("hvor mange uker foreldrepermisjon får far") that no sentence of
    the best passages states: no sentence using the asked topic (the part's rarest content word) holds a
    number. Such a part is uncovered even when the topic itself is named in the sources. A topic word in
    general use (Zipf ``max_zipf`` or more: "maks" in "hvor lenge kan man maks være borte") names no subject
    the sources could be silent on, so it counts as known. Norwegian questions only, as the focus share: an
    English topic word meets the sources only through the glossary."""
    if question_language(question) == "en":
        return ()
    out: list[str] = []
    for part in asking_sentences(question):
        match = _ASKS_AMOUNT.search(part)
        if not match:
            continue
        content = asked_words(part)
        if not content:
            continue
        # "hvor mye ferie …", "hvor mange uker foreldrepermisjon …": what is counted follows the interrogative
        # (after a unit of measure); otherwise the part's rarest content word is its topic
        tail = part[match.end() :]
        counted = [w for w in asked_words(tail) if w in content and w not in _UNITS]
        following = tail.split()
        topic = (
            counted[0]
            if counted and following and fold(following[0]).strip(",.?!") in {counted[0], *_UNITS}
            else min(content, key=general_frequency)
        )
        # A sentence states the amount when it speaks of the part's topic, or, for a topic the sources know or a
        # word of the wording that asks for the rule ("drøye"), when it is worded as the kind of rule the part
        # asks for ("hvor lenge kan de la være å svare?" is answered by "senest innen seks måneder").
        part_kinds = asked_intents(part)
        known = (
            general_frequency(topic) >= max_zipf
            or is_known(topic, bm25)
            or answered_by_a_rule(topic, part_kinds, part)
        )
        kinds = part_kinds if known else ()
        stated = any(
            _STATES_AMOUNT.search(span.text)
            and (uses(topic, bm25.text_terms(span.text), bm25) or decides(kinds, span.text))
            for hit in hits[:FOCUS_PASSAGES]
            for span in split_sentences(hit.chunk.text)
        )
        if not stated:
            asked = part[match.start() :].rstrip(" ?!.")
            out.append(asked[:1].lower() + asked[1:])
    return tuple(out)


def focus_share(
    question: str, hits: Sequence[Hit], bm25: BM25Index, stated: Sequence[Intent] | None = None
) -> float | None:
    """Rarity-weighted share of the asked words that the best passages use (:func:`focus_words`).

    Near-domain questions ("overtid", "streik", "foreldrepermisjon") retrieve passages that
    are close in embedding space but do not use the words that carry the question. None for
    English questions and for questions with no weighted words.
    """
    words = focus_words(question, hits, bm25, stated)
    total = sum(weight for _w, weight, _used in words)
    if total <= 0:
        return None
    return sum(weight for _w, weight, used in words if used) / total


def narrative_named(top_dense: float, settings: AnswerabilitySettings) -> bool:
    """Whether the narrative's rare words are named at all: only when the best passage is less similar than
    ``settings.context_dense`` (a question the sources answer closely is about what they answer)."""
    return top_dense < settings.context_dense


def evidence_of(
    question: str, hits: Sequence[Hit], bm25: BM25Index, settings: AnswerabilitySettings
) -> Evidence:
    """Summarise how well the sources cover ``question``."""
    top_dense = max((h.dense for h in hits), default=0.0)
    exact = any(h.exact_provision for h in hits)
    terms = salient_terms(question, settings)
    stated = stated_rules(question, hits)
    covered = tuple(t for t in terms if is_known(t, bm25) or answered_by_a_rule(t, stated, question))
    uncovered = tuple(t for t in terms if t not in covered)
    return Evidence(
        top_dense=top_dense,
        exact=exact,
        covered=covered,
        uncovered=uncovered,
        asks=asks_something(question),
        focus=focus_share(question, hits, bm25, stated),
        rule_stated=bool(stated),
        context_uncovered=tuple(t for t in context_terms(question, settings) if not is_known(t, bm25))
        if narrative_named(top_dense, settings)
        else (),
        unstated=unstated_amounts(question, hits, bm25, max_zipf=settings.max_zipf),
    )


def decide(
    evidence: Evidence, settings: AnswerabilitySettings, *, completed_from_history: bool = False
) -> str:
    """ "answer", "partial" or "refuse" (see the module docstring).

    ``completed_from_history``: the passages were retrieved with earlier turns joined
    in, so their closeness says nothing about a new term the follow-up brings in; then
    a follow-up whose asked-about rare terms are all uncovered is refused.
    """
    if evidence.exact:
        return "answer"
    if evidence.top_dense < settings.min_dense or not evidence.asks:
        return "refuse"
    if not evidence.uncovered:
        off_focus = evidence.focus is not None and evidence.focus < settings.min_focus
        if off_focus and evidence.top_dense < settings.focus_dense:
            return "refuse"
        # The narrative's unknown words and unstated amounts never refuse (the rest may be covered), but are named.
        return "partial" if evidence.context_uncovered or evidence.unstated else "answer"
    # A question about a kind of rule ("may they refuse?") that a best passage states is answered in part
    # even when its rare words are all unknown: the rule is quoted and the unknown words are named.
    far = evidence.top_dense < settings.refuse_dense and not evidence.rule_stated
    if not evidence.covered and (completed_from_history or far):
        return "refuse"
    return "partial"


def uncovered_note(terms: Sequence[str], *, nearest: bool = False) -> str:
    """What an answer in part says of the uncovered ``terms``: that the sources are silent and who can help;
    with ``nearest`` (the question itself is uncovered), also that the quotes after it are only the nearest
    the sources come."""
    note = f"{uncovered_sentence(terms)} {UNCOVERED_HELP}"
    return f"{note}\n\n{NEAREST_TEXT}" if nearest else note


def uncovered_sentence(terms: Sequence[str]) -> str:
    """ "Kildene sier ingenting om a, b og c." for the uncovered ``terms``."""
    terms = list(terms)
    joined = terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + " og " + terms[-1]
    return UNCOVERED_TEXT.format(terms=joined)


def in_part(answer: Answer, gap: Gap) -> Answer:
    """``answer`` with "Kildene sier ingenting om …" and who can help, when the sources leave part of the
    question uncovered: at the end for a detail, first when it is what the question asks."""
    if not gap.terms:
        return answer
    return answer.with_uncovered(gap.terms, uncovered_note(gap.terms, nearest=gap.asked), first=gap.asked)


def refused_answer(
    question: str,
    standalone: str,
    passages: tuple[Passage, ...],
    notices: tuple[str, ...],
    timings: dict[str, float],
    text: str = REFUSAL_TEXT,
) -> Answer:
    """The refusal of ``question`` (``text``: the sources do not cover it, or there was no question)."""
    return Answer(
        question=question,
        text=text,
        refused=True,
        citations=(),
        passages=passages,
        method="refusal",
        standalone_question=standalone,
        notices=notices,
        timings=timings,
    )
