"""Citations as validated data: sentences, ``[n]`` markers and the spans that support them.

Pure functions, no models. An answer's sentences are split Norwegian-aware
(:func:`split_sentences`), their ``[n]`` markers parsed (:func:`parse_cited_sentences`),
and every marker checked against the passage it names (:func:`support`): a marker
pointing at a passage that was not given, or at one that does not support the
sentence, is removed; a sentence left without a supported marker is dropped
(:func:`validate_answer`). Kept markers become :class:`~assistant.models.Citation`
objects quoting the exact supporting span.

Support is deliberately strict and explainable: verbatim (normalised) containment
scores 1.0; otherwise the share of the claim's content stems (Norwegian Snowball
stemmer, stopwords ignored) found in the best passage sentence or pair of
sentences. Numbers (digits, "§ 12-11", "tre år") and negations in the claim must
appear in the passage, or the claim is unsupported whatever the overlap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.models import Citation, Passage
from core.function_words import STOPWORDS
from core.sentences import LABEL_RE, MARKER_RE, Span, split_sentences
from core.sentences import MARKER_GROUP_RE as _MARKER_GROUP_RE
from core.text import stem

SUPPORT_THRESHOLD = 0.6
"""Least :attr:`Support.score` for a passage to support a sentence.

0.6 means at least 60 % of the sentence's content words (stemmed) occur in one
sentence or two adjacent sentences of the passage; a compound word matching only a
part of a passage word counts half. Verbatim quotes score 1.0.
"""

MIN_KEPT_SHARE = 0.5
"""Least share of an answer's sentences that must survive validation for it to be usable."""

_QUOTES = "«»“”\"'‘’"
_HYPHENS = "\u2010\u2011\u2012\u2013\u2014\u2212"
_STRIP_TABLE = str.maketrans({**dict.fromkeys(_QUOTES + "\u00ad"), **dict.fromkeys(_HYPHENS, "-")})
_WORD_RE = re.compile(r"[^\W\d_]+|\d+(?:[.,:-]\d+)*")
_NUMBER_RE = re.compile(r"\d+(?:[.,:-]\d+)*")

_NUMBER_WORDS = {
    "én": "1", "ett": "1", "to": "2", "tre": "3", "fire": "4", "fem": "5", "seks": "6", "sju": "7",
    "syv": "7", "åtte": "8", "ni": "9", "ti": "10", "elleve": "11", "tolv": "12", "femten": "15",
    "tjue": "20", "tretti": "30", "førti": "40", "femti": "50", "hundre": "100",
}  # fmt: skip
_NEGATIONS = frozenset({"ikke", "ingen", "intet", "aldri", "verken", "not", "no", "never"})


@dataclass(frozen=True)
class CitedSentence:
    """One answer sentence: ``text`` without its markers, the cited ``ns``, and its span in the answer."""

    text: str
    ns: tuple[int, ...]
    start: int
    end: int


@dataclass(frozen=True)
class Support:
    """How well a passage supports a claim: ``score`` in 0..1 and the best span ``[start, end)``."""

    score: float
    start: int
    end: int


@dataclass(frozen=True)
class Validation:
    """The outcome of checking an answer's citations against the passages.

    ``text`` is the answer rebuilt from the kept sentences with only their supported
    markers (original numbering, ``n == passage.n``); ``citations`` has one entry per
    kept (sentence, n) pair quoting the supporting span; ``removed`` lists dropped
    sentences with a Norwegian reason; ``flagged`` lists kept sentences that lost some
    of their markers. ``refused`` is True when the whole answer is the refusal text.
    ``ok`` is True when enough of the answer survived to be shown.
    """

    text: str
    citations: tuple[Citation, ...]
    kept_sentences: tuple[str, ...]
    removed: tuple[tuple[str, str], ...]
    flagged: tuple[tuple[str, str], ...]
    ok: bool
    refused: bool = False

    @property
    def total_sentences(self) -> int:
        """Kept plus removed sentences."""
        return len(self.kept_sentences) + len(self.removed)


