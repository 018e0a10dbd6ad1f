"""Norwegian text analysis for lexical matching: tokens, stems, compounds, synonyms.

Used by the BM25 index, the re-ranker and the extractive answerer, so a question
and a passage are always analysed the same way. Questions in Nynorsk or English
are mapped onto the Bokmål vocabulary of the sources by a small domain glossary.
"""

from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache

import Stemmer

from core.function_words import STOPWORDS
from core.glossary import GLOSSARY

TOKEN_RE = re.compile(r"[0-9]+(?:[.-][0-9]+)*|[a-zæøåéèêóòôäöü]+", re.IGNORECASE)

# Norwegian words that stay in the query next to their glossary synonyms (English ones are replaced).
_KEEP_WITH_GLOSSARY = frozenset(
    "sjef sjefen sjefer sjefene prate prater pratet fri fritak master studie studiet studier studere skole "
    "kontrakt klage klager uenig uenige".split()
)

# Linking elements Norwegian compounds put between their parts ("utdanning-s-permisjon").
_LINKS = ("", "s", "e")
_MIN_PART = 4
_MIN_TAIL = 8

_stemmer_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    # PyStemmer objects are not thread-safe; keep one per thread.
    stemmer = getattr(_stemmer_local, "stemmer", None)
    if stemmer is None:
        stemmer = Stemmer.Stemmer("norwegian")
        _stemmer_local.stemmer = stemmer
    return stemmer


def fold(text: str) -> str:
    """Lowercase and normalise Unicode (NFC), unify dashes and soft hyphens."""
    text = unicodedata.normalize("NFC", text).lower()
    return text.replace("\u00ad", "").replace("‐", "-").replace("–", "-").replace("—", "-")


