"""In-memory stand-ins for the vector index, for fast unit tests of the answer stages."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.models import Chunk, DocumentKind, make_chunk_id
from index.sentences import sentence_key, sentence_records
from index.snapshot import Snapshot


def law_chunk(text: str, *, position: int) -> Chunk:
    """A passage of aml. § 12-11, as the law's chunks carry it."""
    return make_chunk(text, position=position, doc_id="aml", kind="law", provision="aml. § 12-11")


def make_chunk(
    text: str,
    *,
    position: int,
    doc_id: str = "veileder",
    provision: str | None = None,
    section: tuple[str, ...] = ("Innledning",),
    kind: DocumentKind = "guide",
    references: tuple[str, ...] = (),
    heading: str | None = None,
) -> Chunk:
    """A chunk with plausible provenance for tests."""
    short = {"veileder": "Veilederen", "aml": "Arbeidsmiljøloven"}.get(doc_id, doc_id)
    return Chunk(
        chunk_id=make_chunk_id(doc_id, position, text),
        doc_id=doc_id,
        document=short,
        short_name=short,
        kind=kind,
        text=text,
        section_path=section,
        provision=provision,
        heading=heading,
        chunk_type="provision" if provision else "paragraph",
        page_start=None,
        page_end=None,
        char_start=0,
        char_end=len(text),
        position=position,
        doc_hash=doc_id,
        references=references,
    )


class MemoryIndex:
    """Implements what the assistant needs of ``index.store.VectorIndex``, in memory."""

    def __init__(self, chunks: Sequence[Chunk], embedder: object) -> None:
        self._chunks = list(chunks)
        self.embedder = embedder
        self._vectors = np.asarray(embedder.embed_documents([c.text for c in chunks]))  # type: ignore[attr-defined]
        self.gen = "1"
        self.searches = 0
        self._sentences: np.ndarray | None = None

    def chunks(self) -> list[Chunk]:
        return list(self._chunks)

    def search(self, vector: Sequence[float], k: int) -> list[tuple[Chunk, float]]:
        self.searches += 1
        sims = self._vectors @ np.asarray(vector)
        order = np.argsort(-sims)[:k]
        return [(self._chunks[i], float(sims[i])) for i in order]

    def generation(self) -> str:
        return self.gen

    def snapshot(self) -> Snapshot:
        """The chunks with their vectors, and every chunk sentence's vector, as ingest stores them."""
        keys = list(dict.fromkeys(sentence_key(s.text) for s in sentence_records(self._chunks)))
        if self._sentences is None:
            self._sentences = np.asarray(self.embedder.embed_documents(keys), dtype=np.float32)  # type: ignore[attr-defined]
        return Snapshot(
            list(self._chunks), np.asarray(self._vectors, dtype=np.float32), keys, self._sentences
        )

    def manifest(self) -> dict[str, object]:
        return {}


GUIDE = [
    make_chunk(
        "Medarbeidersamtalen mellom leder og medarbeider er et viktig verktøy for å sette læring og "
        "kompetansebehov på dagsordenen.",
        position=0,
        section=("Medarbeidersamtalen",),
    ),
    make_chunk(
        "14.2 Utdanningspermisjon\nRett til utdanningspermisjon reguleres av arbeidsmiljøloven § 12-11. "
        "I den utstrekning det etter kommunens/virksomhetens syn er nødvendig å heve kunnskapsnivå, skal det "
        "gis permisjon med lønn og dekning av legitimerte utgifter.",
        position=1,
        provision="HTA kap. 1 pkt. 14.2",
        section=("Medarbeidersamtalen", "14.2 Utdanningspermisjon"),
        references=("aml. § 12-11",),
        heading="14.2 Utdanningspermisjon",
    ),
    make_chunk(
        "Partene lokalt kan uavhengig av øvrige forhandlingsbestemmelser forhandle om endret lønn når en "
        "arbeidstaker har gjennomført relevant etter-/videreutdanning.",
        position=2,
        provision="HTA kap. 4 pkt. 4.2.4",
        section=(
            "Læring, kompetanse, arbeidsgiverpolitikk og lokal lønnspolitikk",
            "HTA kap. 4.2.4 Kompetanse",
        ),
    ),
    make_chunk(
        "Til refleksjon\n• Hvordan kan vi legge til rette for læring og kompetanseutvikling i vår virksomhet?\n"
        "• Hvilke læringsformer og læringsarenaer ønsker vi å utforske og prøve ut?",
        position=3,
        section=("Læringsformer og læringsarenaer", "Til refleksjon"),
    ),
]
LAW = [
    make_chunk(
        "§ 12-11. Utdanningspermisjon\n(1) Arbeidstaker som har vært i arbeidslivet i minst tre år og som har "
        "vært ansatt hos arbeidsgiveren de siste to år, har rett til hel eller delvis permisjon i inntil tre år "
        "for å delta i organiserte utdanningstilbud.",
        position=0,
        doc_id="aml",
        kind="law",
        provision="aml. § 12-11",
        section=("Arbeidsmiljøloven", "§ 12-11. Utdanningspermisjon", "(1)"),
        heading="§ 12-11. Utdanningspermisjon",
    ),
    make_chunk(
        "(4) Arbeidstaker som vil bruke retten til utdanningspermisjon, må gi arbeidsgiver skriftlig varsel om "
        "dette.",
        position=1,
        doc_id="aml",
        kind="law",
        provision="aml. § 12-11",
        section=("Arbeidsmiljøloven", "§ 12-11. Utdanningspermisjon", "(4)"),
    ),
]
CHUNKS = GUIDE + LAW
