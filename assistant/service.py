"""The `Assistant` facade: what the CLI, the UI, the API and the evals call.

One question goes through small steps, each testable on its own:
sanitise -> condense (follow-ups) -> retrieve -> refuse? -> answer (LLM if
configured, else extractive) -> validated citations -> :class:`Answer`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence

import numpy as np

from assistant.condense import standalone_question
from assistant.contracts import ChatAnswerer
from assistant.extractive import extractive_answer
from assistant.llm_answer import written_answer
from assistant.lookup import all_views, document_summaries, lookup, not_found_message, sub_provision_views
from assistant.models import (
    Answer,
    Checklist,
    DocumentSummary,
    Hit,
    Passage,
    ProvisionView,
    Turn,
)
from assistant.question import NOTICE_LANGUAGE, question_language, sanitise_question
from assistant.refusal import (
    EMPTY_QUESTION_TEXT,
    NO_GAP,
    Evidence,
    Gap,
    decide,
    evidence_of,
    in_part,
    refused_answer,
)
from assistant.retriever import HybridSearcher
from assistant.samtale import Question, build_checklist, guide_questions
from core.asking import asked_with_referents, asking_sentences, clause_asks
from core.errors import IndexUnavailableError
from core.privacy import mask_personal_numbers
from core.settings import Settings
from core.text import with_equivalents
from index.contracts import ChunkIndex, Embedder
from index.sentences import SentenceVectors

log = logging.getLogger(__name__)

QUERY_VECTORS = 4096
"""Question embeddings kept in memory (about 1.5 KB each): more than any day's distinct questions in a municipality."""