def words(text: str) -> list[str]:
    """Lower-cased word and number tokens of ``text`` in order (stopwords kept)."""
    return TOKEN_RE.findall(fold(text))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Norwegian Snowball stem of one lower-case word (numbers unchanged)."""
    if word[:1].isdigit():
        return word
    return str(_stemmer().stemWord(word))


def content_words(text: str, *, expand: bool = False) -> list[str]:
    """Tokens minus stopwords; with ``expand``, glossary translations are appended."""
    out: list[str] = []
    for w in words(text):
        if expand and w in GLOSSARY:
            out.extend(GLOSSARY[w])
            if w in STOPWORDS or (w.isascii() and w not in _KEEP_WITH_GLOSSARY):
                continue
        if w in STOPWORDS or (len(w) < 2 and not w.isdigit()):
            continue
        out.append(w)
    return out


def unlinked(head: str) -> tuple[str, ...]:
    """The first part of a compound as written before its last part, and without a linking "s" or "e" when
    it ends in one ("enhets" -> enhets, enhet)."""
    return tuple(head[: len(head) - len(link)] for link in _LINKS if head.endswith(link))


class Vocabulary:
    """Known word stems of the corpus, used to split compounds into known parts."""

    def __init__(self, words_: Iterable[str]) -> None:
        words_ = [w for w in words_ if len(w) >= _MIN_PART]
        self._all = frozenset(w for w in words_ if not w[:1].isdigit())
        self.stems: frozenset[str] = frozenset(stem(w) for w in words_)
        self._words = frozenset(w for w in words_ if len(w) >= 2 * _MIN_PART and not w[:1].isdigit())
        self._cache: dict[str, tuple[str, ...]] = {}
        self._sorted: list[str] | None = None
        self._by_length: dict[tuple[int, str], tuple[str, ...]] | None = None
        self._corrections: dict[str, str | None] = {}

    def is_modifier(self, word: str) -> bool:
        """True if the corpus uses ``word`` as the first part of a compound whose last part it knows
        ("turnus" in "turnusarbeidere"), with or without a linking "s"/"e"."""
        if len(word) < _MIN_PART:
            return False
        if self._sorted is None:
            self._sorted = sorted(self._words)  # once, on first use: only the answerability check asks
        for head in {word + link for link in _LINKS}:
            at = bisect.bisect_left(self._sorted, head)
            while at < len(self._sorted) and self._sorted[at].startswith(head):
                tail = self._sorted[at][len(head) :]
                # the last part as a known word, or a known stem plus an inflection of up to three
                # letters ("arbeid-ere" in "turnusarbeidere")
                if len(tail) >= _MIN_PART and (
                    stem(tail) in self.stems
                    or any(
                        tail[:j] in self.stems for j in range(max(_MIN_PART, len(tail) - 3), len(tail) + 1)
                    )
                ):
                    return True
                at += 1
        return False

    def correction(self, word: str) -> str | None:
        """The one corpus word a single typo away from ``word`` (a letter added, dropped, changed or two
        swapped: "utdaningspermisjon" -> utdanningspermisjon), or None when there is none or several."""
        if word in self._corrections:
            return self._corrections[word]
        if self._by_length is None:
            self._by_length = by_length_and_initial(self._all)
        found = set(one_slip_from(word, self._by_length))
        fixed = found.pop() if len(found) == 1 else None
        if len(self._corrections) < 10_000:  # questions' words, bounded
            self._corrections[word] = fixed
        return fixed

    def split(self, word: str) -> tuple[str, ...]:
        """Stems of the known parts of a compound ("utdanningspermisjon" -> utdanning, permisjon).

        Returns () when ``word`` is not a compound of two known parts. Tries every
        split point with the linking elements "", "s", "e"; prefers the split whose
        parts are both longest.
        """
        if word in self._cache:
            return self._cache[word]
        best: tuple[str, ...] = ()
        best_len = 0
        if len(word) >= 2 * _MIN_PART and not word[:1].isdigit():
            for i in range(_MIN_PART, len(word) - _MIN_PART + 1):
                head, tail = word[:i], word[i:]
                tail_stem = stem(tail)
                if tail_stem not in self.stems and tail not in self.stems:
                    continue
                for h in unlinked(head):
                    if len(h) < _MIN_PART:
                        continue
                    h_stem = stem(h)
                    if h_stem in self.stems or h in self.stems:
                        score = min(len(h), len(tail))
                        if score > best_len:
                            best, best_len = (h_stem, tail_stem), score
        self._cache[word] = best
        return best

    def known_tail(self, word: str) -> str | None:
        """The stem of a long known last part of a compound whose first part the sources never use but
        general Norwegian does ("hovedtillitsvalgt" -> tillitsvalgt): the head only narrows the tail."""
        for i in range(_MIN_PART, len(word) - _MIN_TAIL + 1):
            head, tail = word[:i], word[i:]
            # the tail as written, or its glossary equivalent ("plass-tillitsvald" -> tillitsvalgte)
            for form in (tail, *GLOSSARY.get(tail, ())):
                tail_stem = stem(form)
                if (tail_stem in self.stems or form in self.stems) and any(
                    is_a_word(h) for h in unlinked(head)
                ):
                    return tail_stem
        return None


def with_equivalents(question: str) -> str:
    """``question`` followed by the sources' Bokmål words for its English, Nynorsk and colloquial ones (the
    glossary), for the embedder: "Kven avgjer saka når vi er usamde?" is also embedded with "avgjør uenige
    tvist", so it lands nearer the Bokmål passages. Unchanged when no word has an equivalent."""
    seen = set(words(question))
    extra = [t for w in words(question) for t in GLOSSARY.get(w, ()) if t not in seen]
    return f"{question} {' '.join(dict.fromkeys(extra))}" if extra else question


def one_slip(a: str, b: str) -> bool:
    """True if ``a`` and ``b`` are equal or differ by one insertion, deletion, substitution or swap of
    neighbours: a typo, a spelling variant, or an inflection the stemmer leaves apart."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    return a[i + 1 :] == b[i + 1 :] or (a[i + 2 :] == b[i + 2 :] and a[i : i + 2] == b[i : i + 2][::-1])


@lru_cache(maxsize=50_000)
def zipf(word: str, lang: str) -> float:
    """How common ``word`` is in general use of ``lang`` ("nb", "en"): wordfreq's Zipf scale, 0 = unseen."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, lang))


VARIANT_MIN_CHARS = 6
"""Shorter words are not read as a variant of a common word: too many common words lie one slip away."""
VARIANT_ZIPF = 3.0
"""The common Bokmål words a variant may be of: wordfreq's list down to this Zipf frequency (about 26 000)."""


