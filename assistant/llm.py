"""The optional LLM answerer: a chat model writes, the citation validator decides what is kept.

The model is any LangChain ``BaseChatModel`` chosen in one place (:func:`make_chat_model`):
an OpenAI-compatible endpoint (vLLM, llama.cpp server, LM Studio, OpenAI, Azure via
``base_url``) or Ollama. Its answer is validated sentence by sentence against the
passages (:func:`assistant.citations.validate_answer`); if too little survives, or
the model cannot be reached, the caller's extractive answer is used instead
(:func:`answer_from_draft`), with a notice saying so.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.citations import Validation, validate_answer
from assistant.models import Answer, Passage, Turn
from assistant.prompts import REFUSAL_TEXT, build_answer_messages, build_condense_messages
from core.errors import KompetanseError
from core.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

log = logging.getLogger(__name__)

NOTICE_REMOVED = "Noen setninger uten støtte i kildene ble fjernet."
NOTICE_UNVERIFIED = (
    "Språkmodellens svar kunne ikke verifiseres mot kildene, så svaret under er sitert direkte fra kildene."
)
NOTICE_LLM_REFUSED = (
    "Språkmodellen fant ikke svaret i kildene, så svaret under er sitert direkte fra kildene."
)


def notice_unavailable(reason: str, *, quoted: bool = True) -> str:
    """The notice shown when the model does not answer; ``quoted`` adds that the answer is quoted."""
    tail = "; svaret under er sitert direkte fra kildene." if quoted else "."
    return f"Språkmodellen svarer ikke ({reason}){tail}"


class LLMUnavailableError(KompetanseError):
    """The language model could not be reached, timed out, or returned no usable text.

    ``reason`` is a short Norwegian phrase ("tidsavbrudd", "tomt svar"); ``message`` is the
    full notice for an answer that falls back to quoting the sources.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(notice_unavailable(reason), detail)
        self.reason = reason


@dataclass(frozen=True)
class LLMDraft:
    """What the model wrote (``raw``), its validation, the model name and timings in milliseconds."""

    raw: str
    validation: Validation
    model: str
    timings: dict[str, float] = field(default_factory=dict)


def make_chat_model(settings: Settings) -> BaseChatModel | None:
    """The chat model named by ``settings.llm``, or None when ``provider`` is "none".

    openai: ``langchain_openai.ChatOpenAI`` against ``base_url`` (any OpenAI-compatible
    server); ollama: ``langchain_ollama.ChatOllama``. No retries: a failed call falls
    back to the extractive answer at once. Raises :class:`KompetanseError` when the
    model name is missing or the integration package is not installed.
    """
    llm = settings.llm
    if llm.provider == "none":
        return None
    if not llm.model:
        raise KompetanseError(
            "Ingen språkmodell er valgt. Sett KOMPETANSE_LLM__MODEL til modellnavnet endepunktet bruker.",
            f"llm.provider={llm.provider} but llm.model is empty",
        )
    if llm.provider == "openai":
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:  # pragma: no cover - a dependency in pyproject
            raise KompetanseError(
                "Pakken langchain-openai mangler. Installer den med: pip install langchain-openai", str(exc)
            ) from exc
        # ChatOpenAI sends the limit as "max_completion_tokens", which some OpenAI-compatible
        # servers ignore (llama-cpp-python's server would then write until its context is full):
        # a custom endpoint also gets the classic "max_tokens".
        extra_body = {"max_tokens": llm.max_tokens} if llm.base_url else None
        return ChatOpenAI(
            model=llm.model,
            base_url=llm.base_url or None,
            api_key=llm.api_key,
            timeout=llm.timeout_s,
            max_retries=0,
            temperature=llm.temperature,
            max_completion_tokens=llm.max_tokens,
            extra_body=extra_body,
        )
    try:
        from langchain_ollama import ChatOllama
    except ImportError as exc:  # pragma: no cover - a dependency in pyproject
        raise KompetanseError(
            "Pakken langchain-ollama mangler. Installer den med: pip install langchain-ollama", str(exc)
        ) from exc
    return ChatOllama(
        model=llm.model,
        base_url=llm.base_url or None,
        temperature=llm.temperature,
        num_predict=llm.max_tokens,
        client_kwargs={"timeout": llm.timeout_s},
    )


