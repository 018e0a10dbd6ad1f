"""The Bestemmelser, Samtale and Dokumenter tabs rendered as safe HTML (helpers from :mod:`ui.render`).

Everything from a document is escaped with :func:`ui.render.esc`; references are
``<button data-ka-action="ref">`` elements like those in the answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.models import Checklist, DocumentSummary, ProvisionView
from core.models import Chunk
from ui.render import esc, meta_html, ref_button

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")


def _line_html(line: str) -> str:
    # Markdown sources keep their "## " heading marks in the text; show those lines as headings.
    if _MD_HEADING.match(line):
        return f"<strong>{esc(_MD_HEADING.sub('', line))}</strong>"
    return esc(line)


def _paragraphs(text: str) -> str:
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join("<p>" + "<br>".join(_line_html(ln) for ln in p.splitlines()) + "</p>" for p in paras)


def provision_title(view: ProvisionView) -> str:
    """ "label – title" without repeating the label ("aml. § 12-14 – Tvisteløsning", "Innledning")."""
    label, title = view.label.strip(), view.title.strip()
    if not title or title.lower() == label.lower() or re.fullmatch(r"\(\d+\)", title):
        return label
    if label.lower() in title.lower():
        return title
    number = label.split()[-1] if label else ""
    rest = re.sub(rf"^(?:§\s*)?(?:HTA\s+kap\.\s*)?{re.escape(number)}\.?\s*", "", title).strip(" –-")
    return f"{label} – {rest}" if rest else label


def provision_html(view: ProvisionView) -> str:
    """A provision's full text, where the guide discusses it and clickable cross-references."""
    page = view.chunks[0].page_label if view.chunks else ""
    parts = [
        f'<section class="ka-provision" tabindex="-1" aria-label="{esc(view.label)}">',
        f"<h3>{esc(provision_title(view))}</h3>",
        meta_html([("Dokument", view.document), ("Side", page)]),
        f'<div class="ka-provision-text">{_paragraphs(view.text)}</div>',
    ]
    if view.discussed_in:
        parts.append('<h4>Omtalt i</h4><ul class="ka-discussed">')
        for c in view.discussed_in:
            text = " ".join(_MD_HEADING.sub("", ln) for ln in c.text.splitlines())
            snippet = text if len(text) <= 280 else text[:277].rstrip() + " …"
            where = " › ".join(p for p in (c.short_name, c.section) if p)
            parts.append(f"<li><strong>{esc(where)}</strong>{_page_suffix(c)}<br>{esc(snippet)}</li>")
        parts.append("</ul>")
    if view.references:
        parts.append(
            '<h4>Henviser til</h4><p class="ka-refs">'
            + " ".join(ref_button(r) for r in view.references)
            + "</p>"
        )
    parts.append("</section>")
    return "".join(parts)


def _page_suffix(chunk: Chunk) -> str:
    return f" ({esc(chunk.page_label)})" if chunk.page_label else ""


def provision_list_html(views: Sequence[ProvisionView], query: str = "") -> str:
    """Search results in the Bestemmelser tab: one button per provision."""
    if not views:
        hint = f"Ingen bestemmelser passet til «{query}»." if query else "Ingen bestemmelser i indeksen."
        return f'<p class="ka-empty">{esc(hint)}</p>'
    items = []
    for v in views:
        items.append(
            f'<li>{ref_button(v.label, provision_title(v))}<span class="ka-doc">{esc(v.document)}</span></li>'
        )
    return (
        f'<p class="ka-count">{len(views)} treff</p><ul class="ka-provision-list">' + "".join(items) + "</ul>"
    )


def checklist_html(checklist: Checklist) -> str:
    """The medarbeidersamtale checklist with numbered sources."""
    if not checklist.items:
        return '<p class="ka-empty">Fant ingen spørsmål i kildene for dette fokuset.</p>'
    sources: list[Chunk] = []
    rows = []
    for item in checklist.items:
        if item.chunk not in sources:
            sources.append(item.chunk)
        n = sources.index(item.chunk) + 1
        rows.append(
            f'<li><span class="ka-check" aria-hidden="true">☐</span> {esc(item.question)} <sup>[{n}]</sup></li>'
        )
    src = "".join(
        f"<li>{esc(' › '.join(p for p in (c.short_name, c.section) if p))}{_page_suffix(c)}</li>"
        for c in sources
    )
    focus = f"<p>Fokus: {esc(checklist.focus)}</p>" if checklist.focus else ""
    return (
        f'<section class="ka-checklist"><h3>Forberedelse til medarbeidersamtalen</h3>{focus}'
        f'<ul class="ka-checklist-items">{"".join(rows)}</ul><h4>Kilder</h4><ol>{src}</ol></section>'
    )


def documents_rows(docs: Sequence[DocumentSummary]) -> list[list[object]]:
    """Rows for the Dokumenter table: title, short name, kind, chunks, provisions, pages."""
    kinds = {"guide": "Veileder", "agreement": "Tariffavtale", "law": "Lov", "other": "Annet"}
    return [
        [d.title, d.short_name, kinds.get(d.kind, d.kind), d.chunks, d.provisions, d.pages or ""]
        for d in docs
    ]
