"""Typed results of the answering stages: hits, passages, citations, answers.

The JSON form of :class:`Answer` (``Answer.to_dict``) is the contract shared by
``kompetanse ask --json``, the HTTP API and the UI.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from pydantic import BaseModel, Field

from core.models import Chunk

Role = Literal["user", "assistant"]


@dataclass(frozen=True)
class Turn:
    """One earlier turn of a conversation."""

    role: Role
    content: str


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its final score and the evidence behind it."""

    chunk: Chunk
    score: float
    dense: float = 0.0
    lexical: float = 0.0
    exact_provision: bool = False


@dataclass(frozen=True)
class Passage:
    """A passage given to the answerer, numbered from 1 in rank order.

    ``exact_provision`` is True when the question named this passage's provision.
    """

    n: int
    chunk: Chunk
    score: float
    exact_provision: bool = False

    def to_dict(self) -> dict[str, Any]:
        c = self.chunk
        return {
            "n": self.n,
            "chunk_id": c.chunk_id,
            "text": c.text,
            "score": round(self.score, 4),
            "document": c.document,
            "short_name": c.short_name,
            "doc_id": c.doc_id,
            "section": c.section,
            "provision": c.provision,
            "page": c.page_start,
            "char_start": c.char_start,
            "char_end": c.char_end,
        }


@dataclass(frozen=True)
class Citation:
    """A ``[n]`` marker in an answer, resolved to the passage and the exact span it quotes.

    ``quote`` is a verbatim substring of the passage text; ``quote_start`` is its
    offset there, so a UI can highlight it.
    """

    n: int
    chunk_id: str
    document: str
    provision: str | None
    section: str
    page: int | None
    quote: str
    quote_start: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "chunk_id": self.chunk_id,
            "document": self.document,
            "provision": self.provision,
            "section": self.section,
            "page": self.page,
            "quote": self.quote,
            "quote_start": self.quote_start,
        }


ANSWERABILITY = ("answer", "partial", "refuse")


