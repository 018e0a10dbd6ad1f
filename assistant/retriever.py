"""Hybrid retrieval: exact provision lookup + stemmed BM25 + dense, fused and re-ranked.

Steps, each a small function: resolve provision references named in the
question; rank by BM25 and by the embedder; fuse with reciprocal rank fusion;
re-rank with what we know about a chunk (its provision label, its section
titles, how much of the question it covers). ``assistant.langchain_retriever``
exposes the result as a LangChain ``BaseRetriever``.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from assistant.asked_terms import content_words
from assistant.contracts import QueryEmbedder, SearchIndex
from assistant.deferral import deferrals, still_decides
from assistant.known import lead_in_roles, named_roles, role_of, uses
from assistant.models import Hit
from assistant.prescribed import asks_contents, prescribed
from assistant.rank_signals import (
    Candidate,
    best_sentence,
    best_sentence_score,
    rrf_fuse,
    sentence_closeness,
    sentence_rows,
    title_overlap,
    unit,
    unit_rows,
)
from assistant.resolve import question_labels, refers_to
from core.answer_settings import RetrievalSettings
from core.asking import about_other_time, asked_text, asks_for_questions, asks_role
from core.function_words import STOPWORDS
from core.intents import (
    GENERAL_KIND,
    PAYMENT_KINDS,
    Intent,
    asked_intents,
    asked_time,
    decides,
    right_objects,
)
from core.models import Chunk
from core.provision_queries import names_ledd
from core.sentences import BULLET_RE, split_sentences
from core.text import with_equivalents, words
from index.lexical import BM25Index

EXACT_BONUS = 10.0
"""Added to a chunk whose provision the question names: a named provision always ranks first (not tuned).
The re-ranking weights are in :class:`core.answer_settings.RetrievalSettings`."""

PRESCRIBES = "prescribed contents"
"""The key of the passages prescribing a document's contents among the rarities of kinds of rule."""

LEDD_BONUS = 5.0
"""Added to the ledd a question names ("§ 12-11 tredje ledd", "(3)"): more than all the re-ranking terms
together, so the named ledd ranks first among its provision's chunks, whatever kind of rule the question's
other words suggest (not tuned)."""


