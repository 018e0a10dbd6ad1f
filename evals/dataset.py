"""The evaluation questions: loading, validation and evidence normalisation.

A dataset is a JSONL file, one question per line::

    {"id": "...", "question": "...", "evidence": ["verbatim span", ...],
     "out_of_scope": false, "role": "employee", "history": [{"role": "user", "content": "..."}]}

Any one evidence span answers the question. Matching ignores case, runs of
whitespace and quote characters (see :func:`normalize`), so it does not depend on
how the corpus was chunked. Out-of-scope items carry no evidence and must be
refused.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.models import Turn
from core.errors import KompetanseError

ROLES = ("employee", "manager", "union")
LANGUAGES = ("nb", "nn", "en")
REQUIRED_KEYS = ("id", "question")
# "lang" (nb/nn/en) and "note" are optional extras; anything else is most likely a typo.
KNOWN_KEYS = frozenset(
    {"id", "topic", "question", "evidence", "out_of_scope", "role", "history", "lang", "note"}
)

_QUOTES = "«»“”„‟\"'‘’‚‛`´"
_QUOTE_TABLE = {ord(q): None for q in _QUOTES}
# Dash and hyphen variants (PDF extraction produces several) compare as "-".
_DASH_TABLE = {ord(d): "-" for d in "‐‑‒–—―−"}
_SOFT_HYPHEN = "\u00ad"
_SPACE_RUN = re.compile(r"\s+")


class DatasetError(KompetanseError):
    """The question file is malformed; the message names the file and line."""


class EvalItem(BaseModel):
    """One evaluation question: the one dataset schema (tuning, locked and real splits alike).

    ``evidence`` holds verbatim corpus spans (any one answers the question);
    it is empty exactly when ``out_of_scope`` is True. ``topic`` names what the
    evidence is about (a provision, a guide section, an out-of-scope subject):
    a topic lives in one split only. ``line`` is the 1-based line in the source
    file, for error messages and reports.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    evidence: tuple[str, ...] = ()
    out_of_scope: bool = False
    role: Literal["employee", "manager", "union"] = "employee"
    history: tuple[Turn, ...] = ()
    lang: str = ""
    line: int = 0
    topic: str = ""

    @model_validator(mode="after")
    def _evidence_matches_scope(self) -> EvalItem:
        if self.out_of_scope and self.evidence:
            raise ValueError("et spørsmål utenfor kildene («out_of_scope»: true) skal ikke ha «evidence».")
        if not self.out_of_scope and not self.evidence:
            raise ValueError("et spørsmål innenfor kildene trenger minst ett utdrag i «evidence».")
        return self


def normalize(text: str) -> str:
    """Normalise text for evidence matching.

    Takes any text; returns it NFKC-normalised, case-folded, with quote
    characters and soft hyphens removed, dash variants turned into "-" and every
    run of whitespace collapsed to one space (stripped at both ends).
    """
    text = unicodedata.normalize("NFKC", text).replace(_SOFT_HYPHEN, "")
    text = text.translate(_QUOTE_TABLE).translate(_DASH_TABLE).casefold()
    return _SPACE_RUN.sub(" ", text).strip()


def contains_evidence(text: str, evidence: tuple[str, ...] | list[str]) -> bool:
    """True if ``text`` contains any of the ``evidence`` spans after :func:`normalize`."""
    haystack = normalize(text)
    return any(span_norm and span_norm in haystack for span_norm in map(normalize, evidence))


def guess_language(item_id: str, question: str) -> str:
    """The question's language: "en"/"nn"/"nb" from an id suffix ("-en", "-nn", "-nb"), else "nb".

    Without a suffix an unmistakably English question (two or more common
    English words) is "en"; everything else is taken as Bokmål, the dataset default.
    """
    for code in LANGUAGES:
        if item_id.lower().endswith((f"-{code}", f"_{code}")):
            return code
    words = set(re.findall(r"[^\W\d_]+", question.lower()))
    if len(words & {"what", "how", "when", "who", "which", "does", "the", "is", "my", "employer", "do"}) >= 2:
        return "en"
    return "nb"


def _fail(path: Path, line: int, message: str) -> DatasetError:
    return DatasetError(f"{path}, linje {line}: {message}", detail=f"{path}:{line}: {message}")


def _text_field(obj: dict[str, Any], key: str, path: Path, line: int) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, line, f"feltet «{key}» må være en ikke-tom tekst, fikk {value!r}.")
    return value.strip()