@dataclass(frozen=True)
class Answer:
    """A complete answer: text with ``[n]`` markers, citations, passages used, timings (milliseconds).

    ``answerability`` is "answer", "partial" (answered in part; ``uncovered`` names
    what the sources say nothing about) or "refuse"; ``refused`` is True exactly
    when it is "refuse". ``nearest_only``: what is asked is itself uncovered, so the
    quotes are only the nearest the sources come (the note opens the text). ``method``
    says how the text was made ("extractive" or "llm:<model>"). ``lead`` is a
    navigation line naming the governing provisions ("Gjelder: aml. § 12-11; ..."),
    derived from the cited passages' labels; it is not a claim and carries no marker.
    """

    question: str
    text: str
    refused: bool
    citations: tuple[Citation, ...]
    passages: tuple[Passage, ...]
    method: str = "extractive"
    lead: str = ""
    standalone_question: str = ""
    notices: tuple[str, ...] = ()
    timings: Mapping[str, float] = field(default_factory=dict)
    answerability: str = ""
    uncovered: tuple[str, ...] = ()
    nearest_only: bool = False

    def __post_init__(self) -> None:
        # Frozen means frozen: the answer keeps its own copy of the timings, so the caller's dict
        # cannot change it later. Add a timing with :meth:`with_timings`.
        object.__setattr__(self, "timings", dict(self.timings))
        if not self.answerability:
            object.__setattr__(self, "answerability", "refuse" if self.refused else "answer")
        if self.answerability not in ANSWERABILITY:
            raise ValueError(f"answerability must be one of {ANSWERABILITY}, got {self.answerability!r}")
        if (self.answerability == "refuse") != self.refused:
            raise ValueError("refused must be True exactly when answerability is 'refuse'")
        if self.nearest_only and self.answerability != "partial":
            raise ValueError("nearest_only is only for an answer in part")

    def with_uncovered(self, terms: Sequence[str], note: str, *, first: bool = False) -> Answer:
        """This answer in part: ``note`` (naming ``terms``) closes the text, or with ``first`` opens it (the
        sources do not cover what is asked, so what follows is only the nearest they come, and the
        "Gjelder:" line, which names the provisions that govern the question, goes). Unchanged when
        refused, when there is nothing uncovered, or when the answer already names what is uncovered."""
        if self.refused or not terms or self.uncovered:
            return self
        return replace(
            self,
            text=f"{note}\n\n{self.text}" if first else f"{self.text}\n\n{note}",
            lead="" if first else self.lead,
            answerability="partial",
            uncovered=tuple(terms),
            nearest_only=first,
        )

    def with_timings(self, **ms: float) -> Answer:
        """A copy of this answer with these timings (milliseconds) added, e.g. ``total_ms=12.5``."""
        return replace(self, timings={**self.timings, **ms})

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON object (see README, "Answer JSON")."""
        return {
            "question": self.question,
            "standalone_question": self.standalone_question or self.question,
            "answer": self.text,
            "lead": self.lead,
            "refused": self.refused,
            "answerability": self.answerability,
            "uncovered": list(self.uncovered),
            "nearest_only": self.nearest_only,
            "method": self.method,
            "notices": list(self.notices),
            "citations": [c.to_dict() for c in self.citations],
            "passages": [p.to_dict() for p in self.passages],
            "timings": {k: round(v, 2) for k, v in self.timings.items()},
        }


@dataclass(frozen=True)
class ProvisionView:
    """A provision with its full text, where the guide discusses it, and what it refers to."""

    label: str
    title: str
    document: str
    text: str
    chunks: tuple[Chunk, ...]
    discussed_in: tuple[Chunk, ...]
    references: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "provision": self.label,
            "title": self.title,
            "document": self.document,
            "text": self.text,
            "chunk_ids": [c.chunk_id for c in self.chunks],
            "page": self.chunks[0].page_start if self.chunks else None,
            "discussed_in": [
                {"chunk_id": c.chunk_id, "section": c.section, "document": c.document, "text": c.text}
                for c in self.discussed_in
            ],
            "references": list(self.references),
        }


@dataclass(frozen=True)
class ChecklistItem:
    """One question for the medarbeidersamtale, with its source passage."""

    question: str
    chunk: Chunk
    score: float


@dataclass(frozen=True)
class Checklist:
    """A ranked, cited list of questions for a medarbeidersamtale."""

    focus: str
    items: tuple[ChecklistItem, ...]

    def to_markdown(self) -> str:
        """Render as Markdown with numbered source notes."""
        title = "Forberedelse til medarbeidersamtalen"
        lines = [f"# {title}", ""]
        if self.focus:
            lines += [f"Fokus: {self.focus}", ""]
        sources: list[Chunk] = []
        for item in self.items:
            if item.chunk not in sources:
                sources.append(item.chunk)
            n = sources.index(item.chunk) + 1
            lines.append(f"- [ ] {item.question} [{n}]")
        lines += ["", "## Kilder", ""]
        for i, c in enumerate(sources, 1):
            where = " › ".join(p for p in (c.short_name, c.section) if p)
            lines.append(f"[{i}] {where}" + (f", {c.page_label}" if c.page_label else ""))
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        return {
            "focus": self.focus,
            "items": [
                {
                    "question": i.question,
                    "chunk_id": i.chunk.chunk_id,
                    "section": i.chunk.section,
                    "document": i.chunk.document,
                    "score": round(i.score, 4),
                }
                for i in self.items
            ],
            "markdown": self.to_markdown(),
        }


@dataclass(frozen=True)
class DocumentSummary:
    """One document in the index, for the Dokumenter view and the API."""

    doc_id: str
    title: str
    short_name: str
    kind: str
    chunks: int
    provisions: int
    pages: int | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class AnswerJSON(BaseModel):
    """The schema of :meth:`Answer.to_dict` (the API's /ask response; see README, "Answer JSON")."""

    question: str
    standalone_question: str
    answer: str
    lead: str
    refused: bool = Field(description="True exactly when answerability is 'refuse'.")
    answerability: Literal["answer", "partial", "refuse"] = Field(
        description="answer; partial: answered in part, `uncovered` names what the sources do not "
        "cover; refuse: the sources do not cover the question."
    )
    uncovered: list[str] = Field(description="Parts or terms of the question the sources say nothing about.")
    nearest_only: bool = Field(
        description="True when what is asked is itself uncovered (partial only): the note opens the answer and "
        "the quotes after it are only the nearest the sources come."
    )
    method: str
    notices: list[str]
    citations: list[dict[str, Any]]
    passages: list[dict[str, Any]]
    timings: dict[str, float]
