"""Which files to ingest and how to name them in citations.

``corpus/manifest.json`` describes the bundled documents (title, short name,
kind, version, source, licence and attribution); users add entries for their own
files the same way. A folder being ingested may hold its own ``manifest.json``.
Files without an entry get a :class:`DocumentInfo` derived from the file: a slug
of the file name, the title from the document's metadata or first heading, and
a short name and kind guessed from the name and title.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, get_args

from core.errors import DocumentError
from core.models import DocumentInfo, DocumentKind, sha256_hex
from ingest.loaders import SUPPORTED_SUFFIXES, sniff_format, time_limit

__all__ = [
    "MANIFEST_NAME",
    "Discovered",
    "ManifestEntry",
    "derive_info",
    "discover",
    "document_info",
    "guess_kind",
    "guess_short_name",
    "load_manifest",
    "manifest_entry",
    "slugify",
]

MANIFEST_NAME = "manifest.json"
_KINDS: tuple[str, ...] = get_args(DocumentKind)
_FIELDS = ("title", "short_name", "kind", "version", "source", "license", "attribution", "doc_id")
_SKIPPED_NAMES = {MANIFEST_NAME, "thumbs.db", "desktop.ini"}
_TITLE_SCAN_BYTES = 64 * 1024
_TITLE_SECONDS = 10.0


@dataclass(frozen=True)
class ManifestEntry:
    """One document as described in a ``manifest.json`` (keyed by file name)."""

    title: str
    short_name: str
    kind: DocumentKind
    version: str = ""
    source: str = ""
    license: str = ""
    attribution: str = ""
    doc_id: str = ""

    def to_info(self, path: Path) -> DocumentInfo:
        """The :class:`DocumentInfo` for ``path`` (doc_id defaults to the slug of the file stem)."""
        return DocumentInfo(
            doc_id=self.doc_id or slugify(path.stem),
            title=self.title,
            short_name=self.short_name,
            kind=self.kind,
            version=self.version,
            source=self.source,
            path=str(path),
        )


class Discovered(NamedTuple):
    """Files found by :func:`discover`: ``supported`` to ingest, ``unsupported`` to report."""

    supported: list[Path]
    unsupported: list[Path]


def slugify(text: str) -> str:
    """ASCII slug: æ->ae, ø->o, å->a, other accents dropped, lower case, [a-z0-9-].

    "Læring og kompetanse (2024)" -> "laering-og-kompetanse-2024". An input
    without any letters or digits gives "dokument-<hash>".
    """
    lowered = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    ascii_text = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug or f"dokument-{sha256_hex(text, 8)}"


def load_manifest(folder: Path) -> dict[str, ManifestEntry]:
    """Read ``folder/manifest.json``; returns file name -> entry ({} when there is none).

    The file holds ``{"documents": {"<file name>": {"title": ..., "short_name": ...,
    "kind": "guide|agreement|law|other", "version", "source", "license",
    "attribution", "doc_id"}}}``; keys starting with "_" are comments.
    Raises :class:`DocumentError` (naming the manifest) when it is not valid.
    """
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return {}
    where = str(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise DocumentError(
            where, f"Manifestet er ikke gyldig JSON (linje {exc.lineno}, kolonne {exc.colno}).", repr(exc)
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(where, "Manifestet kan ikke leses (må være en UTF-8-fil).", repr(exc)) from exc
    documents = raw.get("documents") if isinstance(raw, dict) else None
    if not isinstance(documents, dict):
        raise DocumentError(
            where, 'Manifestet må ha formen {"documents": {"filnavn": {...}}}.', "missing 'documents' object"
        )
    return {name: _entry(where, name, value) for name, value in documents.items() if not name.startswith("_")}


def _entry(where: str, name: str, value: Any) -> ManifestEntry:
    def fail(reason: str) -> DocumentError:
        return DocumentError(where, f"Oppføringen for «{name}» i manifestet er ugyldig: {reason}", reason)

    if not isinstance(value, dict):
        raise fail("den må være et objekt med feltene title, short_name og kind.")
    fields = {key: val for key, val in value.items() if not key.startswith("_")}
    unknown = sorted(set(fields) - set(_FIELDS))
    if unknown:
        raise fail(f"ukjente felt {', '.join(unknown)}. Tillatte felt: {', '.join(_FIELDS)}.")
    for key, val in fields.items():
        if not isinstance(val, str):
            raise fail(f"feltet {key} må være tekst.")
    if not fields.get("title", "").strip():
        raise fail("feltet title mangler.")
    kind = fields.get("kind", "other")
    if kind not in _KINDS:
        raise fail(f"kind må være en av {', '.join(_KINDS)} (fikk «{kind}»).")
    if fields.get("doc_id") and slugify(fields["doc_id"]) != fields["doc_id"]:
        raise fail("doc_id kan bare inneholde a-z, 0-9 og bindestrek.")
    title = fields["title"].strip()
    return ManifestEntry(
        title=title,
        short_name=fields.get("short_name", "").strip() or title,
        kind=kind,
        version=fields.get("version", ""),
        source=fields.get("source", ""),
        license=fields.get("license", ""),
        attribution=fields.get("attribution", ""),
        doc_id=fields.get("doc_id", ""),
    )


def manifest_entry(path: Path, corpus_dir: Path) -> ManifestEntry | None:
    """The manifest entry for ``path``: its own folder's manifest first, then the corpus manifest."""
    folders = [path.parent]
    if corpus_dir.resolve() != path.parent.resolve():
        folders.append(corpus_dir)
    for folder in folders:
        entry = load_manifest(folder).get(path.name)
        if entry is not None:
            return entry
    return None


