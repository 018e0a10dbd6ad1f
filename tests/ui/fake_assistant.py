"""A deterministic stand-in for :class:`assistant.service.Assistant`, for fast UI and API tests.

It answers from three fixed chunks (arbeidsmiljøloven § 12-11, HTA 14.2 and the guide's
medarbeidersamtale questions), refuses anything about "ferie", and records every call
so tests can assert on the history and role it was given.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from assistant.lookup import not_found_message, sub_provisions
from assistant.models import (
    Answer,
    Checklist,
    ChecklistItem,
    Citation,
    DocumentSummary,
    Hit,
    Passage,
    ProvisionView,
    Turn,
)
from assistant.service import Assistant
from core.errors import AmbiguousReferenceError
from core.models import Chunk, make_chunk_id
from core.settings import Settings, load_settings

AML_TEXT = (
    "§ 12-11. Utdanningspermisjon\n(1) Arbeidstaker som har vært i arbeidslivet i minst tre år og som har "
    "vært ansatt hos arbeidsgiveren de siste to år, har rett til hel eller delvis permisjon i inntil tre år "
    "for å delta i organiserte utdanningstilbud. Utdanning ut over grunnskole eller videregående "
    "opplæringsnivå må være yrkesrelatert for å gi rett til permisjon."
)
HTA_TEXT = (
    "14.2 Utdanningspermisjon\nRett til utdanningspermisjon reguleres av arbeidsmiljøloven § 12-11. "
    "Hvis det, i forbindelse med utdannelse som er av verdi både for arbeidstakeren og arbeidsgiver, er "
    "nødvendig med hel eller delvis permisjon, kan det inngås avtale om lønn under permisjonen."
)
GUIDE_TEXT = (
    "Medarbeidersamtalen\nHar du kompetanse som ikke blir brukt i dag? Hvilke læringsmål har du for det "
    "neste året? Hvordan skal vi følge opp dette?"
)
AML_QUOTE = (
    "har rett til hel eller delvis permisjon i inntil tre år for å delta i organiserte utdanningstilbud"
)
HTA_QUOTE = "Rett til utdanningspermisjon reguleres av arbeidsmiljøloven § 12-11."
REFUSAL_TEXT = (
    "Jeg finner ikke noe om dette i kildene jeg har (KS-veilederen, Hovedtariffavtalen og "
    "arbeidsmiljøloven). Spør gjerne personalavdelingen eller en tillitsvalgt."
)


def with_ui(settings: Settings, **ui: object) -> Settings:
    """A copy of ``settings`` with UI fields replaced (validated, so passwords become secrets)."""
    merged = {**settings.ui.model_dump(), **ui}
    return settings.model_copy(update={"ui": type(settings.ui).model_validate(merged)})


def make_chunk(
    doc_id: str,
    document: str,
    short_name: str,
    kind: str,
    text: str,
    section: tuple[str, ...],
    provision: str | None,
    page: int | None,
    position: int,
    references: tuple[str, ...] = (),
) -> Chunk:
    """A chunk with consistent provenance for tests."""
    doc_hash = f"hash-{doc_id}"
    return Chunk(
        chunk_id=make_chunk_id(doc_hash, position, text),
        doc_id=doc_id,
        document=document,
        short_name=short_name,
        kind=kind,  # type: ignore[arg-type]
        text=text,
        section_path=section,
        provision=provision,
        heading=None,
        chunk_type="provision" if provision else "section",
        page_start=page,
        page_end=page,
        char_start=position * 1000,
        char_end=position * 1000 + len(text),
        position=position,
        doc_hash=doc_hash,
        references=references,
    )


AML = make_chunk(
    "arbeidsmiljoloven", "Arbeidsmiljøloven (utdrag)", "Arbeidsmiljøloven", "law", AML_TEXT,
    ("§ 12-11. Utdanningspermisjon",), "aml. § 12-11", None, 0, ("aml. § 12-14",),
)  # fmt: skip
HTA = make_chunk(
    "veileder", "Veileder for læring og kompetanseutvikling", "Veilederen", "guide", HTA_TEXT,
    ("Medarbeidersamtalen", "14.2 Utdanningspermisjon"), "HTA kap. 1 pkt. 14.2", 5, 1, ("aml. § 12-11",),
)  # fmt: skip
GUIDE = make_chunk(
    "veileder", "Veileder for læring og kompetanseutvikling", "Veilederen", "guide", GUIDE_TEXT,
    ("Medarbeidersamtalen",), None, 4, 2,
)  # fmt: skip
CHUNKS = (AML, HTA, GUIDE)


def cite(n: int, chunk: Chunk, quote: str) -> Citation:
    """A citation of ``quote`` (which must occur in ``chunk.text``)."""
    start = chunk.text.index(quote)
    return Citation(
        n, chunk.chunk_id, chunk.short_name, chunk.provision, chunk.section, chunk.page_start, quote, start
    )


@dataclass
class FakeAssistant(Assistant):
    """Scripted answers; ``calls`` records (method, question, history, role) for assertions."""

    settings: Settings = field(default_factory=lambda: load_settings(embedding={"backend": "hash"}))
    method: str = "extractive"
    fail_with: Exception | None = None
    calls: list[tuple[str, str, tuple[Turn, ...], str | None]] = field(default_factory=list)
    refreshed: int = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> FakeAssistant:
        return cls(settings=settings)

    def _check(self) -> None:
        if self.fail_with is not None:
            raise self.fail_with

    def ask(self, question: str, history: Sequence[Turn] = (), role: str | None = None) -> Answer:
        self.calls.append(("ask", question, tuple(history), role))
        self._check()
        return self.answer_for(question)

    def answer_for(self, question: str) -> Answer:
        """The scripted answer: a refusal for "ferie", otherwise two cited sentences."""
        passages = (Passage(1, AML, 0.9), Passage(2, HTA, 0.7))
        if "ferie" in question.lower():
            return Answer(question, REFUSAL_TEXT, True, (), passages, method=self.method)
        text = (
            "Ja, hvis du har vært i arbeidslivet i minst tre år og ansatt hos arbeidsgiveren de siste to år, "
            f"{AML_QUOTE} [1]. {HTA_QUOTE} [2]"
        )
        citations = (cite(1, AML, AML_QUOTE), cite(2, HTA, HTA_QUOTE))
        notices = ("Spørsmålet var langt og ble forkortet.",) if len(question) > 2000 else ()
        return Answer(
            question[:2000], text, False, citations, passages, method=self.method, notices=notices,
            timings={"total": 0.01},
        )  # fmt: skip

    def stream(
        self, question: str, history: Sequence[Turn] = (), role: str | None = None
    ) -> Iterator[str | Answer]:
        self.calls.append(("stream", question, tuple(history), role))
        self._check()
        answer = self.answer_for(question)
        for word in answer.text.split(" "):
            yield word + " "
        yield answer

    def retrieve(self, question: str, k: int | None = None, asked: str | None = None) -> list[Hit]:
        self._check()
        return [Hit(c, 1.0 / (i + 1)) for i, c in enumerate(CHUNKS)][: k or 3]

    def _view(self, chunk: Chunk) -> ProvisionView:
        discussed = (HTA,) if chunk is AML else ()
        title = chunk.section_path[-1] if chunk.section_path else ""
        return ProvisionView(
            chunk.provision or "", title, chunk.document, chunk.text, (chunk,), discussed, chunk.references
        )

    def lookup(self, ref: str) -> ProvisionView | None:
        self._check()
        aliases = {"aml.§12-11": AML, "§12-11": AML, "12-11": AML, "htakap.1pkt.14.2": HTA, "hta14.2": HTA}
        key = ref.lower().replace(" ", "")
        if key == "14.2":  # as if a user's document had a point 14.2 too
            raise AmbiguousReferenceError(ref, ["HTA kap. 1 pkt. 14.2", "Lønnspolitikk pkt. 14.2"])
        chunk = aliases.get(key)
        return self._view(chunk) if chunk else None

    def not_found(self, ref: str, parts: Sequence[ProvisionView] | None = None) -> str:
        return not_found_message(ref, self.sub_provisions(ref) if parts is None else parts)

    def sub_provisions(self, ref: str) -> list[ProvisionView]:
        wanted = set(sub_provisions(ref, CHUNKS))
        return [self._view(c) for c in CHUNKS if c.provision in wanted]

    def provisions(self, query: str = "") -> list[ProvisionView]:
        self._check()
        views = [self._view(c) for c in (AML, HTA)]
        q = query.lower().strip()
        return [v for v in views if not q or q in (v.label + " " + v.title + " " + v.text).lower()]

    def samtale(self, focus: str = "", limit: int = 12) -> Checklist:
        self._check()
        items = (
            ChecklistItem("Har du kompetanse som ikke blir brukt i dag?", GUIDE, 0.9),
            ChecklistItem("Hvilke læringsmål har du for det neste året?", GUIDE, 0.8),
            ChecklistItem("Er utdanningspermisjon aktuelt for deg?", AML, 0.5),
        )
        return Checklist(focus, items[:limit])

    def documents(self) -> list[DocumentSummary]:
        self._check()
        return [
            DocumentSummary(
                "arbeidsmiljoloven", "Arbeidsmiljøloven (utdrag)", "Arbeidsmiljøloven", "law", 1, 1, None
            ),
            DocumentSummary(
                "veileder", "Veileder for læring og kompetanseutvikling", "Veilederen", "guide", 2, 1, 6
            ),
        ]

    def refresh(self) -> bool:
        self.refreshed += 1
        return True
