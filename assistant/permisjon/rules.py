"""The rules as data: every sentence the tools rely on, with where it stands in ``corpus/``.

Each :class:`Source` carries the corpus file, the document's short name, the provision
label, the ledd and a quote copied verbatim from that file. ``missing_quotes`` checks
them against the corpus text (whitespace-normalised, because the guide's text is
wrapped), so a change in a source fails a test instead of silently citing text that is
no longer there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

AML_FILE = "arbeidsmiljoloven-utdrag.md"
GUIDE_FILE = "veileder-laering-og-kompetanseutvikling.txt"


@dataclass(frozen=True)
class Source:
    """One quoted sentence (or part of one) and its place in the sources."""

    file: str
    document: str
    provision: str
    ledd: str
    quote: str
    section: str  # a heading in the file that the quote must follow (the provision's own section)

    def citation(self) -> dict[str, str]:
        """The citation as JSON: document, provision, ledd and the verbatim quote."""
        return {
            "document": self.document,
            "provision": self.provision,
            "ledd": self.ledd,
            "quote": self.quote,
        }

    def label(self) -> str:
        """A short reference, e.g. "aml. § 12-11 (1)"."""
        return f"{self.provision} {self.ledd}".strip()


def _aml(ledd: str, quote: str, provision: str = "aml. § 12-11", section: str = "## § 12-11.") -> Source:
    return Source(AML_FILE, "Arbeidsmiljøloven", provision, ledd, quote, section)


def _hta(quote: str) -> Source:
    return Source(GUIDE_FILE, "Veilederen", "HTA kap. 1 pkt. 14.2", "", quote, "14.2 Utdanningspermisjon")


WORKING_LIFE = _aml("(1)", "Arbeidstaker som har vært i arbeidslivet i minst tre år")
EMPLOYMENT = _aml("(1)", "som har vært ansatt hos arbeidsgiveren de siste to år")
UP_TO_THREE_YEARS = _aml("(1)", "har rett til hel eller delvis permisjon i inntil tre år")
JOB_RELATED = _aml(
    "(1)",
    "Utdanning ut over grunnskole eller videregående opplæringsnivå må være yrkesrelatert for å gi rett til "
    "permisjon.",
)
REFUSAL = _aml(
    "(2)",
    "Permisjon kan likevel ikke kreves når det vil være til hinder for arbeidsgivers forsvarlige planlegging "
    "av drift og personaldisponeringer.",
)
WAIT_A = _aml("(3) a", "dobbelt så lang tid som varigheten av den foregående permisjonen")
WAIT_B = _aml("(3) b", "minst ett år fra den foregående permisjonen tok til")
WAIT_B_EXEMPT = _aml("(3) b", "unntatt ved utdanningspermisjon for kurs under én måneds varighet")
NOTICE = _aml(
    "(4)",
    "Arbeidstaker som vil bruke retten til utdanningspermisjon, må gi arbeidsgiver skriftlig varsel om dette.",
)
NOTICE_CONTENT = _aml(
    "(4)",
    "Varslet skal inneholde opplysninger om utdanningens faglige innhold, varighet og eventuelt opptak ved "
    "utdanningsinstitusjon.",
)
NOTICE_RELEVANCE = _aml(
    "(4)",
    "Dersom det gjelder utdanning ut over grunnskole eller videregående opplæringsnivå, må yrkesrelevans "
    "begrunnes.",
)
REPLY_SIX = _aml(
    "(5)",
    "Arbeidsgiver som vil gjøre gjeldende at vilkårene for utdanningspermisjon ikke er oppfylt, skal snarest "
    "mulig og senest innen seks måneder skriftlig underrette arbeidstaker om dette.",
)
REPLY_SHORT = _aml(
    "(5)",
    "Dersom varslet permisjon er kortere enn seks måneder, skal slik underretning foreligge innen tre måneder "
    "etter at varsel er mottatt, men innen to måneder når varslet permisjon er kortere enn én måned.",
)
REPLY_INFORM = _aml(
    "(5)",
    "Arbeidsgiver skal fram til svar gis, på forespørsel orientere arbeidstaker om hva som gjøres for om mulig "
    "å legge til rette for permisjonen.",
)
DISPUTE = _aml(
    "",
    "Tvist om rett til permisjon etter dette kapittel avgjøres av tvisteløsningsnemnda",
    provision="aml. § 12-14",
    section="## § 12-14.",
)
COURTS = _aml(
    "(2)",
    "Tvist kan ikke bringes inn for domstolene før den har vært prøvet for nemnda og avgjørelse fra nemnda "
    "foreligger.",
    provision="aml. § 17-2",
    section="## § 17-2.",
)
HTA_GRANTED = _hta(
    "Hvis det, i forbindelse med utdannelse som er av verdi både for arbeidstakeren og arbeidsgiver, er "
    "nødvendig med hel eller delvis permisjon, skal dette innvilges, med mindre særlige grunner er til hinder "
    "for det."
)
HTA_PAY = _hta(
    "I den utstrekning det etter kommunens/virksomhetens syn er nødvendig å heve kunnskapsnivå samt styrke "
    "kompetanse for å utføre pålagte arbeidsoppgaver/arbeidsfunksjoner, skal det gis permisjon med lønn og "
    "dekning av legitimerte utgifter."
)
HTA_TURNUS = _hta(
    "Turnusarbeidere som er innvilget permisjon med lønn for å delta på opplæringstiltak/kurs på sin "
    "lovbestemte ukefridag, gis ny fridag som kompensasjon."
)

ALL_SOURCES: tuple[Source, ...] = (
    WORKING_LIFE,
    EMPLOYMENT,
    UP_TO_THREE_YEARS,
    JOB_RELATED,
    REFUSAL,
    WAIT_A,
    WAIT_B,
    WAIT_B_EXEMPT,
    NOTICE,
    NOTICE_CONTENT,
    NOTICE_RELEVANCE,
    REPLY_SIX,
    REPLY_SHORT,
    REPLY_INFORM,
    DISPUTE,
    COURTS,
    HTA_GRANTED,
    HTA_PAY,
    HTA_TURNUS,
)


def normalise(text: str) -> str:
    """Collapse every run of whitespace to one space (the guide's text is wrapped mid-sentence)."""
    return re.sub(r"\s+", " ", text).strip()


def section_text(text: str, heading: str) -> str:
    """The part of ``text`` from the line starting with ``heading`` up to the next heading of that kind."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith(heading)), None)
    if start is None:
        return ""
    stop = len(lines)
    for j in range(start + 1, len(lines)):
        line = lines[j].strip()
        if (heading.startswith("## ") and line.startswith("## ")) or (
            not heading.startswith("## ") and re.fullmatch(r"\d+(\.\d+)* \S.*|10-faktor", line)
        ):
            stop = j
            break
    return "\n".join(lines[start:stop])


def missing_quotes(corpus_dir: Path, sources: tuple[Source, ...] = ALL_SOURCES) -> list[Source]:
    """The sources whose quote is not found verbatim in their own section of ``corpus_dir/<file>``."""
    texts: dict[str, str] = {}
    missing = []
    for source in sources:
        if source.file not in texts:
            path = corpus_dir / source.file
            texts[source.file] = path.read_text(encoding="utf-8") if path.exists() else ""
        if normalise(source.quote) not in normalise(section_text(texts[source.file], source.section)):
            missing.append(source)
    return missing