def document_info(path: Path, corpus_dir: Path) -> DocumentInfo:
    """Describe ``path`` for citations: from a manifest if listed, otherwise derived from the file.

    Raises :class:`DocumentError` only for an invalid manifest; problems with the
    file itself are left to the loader (the derived title then falls back to the
    file name).
    """
    entry = manifest_entry(path, corpus_dir)
    return entry.to_info(path) if entry is not None else derive_info(path)


def derive_info(path: Path) -> DocumentInfo:
    """A :class:`DocumentInfo` guessed from the file name and content (never raises)."""
    title = _title_from_file(path) or _title_from_stem(path.stem)
    return DocumentInfo(
        doc_id=slugify(path.stem),
        title=title,
        short_name=guess_short_name(path.stem, title),
        kind=guess_kind(path.stem, title),
        path=str(path),
    )


def _tokens(*texts: str) -> list[str]:
    return [token for text in texts for token in slugify(text).split("-")]


def guess_short_name(stem: str, title: str) -> str:
    """What users call the document: "HTA", "Hovedavtalen", "Kompetanseplan", ... else the title."""
    joined = slugify(f"{stem} {title}")
    tokens = joined.split("-")
    if "hovedtariffavtal" in joined or "hta" in tokens:
        return "HTA"
    if "hovedavtal" in joined:
        return "Hovedavtalen"
    if "kompetanseplan" in joined:
        return "Kompetanseplan"
    if "arbeidsmiljolov" in joined or "aml" in tokens:
        return "Arbeidsmiljøloven"
    return title


def guess_kind(stem: str, title: str) -> DocumentKind:
    """agreement for HTA/Hovedavtalen/tariffavtaler, law for lover/aml, guide for veiledere, else other."""
    tokens = _tokens(stem, title)
    joined = "-".join(tokens)
    if "tariffavtal" in joined or "hovedavtal" in joined or "saeravtal" in joined or "hta" in tokens:
        return "agreement"
    if any(t in ("lov", "lova", "aml", "forskrift") or t.endswith(("loven", "lova")) for t in tokens):
        return "law"
    if any(t.startswith(("veileder", "veiledning")) for t in tokens):
        return "guide"
    return "other"


