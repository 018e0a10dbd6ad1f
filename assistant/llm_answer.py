"""The generative path of one question: a configured chat model writes from the passages, its draft is
validated, and the extractive answer stands in whenever the model is unavailable or its draft fails."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence

from assistant.compose import lead_for
from assistant.contracts import ChatAnswerer
from assistant.llm import LLMUnavailableError, answer_from_draft
from assistant.models import Answer, Passage, Turn

log = logging.getLogger(__name__)


def written_answer(
    llm: ChatAnswerer,
    question: str,
    standalone: str,
    history: Sequence[Turn],
    passages: tuple[Passage, ...],
    *,
    notices: tuple[str, ...],
    timings: dict[str, float],
    fallback: Callable[[tuple[str, ...]], Answer],
    stream: bool,
) -> Iterator[str | Answer]:
    """Yield the model's text deltas (with ``stream``), then the validated :class:`Answer` last.

    ``fallback(extra_notices)`` gives the extractive answer; it is used, with the model's reason as a notice,
    when the model cannot be reached, and by :func:`assistant.llm.answer_from_draft` when the draft fails."""
    t0 = time.perf_counter()
    try:
        if stream:
            parts: list[str] = []
            for delta in llm.stream(standalone, passages, history):
                parts.append(delta)
                yield delta
            draft = llm.draft_from_text("".join(parts), passages)
        else:
            draft = llm.generate(standalone, passages, history)
    except LLMUnavailableError as exc:
        log.warning("LLM unavailable: %s", exc.detail or exc)
        yield fallback((exc.message,))
        return
    timings["answer_ms"] = (time.perf_counter() - t0) * 1000
    by_n = {p.n: p.chunk for p in passages}
    cited = [by_n[n] for n in dict.fromkeys(c.n for c in draft.validation.citations) if n in by_n]
    yield answer_from_draft(
        question,
        passages,
        draft,
        fallback=lambda: fallback(()),
        notices=notices,
        standalone_question=standalone,
        lead=lead_for(cited),
        timings=timings,
    )