_THINK_RE = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_HTML_RE = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<\?xml)", re.IGNORECASE)


def _reason(exc: BaseException) -> str:
    """A short Norwegian reason for a failed model call."""
    name = type(exc).__name__.lower()
    text = str(exc).lower()
    if "timeout" in name or "timed out" in text or "timeout" in text:
        return "tidsavbrudd"
    if "connect" in name or "connection" in text or "refused" in text:
        return "får ikke kontakt med endepunktet"
    if "notfound" in name or "404" in text:
        return "modellen eller endepunktet finnes ikke"
    if "auth" in name or "401" in text or "403" in text:
        return "ingen tilgang til endepunktet"
    return "feil fra endepunktet"


def clean_model_text(text: str) -> str:
    """Drop reasoning blocks (``<think>…</think>``) and surrounding whitespace from model output."""
    return _THINK_RE.sub("", text).strip()


def check_model_text(text: str) -> str:
    """Return cleaned model text, or raise :class:`LLMUnavailableError` when it is not a usable answer.

    Empty text, an HTML or XML page (a proxy's error page) and text without letters count as garbage.
    """
    cleaned = clean_model_text(text)
    if not cleaned:
        raise LLMUnavailableError("tomt svar", "the model returned no text")
    if _HTML_RE.match(cleaned):
        raise LLMUnavailableError("ugyldig svar", f"the model returned markup: {cleaned[:200]!r}")
    if not any(ch.isalpha() for ch in cleaned):
        raise LLMUnavailableError("ugyldig svar", f"the model returned no words: {cleaned[:200]!r}")
    return cleaned


class LLMAnswerer:
    """Writes answers with a chat model and validates their citations.

    ``max_source_chars`` cuts each passage in the prompt for models with a small
    context window (validation always uses the full passage text).
    """

    def __init__(
        self, chat_model: BaseChatModel, model_name: str, *, max_source_chars: int | None = None
    ) -> None:
        self.chat_model = chat_model
        self.model_name = model_name
        self.max_source_chars = max_source_chars

    @property
    def method(self) -> str:
        """The ``Answer.method`` for answers this model wrote."""
        return f"llm:{self.model_name}"

    def _messages(
        self, question: str, passages: Sequence[Passage], history: Sequence[Turn]
    ) -> list[BaseMessage]:
        return build_answer_messages(question, passages, history, max_source_chars=self.max_source_chars)

    def generate(self, question: str, passages: Sequence[Passage], history: Sequence[Turn] = ()) -> LLMDraft:
        """Ask the model to answer ``question`` from ``passages`` and validate what it wrote.

        Returns an :class:`LLMDraft`. Raises :class:`LLMUnavailableError` when the
        endpoint is unreachable, times out, fails, or returns garbage.
        """
        started = time.perf_counter()
        try:
            message = self.chat_model.invoke(self._messages(question, passages, history))
        except Exception as exc:
            log.warning("LLM call failed: %r", exc)
            raise LLMUnavailableError(_reason(exc), repr(exc)) from exc
        text = message.text if isinstance(message.text, str) else ""
        return self.draft_from_text(text, passages, time.perf_counter() - started)

    def draft_from_text(self, text: str, passages: Sequence[Passage], elapsed_s: float = 0.0) -> LLMDraft:
        """Validate a complete model answer (e.g. joined from :meth:`stream`) into an :class:`LLMDraft`.

        Raises :class:`LLMUnavailableError` when ``text`` is garbage (see :func:`check_model_text`).
        """
        cleaned = check_model_text(text)
        started = time.perf_counter()
        validation = validate_answer(cleaned, passages, refusal_text=REFUSAL_TEXT)
        timings = {"llm_ms": elapsed_s * 1000, "validate_ms": (time.perf_counter() - started) * 1000}
        return LLMDraft(raw=text, validation=validation, model=self.model_name, timings=timings)

    def stream(
        self, question: str, passages: Sequence[Passage], history: Sequence[Turn] = ()
    ) -> Iterator[str]:
        """Yield the model's text deltas as they arrive; the caller validates the joined text with :meth:`draft_from_text`.

        Raises :class:`LLMUnavailableError` (possibly after some deltas) when the call fails.
        """
        try:
            for chunk in self.chat_model.stream(self._messages(question, passages, history)):
                delta = chunk.text if isinstance(chunk.text, str) else ""
                if delta:
                    yield delta
        except LLMUnavailableError:
            raise
        except Exception as exc:
            log.warning("LLM stream failed: %r", exc)
            raise LLMUnavailableError(_reason(exc), repr(exc)) from exc

    def rewrite_question(self, history: Sequence[Turn], question: str) -> str:
        """Rewrite a follow-up ``question`` into a standalone one using ``history``.

        Returns ``question`` unchanged when there is no history or on any error or odd output.
        """
        if not history or not question.strip():
            return question
        try:
            message = self.chat_model.invoke(build_condense_messages(history, question))
            text = clean_model_text(message.text if isinstance(message.text, str) else "")
        except Exception as exc:
            log.warning("Question rewrite failed, using the original question: %r", exc)
            return question
        line = next((ln for ln in text.splitlines() if ln.strip()), "")
        line = re.sub(
            r"^\s*(selvstendig spørsmål|spørsmål|omformulert)\s*:\s*", "", line, flags=re.IGNORECASE
        )
        line = line.strip().strip("«»\"'“”").strip()
        if not line or _HTML_RE.match(line) or len(line) > 3 * len(question) + 200:
            return question
        return line

    def answer(
        self,
        question: str,
        passages: Sequence[Passage],
        history: Sequence[Turn] = (),
        *,
        fallback: Callable[[], Answer],
        notices: Sequence[str] = (),
    ) -> Answer:
        """Generate, validate and turn into an :class:`Answer`, falling back as :func:`answer_from_draft` does."""
        try:
            draft: LLMDraft | LLMUnavailableError = self.generate(question, passages, history)
        except LLMUnavailableError as exc:
            draft = exc
        return answer_from_draft(question, passages, draft, fallback=fallback, notices=notices)


