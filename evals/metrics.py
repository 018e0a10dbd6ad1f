"""Evaluation metrics: small deterministic functions first, an optional model judge last.

Every aggregate returns ``None`` when it cannot be computed (no items, no
citations, ...). ``None`` means "unmeasured" and is shown as such; it is never
turned into 0 or NaN.

Citation support (ALCE-style precision and recall) is judged here
independently of the assistant's own validator: a sentence is supported by a
passage if its normalised text is contained in the passage, or if at least
:data:`TOKEN_COVERAGE` of its content tokens occur in one window of
:data:`WINDOW_SENTENCES` consecutive passage sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from assistant.models import Answer, Passage
from assistant.refusal import uncovered_sentence
from core.function_words import STOPWORDS
from core.sentences import ABBREVIATIONS
from evals.dataset import contains_evidence, normalize

TOKEN_COVERAGE = 0.8
WINDOW_SENTENCES = 3
MAX_K = 10


JudgeFn = Callable[[str, str], bool]
"""A support judge: (sentence, passage text) -> supported?"""

_MARKER = re.compile(r"\[(\d+(?:\s*[-–,;]\s*\d+)*)\]")
_MARKERS_AFTER_END = re.compile(r"([.!?…:])((?:\s*\[\d+(?:\s*[-–,;]\s*\d+)*\])+)")
_WORD = re.compile(r"[^\W\d_]{3,}")
# A sentence ends at . ! ? … : or after a marker group "[n]", when what follows starts a new
# sentence: a capital (optionally after a quote or bracket), "§", a list label "b. " or "(2) ".
_BOUNDARY = re.compile(r"(?:[.!?…:]|\])(?=\s+(?:[«\"“(\[]?[A-ZÆØÅ]|§|[a-zæøå]\.\s|\(\w{1,3}\)\s))")
_BULLET = re.compile(r"^\s*(?:[-•*–]|\d+[.)])\s+")


# ---------------------------------------------------------------------- sentences


def split_sentences(text: str) -> list[str]:
    """Split text (an answer or a passage) into sentences, keeping ``[n]`` markers.

    Markers placed after the full stop ("... år. [1]") are moved before it, so
    they stay with the sentence they follow. Within a line, a sentence ends at
    sentence punctuation, a colon or a marker group when a capital, "§" or a
    list label ("b. ", "(2) ") follows, but not after abbreviations ("jf.",
    "pkt.", "m.v."). A line break ends a sentence only after sentence
    punctuation, a colon or a marker, before a list bullet, or at a Markdown
    heading; other line breaks (from PDF extraction) are joined.
    Takes any text; returns non-empty, stripped sentences.
    """
    text = _MARKERS_AFTER_END.sub(r"\2\1", text)
    blocks: list[str] = []
    current = ""
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line:
            continue
        starts_block = bool(_BULLET.match(line)) or line.startswith("#")
        prev_closed = current.endswith((".", "!", "?", ":", "…", "]")) or current.startswith("#")
        if current and (starts_block or prev_closed):
            blocks.append(current)
            current = line
        else:
            current = f"{current} {line}".strip()
    if current:
        blocks.append(current)
    sentences: list[str] = []
    for block in blocks:
        sentences.extend(_split_block(block))
    return [s for s in (s.strip() for s in sentences) if s]


def _split_block(block: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(block):
        if block[match.start()] == ".":
            before = block[start : match.start()]
            last_word = before.rsplit(None, 1)[-1].lower().lstrip('(«"') if before.split() else ""
            if last_word in ABBREVIATIONS or len(last_word) == 1:
                continue
        parts.append(block[start : match.end()])
        start = match.end()
    parts.append(block[start:])
    return parts


def markers(sentence: str) -> list[int]:
    """The passage numbers cited in ``sentence`` ("[1]", "[2][3]", "[1, 4]", "[2-4]"), in order, no repeats.

    A range expands to its members (at most 20 of them).
    """
    found: list[int] = []
    for group in _MARKER.findall(sentence):
        for part in re.split(r"\s*[,;]\s*", group):
            bounds = [int(x) for x in re.findall(r"\d+", part)]
            numbers = (
                range(bounds[0], bounds[1] + 1)
                if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] <= 20
                else bounds
            )
            for n in numbers:
                if n not in found:
                    found.append(n)
    return found


def strip_markers(sentence: str) -> str:
    """``sentence`` without its ``[n]`` markers and list bullets, whitespace tidied."""
    text = _BULLET.sub("", _MARKER.sub("", sentence))
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def content_tokens(text: str) -> set[str]:
    """Lower-cased words of three or more letters, minus :data:`STOPWORDS`."""
    return {w for w in _WORD.findall(text.lower()) if w not in STOPWORDS}


# ---------------------------------------------------------------------- support judge


def passage_windows(passage_text: str, size: int = WINDOW_SENTENCES) -> list[str]:
    """Windows of ``size`` consecutive sentences of a passage (one window if it is shorter)."""
    sentences = split_sentences(passage_text) or [passage_text]
    if len(sentences) <= size:
        return [" ".join(sentences)]
    return [" ".join(sentences[i : i + size]) for i in range(len(sentences) - size + 1)]


def supports(sentence: str, passage_text: str) -> bool:
    """Deterministic judge: does ``passage_text`` support ``sentence`` (markers ignored)?

    True if the normalised sentence (without trailing punctuation) is contained in
    the normalised passage, or if at least :data:`TOKEN_COVERAGE` of the
    sentence's content tokens occur in one passage window. A sentence without
    content tokens is supported only by containment.
    """
    claim = strip_markers(sentence)
    needle = normalize(claim).rstrip(" .!?:;…")
    if needle and needle in normalize(passage_text):
        return True
    tokens = content_tokens(claim)
    if not tokens:
        return False
    for window in passage_windows(passage_text):
        found = tokens & content_tokens(window)
        if len(found) / len(tokens) >= TOKEN_COVERAGE:
            return True
    return False


@dataclass(frozen=True)
class SentenceSupport:
    """One answer sentence, the passages it cites and which of them support it."""

    sentence: str
    cited: tuple[int, ...]
    supporting: tuple[int, ...]

    @property
    def supported(self) -> bool:
        """True if at least one citation supports the sentence."""
        return bool(self.supporting)


def _passage_for(answer: Answer, n: int) -> Passage | None:
    return next((p for p in answer.passages if p.n == n), None)


def sentence_support(answer: Answer, judge: JudgeFn = supports) -> list[SentenceSupport]:
    """Judge each sentence of a non-refused answer against the passages it cites.

    Sentences without content (no word of three letters, e.g. a lone bullet)
    and the sentence naming what the sources do not cover are skipped. A marker naming a passage the answer does not hold counts as
    an unsupported citation. Refused answers give an empty list.
    """
    if answer.refused:
        return []
    # "Kildene sier ingenting om x." states what the sources lack; it makes no claim to cite.
    silence = uncovered_sentence(answer.uncovered) if answer.uncovered else None
    result: list[SentenceSupport] = []
    for sentence in split_sentences(answer.text):
        if not _WORD.search(strip_markers(sentence)) or sentence.strip() == silence:
            continue
        cited = tuple(markers(sentence))
        supporting = []
        for n in cited:
            passage = _passage_for(answer, n)
            if passage is not None and judge(sentence, passage.chunk.text):
                supporting.append(n)
        result.append(SentenceSupport(strip_markers(sentence), cited, tuple(supporting)))
    return result


def citation_precision(supports_: Iterable[SentenceSupport]) -> float | None:
    """Share of citations (sentence-marker pairs) whose passage supports the sentence; None without citations."""
    total = good = 0
    for s in supports_:
        total += len(s.cited)
        good += len(s.supporting)
    return good / total if total else None


def citation_recall(supports_: Iterable[SentenceSupport]) -> float | None:
    """Share of answer sentences with at least one supporting citation; None without sentences."""
    flags = [s.supported for s in supports_]
    return sum(flags) / len(flags) if flags else None


# ---------------------------------------------------------------------- retrieval


def first_hit_rank(passage_texts: Sequence[str], evidence: Sequence[str]) -> int | None:
    """1-based rank of the first text containing an evidence span, or None."""
    for rank, text in enumerate(passage_texts, 1):
        if contains_evidence(text, tuple(evidence)):
            return rank
    return None


def hit_at_k(ranks: Sequence[int | None], k: int) -> float | None:
    """Share of items whose first hit is within the top ``k``; None for no items."""
    if not ranks:
        return None
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def hit_curve(ranks: Sequence[int | None], max_k: int = MAX_K) -> list[float | None]:
    """``hit_at_k`` for k = 1..``max_k``."""
    return [hit_at_k(ranks, k) for k in range(1, max_k + 1)]


def mean_reciprocal_rank(ranks: Sequence[int | None]) -> float | None:
    """Mean of 1/rank (0 for a miss) over items; None for no items."""
    if not ranks:
        return None
    return sum(1.0 / r for r in ranks if r is not None) / len(ranks)


# ---------------------------------------------------------------------- answers


def answer_cites_evidence(answer: Answer, evidence: Sequence[str]) -> bool:
    """True if the answer is not refused and cites a passage that contains an evidence span.

    Citations are resolved by chunk id among the answer's passages, falling back
    to the passage number; a citation's own quote is not enough.
    """
    if answer.refused:
        return False
    by_id = {p.chunk.chunk_id: p for p in answer.passages}
    for citation in answer.citations:
        passage = by_id.get(citation.chunk_id) or _passage_for(answer, citation.n)
        if passage is not None and contains_evidence(passage.chunk.text, tuple(evidence)):
            return True
    return False


def answer_quotes_evidence(answer: Answer, evidence: Sequence[str]) -> bool:
    """True if the answer is not refused and its own text holds an evidence span (citation markers left out).

    Stricter than :func:`answer_cites_evidence`, which counts a span anywhere in a cited passage: a longer
    passage holds more spans, so that rate rises with the chunk size while the answer's text need not change.
    """
    if answer.refused:
        return False
    return contains_evidence(_MARKER.sub("", answer.text), tuple(evidence))


def rate(flags: Sequence[bool]) -> float | None:
    """Share of True in ``flags``; None if empty."""
    return sum(flags) / len(flags) if flags else None


def refusal_rates(refused: Sequence[bool], out_of_scope: Sequence[bool]) -> tuple[float | None, float | None]:
    """(oos_refusal_rate, false_refusal_rate) from parallel per-item flags.

    oos_refusal_rate: refused out-of-scope items / out-of-scope items.
    false_refusal_rate: refused in-scope items / in-scope items. Each is None
    when its denominator is 0.
    """
    oos = [r for r, o in zip(refused, out_of_scope, strict=True) if o]
    ins = [r for r, o in zip(refused, out_of_scope, strict=True) if not o]
    return rate(oos), rate(ins)


def percentile(values: Sequence[float], p: float) -> float | None:
    """The ``p``-th percentile (0-100) with linear interpolation; None if empty."""
    if not values:
        return None
    import numpy as np

    return float(np.percentile(values, p))


# ---------------------------------------------------------------------- optional model judge

_JUDGE_PROMPT = (
    "You check citations in Norwegian answers. Reply with exactly one word, YES or NO.\n"
    "Does the PASSAGE fully support the CLAIM (the claim says nothing the passage does not say)?\n\n"
    "PASSAGE:\n{passage}\n\nCLAIM:\n{claim}\n\nAnswer YES or NO:"
)


def make_llm_judge(settings: object) -> JudgeFn | None:
    """A yes/no support judge backed by the configured chat model, or None if no LLM is configured.

    Takes the :class:`core.settings.Settings`; returns a :data:`JudgeFn`. The
    judge answers False when the model call fails, so an unreachable model lowers
    the model-judged scores instead of stopping the run (the caller logs it).
    """
    llm = getattr(settings, "llm", None)
    if llm is None or llm.provider == "none":
        return None
    if llm.provider == "openai":
        from langchain_openai import ChatOpenAI

        model: object = ChatOpenAI(
            base_url=llm.base_url or None,
            model=llm.model,
            api_key=llm.api_key,
            temperature=0,
            timeout=llm.timeout_s,
            max_completion_tokens=4,
            max_retries=1,
        )
    else:
        from langchain_ollama import ChatOllama

        model = ChatOllama(base_url=llm.base_url or None, model=llm.model, temperature=0, num_predict=4)

    def judge(sentence: str, passage_text: str) -> bool:
        prompt = _JUDGE_PROMPT.format(passage=passage_text, claim=strip_markers(sentence))
        try:
            reply = model.invoke(prompt)  # type: ignore[attr-defined]
        except Exception:  # a failed judgement is "not supported", never a crash
            return False
        content = getattr(reply, "content", reply)
        return str(content).strip().upper().startswith(("YES", "JA"))

    return judge