def _title_from_stem(stem: str) -> str:
    words = re.sub(r"[_\-\s]+", " ", stem).strip()
    return (words[:1].upper() + words[1:]) if words else stem


def _usable_title(text: str | None) -> str:
    """A metadata or first-line title, or "" when it is missing or clearly junk."""
    title = " ".join((text or "").split())
    lowered = title.lower()
    if len(title) < 3 or len(title) > 150 or not re.search(r"[^\W\d_]{2}", title):
        return ""
    if lowered.startswith(("microsoft word", "untitled", "unknown")) or re.fullmatch(
        r"(dokument|document|presentasjon)\s*\d*", lowered
    ):
        return ""
    if re.search(r"\.(docx?|pdf|rtf|odt|indd|txt)$", lowered):
        return ""
    return title


def _title_from_file(path: Path) -> str:
    """Title from PDF/DOCX metadata or the first heading line; "" when none is usable."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_TITLE_SCAN_BYTES)
        kind = sniff_format(head)
        if kind == "pdf":
            with time_limit(_TITLE_SECONDS):
                return _pdf_title(path.read_bytes())
        if kind in ("docx", "zip"):
            with time_limit(_TITLE_SECONDS):
                return _docx_title(path.read_bytes())
        if kind == "text":
            return _text_title(
                head.decode("utf-8-sig", errors="ignore"), markdown=path.suffix.lower() == ".md"
            )
    except (Exception, TimeoutError):  # any problem: the loader reports it; the name is good enough here
        return ""
    return ""


def _pdf_title(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        return ""
    meta = reader.metadata
    title = _usable_title(meta.title if meta else None)
    if title or not len(reader.pages):
        return title
    return _text_title(reader.pages[0].extract_text() or "", markdown=False)


def _docx_title(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    title = _usable_title(document.core_properties.title)
    if title:
        return title
    for paragraph in document.paragraphs[:50]:
        name = (paragraph.style.name if paragraph.style is not None else "") or ""
        if name.lower().startswith(("title", "tittel", "heading", "overskrift")) and paragraph.text.strip():
            return _usable_title(paragraph.text)
    return ""


def _text_title(text: str, *, markdown: bool) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if markdown:
        for level in ("# ", "#"):
            for line in lines:
                if line.startswith(level) and (level == "#" or not line.startswith("##")):
                    return _usable_title(line.lstrip("#").strip())
    if not lines or lines[0].endswith((".", ",", ";")):
        return ""
    return _usable_title(lines[0].lstrip("#").strip()) if len(lines[0]) <= 120 else ""


def _skipped(path: Path) -> bool:
    name = path.name.lower()
    return name.startswith((".", "~$")) or name in _SKIPPED_NAMES or name.startswith("readme")


def discover(paths: Sequence[Path]) -> Discovered:
    """Expand folders (not recursively) into files, sorted and without duplicates.

    Takes files and folders. In folders, hidden files, Office lock files ("~$..."),
    ``manifest.json`` and README files are skipped; a file named explicitly is
    always considered. Returns :class:`Discovered` (a (supported, unsupported)
    tuple): files with a supported suffix (``SUPPORTED_SUFFIXES``, any case) to
    ingest, and the others, which the caller reports. A named path that does not
    exist is put by its suffix too; loading it then reports it as missing.
    """
    candidates: list[Path] = []
    for path in paths:
        if path.is_dir():
            candidates.extend(child for child in path.iterdir() if child.is_file() and not _skipped(child))
        else:
            candidates.append(path)
    seen: set[Path] = set()
    supported: list[Path] = []
    unsupported: list[Path] = []
    for path in sorted(candidates, key=lambda p: str(p)):
        key = path.resolve()
        if key in seen:
            continue
        seen.add(key)
        (supported if path.suffix.lower() in SUPPORTED_SUFFIXES else unsupported).append(path)
    return Discovered(supported, unsupported)
