"""What the sources know: whether they use a word (as itself, a lemma, a glossary equivalent, a stem, a
compound part or a one-edit variant), whether a passage uses it, and how common it is in general use.

The answerability check (:mod:`assistant.refusal`) asks these questions of a question's words.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from core.glossary import GLOSSARY
from core.sentences import BULLET_RE, split_sentences
from core.text import (
    bokmal_forms,
    by_length_and_initial,
    is_a_word,
    lemma,
    lemmas,
    one_slip,
    one_slip_from,
    stem,
    unlinked,
    variant_zipf,
    words,
    zipf,
)
from index.lexical import BM25Index

VARIANT_MARGIN = 1.0
"""A word counts as a variant of a common word only when that word is at least this much more common (Zipf):
ten times. An inflection a little more common than the form asked ("beboer", "beboere") keeps its own."""


@lru_cache(maxsize=50_000)
def forms(word: str) -> tuple[str, ...]:
    """The word, its lemmas, its regular Bokmål spellings when they are far commoner than it
    (:func:`core.text.bokmal_forms`, ``VARIANT_MARGIN``) and their glossary equivalents in the sources' Bokmål ("tilsette" -> ansatte, "lønsforhandlingane" -> lønnsforhandlingene)."""
    out = list(lemmas(word))
    own = zipf(word, "nb")
    out.extend(f for f in bokmal_forms(word) if zipf(f, "nb") >= own + VARIANT_MARGIN and f not in out)
    out.extend(f for f in _unclipped(word) if f not in out)
    for form in list(out):
        out.extend(t for t in GLOSSARY.get(form, ()) if t not in out)
    return tuple(out)


_MIN_CLIP = 4
"""The shortest clipped word that ends a compound ("perm" in "utdanningsperm")."""


def _unclipped(word: str) -> tuple[str, ...]:
    """A compound ending in a clipped word of the glossary, with the whole word ("utdanningsperm" ->
    utdanningspermisjon): only entries whose word is the start of their equivalent ("perm" -> permisjon), and
    a first part in general use."""
    out: list[str] = []
    for at in range(_MIN_CLIP, len(word) - _MIN_CLIP + 1):
        head, tail = word[:at], word[at:]
        whole = [t for t in GLOSSARY.get(tail, ()) if t.startswith(tail) and t != tail]
        if whole and any(is_a_word(h) for h in unlinked(head) if len(h) >= _MIN_CLIP):
            out.extend(head + t for t in whole)
    return tuple(out)


def _near_known(stem_: str, known: frozenset[str] | set[str], min_len: int) -> bool:
    """A spelling variant, typo or inflection of a known stem: one edit, stems of ``min_len``+ letters."""
    if len(stem_) < min_len:
        return False
    if isinstance(known, frozenset):  # the index's vocabulary: look only where a one-slip neighbour can be
        return stem_ in known or next(one_slip_from(stem_, _buckets(known)), None) is not None
    return any(k[:1] == stem_[:1] and one_slip(stem_, k) for k in known)


@lru_cache(maxsize=4)
def _buckets(known: frozenset[str]) -> dict[tuple[int, str], tuple[str, ...]]:
    """An index's known stems by length and first letter (built once per index generation)."""
    return by_length_and_initial(known)


_ING = "ing"
"""The Norwegian suffix that makes a noun of a verb ("kartlegge" -> kartlegging, "revidere" -> revidering)."""


def _derived_known(stem_: str, known: frozenset[str] | set[str]) -> bool:
    """The verb or its "-ing" noun is known when the other is ("kartleggingen" for "kartlegge", "revidere" for
    "revidering"): stems of 5+ letters besides the suffix."""
    if stem_.endswith(_ING):
        return len(stem_) - len(_ING) >= 5 and stem_[: -len(_ING)] in known
    return len(stem_) >= 5 and stem_ + _ING in known


# The people the sources give roles to (the guide's "Roller, ansvar og forventninger": ledere, tillitsvalgte,
# medarbeidere/ansatte; the law's arbeidstaker), by the role each word names. Their rules hold for every kind of
# them.
ROLE_KINDS = {
    "leder": "leder",
    "ledere": "leder",
    "tillitsvalgt": "tillitsvalgt",
    "tillitsvalgte": "tillitsvalgt",
    "medarbeider": "medarbeider",
    "medarbeidere": "medarbeider",
    "arbeidstaker": "medarbeider",
    "arbeidstakere": "medarbeider",
    "ansatt": "medarbeider",
    "ansatte": "medarbeider",
}
ROLE_HEADS = frozenset(ROLE_KINDS)
_ROLE_PREFIX = 3
"""The shortest first part of a role compound ("tea-mleder" is not one, "team-leder" is)."""


@lru_cache(maxsize=50_000)
def names_a_role(word: str) -> bool:
    """True if ``word`` is a kind of one of the sources' roles (``ROLE_HEADS``): a compound of a word in
    general use and a role, as itself, a lemma or a glossary equivalent ("enhets-lederen",
    "hoved-tillitsvalgt", "kommunal-sjef" via sjef -> leder, Nynorsk "einings-leiar" via eining -> enhet; not
    "sjukep-leiar")."""
    return any(
        any(form in ROLE_HEADS for form in forms(word[at:]))
        and any(
            is_a_word(first) or any(is_a_word(t) for t in GLOSSARY.get(first, ()))
            for first in unlinked(word[:at])
            if len(first) >= _ROLE_PREFIX
        )
        for at in range(_ROLE_PREFIX, len(word) - 3)
    )