def by_length_and_initial(words_: Iterable[str]) -> dict[tuple[int, str], tuple[str, ...]]:
    """``words_`` grouped by length and first letter, for :func:`one_slip_from`."""
    buckets: dict[tuple[int, str], list[str]] = {}
    for w in words_:
        buckets.setdefault((len(w), w[:1]), []).append(w)
    return {key: tuple(ws) for key, ws in buckets.items()}


def one_slip_from(word: str, buckets: dict[tuple[int, str], tuple[str, ...]]) -> Iterator[str]:
    """The words of ``buckets`` (:func:`by_length_and_initial`) other than ``word`` that begin with its letter
    and are one slip from it (:func:`one_slip`)."""
    for n in (len(word) - 1, len(word), len(word) + 1):
        for w in buckets.get((n, word[:1]), ()):
            if w != word and one_slip(word, w):
                yield w


@lru_cache(maxsize=1)
def _common_words() -> dict[tuple[int, str], tuple[str, ...]]:
    """wordfreq's common Bokmål words (Zipf >= ``VARIANT_ZIPF``), by length and first letter."""
    from wordfreq import top_n_list

    common: list[str] = []
    for w in top_n_list("nb", 40_000):
        if zipf(w, "nb") < VARIANT_ZIPF:
            break
        if w.isalpha():
            common.append(w)
    return by_length_and_initial(common)


# Regular correspondences of Nynorsk and Bokmål spelling (source: Språkrådet's official forms of the two
# written standards): endings ("avdelinga" / avdelingen, "vikarar" / vikarer, "forhandlingane" /
# forhandlingene, "lovfesta" / lovfestet, "dårleg" / dårlig, "krevje" / kreve, "einaste" / eneste, the passive
# "finnast" / finnes, "annan" / annen) and stems ("hausten" / høsten, "høgare" / høyere, "løn" / lønn, "kvifor" /
# hvorfor, "gjevar" / giver, "teneste" / tjeneste, "gjere" / gjøre, "søkjar" / søker, "sjukeheim" / sykehjem,
# "rekne" / regne, "halde" / holde); a word may differ in two stem spellings and its ending.
_NN_ENDINGS = (
    ("ingane", "ingene"),
    ("ane", "ene"),
    ("inga", "ingen"),
    ("are", "ere"),
    ("aste", "este"),
    ("ast", "est"),
    ("ast", "es"),
    ("lege", "lige"),
    ("leg", "lig"),
    ("ar", "er"),
    ("an", "en"),
    ("ande", "ende"),
    ("je", "e"),
    ("a", "et"),
    ("a", "en"),
    ("a", "e"),
)
_NN_STEMS = (
    ("au", "ø"),
    ("ei", "e"),
    ("øg", "øy"),
    ("kv", "hv"),
    ("løn", "lønn"),
    ("gjev", "giv"),
    ("ten", "tjen"),
    ("gjer", "gjør"),
    ("kj", "k"),
    ("sjuk", "syk"),
    ("heim", "hjem"),
    ("kn", "gn"),
    ("hald", "hold"),
)


@lru_cache(maxsize=50_000)
def bokmal_forms(word: str) -> tuple[str, ...]:
    """The Bokmål spellings of a Nynorsk ``word`` by the regular correspondences above (one change of stem,
    one of ending, or both) that general Bokmål use knows, commonest first ("lønsforhandlingane" ->
    lønnsforhandlingene)."""
    once = [word.replace(nn, nb, 1) for nn, nb in _NN_STEMS if nn in word]
    twice = [w.replace(nn, nb, 1) for w in once for nn, nb in _NN_STEMS if nn in w and nb not in w]
    stems = [word, *once, *twice]
    found = set(stems[1:])
    for s in stems:
        found.update(s[: -len(nn)] + nb for nn, nb in _NN_ENDINGS if s.endswith(nn) and len(s) >= len(nn) + 2)
    found.discard(word)
    known = [(zipf(w, "nb"), w) for w in found if zipf(w, "nb") > 0]
    return tuple(w for _z, w in sorted(known, reverse=True))