def _normalise_with_map(text: str) -> tuple[str, list[int]]:
    """Normalise like :func:`normalise_for_match`; also return each output char's offset in ``text``."""
    out: list[str] = []
    offsets: list[int] = []
    pending_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            pending_space = bool(out)
            continue
        mapped = ch.lower().translate(_STRIP_TABLE)
        if not mapped:
            continue
        if pending_space:
            out.append(" ")
            offsets.append(i - 1)
            pending_space = False
        for m in mapped:
            out.append(m)
            offsets.append(i)
    return "".join(out), offsets


def normalise_for_match(text: str) -> str:
    """Lowercase ``text``, collapse whitespace, drop quote characters and soft hyphens, unify dashes.

    Takes any string; returns the normalised string (stripped at both ends).
    """
    return _normalise_with_map(text)[0]


def marker_numbers(marker: str) -> list[int]:
    """Expand one marker's numbers: "[1, 3]" -> [1, 3], "[2-4]" -> [2, 3, 4] (ranges capped at 50)."""
    ns: list[int] = []
    for part in re.split(r"[,;]", marker.strip("[] ")):
        bounds = [int(x) for x in re.findall(r"\d+", part)]
        if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] <= 50:
            ns.extend(range(bounds[0], bounds[1] + 1))
        else:
            ns.extend(bounds)
    return ns


def strip_markers(text: str) -> str:
    """``text`` without ``[n]`` markers, with the space before following punctuation tidied."""
    cleaned = _MARKER_GROUP_RE.sub("", text)
    cleaned = re.sub(r"\s+([.,;:!?])", r"\1", cleaned)
    return re.sub(r"[ \t]{2,}", " ", cleaned).strip()


def parse_cited_sentences(answer_text: str) -> list[CitedSentence]:
    """Split an answer into sentences and collect each sentence's ``[n]`` markers.

    Handles "[1]", "[1][2]", "[1, 2]", "[1-2]", and markers before or after the final
    period. Returns one :class:`CitedSentence` per sentence (``ns`` deduplicated, in
    order of appearance; empty when the sentence cites nothing).
    """
    out: list[CitedSentence] = []
    for span in split_sentences(answer_text):
        ns: list[int] = []
        for m in MARKER_RE.finditer(span.text):
            ns.extend(n for n in marker_numbers(m.group()) if n not in ns)
        text = strip_markers(span.text)
        if text or ns:
            out.append(CitedSentence(text, tuple(ns), span.start, span.end))
    return out


def _tokens(text: str) -> list[str]:
    return [t.lower().translate(_STRIP_TABLE) for t in _WORD_RE.findall(text.translate(_STRIP_TABLE))]