class Assistant:
    """Answers questions from the index with citations.

    Construct with :meth:`from_settings` (opens the index, loads the embedder;
    does not ingest). Thread-safe: the app calls it from many requests at once.
    """

    def __init__(
        self, settings: Settings, index: ChunkIndex, embedder: Embedder, llm: ChatAnswerer | None = None
    ) -> None:
        self.settings = settings
        self.index = index
        self.embedder = embedder
        self.llm = llm
        self.sentence_vectors = SentenceVectors(embedder.embed_documents, index)
        self.searcher = HybridSearcher(index, embedder, settings.retrieval)
        self._questions: tuple[str, list[Question], np.ndarray | None] | None = None
        self._query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._vectors_lock = threading.Lock()
        self._lock = threading.Lock()
        self._checked_at = 0.0
        self._generation: str | None = None
        self._reload_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> Assistant:
        """Open the index named by ``settings``.

        Raises ``EmptyIndexError``, ``IndexMismatchError`` or ``IndexUnavailableError``.
        """
        from assistant.llm import LLMAnswerer, make_chat_model
        from index.embeddings import make_embedder
        from index.store import VectorIndex

        embedder = make_embedder(settings)
        index = VectorIndex.open(settings, embedder)
        chat = make_chat_model(settings)
        llm = LLMAnswerer(chat, settings.llm.model) if chat is not None else None
        assistant = cls(settings, index, embedder, llm)
        assistant.refresh()
        return assistant

    # -- state ---------------------------------------------------------------
    def refresh(self) -> bool:
        """Reload the lexical index now if the collection changed since it was built; True if reloaded.

        The in-process writer calls this right after its ingest commits. A new generation is
        loaded into a fresh searcher that replaces the old one in one assignment, so a question
        already running finishes on the snapshot it started with (never a mix of two).
        """
        self._checked_at = time.monotonic()
        generation = self.index.generation()
        if generation == self._generation:
            return False
        with self._reload_lock:
            if generation == self._generation:
                return False
            if self._generation is None:  # first load: fill the searcher made in __init__
                self.searcher.refresh()
            else:
                fresh = HybridSearcher(self.index, self.embedder, self.settings.retrieval)
                fresh.refresh()
                self.searcher = fresh
            self._generation = generation
            self.sentence_vectors.refresh(force=True)
        return True

    def _refresh_if_due(self) -> None:
        """Check for changes by other writers (Chroma server mode) at most every ``chroma.check_seconds``.

        Until a new generation is committed and reloaded, answers come from the previous index; so they
        do while the store cannot be reached (search runs on the snapshot in memory).
        """
        if time.monotonic() - self._checked_at >= self.settings.chroma.check_seconds:
            try:
                self.refresh()
            except IndexUnavailableError as exc:
                # Questions go on from the snapshot in memory; health and document listings report the outage.
                self._checked_at = time.monotonic()
                log.warning("index unavailable, answering from the loaded snapshot: %s", exc.detail or exc)

    # -- answering -----------------------------------------------------------
    def _prepare(
        self, question: str, history: Sequence[Turn], role: str | None = None
    ) -> tuple[str, str, tuple[str, ...], float]:
        t0 = time.perf_counter()
        limit = self.settings.retrieval.max_question_chars
        clean, notices = sanitise_question(question, limit)
        history = [Turn(t.role, sanitise_question(t.content, limit)[0]) for t in history]
        if self.settings.log_questions:
            log.info("question (%s): %s", role or "-", mask_personal_numbers(clean))
        standalone = standalone_question(clean, history) if clean else clean
        if clean and history and self.llm is not None and standalone != clean:
            standalone = self.llm.rewrite_question(history, clean) or standalone
        if question_language(clean) != "nb":
            notices = (*notices, NOTICE_LANGUAGE)
        return clean, standalone, notices, (time.perf_counter() - t0) * 1000

    def _embed_query(self, text: str) -> list[float]:
        """The question's embedding, kept for the ``QUERY_VECTORS`` most recent questions (least recently
        used out first): the answer step reuses it, and a question asked again is not embedded again."""
        with self._vectors_lock:
            vector = self._query_vectors.get(text)
            if vector is not None:
                self._query_vectors.move_to_end(text)
        if vector is None:
            vector = np.asarray(self.embedder.embed_query(with_equivalents(text)), dtype=np.float32)
            with self._vectors_lock:
                self._query_vectors[text] = vector
                while len(self._query_vectors) > QUERY_VECTORS:
                    self._query_vectors.popitem(last=False)
        return vector.tolist()

    def _retrieve(
        self,
        standalone: str,
        searcher: HybridSearcher,
        parts: Sequence[str] = (),
        asked: str | None = None,
        k: int | None = None,
    ) -> tuple[list[Hit], float]:
        t0 = time.perf_counter()
        vector = self._embed_query(standalone)
        hits = searcher.search(
            standalone,
            k or self.settings.retrieval.top_k,
            vector=vector,
            parts=parts,
            slots=self.settings.extractive.passages_considered,
            asked=asked,
        )
        return hits, (time.perf_counter() - t0) * 1000

    def _parts(self, question: str) -> tuple[str, ...]:
        """The questions of a multi-part post (none for one question or a long list), each with the sentence it
        refers back to ("Stemmer det??" asks about the claim before it)."""
        groups = asked_with_referents(question)
        # a clause before a comma that only states what happened ("Jeg har fått avslag, hvor klager jeg?") is
        # no question of its own
        parts = tuple(" ".join(group) for group in [g for g in groups if clause_asks(g[-1])] or groups)
        return parts if 2 <= len(parts) <= self.settings.extractive.max_parts else ()

    def _answerability(
        self, question: str, hits: Sequence[Hit], searcher: HybridSearcher, *, joined: bool = False
    ) -> tuple[str, Gap]:
        """The outcome and what the sources leave uncovered, judged on the user's own words.

        For a follow-up, the salient terms come from the new question only: the
        history may fill in what it leaves implicit, never hide a new uncovered topic.
        """
        evidence: Evidence = evidence_of(question, hits, searcher.bm25, self.settings.answerability)
        outcome = decide(evidence, self.settings.answerability, completed_from_history=joined)
        return outcome, Gap.of(evidence, parts=len(asking_sentences(question)))

    def _extractive(
        self,
        question: str,
        standalone: str,
        passages: tuple[Passage, ...],
        notices: tuple[str, ...],
        timings: dict[str, float],
        searcher: HybridSearcher,
        gap: Gap = NO_GAP,
    ) -> Answer:
        t0 = time.perf_counter()
        cfg = self.settings.extractive
        if gap.asked:  # only the nearest the sources come: a few sentences, not an answer per part
            cfg = cfg.model_copy(
                update={"max_sentences": cfg.nearest_sentences, "min_relative": cfg.nearest_min_relative}
            )
        extract = extractive_answer(
            standalone,
            passages,
            searcher.bm25,
            query_vector=self._embed_query(standalone),
            sentence_vectors=self.sentence_vectors,
            parts=() if gap.asked else self._parts(question),
            asked=question,
            cfg=cfg,
        )
        timings["answer_ms"] = (time.perf_counter() - t0) * 1000
        if extract is None:
            return refused_answer(question, standalone, passages, notices, timings)
        answer = Answer(
            question=question,
            text=extract.text,
            refused=False,
            citations=extract.citations,
            passages=passages,
            method="extractive",
            lead=extract.lead,
            standalone_question=standalone,
            notices=notices,
            timings=timings,
        )
        return in_part(answer, gap)

    def ask(self, question: str, history: Sequence[Turn] = (), role: str | None = None) -> Answer:
        """Answer ``question`` (with earlier ``history``) or refuse; never raises for bad text input.

        ``role`` (ansatt, leder, tillitsvalgt) does not change the answer: it is written with the
        question to the log when ``log_questions`` is on.

        Raises ``IndexUnavailableError`` when the vector store cannot be reached.
        """
        t_start = time.perf_counter()
        answer: Answer | None = None
        for item in self._run(question, history, stream=False, role=role):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer.with_timings(total_ms=(time.perf_counter() - t_start) * 1000)

    def stream(
        self, question: str, history: Sequence[Turn] = (), role: str | None = None
    ) -> Iterator[str | Answer]:
        """Yield text deltas while an LLM writes, then the final validated :class:`Answer` last."""
        t_start = time.perf_counter()
        for item in self._run(question, history, stream=True, role=role):
            if isinstance(item, Answer):
                item = item.with_timings(total_ms=(time.perf_counter() - t_start) * 1000)
            yield item

    def _run(
        self, question: str, history: Sequence[Turn], *, stream: bool, role: str | None = None
    ) -> Iterator[str | Answer]:
        clean, standalone, notices, condense_ms = self._prepare(question, history, role)
        timings: dict[str, float] = {"condense_ms": condense_ms}
        if not clean:
            yield refused_answer(question, clean, (), notices, timings, EMPTY_QUESTION_TEXT)
            return
        self._refresh_if_due()
        searcher = self.searcher  # one snapshot for the whole question
        hits, retrieve_ms = self._retrieve(standalone, searcher, self._parts(clean), asked=clean)
        timings["retrieve_ms"] = retrieve_ms
        passages = tuple(Passage(i + 1, h.chunk, h.score, h.exact_provision) for i, h in enumerate(hits))
        outcome, gap = self._answerability(clean, hits, searcher, joined=standalone != clean)
        if not hits or outcome == "refuse":
            yield refused_answer(clean, standalone, passages, notices, timings)
            return
        if self.llm is None:
            yield self._extractive(clean, standalone, passages, notices, timings, searcher, gap)
            return

        def fallback(extra: tuple[str, ...]) -> Answer:
            return self._extractive(clean, standalone, passages, (*notices, *extra), timings, searcher, gap)

        for item in written_answer(
            self.llm,
            clean,
            standalone,
            history,
            passages,
            notices=notices,
            timings=timings,
            fallback=fallback,
            stream=stream,
        ):
            yield in_part(item, gap) if isinstance(item, Answer) else item  # idempotent: a stand-in has it

    # -- other views ---------------------------------------------------------
    def retrieve(self, question: str, k: int | None = None, asked: str | None = None) -> list[Hit]:
        """Ranked hits for a standalone question. With ``asked``, the user's own words (a follow-up
        completed from earlier turns, a post of several questions), ranked exactly as :meth:`ask` ranks
        them: the kind of rule and the time come from ``asked``, and each of its questions gets a place
        among the passages quoted; the first ``top_k`` are the passages the answer drew from."""
        self._refresh_if_due()
        limit = self.settings.retrieval.max_question_chars
        clean, _ = sanitise_question(question, limit)
        if asked is None:
            return self.searcher.search(clean, k or self.settings.retrieval.top_k)
        own, _ = sanitise_question(asked, limit)
        return self._retrieve(clean, self.searcher, self._parts(own), asked=own, k=k)[0]

    def lookup(self, ref: str) -> ProvisionView | None:
        """A provision by any common reference form ("HTA 14.2", "§ 12-11"), or None."""
        self._refresh_if_due()
        return lookup(ref[:200], self.searcher.chunks)

    def not_found(self, ref: str, parts: Sequence[ProvisionView] | None = None) -> str:
        """The message for a reference :meth:`lookup` does not find, naming the parts of it that are indexed
        (``parts``, when the caller already has them from :meth:`sub_provisions`)."""
        return not_found_message(ref[:200], self.sub_provisions(ref) if parts is None else parts)

    def sub_provisions(self, ref: str) -> list[ProvisionView]:
        """The indexed provisions inside the chapter or section ``ref`` names (see :func:`lookup.sub_provisions`)."""
        return sub_provision_views(ref[:200], self.searcher.chunks)

    def provisions(self, query: str = "") -> list[ProvisionView]:
        """All provisions and guide sections, optionally filtered by ``query``."""
        self._refresh_if_due()
        return all_views(self.searcher.chunks, query[:200])

    def _guide_questions(self) -> tuple[list[Question], np.ndarray | None]:
        generation = self.index.generation()
        cached = self._questions
        if cached is not None and cached[0] == generation:
            return cached[1], cached[2]
        with self._lock:
            questions = guide_questions(self.searcher.chunks)
            vectors = None
            if questions:
                vectors = np.asarray(
                    self.embedder.embed_documents([q.text for q in questions]), dtype=np.float32
                )
            self._questions = (generation, questions, vectors)
        return questions, vectors

    def samtale(self, focus: str = "", limit: int = 12) -> Checklist:
        """A ranked, cited medarbeidersamtale checklist for an optional focus."""
        self._refresh_if_due()
        focus, _ = sanitise_question(focus, 200)
        questions, vectors = self._guide_questions()
        return build_checklist(
            focus,
            questions,
            self.searcher.bm25,
            embed_query=self.embedder.embed_query,
            question_vectors=vectors,
            limit=limit,
        )

    def documents(self) -> list[DocumentSummary]:
        """The documents in the index with chunk and provision counts."""
        return document_summaries(self.index.manifest().values())