class HybridSearcher:
    """Thread-safe hybrid search over a :class:`SearchIndex`.

    The BM25 index and the matrix of chunk vectors are rebuilt from the index whenever
    its generation changes (checked by :meth:`refresh`). Dense search is exact, in
    memory (one matrix product): no round trip to the store per question, and no
    filtering of the chunks from the sentences stored beside them, which made the
    store's query slow down as the corpus grew.
    """

    def __init__(self, index: SearchIndex, embedder: QueryEmbedder, settings: RetrievalSettings) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._chunks: list[Chunk] = []
        self._position: dict[str, int] = {}
        self._bm25: BM25Index | None = None
        self._titles: dict[str, set[str]] = {}
        self._qshare: dict[int, float] = {}
        self._subjects: dict[int, frozenset[str]] = {}
        self._deferrals: dict[int, set[str]] = {}
        self._provisions: frozenset[str | None] = frozenset()
        self._rarities: dict[str, float] = {}
        # unit-length chunk vectors, one row per chunk
        self._matrix: np.ndarray = np.zeros((0, 1), np.float32)
        # unit-length stored sentence vectors, and each chunk's rows among them
        self._sentence_matrix: np.ndarray = np.zeros((0, 1), np.float32)
        self._sentence_rows: list[np.ndarray] = []

    # -- state ---------------------------------------------------------------
    def refresh(self, *, force: bool = False) -> bool:
        """Rebuild the lexical index if the vector index changed; True if rebuilt."""
        generation = self.index.generation()
        if not force and generation == self._generation and self._bm25 is not None:
            return False
        with self._lock:
            if not force and generation == self._generation and self._bm25 is not None:
                return False
            snapshot = self.index.snapshot()
            chunks = snapshot.chunks
            position = {c.chunk_id: i for i, c in enumerate(chunks)}
            self._matrix = unit_rows(snapshot.chunk_matrix)
            self._sentence_matrix, self._sentence_rows = sentence_rows(snapshot)
            self._bm25 = BM25Index(chunks)
            self._chunks = chunks
            self._position = position
            self._titles = {}
            self._qshare = {}
            self._subjects = {}
            self._deferrals = deferrals(chunks, self._bm25.vocab)
            self._provisions = frozenset(c.provision for c in chunks)
            self._rarities = {}
            self._generation = generation
        return True

    @property
    def chunks(self) -> list[Chunk]:
        """All committed chunks in (document, position) order."""
        if self._bm25 is None:
            self.refresh()
        return self._chunks

    @property
    def bm25(self) -> BM25Index:
        """The current lexical index."""
        if self._bm25 is None:
            self.refresh()
        assert self._bm25 is not None
        return self._bm25

    # -- search --------------------------------------------------------------
    def exact_matches(self, question: str, labels: Sequence[str] | None = None) -> list[int]:
        """Positions of chunks whose provision label the question names, in document order.

        A provision named with its document ("kompetanseplanen punkt 3", "Hovedavtalen § 3-5") is
        resolved among the indexed documents; otherwise the common forms ("HTA 14.2", "§ 12-11").
        ``labels`` are the question's provision labels when the caller already has them.
        """
        labels = question_labels(question, self.chunks) if labels is None else labels
        if not labels:
            return []
        return [i for i, c in enumerate(self.chunks) if c.provision in labels]

    def citing_matches(self, question: str, labels: Sequence[str] | None = None) -> list[int]:
        """Positions of chunks that cite a provision the question names which no chunk is: where the
        sources discuss it ("lønnet etter HTA kap. 3.4" finds the guide's paragraph on kap. 3.4, since the
        index holds no text of 3.4 itself). A sub-point counts for its point (3.4.4 for 3.4). ``labels`` as
        for :meth:`exact_matches`."""
        chunks = self.chunks  # loads the index, and with it the provisions it holds
        labels = question_labels(question, chunks) if labels is None else labels
        missing = [label for label in labels if label not in self._provisions]
        if not missing:
            return []
        return [i for i, c in enumerate(chunks) if refers_to(c.references, missing)]

    def search(
        self,
        question: str,
        k: int | None = None,
        vector: Sequence[float] | None = None,
        parts: Sequence[str] = (),
        slots: int = 4,
        asked: str | None = None,
    ) -> list[Hit]:
        """The ``k`` best hits for a standalone question, best first.

        ``vector`` is the question's embedding when the caller already has it. ``parts`` are
        the questions inside a multi-part post: each is ranked on its own words (with the
        whole question's embedding, so nothing more is embedded), and each part's best hit
        is placed among the first ``slots`` hits (the passages the answerer quotes from),
        replacing the weakest of the whole question's hits there, so every part is answered.
        ``asked`` is the user's own new question when ``question`` was completed from earlier turns:
        the history fills in the subject, the new question says what kind of answer it wants.
        """
        k = k or self.settings.top_k
        if not self.chunks or not question.strip():
            return []
        n_cand = max(self.settings.candidates, k)
        if vector is None:
            vector = self.embedder.embed_query(with_equivalents(question))
        query = unit(vector)
        dense_rank, dense_sim = self._dense(query, n_cand)
        ranked = self._rank(question, dense_rank, dense_sim, n_cand, asked=asked, query=query)
        if len(parts) >= 2 and ranked:
            ranked = self._with_parts(ranked, parts, dense_rank, dense_sim, n_cand, slots, query)
        chunks = self.chunks
        return [
            Hit(chunks[pos], score, dense=c.dense, lexical=c.lexical, exact_provision=c.exact)
            for score, pos, c in ranked[:k]
        ]

    def _with_parts(
        self,
        ranked: list[tuple[float, int, Candidate]],
        parts: Sequence[str],
        dense_rank: list[int],
        dense_sim: np.ndarray,
        n_cand: int,
        slots: int,
        query: np.ndarray | None = None,
    ) -> list[tuple[float, int, Candidate]]:
        """``ranked`` with each part's best hit among the first ``slots`` (the whole question's best stays first)."""
        bests = [self._rank(part, dense_rank, dense_sim, n_cand, query=query)[:1] for part in parts]
        by_pos = {item[1]: item for best in bests for item in best}
        by_pos.update({item[1]: item for item in ranked})  # a hit keeps its whole-question score
        head = [pos for _s, pos, _c in ranked[:slots]]
        missing = list(dict.fromkeys(item[1] for best in bests for item in best if item[1] not in head))
        keep = max(1, slots - len(missing))
        order = [*head[:keep], *missing, *(pos for _s, pos, _c in ranked)]
        return [by_pos[pos] for pos in dict.fromkeys(order)]

    def _dense(self, query: np.ndarray, n: int) -> tuple[list[int], np.ndarray]:
        """The ``n`` chunk positions nearest to the unit vector ``query`` (cosine), best first, and every chunk's
        similarity (a chunk that only the lexical ranking brings still gets its true similarity)."""
        matrix = self._matrix
        if not len(matrix):
            return [], np.zeros(0, np.float32)
        # einsum, not BLAS: many request threads each calling a multithreaded BLAS product fight over
        # its thread pool (measured: 450 answers/s at 10x fell to 18 at 30x); this stays on one core.
        sims = np.einsum("ij,j->i", matrix, query)
        n = min(n, len(sims))
        top = np.argpartition(-sims, n - 1)[:n]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [int(i) for i in top], sims

    def _rank(
        self,
        text: str,
        dense_rank: list[int],
        dense_sim: np.ndarray,
        n_cand: int,
        *,
        asked: str | None = None,
        query: np.ndarray | None = None,
    ) -> list[tuple[float, int, Candidate]]:
        """Fuse ``text``'s lexical ranking with the dense one and re-rank: (score, position, candidate), best first.

        ``asked`` (default ``text``) is what the user asked in their own words: the kind of rule, the time
        (during or after) and whether questions are wanted are read from it, not from earlier turns.
        ``query`` is the question's unit vector, for the closeness of each passage's best sentence.
        """
        asked = text if asked is None else asked
        chunks = self.chunks
        bm25 = self.bm25
        lexical = bm25.search(text, n_cand)
        lex_rank = [h.index for h in lexical]
        max_lex = lexical[0].score if lexical else 1.0
        lex_score = {h.index: h.score / max_lex for h in lexical}
        fused = rrf_fuse([dense_rank, lex_rank], self.settings.rrf_k)
        labels = question_labels(text, chunks)
        exact = set(self.exact_matches(text, labels))
        citing = set(self.citing_matches(text, labels))
        for pos in exact | citing:
            fused.setdefault(pos, 0.0)
        q_stems = set(bm25.query_terms(text))
        # the sentences that ask, not the story around them, are what one passage sentence should answer
        asked_stems = set(bm25.query_terms(" ".join(asked_text(text)))) or q_stems
        best_dense = float(dense_sim.max()) if len(dense_sim) else 0.0
        wants_questions = asks_for_questions(asked)
        about_roles = asks_role(asked)
        asked_roles = named_roles(asked) if wants_questions or about_roles else frozenset()
        role_question = about_roles and bool(asked_roles)
        focus = asked_time(asked)
        intents = asked_intents(asked)
        # what a right asked about is to ("kreve å få se lønnspolitikken"): a passage granting a right to
        # something else does not decide it
        right_words = content_words(right_objects(asked), 3)
        contents = asks_contents(asked)
        prescribing_bonus = (
            self.settings.deciding_bonus
            * self._stated_rarity(PRESCRIBES, lambda text: bool(prescribed(text)))
            if contents
            else 0.0
        )
        # A question about a right (not its pay or costs) is decided by the provision a passage defers it to.
        defers = bool(intents) and not any(i.name in PAYMENT_KINDS for i in intents) and bool(self._deferrals)
        w = self.settings
        sentence_close = (
            sentence_closeness(self._sentence_matrix, self._sentence_rows, query, fused)
            if query is not None and w.w_dense_sentence
            else {}
        )
        # A provision named only in the story ("hun har rett etter 12-11. Kan vi gå rett til tingretten?") is
        # not what is asked when the questions ask for a kind of rule it does not state.
        asked_labels = (
            set(question_labels(" ".join(asked_text(asked)), chunks)) if intents and exact else set()
        )
        scored: list[tuple[float, int, Candidate]] = []
        for pos, rrf in fused.items():
            dense = float(dense_sim[pos]) if pos < len(dense_sim) else 0.0
            cand = Candidate(pos, rrf, dense, lex_score.get(pos, 0.0), pos in exact)
            score = self._score(cand, q_stems, asked_stems, best_dense)
            score += w.w_dense_sentence * sentence_close.get(pos, 0.0)
            chunk = chunks[pos]
            named_ledd = cand.exact and names_ledd(text, chunk.section_path)
            if named_ledd:
                score += LEDD_BONUS
            if cand.exact:
                only_told = bool(intents) and chunk.provision not in asked_labels
                if named_ledd or not (only_told and not decides(intents, chunk.text)):
                    score += EXACT_BONUS
            if pos in citing:
                score += w.citing_bonus
            if not wants_questions and not cand.exact:
                score -= w.question_list_penalty * self._question_share(pos)
            elif wants_questions and asked_roles:
                score -= w.w_participants * self._participants_missing(pos, asked_roles)
            if role_question and self._role_subjects(pos) & asked_roles:
                score += w.w_role_subject
            other_time = not cand.exact and self._about_other_time(focus, pos, asked_stems)
            deferred = (
                defers and bool(q_stems & self._deferrals.get(pos, set())) and not still_decides(asked, chunk)
            )
            if other_time:
                score -= w.time_mismatch_penalty
            # A rule about the other time (pay after the education for a question about pay during it)
            # does not decide the question, however it is worded; nor does a passage that hands the
            # matter asked about over to another provision.
            elif intents and not deferred:
                score += w.deciding_bonus * max(
                    (
                        self._rarity(i)
                        for i in intents
                        if decides([i], chunk.text)
                        and (i.name != GENERAL_KIND or self._grants(pos, right_words))
                    ),
                    default=0.0,
                )
            if deferred:
                score -= w.deferral_penalty
            # a passage prescribing what the document asked about must contain decides, as a rule does
            if contents and q_stems & prescribed(chunk.text):
                score += prescribing_bonus
            scored.append((score, pos, cand))
        scored.sort(key=lambda t: (-t[0], t[1]))
        return scored

    def _about_other_time(self, focus: str, pos: int, asked_stems: set[str]) -> bool:
        """True when the chunk at ``pos`` is about the other time than ``focus`` (during or after the study):
        its lead sentence (what it governs) or the sentence that answers ``asked_stems`` speaks of it. A pay
        policy that mentions competence "tilegnet" in a list is not about the time after an education when
        asked whether paid leave counts in its negotiations; HTA 4.2.4, whose lead is "har gjennomført", is."""
        text = self.chunks[pos].text
        if not about_other_time(focus, text):
            return False
        sentences = [s.text for s in split_sentences(text)]
        lead = next((s for s in sentences if len(s.split()) > 4), "")
        answering = best_sentence(asked_stems, sentences, self.bm25)
        return answering is None or about_other_time(focus, answering) or about_other_time(focus, lead)

    def _rarity(self, intent: Intent) -> float:
        """:meth:`_stated_rarity` of the passages worded as ``intent``'s rule."""
        return self._stated_rarity(intent.name, partial(decides, [intent]))

    def _stated_rarity(self, key: str, states: Callable[[str], bool]) -> float:
        """How rarely the index states a kind of rule (``key``; ``states`` tells whether a chunk's text does), like
        an idf scaled to 0..1: log(N/n) / log(N) for n of N chunks. A wording that many passages share (pay: "med
        lønn", "endret lønn", …) tells less about which passage decides than one that a single provision uses
        ("unnta virksomheter")."""
        rarity = self._rarities.get(key)
        if rarity is None:
            total = len(self.chunks)
            stating = sum(states(c.text) for c in self.chunks)
            rarity = math.log(total / stating) / math.log(total) if stating and total > 1 else 0.0
            self._rarities[key] = rarity
        return rarity

    def _score(self, cand: Candidate, q_stems: set[str], asked_stems: set[str], best_dense: float) -> float:
        """The passage's score before the rule signals (the named provision's bonus among them): fused rank, dense and lexical closeness, the share of
        the question's stems in its titles and text (``q_stems``), and the share of the asking sentences'
        stems (``asked_stems``) in its best sentence: in a long post the story's words say little of which
        sentence answers."""
        chunk = self.chunks[cand.position]
        w = self.settings
        # Dense similarities of e5 sit in a narrow band; use the gap to the best one.
        dense_rel = max(0.0, 1.0 - (best_dense - cand.dense) * 10.0) if cand.dense else 0.0
        score = (
            w.w_rrf * cand.rrf * 60.0
            + w.w_dense * dense_rel
            + w.w_lexical * cand.lexical
            + w.w_title * title_overlap(q_stems, chunk, self._titles)
            + w.w_cover * self._coverage(q_stems, chunk)
            + w.w_sentence * self._best_sentence(asked_stems, cand.position)
            + w.w_main_rule * self._is_main_rule(cand.position)
        )
        return score

    def _best_sentence(self, q_stems: set[str], pos: int) -> float:
        """The chunk's best single sentence's :func:`sentence_score` for ``q_stems``."""
        return best_sentence_score(
            q_stems, (s.text for s in split_sentences(self.chunks[pos].text)), self.bm25
        )

    def _is_main_rule(self, pos: int) -> float:
        """1.0 for the first chunk of a provision (the main rule: first ledd, first paragraph)."""
        chunk = self.chunks[pos]
        if not chunk.provision:
            return 0.0
        previous = self.chunks[pos - 1] if pos > 0 else None
        same = (
            previous is not None and previous.doc_id == chunk.doc_id and previous.provision == chunk.provision
        )
        return 0.0 if same else 1.0

    def _grants(self, pos: int, right_words: Sequence[str]) -> bool:
        """Whether the chunk at ``pos`` speaks of what the right asked about is to (any of ``right_words``, as a
        word, lemma, glossary equivalent or compound part); True when the question names nothing."""
        if not right_words:
            return True
        terms = self.bm25.chunk_terms(self.chunks[pos].chunk_id)
        return any(uses(word, terms, self.bm25) for word in right_words)

    def _role_subjects(self, pos: int) -> frozenset[str]:
        """The roles that one of the chunk's sentences (or list items) opens with alone: "Ledere har ansvar for
        …" is about the leaders' part, "Ledere, tillitsvalgte og ansatte har et felles ansvar" about no one
        role's."""
        subjects = self._subjects.get(pos)
        if subjects is None:
            found: set[str] = set()
            for span in split_sentences(self.chunks[pos].text):
                head = [w for w in words(BULLET_RE.sub("", span.text)) if w not in STOPWORDS][:2]
                roles = [role_of(w) for w in head]
                if roles and roles[0] and not (len(roles) > 1 and roles[1]):
                    found.add(roles[0])
            subjects = frozenset(found)
            self._subjects[pos] = subjects
        return subjects

    def _participants_missing(self, pos: int, roles: frozenset[str]) -> float:
        """For a list of questions (a chunk with question lines) whose lead-in says whom it is for, the share of
        ``roles`` (named by the post) it is not for: a leader and a tillitsvalgt going through questions together
        want the checklist "ledere og tillitsvalgte" can discuss, not the questions "mellom leder og
        medarbeider". 0 for a chunk that is no such list, or whose lead-in names no role."""
        if not roles or not self._question_share(pos):
            return 0.0
        participants = lead_in_roles(self.chunks[pos].text)
        return len(roles - participants) / len(roles) if participants else 0.0

    def _question_share(self, pos: int) -> float:
        """Share of a chunk's lines that are questions (question lists rarely answer a question)."""
        share = self._qshare.get(pos)
        if share is None:
            lines = [ln for ln in self.chunks[pos].text.split("\n") if len(ln.strip()) > 15]
            share = sum(ln.rstrip().endswith("?") for ln in lines) / len(lines) if lines else 0.0
            self._qshare[pos] = share
        return share

    def _coverage(self, q_stems: set[str], chunk: Chunk) -> float:
        """Idf-weighted share of the question's stems present in the chunk."""
        if not q_stems:
            return 0.0
        bm25 = self.bm25
        tf = bm25._tfs[self._position[chunk.chunk_id]]
        idf = bm25.idf
        total = sum(idf.get(t, 0.0) for t in q_stems)
        if total <= 0:
            return 0.0
        return sum(idf.get(t, 0.0) for t in q_stems if t in tf) / total