def _history(value: Any, path: Path, line: int) -> tuple[Turn, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _fail(
            path, line, f"«history» må være en liste med tidligere replikker, fikk {type(value).__name__}."
        )
    turns: list[Turn] = []
    for i, turn in enumerate(value, 1):
        if not isinstance(turn, dict) or turn.get("role") not in ("user", "assistant"):
            raise _fail(path, line, f"«history» nr. {i} må ha role «user» eller «assistant».")
        content = turn.get("content")
        if not isinstance(content, str) or not content.strip():
            raise _fail(path, line, f"«history» nr. {i} mangler tekst i «content».")
        turns.append(Turn(role=turn["role"], content=content))
    return tuple(turns)


def parse_item(obj: Any, path: Path, line: int) -> EvalItem:
    """Validate one decoded JSON line and build an :class:`EvalItem`.

    Raises :class:`DatasetError` naming ``path`` and ``line`` on any problem.
    """
    if not isinstance(obj, dict):
        raise _fail(path, line, f"hver linje må være et JSON-objekt, fikk {type(obj).__name__}.")
    unknown = sorted(set(obj) - KNOWN_KEYS)
    if unknown:
        raise _fail(
            path, line, f"ukjente felt {', '.join(unknown)} (tillatt: {', '.join(sorted(KNOWN_KEYS))})."
        )
    item_id = _text_field(obj, "id", path, line)
    question = _text_field(obj, "question", path, line)
    out_of_scope = obj.get("out_of_scope", False)
    if not isinstance(out_of_scope, bool):
        raise _fail(path, line, f"«out_of_scope» må være true eller false, fikk {out_of_scope!r}.")
    evidence = obj.get("evidence", [])
    if not isinstance(evidence, list) or not all(isinstance(e, str) and e.strip() for e in evidence):
        raise _fail(path, line, "«evidence» må være en liste med ikke-tomme tekstutdrag.")
    if out_of_scope and evidence:
        raise _fail(path, line, "et spørsmål utenfor kildene («out_of_scope»: true) skal ikke ha «evidence».")
    if not out_of_scope and not evidence:
        raise _fail(path, line, "et spørsmål innenfor kildene trenger minst ett utdrag i «evidence».")
    role = obj.get("role", "employee")
    if role not in ROLES:
        raise _fail(path, line, f"«role» må være en av {', '.join(ROLES)}, fikk {role!r}.")
    lang = obj.get("lang", "")
    if lang and lang not in LANGUAGES:
        raise _fail(path, line, f"«lang» må være en av {', '.join(LANGUAGES)}, fikk {lang!r}.")
    return EvalItem(
        id=item_id,
        question=question,
        evidence=tuple(e.strip() for e in evidence),
        out_of_scope=out_of_scope,
        role=role,
        history=_history(obj.get("history"), path, line),
        lang=lang or guess_language(item_id, question),
        line=line,
        topic=str(obj.get("topic") or ""),
    )


def load_dataset(path: str | Path) -> list[EvalItem]:
    """Read and validate a JSONL question file.

    Takes a path; returns the items in file order (blank lines are skipped).
    Raises :class:`DatasetError` naming the line for malformed JSON, missing or
    wrongly typed fields, unknown fields, duplicate ids, or an empty file.
    """
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DatasetError(f"Fant ikke spørsmålsfila {path}.", detail=str(exc)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"Kunne ikke lese spørsmålsfila {path} som UTF-8.", detail=str(exc)) from exc
    items: list[EvalItem] = []
    seen: dict[str, int] = {}
    for line_no, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _fail(path, line_no, f"ugyldig JSON ({exc.msg}, tegn {exc.colno}).") from exc
        item = parse_item(obj, path, line_no)
        if item.id in seen:
            raise _fail(path, line_no, f"id {item.id!r} er allerede brukt på linje {seen[item.id]}.")
        seen[item.id] = line_no
        items.append(item)
    if not items:
        raise DatasetError(f"Spørsmålsfila {path} inneholder ingen spørsmål.")
    return items


# ---------------------------------------------------------------------- spans against the corpus


class CorpusText:
    """The corpus sources normalised for span checks: the whole text and its lines."""

    def __init__(self, paths: list[Path]) -> None:
        """Read ``paths`` (UTF-8); raises ``OSError`` when one cannot be read."""
        texts: list[str] = []
        self.lines: set[str] = set()
        for path in paths:
            raw = path.read_text(encoding="utf-8")
            texts.append(normalize(raw))
            self.lines.update(line for line in (normalize(x) for x in raw.splitlines()) if line)
        self.text = "\n".join(texts)

    @classmethod
    def of_folder(cls, folder: Path) -> CorpusText:
        """The .txt and .md files of ``folder`` (the bundled corpus/)."""
        return cls(sorted(p for p in folder.glob("*") if p.suffix.lower() in (".txt", ".md") and p.is_file()))


def _on_word_boundaries(norm: str, corpus: str) -> bool:
    start = corpus.find(norm)
    while start != -1:
        end = start + len(norm)
        before = corpus[start - 1] if start > 0 else " "
        after = corpus[end] if end < len(corpus) else " "
        if not (before.isalnum() and norm[0].isalnum()) and not (after.isalnum() and norm[-1].isalnum()):
            return True
        start = corpus.find(norm, start + 1)
    return False


def span_problems(span: str, corpus: CorpusText, *, one_line: bool = True) -> list[str]:
    """What is wrong with one evidence span (empty when it is fine).

    A span must occur in the sources, inside one line (so it survives any
    chunking; ``one_line=False`` for verbatim real-user spans), start and end on
    word boundaries and hold no URL.
    """
    norm = normalize(span)
    if norm not in corpus.text:
        return [f"utdraget finnes ikke i kildene: {span!r}"]
    problems: list[str] = []
    if one_line and not any(norm in line for line in corpus.lines):
        problems.append(f"utdraget krysser et linjeskift i kilden: {span!r}")
    if not _on_word_boundaries(norm, corpus.text):
        problems.append(f"utdraget begynner eller slutter midt i et ord: {span!r}")
    if "http" in norm or "www." in norm:
        problems.append(f"utdraget inneholder en lenke: {span!r}")
    return problems


def dataset_problems(items: list[EvalItem], corpus: CorpusText, *, one_line: bool = True) -> list[str]:
    """Every evidence-span problem of ``items``, each prefixed with the item id."""
    return [
        f"{item.id}: {p}"
        for item in items
        for span in item.evidence
        for p in span_problems(span, corpus, one_line=one_line)
    ]
