"""Provision lookup and browsing: a provision's full text, where the guide discusses it, what it cites."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from assistant.models import DocumentSummary, ProvisionView
from assistant.resolve import resolve
from core.errors import AmbiguousReferenceError
from core.models import Chunk
from core.provision_queries import parse_query_references
from core.sentences import LEDD_TITLE_RE
from core.text import fold
from index.records import DocRecord

_MD_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)


def _body(chunk: Chunk, first: bool) -> str:
    """A chunk's text without the heading repeated on split parts (kept on the first part)."""
    text = chunk.text
    if not first and chunk.heading and text.startswith(chunk.heading):
        text = text[len(chunk.heading) :].lstrip("\n")
    return _MD_HEADING.sub("", text)


def _title(chunks: Sequence[Chunk]) -> str:
    """The provision's heading: the deepest section title that is not a ledd number."""
    first = chunks[0]
    if first.heading:
        return _MD_HEADING.sub("", first.heading).strip()
    titles = [t for t in first.section_path if not LEDD_TITLE_RE.match(t.strip())]
    return titles[-1] if titles else (first.provision or first.document)


def provision_view(label: str, chunks: Sequence[Chunk]) -> ProvisionView | None:
    """The view of provision ``label`` (normalised), or None if no chunk carries it.

    A provision quoted in several places (e.g. HTA 3.2 quoted briefly and in full)
    is shown from its longest occurrence; all its chunks are listed.
    """
    own = [c for c in chunks if c.provision == label]
    if not own:
        return None
    # Group consecutive chunks of the same document into occurrences; show the longest.
    groups: list[list[Chunk]] = []
    for c in own:
        if groups and groups[-1][-1].doc_id == c.doc_id and groups[-1][-1].position + 1 == c.position:
            groups[-1].append(c)
        else:
            groups.append([c])
    main = max(groups, key=lambda g: sum(len(c.text) for c in g))
    text = "\n\n".join(_body(c, i == 0) for i, c in enumerate(main))
    own_docs = {c.doc_id for c in own}
    discussed = tuple(
        c for c in chunks if c.provision != label and label in c.references and c.doc_id not in own_docs
    )
    refs: list[str] = []
    for c in own:
        for r in c.references:
            if r != label and r not in refs:
                refs.append(r)
    return ProvisionView(
        label=label,
        title=_title(main),
        document=main[0].document,
        text=text,
        chunks=tuple(own),
        discussed_in=discussed,
        references=tuple(refs),
    )


def section_view(title: str, chunks: Sequence[Chunk]) -> ProvisionView | None:
    """A guide section (by its title, case-insensitive) shown like a provision."""
    key = fold(title).strip()
    own = [c for c in chunks if c.section_path and fold(c.section_path[0]).strip() == key and not c.provision]
    if not own:
        return None
    text = "\n\n".join(_body(c, i == 0) for i, c in enumerate(own))
    refs: list[str] = []
    for c in own:
        for r in c.references:
            if r not in refs:
                refs.append(r)
    return ProvisionView(
        label=own[0].section_path[0],
        title=own[0].section_path[0],
        document=own[0].document,
        text=text,
        chunks=tuple(own),
        discussed_in=(),
        references=tuple(refs),
    )


def lookup(ref: str, chunks: Sequence[Chunk]) -> ProvisionView | None:
    """Resolve ``ref`` in any common form to its view: "HTA 14.2", "pkt. 4.2.4", "§ 12-11", an exact
    label, a document's own name and number ("Hovedavtalen § 3-5", "HA 3-5", "hovedavtalen del B
    § 3-5", "kompetanseplanen punkt 3"), or a guide section title. Returns None when nothing matches.

    Raises :class:`AmbiguousReferenceError` (listing the candidates) when the reference matches
    provisions in more than one document and names none of them.
    """
    ref = ref.strip()
    if not ref:
        return None
    labels = resolve(ref, chunks)
    if len(labels) > 1:
        raise AmbiguousReferenceError(ref, labels)
    if labels:
        return provision_view(labels[0], chunks)
    return section_view(ref, chunks)


_NUMBER = re.compile(r"\d+(?:[.-]\d+)*")


def sub_provisions(ref: str, chunks: Sequence[Chunk]) -> list[str]:
    """Labels of the indexed provisions that lie inside the one ``ref`` names, in index order: "HTA 14" ->
    "HTA kap. 1 pkt. 14.2"; "aml. § 12" -> § 12-11, § 12-14. For a whole chapter or section that the
    sources quote only in part. When ``ref`` names the document ("HTA", "aml."), only its provisions."""
    numbers = _NUMBER.findall(ref)
    if not numbers:
        return []
    number = numbers[-1]
    found: list[str] = []
    for c in chunks:
        label = c.provision
        if not label or label in found:
            continue
        tail = _NUMBER.findall(label)
        if tail and tail[-1].startswith((f"{number}.", f"{number}-")):
            found.append(label)
    words = set(re.findall(r"\w+", fold(ref)))
    named = [label for label in found if fold(label.split()[0]).rstrip(".") in words]
    return named or found


def sub_provision_views(ref: str, chunks: Sequence[Chunk]) -> list[ProvisionView]:
    """The views of :func:`sub_provisions`."""
    return [v for v in (provision_view(label, chunks) for label in sub_provisions(ref, chunks)) if v]


def not_found_message(ref: str, parts: Sequence[ProvisionView]) -> str:
    """What to tell a user whose reference matches no provision: the ``parts`` of it that the sources hold
    (:func:`sub_provision_views`), or the forms a reference can take."""
    if parts:
        listed = "; ".join(f"{v.label} ({v.title})" for v in parts)
        return f"«{ref}» er ikke med i kildene i sin helhet, men disse delene av den er med: {listed}."
    return (
        f"Fant ingen bestemmelse for «{ref}». Prøv for eksempel «aml. § 12-11», «HTA 14.2» eller "
        "«Hovedavtalen § 3-5», eller søk på et ord."
    )


def all_views(chunks: Sequence[Chunk], query: str = "") -> list[ProvisionView]:
    """Every provision, then every guide section, optionally filtered by ``query``.

    The filter matches a provision named in ``query`` (any form :func:`lookup` takes; an ambiguous
    number lists every candidate), or the words of
    ``query`` in the label, title or text (case-insensitive).
    """
    labels: list[str] = []
    sections: list[str] = []
    for c in chunks:
        if c.provision:
            if c.provision not in labels:
                labels.append(c.provision)
        elif c.section_path and c.section_path[0] not in sections:
            sections.append(c.section_path[0])
    views = [v for v in (provision_view(label, chunks) for label in labels) if v]
    views += [v for v in (section_view(s, chunks) for s in sections) if v]
    q = fold(query).strip()
    if not q:
        return views
    named = set(parse_query_references(query)) | set(resolve(query, chunks))
    terms = q.split()
    return [
        v for v in views if v.label in named or all(t in fold(f"{v.label} {v.title} {v.text}") for t in terms)
    ]


def document_summaries(records: Iterable[DocRecord]) -> list[DocumentSummary]:
    """The indexed documents, by title, with their chunk, provision and page counts."""
    summaries = (
        DocumentSummary(
            doc_id=rec.doc_id,
            title=rec.title,
            short_name=rec.short_name,
            kind=rec.kind,
            chunks=rec.chunks,
            provisions=len(rec.provisions),
            pages=rec.pages,
        )
        for rec in records
    )
    return sorted(summaries, key=lambda d: d.title)