def _numbers(tokens: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for t in tokens:
        if _NUMBER_RE.fullmatch(t):
            found.add(t.replace(",", "."))
        elif t in _NUMBER_WORDS:
            found.add(_NUMBER_WORDS[t])
    return found


def _content(tokens: Iterable[str]) -> set[str]:
    """Stems of content words plus numbers (as digits)."""
    out: set[str] = set()
    for t in tokens:
        if _NUMBER_RE.fullmatch(t) or t in _NUMBER_WORDS:
            out |= _numbers([t])
        elif t not in STOPWORDS and t not in _NEGATIONS and len(t) > 1:
            out.add(stem(t))
    return out


def _overlap(claim: set[str], span_stems: set[str]) -> float:
    """Share of claim stems found in the span; a compound matching only a part counts half."""
    if not claim:
        return 0.0
    found = 0.0
    for word_stem in claim:
        if word_stem in span_stems:
            found += 1.0
        elif len(word_stem) >= 5 and any(
            (len(s) >= 5 and (s in word_stem or word_stem in s)) for s in span_stems if not s[0].isdigit()
        ):
            found += 0.5
    return found / len(claim)


MIN_QUOTE_WORDS = 3


def _whole_unit(hay: str, a: int, b: int) -> bool:
    """True when ``hay[a:b]`` is a whole sentence or list item (bounded by line/sentence ends)."""
    before = hay[:a].rstrip(" \t•·▪*-–(")
    before = re.sub(r"(?:\(\d{1,2}\)|\b[a-zæøå]\.)\s*$", "", before).rstrip()
    after = hay[b:].lstrip(" \t")
    starts = not before or before.endswith(("\n", ".", "?", "!", ":"))
    ends = not after or after[0] in "\n.?!:;"
    return starts and ends


def support(claim: str, passage_text: str, *, context: str = "") -> Support | None:
    """How well ``passage_text`` supports ``claim`` (markers in the claim are ignored).

    ``context`` (the passage's document name, provision label and section path) may
    supply numbers and words the claim names but the passage body lacks, such as
    "§ 12-11"; it never becomes part of the span. Returns the best-supporting span of
    ``passage_text`` with its score: 1.0 for verbatim (normalised) containment, else
    the content-stem overlap of the best sentence or pair of adjacent sentences.
    Returns None when the claim has no content words, or names a number or a
    negation that no span (with ``context`` for numbers) contains.
    """
    claim = LABEL_RE.sub("", strip_markers(claim))
    claim_tokens = _tokens(claim)
    claim_content = _content(claim_tokens)
    if not claim_content:
        return None
    passage_tokens = _tokens(passage_text)
    allowed_numbers = _numbers(passage_tokens) | _numbers(_tokens(context))
    if not _numbers(claim_tokens) <= allowed_numbers:
        return None
    if any(t in _NEGATIONS for t in claim_tokens) and not any(t in _NEGATIONS for t in passage_tokens):
        return None

    needle = normalise_for_match(claim).rstrip(" .!?:;,")
    hay, offsets = _normalise_with_map(passage_text)
    if needle:
        for m in re.finditer(re.escape(needle), hay):
            a, b = m.start(), m.end()
            bounded = (a == 0 or not hay[a - 1].isalnum()) and (b == len(hay) or not hay[b].isalnum())
            # A quote of one or two words supports nothing unless it is a whole sentence or
            # list item of the passage ("HACKED" lifted from an injected sentence is not).
            if bounded and (len(claim_content) >= MIN_QUOTE_WORDS or _whole_unit(hay, a, b)):
                return Support(1.0, offsets[a], offsets[b - 1] + 1)
    if len(claim_content) < MIN_QUOTE_WORDS:
        return None  # too short to be supported by word overlap alone

    context_stems = _content(_tokens(context))
    claim_numbers = _numbers(claim_tokens) - context_stems
    negated = any(t in _NEGATIONS for t in claim_tokens)
    sentences = split_sentences(passage_text) or [Span(0, len(passage_text), passage_text)]
    # Paragraph and list labels ("(5)", "a.") are not numbers a claim can rely on.
    sentence_tokens = [_tokens(LABEL_RE.sub("", s.text)) for s in sentences]
    sentence_stems = [_content(tokens) for tokens in sentence_tokens]
    best: Support | None = None
    best_precision = 0.0
    for i in range(len(sentences)):
        for j in (i, i + 1):
            if j >= len(sentences):
                continue
            stems = sentence_stems[i] | sentence_stems[j]
            # Numbers and negations must be in the span itself, not anywhere in the passage.
            if not claim_numbers <= stems:
                continue
            if negated and not any(t in _NEGATIONS for t in (*sentence_tokens[i], *sentence_tokens[j])):
                continue
            start, end = sentences[i].start, sentences[j].end
            score = round(_overlap(claim_content - (context_stems - stems), stems), 4)
            # Prefer the higher score, then the span with the fewest words beyond the claim's.
            precision = len(claim_content & stems) / max(1, len(stems))
            if best is None or (score, precision) > (best.score, best_precision):
                best, best_precision = Support(score, start, end), precision
    return best


def make_citation(n: int, passage: Passage, start: int, end: int) -> Citation:
    """A :class:`Citation` for marker ``n`` quoting ``passage.chunk.text[start:end]``."""
    chunk = passage.chunk
    return Citation(
        n=n,
        chunk_id=chunk.chunk_id,
        document=chunk.document,
        provision=chunk.provision,
        section=chunk.section,
        page=chunk.page_start,
        quote=chunk.text[start:end],
        quote_start=start,
    )


def passage_context(passage: Passage) -> str:
    """The words that name a passage (document, provision, section, heading), for :func:`support`."""
    c = passage.chunk
    return " ".join(p for p in (c.document, c.short_name, c.provision or "", c.section, c.heading or "") if p)


def _with_markers(sentence: str, ns: Sequence[int]) -> str:
    markers = "".join(f"[{n}]" for n in ns)
    m = re.search(r"[.!?:]+[»”\"')]*$", sentence)
    if m:
        return f"{sentence[: m.start()]} {markers}{sentence[m.start() :]}"
    return f"{sentence} {markers}"


def validate_answer(
    text: str,
    passages: Sequence[Passage],
    *,
    threshold: float = SUPPORT_THRESHOLD,
    min_kept_share: float = MIN_KEPT_SHARE,
    refusal_text: str | None = None,
) -> Validation:
    """Check every ``[n]`` marker in ``text`` against ``passages`` and keep only what is supported.

    A marker n that names no passage (``passage.n``) or whose passage does not
    support its sentence (:func:`support` below ``threshold``) is removed; a
    sentence left without a supported marker is dropped with a reason. If the
    whole answer equals ``refusal_text``, returns ``refused=True`` (and ``ok=False``).
    ``ok`` is True when at least one sentence and at least ``min_kept_share`` of the
    sentences were kept. Never raises for any input text.
    """
    by_n = {p.n: p for p in passages}
    if refusal_text and _is_refusal(text, refusal_text):
        return Validation(refusal_text, (), (), (), (), ok=False, refused=True)
    kept: list[tuple[CitedSentence, list[int]]] = []
    citations: list[Citation] = []
    removed: list[tuple[str, str]] = []
    flagged: list[tuple[str, str]] = []
    cache: dict[tuple[str, int], Support | None] = {}
    for sentence in parse_cited_sentences(text):
        if not sentence.ns:
            removed.append((sentence.text, "mangler kildehenvisning"))
            continue
        good: list[int] = []
        reasons: list[str] = []
        for n in sentence.ns:
            passage = by_n.get(n)
            if passage is None:
                reasons.append(f"kilde [{n}] finnes ikke")
                continue
            key = (sentence.text, n)
            if key not in cache:
                cache[key] = support(sentence.text, passage.chunk.text, context=passage_context(passage))
            found = cache[key]
            if found is None or found.score < threshold:
                score = f" ({found.score:.2f})" if found else ""
                reasons.append(f"kilde [{n}] støtter ikke setningen{score}")
                continue
            good.append(n)
            citations.append(make_citation(n, passage, found.start, found.end))
        if good:
            kept.append((sentence, good))
            if reasons:
                flagged.append((sentence.text, "; ".join(reasons)))
        else:
            removed.append((sentence.text, "; ".join(reasons)))
    total = len(kept) + len(removed)
    ok = bool(kept) and len(kept) >= min_kept_share * total
    return Validation(
        text=_rebuild(text, kept),
        citations=tuple(citations),
        kept_sentences=tuple(s.text for s, _ in kept),
        removed=tuple(removed),
        flagged=tuple(flagged),
        ok=ok,
    )


def _rebuild(original: str, kept: Sequence[tuple[CitedSentence, list[int]]]) -> str:
    """Join kept sentences with their kept markers, keeping line breaks between them."""
    parts: list[str] = []
    prev_end = 0
    for sentence, ns in kept:
        gap = original[prev_end : sentence.start]
        if parts:
            parts.append("\n\n" if "\n\n" in gap else "\n" if "\n" in gap else " ")
        parts.append(_with_markers(sentence.text, ns))
        prev_end = sentence.end
    return "".join(parts)


def _is_refusal(text: str, refusal_text: str) -> bool:
    return normalise_for_match(strip_markers(text)).rstrip(".") == normalise_for_match(refusal_text).rstrip(
        "."
    )