def _unique(*groups: Sequence[str]) -> tuple[str, ...]:
    """Notices in order, each once (the fallback may already carry the caller's notices)."""
    return tuple(dict.fromkeys(n for group in groups for n in group if n))


def answer_from_draft(
    question: str,
    passages: Sequence[Passage],
    draft: LLMDraft | LLMUnavailableError,
    *,
    fallback: Callable[[], Answer],
    notices: Sequence[str] = (),
    standalone_question: str = "",
    lead: str = "",
    timings: Mapping[str, float] | None = None,
) -> Answer:
    """Turn a validated draft into the final :class:`Answer`, or use ``fallback()`` (the extractive answer).

    A draft whose validation is ok gives ``method="llm:<model>"`` with the validated text
    and citations (plus :data:`NOTICE_REMOVED` if sentences were dropped); ``lead``,
    ``standalone_question`` and ``timings`` (merged with the draft's) fill the rest.
    A draft that failed validation, a draft that is the refusal sentence, or an
    :class:`LLMUnavailableError` gives ``fallback()`` with a notice saying why (no
    notice when the fallback itself refuses: it then quotes nothing). ``notices``
    (e.g. "the question was truncated") come first in every case, each notice once.
    """
    base = dict(timings or {})
    if isinstance(draft, LLMUnavailableError):
        fb = fallback()
        notice = notice_unavailable(draft.reason, quoted=not fb.refused)
        return dataclasses.replace(
            fb, notices=_unique(notices, [notice], fb.notices), timings={**base, **fb.timings}
        )
    v = draft.validation
    if v.ok:
        return Answer(
            question=question,
            text=v.text,
            refused=False,
            citations=v.citations,
            passages=tuple(passages),
            method=f"llm:{draft.model}",
            lead=lead,
            standalone_question=standalone_question,
            notices=_unique(notices, [NOTICE_REMOVED] if v.removed else []),
            timings={**base, **draft.timings},
        )
    log.info("LLM draft rejected (refused=%s, removed=%s)", v.refused, v.removed)
    fb = fallback()
    extra = [] if fb.refused else [NOTICE_LLM_REFUSED if v.refused else NOTICE_UNVERIFIED]
    return dataclasses.replace(
        fb, notices=_unique(notices, extra, fb.notices), timings={**base, **draft.timings, **fb.timings}
    )