@lru_cache(maxsize=50_000)
def variant_zipf(word: str) -> float:
    """The Bokmål frequency of the commonest spelling of ``word`` in Bokmål (:func:`bokmal_forms`) or word one
    slip from it (0 when none): a Nynorsk form or a typo of a common word ("hausten", "dårleg", "utanfor",
    "allerde") is as common as that word in general use."""
    forms = [zipf(w, "nb") for w in bokmal_forms(word)[:1]]
    if len(word) < VARIANT_MIN_CHARS:
        return max(forms, default=0.0)
    return max((*forms, *(zipf(w, "nb") for w in one_slip_from(word, _common_words()))), default=0.0)


def is_a_word(word: str) -> bool:
    """True if general Bokmål or English use knows ``word`` (wordfreq); a typo usually is not."""
    return zipf(word, "nb") > 0 or zipf(word, "en") > 0


@lru_cache(maxsize=50_000)
def lemma(word: str, lang: str) -> str:
    """The ``simplemma`` lemma of ``word`` in ``lang`` ("nb", "nn", "en"), lower case: "phoned" -> phone."""
    import simplemma

    return str(simplemma.lemmatize(word, lang=lang)).lower()


@lru_cache(maxsize=50_000)
def lemmas(word: str) -> tuple[str, ...]:
    """The word with its Bokmål and Nynorsk ``simplemma`` lemmas (lower case, unique); for a genitive that
    simplemma leaves as it is ("ukers"), also its noun and that noun's lemmas (:func:`_genitive_base`)."""
    found: tuple[str, ...] = (word, lemma(word, "nb"), lemma(word, "nn"))
    if set(found) == {word} and (base := _genitive_base(word)):
        found = (*found, base, lemma(base, "nb"), lemma(base, "nn"))
    return tuple(dict.fromkeys(found))


GENITIVE_MIN_CHARS = 5
"""The shortest word read as a genitive ("ukers", "dagers"; not "hus", "kurs" -> kur)."""


def _genitive_base(word: str) -> str:
    """The noun a genitive "-s" is added to, when ``word`` is one: "ukers" -> uker, "kommunens" -> kommunen. Only
    when that noun is commoner in Bokmål than ``word`` itself, which a word that merely ends in "s" ("kurs",
    "mars") is not. Empty otherwise."""
    if len(word) < GENITIVE_MIN_CHARS or not word.endswith("s") or word.endswith("ss"):
        return ""
    base = word[:-1]
    return base if zipf(base, "nb") > zipf(word, "nb") else ""


TYPO_MIN_CHARS = 6
"""Shorter unknown words are not corrected: too many corpus words lie one typo away."""


def analyse(text: str, vocab: Vocabulary | None = None, *, expand: bool = False) -> list[str]:
    """Stems for lexical matching: each content word's stem plus its compound parts.

    ``expand`` maps English/Nynorsk glossary words to the Bokmål vocabulary (for questions).
    Hyphenated pairs such as "etter- og videreutdanning" also yield "etterutdanning".
    """
    text = fold(text)
    # "etter- og videreutdanning" -> also "etterutdanning"
    text = re.sub(
        r"\b([a-zæøå]+)- (og|eller) ([a-zæøå]+?)(utdanning|opplæring|kompetanse)\b",
        r"\1\4 \2 \3\4",
        text,
    )
    out: list[str] = []
    for w in content_words(text, expand=expand):
        s = stem(w)
        out.append(s)
        if vocab is not None:
            parts = vocab.split(w)
            out.extend(parts)
            # a question's typo ("utdaningspermisjon"): no corpus stem, no word in general use
            if expand and s not in vocab.stems and len(w) >= TYPO_MIN_CHARS and not parts:
                fixed = vocab.correction(w) if not is_a_word(w) else None
                if fixed:
                    out.append(stem(fixed))
                    out.extend(vocab.split(fixed))
            if expand and s not in vocab.stems and not parts:
                tail = vocab.known_tail(w)
                if tail:
                    out.append(tail)
                # "unntatt" -> unnta -> unnt
                out.extend(
                    t
                    for t in dict.fromkeys(stem(lemma) for lemma in lemmas(w))
                    if t in vocab.stems and t != s
                )
    return out
