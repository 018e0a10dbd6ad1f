"""The default answerer: extractive, offline, grounded by construction.

It picks the sentences of the retrieved passages that best answer the
question, keeps them verbatim, orders them (by passage rank, then position)
and cites each with ``[n]``. A lead line names the governing provisions. No
sentence is ever written that is not in a passage, so every citation resolves
to the exact span it quotes.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import numpy as np

from assistant.compose import Candidate, Extract, answer_units, compose, lead_line
from assistant.known import lead_in_roles, named_roles
from assistant.models import Passage
from assistant.prescribed import asks_contents, prescribed
from assistant.rank_signals import sentence_score
from assistant.resolve import cites_any, uncited_labels
from core.answer_settings import ExtractiveSettings
from core.asking import about_other_time, asks_for_questions, clause_asks, question_sentences
from core.intents import Intent, asked_intents, asked_time, decides, unmet_preconditions
from core.provision_queries import names_ledd, parse_query_references
from core.sentences import BULLET_RE, LABEL_RE, Span
from core.text import content_words
from index.lexical import BM25Index
from index.sentences import SentenceVectors, sentence_key

# A question that asks for a list gets the whole list (see list_answer).
WANTS_LIST = re.compile(
    r"\b(hvilke|kva for|which|what)\b.{0,40}\b(spørsmål|spørsmåla|questions|punkter|eksempler)\b|"
    r"\b(liste|list|sjekkliste|checklist)\b",
    re.IGNORECASE,
)
MIN_LIST_ITEMS = 3
MIN_SENTENCE_CHARS = 20  # shorter pieces are headings or list labels, not statements
REFERENCE_MAX_CHARS = 90
_DEFAULT = ExtractiveSettings()


_LOOKUP_WORDS = frozenset(
    [
        "står",
        "sier",
        "hva",
        "vis",
        "les",
        "bestemmelsen",
        "bestemmelse",
        "paragraf",
        "paragrafen",
        "punkt",
        "punktet",
        "pkt",
        "kap",
        "kapittel",
        "hta",
        "aml",
        "arbeidsmiljøloven",
        "hovedtariffavtalen",
        "tariffavtalen",
        "ledd",
        "lyder",
        "teksten",
        "innhold",
        "say",
        "says",
        "show",
        "første",
        "annet",
        "andre",
        "tredje",
        "fjerde",
        "femte",
        "sjette",
        "bokstav",
        "står",
    ]
)


NAMED_LEDD_BONUS = 1.0
"""Added to the sentences of the ledd a question names ("aml. § 12-11 tredje ledd"): more than a sentence's
lexical and rank score together, so the named ledd leads the answer (not tuned; retrieval ranks it first too)."""


CITING_BONUS = NAMED_LEDD_BONUS
"""Added to a sentence that cites a provision the question names when no passage is that provision's own
text ("lønna etter kap 3.4" -> "… etter HTA kap. 3.4 og 5 er det forhandlingsbestemmelser …"): there it is
where the sources speak of it, as a named ledd is (the same size; not tuned)."""


def _is_heading_line(passage: Passage, span: Span) -> bool:
    """True for a line that answers nothing: the chunk's own heading ("14.2 Utdanningspermisjon"), or a
    short line standing alone without final punctuation (or ending in a colon) or a list label, such as a
    subheading ("Til refleksjon"), a label introducing a quote ("HTA kap. 3.2 Lokal lønnspolitikk:") or a link
    caption ("KF - Medarbeiderundersøkelse | 10FAKTOR")."""
    text = span.text.strip()
    heading = (passage.chunk.heading or "").strip()
    if heading and text == heading:
        return True
    if len(text) >= 80 or "\n" in text or re.search(r"[.?!]$", text) or LABEL_RE.match(text):
        return False
    source = passage.chunk.text
    alone_before = span.start == 0 or source[: span.start].rstrip(" \t").endswith("\n")
    alone_after = source[span.end :].lstrip(" \t")[:1] in ("", "\n")
    return alone_before and alone_after


def _is_question(sentence: str) -> bool:
    """True for a question in the sources (the guide's reflection and checklist questions)."""
    return sentence.rstrip().endswith("?")


def is_reference_only(sentence: str) -> bool:
    """A short sentence that points to a provision ("Rett til X reguleres av § 12-11") rather than stating a rule."""
    text = " ".join(sentence.split())
    return len(text) <= REFERENCE_MAX_CHARS and bool(parse_query_references(text))


def candidates(
    question: str,
    passages: Sequence[Passage],
    bm25: BM25Index,
    *,
    query_vector: Sequence[float] | None = None,
    sentence_vectors: SentenceVectors | None = None,
    asked: str | None = None,
    uncited: Sequence[str],
    cfg: ExtractiveSettings = _DEFAULT,
) -> list[Candidate]:
    """Every answer-worthy sentence of the best passages, scored against ``question``.

    The score mixes the passage's rank, the sentence's lexical overlap with the
    question and, when vectors are given, its embedding similarity relative to
    the best sentence. ``uncited`` are the provisions the question names that no passage is the text of
    (:func:`assistant.resolve.uncited_labels`): a sentence citing one is scored as a named ledd is.
    """
    q_stems = set(bm25.query_terms(question))
    asked = question if asked is None else asked
    intents, focus = asked_intents(asked), asked_time(asked)
    statements_only = not asks_for_questions(asked)
    unmet = unmet_preconditions(question)
    # A bare lookup ("hva står i 4.2.4") asks for the provision itself: quote it from the top.
    rest = {w for w in content_words(question) if not w[:1].isdigit()} - _LOOKUP_WORDS
    # The name of the document whose provision is named ("kompetanseplanen punkt 3") is part of the reference.
    names = {
        p.chunk.short_name.lower() for p in passages if p.exact_provision and len(p.chunk.short_name) >= 2
    }
    rest = {w for w in rest if not any(w.startswith(n) for n in names)}
    lookup = not rest
    found: list[tuple[Passage, Span, tuple[Span, ...], float, int, float]] = []
    order = 0
    for rank, passage in enumerate(passages[: cfg.passages_considered]):
        prior = cfg.rank_prior[min(rank, len(cfg.rank_prior) - 1)]
        exact = passage.exact_provision
        named = in_named_ledd(passage, question)
        for span, members in answer_units(passage.chunk):
            order += 1
            if len(span.text.strip()) < MIN_SENTENCE_CHARS or _is_heading_line(passage, span):
                continue
            if lookup and exact:
                found.append(
                    (passage, span, members, 2.0 - 0.01 * order + NAMED_LEDD_BONUS * named, order, 0.0)
                )
                continue
            # a unit is read whole: a list's lead-in says what its bullet or items are about
            text = " ".join(m.text for m in members) if members else span.text
            lexical = sentence_score(q_stems, text, bm25)
            score = prior * (0.35 + lexical) + (0.3 if exact else 0.0)
            if named:
                score += NAMED_LEDD_BONUS
            if uncited and cites_any(text, uncited):
                score += CITING_BONUS
            if is_reference_only(text):
                score *= cfg.reference_factor
            if intents and decides(intents, text):
                score += cfg.deciding_bonus
            if statements_only and _is_question(text):
                score *= cfg.question_factor
            if about_other_time(focus, text):
                score *= cfg.time_mismatch_factor
            if unmet and decides(unmet, text):
                score *= cfg.inapplicable_factor
            found.append((passage, span, members, score, order, prior))
    if not found:
        return []
    dense = np.zeros(len(found))
    if query_vector is not None and sentence_vectors is not None:
        # A unit's similarity is its best member's (each sentence has a stored vector, a unit has none).
        parts = [[sentence_key(m.text) for m in (f[2] or (f[1],))] for f in found]
        vecs = sentence_vectors.vectors([k for keys in parts for k in keys])
        flat = vecs @ np.asarray(query_vector, dtype=np.float32)
        sims = np.empty(len(found))
        at = 0
        for i, keys in enumerate(parts):
            sims[i] = flat[at : at + len(keys)].max()
            at += len(keys)
        dense = np.clip(1.0 - (sims.max() - sims) * 10.0, 0.0, 1.0)
    return [
        Candidate(p, span, score + cfg.w_sentence_dense * prior * float(d), order, members)
        for (p, span, members, score, order, prior), d in zip(found, dense, strict=True)
    ]


def select(
    cands: Sequence[Candidate],
    *,
    intents: Sequence[Intent] = (),
    named_ledd: bool = False,
    cfg: ExtractiveSettings = _DEFAULT,
) -> list[Candidate]:
    """The best sentences: within ``cfg.min_relative`` of the best, at most ``cfg.max_per_passage`` each.

    The deciding rule leads: for a question that asks for one (``intents``, most specific first:
    may the employer refuse, by when, pay, a right), the best chosen sentence worded as that
    rule ("kan likevel ikke kreves …", "har rett til …"); otherwise the best sentence. A question that names a
    ledd (``named_ledd``) is led by the best sentence, which is that ledd's (:data:`NAMED_LEDD_BONUS`).
    """
    if not cands:
        return []
    ranked = sorted(cands, key=lambda c: (-c.score, c.order))
    best = ranked[0].score
    chosen: list[Candidate] = []
    per_passage: dict[int, int] = {}
    # The best sentence worded as the deciding rule is quoted even where its passage's other sentences
    # score higher ("Hvem betaler kurset …?" is answered by "… dekning av legitimerte utgifter", the third
    # sentence of its passage).
    deciding = (
        None
        if named_ledd
        else next((c for intent in intents for c in ranked if decides([intent], c.span.text)), None)
    )
    if deciding is not None and deciding.score >= best * cfg.min_relative:
        chosen.append(deciding)
        per_passage[deciding.passage.n] = 1
    for c in ranked:
        if c in chosen:  # the deciding sentence, taken above
            continue
        if len(chosen) >= cfg.max_sentences:
            break
        if c.score < best * cfg.min_relative and chosen:
            break
        if per_passage.get(c.passage.n, 0) >= cfg.max_per_passage:
            continue
        chosen.append(c)
        per_passage[c.passage.n] = per_passage.get(c.passage.n, 0) + 1
    # The deciding rule first, the rest follow in reading order.
    lead = next(
        (c for intent in ([] if named_ledd else intents) for c in chosen if decides([intent], c.span.text)),
        chosen[0],
    )
    rest = sorted((c for c in chosen if c is not lead), key=lambda c: (c.passage.n, c.span.start))
    return [lead, *rest]


def list_answer(
    cands: Sequence[Candidate],
    *,
    prescribing: set[str] | None = None,
    questions: bool = False,
    roles: frozenset[str] = frozenset(),
) -> list[Candidate]:
    """The whole list of the best-scoring list passage: its lead-in and every item, in order.

    A user who asks for a list ("hvilke spørsmål kan jeg stille") gets all of it,
    not the single best item. Empty when no passage among the candidates holds
    a list of at least ``MIN_LIST_ITEMS`` items. With ``prescribing`` (stems of the documents a question asks
    the contents of), only a list whose lead-in prescribes one of them counts ("Den lokale lønnspolitikken
    skal:" for "hva skal lønnspolitikken inneholde"). With ``questions`` (the user asks for questions to raise),
    only a list of questions counts, never a bulleted list of statements on the same subject. With ``roles`` (whom the
    post names: a leader and a tillitsvalgt planning together), a list whose lead-in is for others ("mellom leder og
    medarbeider") gives way to one for them, when the candidates hold one.
    """
    if roles:
        for_them = [c for c in cands if not roles - lead_in_roles(c.passage.chunk.text)]
        found = list_answer(for_them, prescribing=prescribing, questions=questions) if for_them else []
        if found:
            return found
    by_passage: dict[int, list[Candidate]] = {}
    for c in cands:
        by_passage.setdefault(c.passage.n, []).append(c)
    best: list[Candidate] = []
    best_score = 0.0
    for group in by_passage.values():
        items = [c for c in group if BULLET_RE.match(c.span.text)]
        if len(items) < MIN_LIST_ITEMS:
            continue
        if questions and sum(_is_question(c.span.text) for c in items) * 2 <= len(items):
            continue
        score = max(c.score for c in group)
        if score > best_score:
            first = min(c.span.start for c in items)
            lead_in = [c for c in group if c.span.start < first and c.span.text.rstrip().endswith(":")]
            # a statement list's lead-in is the first member of each of its bullets' units
            heading = (
                lead_in[-1].span.text if lead_in else (items[0].members[0].text if items[0].members else "")
            )
            if prescribing is not None and not prescribed(heading) & prescribing:
                continue
            rest = [c for c in group if c.span.start >= first]
            if prescribing is not None:  # what the list prescribes: its items, not the sentences after it
                rest = list(itertools.takewhile(lambda c: BULLET_RE.match(c.span.text), rest))
            best = [*lead_in[-1:], *rest]
            best_score = score
    return sorted(best, key=lambda c: c.span.start)


def in_named_ledd(passage: Passage, question: str) -> bool:
    """True when ``passage`` is the ledd of a named provision that ``question`` names ("§ 12-11 tredje ledd")."""
    return passage.exact_provision and names_ledd(question, passage.chunk.section_path)


def _part_fit(
    c: Candidate,
    stems: set[str],
    intents: Sequence[Intent],
    bm25: BM25Index,
    cfg: ExtractiveSettings,
    part: str = "",
) -> float:
    """How well a sentence answers one part: its lexical match, plus the bonus for the rule the part asks for;
    a sentence of the ledd the part names ("Hva sier tredje ledd?") answers it whatever its words."""
    lex = sentence_score(stems, c.span.text, bm25)
    if in_named_ledd(c.passage, part):
        lex = max(lex, 1.0)
    return lex + cfg.deciding_bonus if intents and decides(intents, c.span.text) else lex


def select_parts(
    parts: Sequence[str],
    cands: Sequence[Candidate],
    bm25: BM25Index,
    *,
    statements_only: bool = True,
    cfg: ExtractiveSettings = _DEFAULT,
) -> list[list[Candidate]]:
    """For each asked part of a multi-part post, its own best sentences (never one twice); with
    ``statements_only`` (the post does not ask for questions to raise), no question from the sources.

    Parts are scored lexically against the candidates of the one retrieval (the
    whole question's embedding already shaped each candidate's score), so no part
    is embedded on its own. A part no sentence matches gets an empty list.
    """
    used: set[tuple[int, int]] = set()
    out: list[list[Candidate]] = []
    for part in parts:
        stems = set(bm25.query_terms(part))
        intents = asked_intents(part)
        scored = sorted(
            (
                (lex * (0.5 + c.score), lex, c)
                for c in cands
                if (c.passage.n, c.span.start) not in used
                for lex in [_part_fit(c, stems, intents, bm25, cfg, part)]
            ),
            key=lambda t: (-t[0], t[2].order),
        )
        # A part asking about the time of study, or after it, is not answered by a sentence about the other.
        focus = asked_time(part)
        scored = [t for t in scored if not about_other_time(focus, t[2].span.text)]
        # A post that does not ask for questions to raise is answered by statements, never by the guide's questions.
        if statements_only:
            scored = [t for t in scored if not _is_question(t[2].span.text)]
        # A part that asks for a kind of rule is answered by the sentences stating it, when any does.
        stating = [t for t in scored if intents and decides(intents, t[2].span.text)]
        picked = [c for _, lex, c in (stating or scored)[: cfg.per_part] if lex >= cfg.min_part_score]
        used.update((c.passage.n, c.span.start) for c in picked)
        # In reading order: within a provision its main rule comes before the special cases.
        out.append(sorted(picked, key=lambda c: (c.passage.n, c.span.start)))
    return out


def _own(part: str) -> str:
    """The part's own question: its last sentence (a part may carry the sentence it refers back to)."""
    return question_sentences(part)[0][-1]


def _asks_list(part: str) -> bool:
    """Whether the part's own question asks for a list or for what a document must contain."""
    own = _own(part)
    return bool(WANTS_LIST.search(own)) or asks_contents(own)


def extractive_answer(
    question: str,
    passages: Sequence[Passage],
    bm25: BM25Index,
    *,
    query_vector: Sequence[float] | None = None,
    sentence_vectors: SentenceVectors | None = None,
    parts: Sequence[str] = (),
    asked: str | None = None,
    cfg: ExtractiveSettings = _DEFAULT,
) -> Extract | None:
    """An answer of sentences quoted from ``passages``, or None when none fits.

    A post that asks several things (``parts``, see :func:`core.asking.asking_sentences`)
    gets one short paragraph per part, each with its own citations. ``asked`` is the user's own new
    question when ``question`` was completed from earlier turns (see ``HybridSearcher.search``).
    """
    asked = question if asked is None else asked
    uncited = uncited_labels(question, {p.chunk.provision for p in passages if p.exact_provision})
    cands = candidates(
        question,
        passages,
        bm25,
        query_vector=query_vector,
        sentence_vectors=sentence_vectors,
        asked=asked,
        uncited=uncited,
        cfg=cfg,
    )
    multi = 2 <= len(parts) <= cfg.max_parts
    wants_questions = asks_for_questions(asked)
    listed: list[Candidate] = []
    if WANTS_LIST.search(question):
        # "liste med spørsmål" asks for a list of questions; a list of statements answers no such request
        roles = named_roles(asked) if wants_questions else frozenset()
        listed = list_answer(cands, questions=wants_questions, roles=roles) or (
            list_answer(cands) if wants_questions else []
        )
    # "Hva skal lønnspolitikken inneholde?" asks for all a list prescribes, not its best item
    if not listed and asks_contents(asked):
        listed = list_answer(cands, prescribing=set(bm25.query_terms(asked)))
    # In a post of several questions, the list answers the part that asks for it; the others get their own
    # paragraphs from the rest ("hva skal lønnspolitikken si om kompetanse? hvem tar initiativ til å revidere den?").
    others = (
        [p for p in parts if not _asks_list(p) and clause_asks(_own(p), strict=True)]
        if multi and listed
        else []
    )
    if listed and not (others and len(others) < len(parts)):
        return compose(listed)
    if multi:
        # the list, when there is one, holds the questions asked for; the other parts are answered by statements
        statements_only = bool(listed) or not wants_questions
        shown = {(c.passage.n, c.span.start) for c in listed}
        rest = [c for c in cands if (c.passage.n, c.span.start) not in shown]
        groups = [
            g
            for g in select_parts(others or parts, rest, bm25, statements_only=statements_only, cfg=cfg)
            if g
        ]
        if listed:
            at = next(i for i, p in enumerate(parts) if p not in others)
            groups.insert(min(at, len(groups)), listed)
        # a provision the post names in its story, where the sources speak of it, comes first
        citing = [c for c in cands if uncited and cites_any(c.span.text, uncited)]
        picked = {(c.passage.n, c.span.start) for g in groups for c in g}
        if citing and not any((c.passage.n, c.span.start) in picked for c in citing):
            groups.insert(0, [max(citing, key=lambda c: c.score)])
        if listed and len(groups) < 2:  # no other part found a sentence of its own: the list is the answer
            return compose(listed)
        if len(groups) >= 2:
            paragraphs = [compose(g) for g in groups]
            citations = tuple(c for p in paragraphs for c in p.citations)
            lead = lead_line([c for g in groups for c in g])
            return Extract(text="\n\n".join(p.text for p in paragraphs), lead=lead, citations=citations)
    named_ledd = any(in_named_ledd(p, question) for p in passages)
    chosen = select(cands, intents=asked_intents(asked), named_ledd=named_ledd, cfg=cfg)
    if not chosen:
        return None
    return compose(chosen)