@lru_cache(maxsize=50_000)
def role_of(word: str) -> str | None:
    """The role (a value of ``ROLE_KINDS``) ``word`` names, as itself, a lemma or glossary equivalent ("leiar",
    "sjefen" -> leder) or a kind of it (:func:`names_a_role`: "plasstillitsvalde" -> tillitsvalgt); None for
    none."""
    heads = [form for form in forms(word) if form in ROLE_KINDS]
    if not heads and names_a_role(word):
        heads = [
            form
            for at in range(_ROLE_PREFIX, len(word) - 3)
            for form in forms(word[at:])
            if form in ROLE_KINDS
        ]
    return ROLE_KINDS[heads[0]] if heads else None


def named_roles(text: str) -> frozenset[str]:
    """The roles (:func:`role_of`) the words of ``text`` name."""
    return frozenset(r for r in (role_of(w) for w in set(words(text)) if not w[:1].isdigit()) if r)


@lru_cache(maxsize=1024)
def lead_in_roles(text: str) -> frozenset[str]:
    """The roles a list's lead-in names ("… kan ledere og tillitsvalgte drøfte …" -> leder, tillitsvalgt): those of
    the sentences of ``text`` that are neither list items nor questions."""
    return named_roles(
        " ".join(
            s.text
            for s in split_sentences(text)
            if not s.text.rstrip().endswith("?") and not BULLET_RE.match(s.text)
        )
    )


def is_known(word: str, bm25: BM25Index) -> bool:
    """True if the sources use ``word``: as itself, a lemma, a glossary equivalent, a stem, a one-edit
    spelling variant (typos, Nynorsk forms such as "tenestene"), as the last part of a compound, or as
    the first part of one of their compounds ("turnus" in "turnusarbeidere")."""
    known = bm25.known_stems
    for form in forms(word):
        s = stem(form)
        if s in known or _near_known(s, known, 6) or _derived_known(s, known):
            return True
        parts = bm25.vocab.split(form)
        if parts and parts[-1] in bm25.idf:
            return True
        if bm25.vocab.is_modifier(form):
            return True
    return False


def general_frequency(word: str) -> float:
    """The word's highest Zipf frequency over its lemmas and their glossary equivalents, in Bokmål and in
    English (0 = unseen); for a Norwegian word far rarer than the common Bokmål word it is one slip from or
    spelled as in Bokmål, that word's (a Nynorsk form or a typo: "dårleg", "utanfor", "allerde";
    :func:`core.text.variant_zipf`, ``VARIANT_MARGIN``).

    A hyphenated lemma ("natt-tillegg" for "nattillegg") is left out: wordfreq reads it as two
    words and reports a phrase estimate, not the frequency of the word.
    """
    forms_ = [form for form in lemmas(word) if "-" not in form]
    own = max(zipf(form, lang) for form in forms_ for lang in ("nb", "en"))
    if zipf(word, "en") > zipf(word, "nb"):
        # An English word keeps its own frequency ("kilometre" is not a spelling of "kilometer"). The word
        # itself decides, not its lemmas: a Nynorsk lemma may be an English or German word ("gonger" -> gong,
        # "meinte" -> meine). An English inflection is as common as its English lemma ("phoned" -> phone).
        return max(own, zipf(lemma(word, "en"), "en"))
    # a Nynorsk or colloquial word is as common as its Bokmål equivalent ("gjere" -> gjøre)
    own = max((own, *(zipf(t, "nb") for form in forms_ for t in GLOSSARY.get(form, ()))))
    # a lemma's Bokmål spelling too ("finst" -> finnast -> finnes); one slip only from the word itself, since
    # a lemma one slip from a common word is often another word ("fridag" / fredag)
    variant = max(
        (variant_zipf(word), *(zipf(f, "nb") for form in forms_[1:] for f in bokmal_forms(form)[:1]))
    )
    return variant if variant >= own + VARIANT_MARGIN else own


def uses(word: str, terms: set[str] | frozenset[str], bm25: BM25Index) -> bool:
    """True if analysed ``terms`` (a passage's or a sentence's) contain ``word``: as a stem of the word or
    of a lemma or glossary equivalent, as the last part of it as a compound, or as a one-edit inflection."""
    for form in forms(word):
        s = stem(form)
        if s in terms or set(bm25.vocab.split(form)[-1:]) & terms:
            return True
        # Inflection the stemmer leaves apart ("varsl" for varsle, "varsel"): one edit, 5+ letters.
        if _near_known(s, terms, 5):
            return True
    return False


def names_a_source(word: str, short_names: Iterable[str]) -> bool:
    """True if ``word`` is what users call one of the documents with ``short_names`` (in any inflection:
    "veileder" for "Veilederen")."""
    own = {stem(form) for form in forms(word)}
    return any(stem(form) in own for name in short_names if name for form in forms(name.strip().lower()))
