"""Answers and their sources rendered as safe HTML (for the web app) and Markdown (for downloads).

Everything that comes from a user, a document or a model is escaped here: ``<``, ``>``,
``&``, quotes, and also ``{``, ``}`` and ``$`` (the web app's HTML component uses a
template engine, and user text must never become template syntax). Interactive
elements are plain ``<button>`` elements carrying ``data-ka-action``; the web app
turns a click on one into a server event (see ``ui/static/app.js``). The other tabs
(provisions, checklist, documents) are rendered by :mod:`ui.render_tabs` with the same
helpers.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.models import Answer, Citation, Passage
from assistant.refusal import uncovered_sentence

_EXTRA_ESCAPES = str.maketrans({"{": "&#123;", "}": "&#125;", "$": "&#36;", "`": "&#96;"})
_MARKER = re.compile(r"\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]")
_BULLET = re.compile(r"^\s*(?:[-•*]|\d{1,2}[.)])\s+")

METHOD_EXTRACTIVE = "Sitert direkte fra kildene"
REFUSAL_LABEL = "Ikke dekket av kildene"
PARTIAL_LABEL = "Delvis dekket av kildene"


@dataclass(frozen=True)
class ChatEntry:
    """One exchange in the chat: the question, and the answer (None while it is written, or on an error).

    ``role`` is who was asking (the "Jeg spør som" choice), kept with a rating of the answer.
    """

    question: str
    answer: Answer | None = None
    partial: str = ""
    error: str = ""
    role: str = ""


def esc(text: object) -> str:
    """Escape any value for HTML text or a quoted attribute, including template syntax."""
    return html.escape(str(text), quote=True).translate(_EXTRA_ESCAPES)


def method_line(answer: Answer) -> str:
    """The short Norwegian line saying how an answer was made."""
    if answer.method.startswith("llm:"):
        model = answer.method.split(":", 1)[1] or "en språkmodell"
        return f"Skrevet av {model} og kontrollert mot kildene"
    if answer.refused:
        return "Ingen kilder dekket spørsmålet godt nok"
    return METHOD_EXTRACTIVE


def citation_for(answer: Answer, n: int) -> Citation | None:
    """The citation numbered ``n`` in ``answer`` (None if there is none)."""
    return next((c for c in answer.citations if c.n == n), None)


def passage_for(answer: Answer, citation: Citation) -> Passage | None:
    """The passage a citation points at: by chunk id first, then by number."""
    by_id = next((p for p in answer.passages if p.chunk.chunk_id == citation.chunk_id), None)
    return by_id or next((p for p in answer.passages if p.n == citation.n), None)


def short_document(answer: Answer, citation: Citation) -> str:
    """The short name of a citation's document ("Arbeidsmiljøloven") when its passage is known."""
    passage = passage_for(answer, citation)
    return passage.chunk.short_name if passage and passage.chunk.short_name else citation.document


def citation_label(answer: Answer, citation: Citation) -> str:
    """Plain-text label for a citation: short document name, provision or section, page."""
    return source_label(short_document(answer, citation), citation.provision, citation.section, citation.page)


def source_label(document: str, provision: str | None, section: str, page: int | None) -> str:
    """Plain-text label for a source: document, provision (with its ledd, "(4)") or section, page."""
    parts = [document]
    last = section.rsplit("›", 1)[-1].strip()
    if provision:
        parts.append(f"{provision} {last}" if re.fullmatch(r"\(\d+\)", last) else provision)
    elif section:
        parts.append(section)
    label = " › ".join(p for p in parts if p)
    return f"{label}, s. {page}" if page else label


def _cite_button(
    answer: Answer, turn: int, citation: Citation, index: int | None, text: str | None = None
) -> str:
    """A citation button; ``index`` (position in ``answer.citations``) selects one quoted sentence."""
    label = citation_label(answer, citation)
    data_c = f' data-c="{index}"' if index is not None else ""
    return (
        f'<button type="button" class="ka-cite" data-ka-action="cite" data-turn="{turn}" '
        f'data-n="{citation.n}"{data_c} aria-label="Vis kilde {citation.n}: {esc(label)}" '
        f'title="{esc(label)}">{esc(text or f"[{citation.n}]")}</button>'
    )


def _with_citations(line: str, answer: Answer, turn: int, seen: dict[int, int]) -> str:
    """Escape a line of answer text and turn ``[n]`` markers into citation buttons.

    A passage can be cited for several sentences (several citations share ``n``); the
    k-th ``[n]`` in the text is tied to the k-th citation numbered ``n`` (``seen`` counts them).
    """
    out: list[str] = []
    pos = 0
    for match in _MARKER.finditer(line):
        numbers = [int(x) for x in re.split(r"\s*[,;]\s*", match.group(1))]
        if not all(citation_for(answer, n) for n in numbers):
            continue  # an unresolved marker stays plain text
        out.append(esc(line[pos : match.start()]))
        out.append('<span class="ka-nowrap">')
        for n in numbers:
            same = [i for i, c in enumerate(answer.citations) if c.n == n]
            index = same[min(seen.get(n, 0), len(same) - 1)]
            seen[n] = seen.get(n, 0) + 1
            out.append(_cite_button(answer, turn, answer.citations[index], index))
        pos = match.end()
        # punctuation right after a marker stays on the marker's line
        while pos < len(line) and line[pos] in ".,;:!?)»":
            out.append(esc(line[pos]))
            pos += 1
        out.append("</span>")
    out.append(esc(line[pos:]))
    return "".join(out)


def answer_body_html(answer: Answer, turn: int) -> str:
    """The answer text as HTML paragraphs and lists with clickable citations."""
    blocks: list[str] = []
    seen: dict[int, int] = {}
    for para in re.split(r"\n\s*\n", answer.text.strip()):
        lines = [ln for ln in para.splitlines() if ln.strip()]
        if not lines:
            continue
        items: list[str] = []
        plain: list[str] = []
        for ln in lines:
            if _BULLET.match(ln):
                if plain:
                    blocks.append("<p>" + "<br>".join(plain) + "</p>")
                    plain = []
                items.append(
                    "<li>" + _with_citations(_BULLET.sub("", ln, count=1), answer, turn, seen) + "</li>"
                )
            else:
                if items:
                    blocks.append("<ul>" + "".join(items) + "</ul>")
                    items = []
                plain.append(_with_citations(ln.strip(), answer, turn, seen))
        if plain:
            blocks.append("<p>" + "<br>".join(plain) + "</p>")
        if items:
            blocks.append("<ul>" + "".join(items) + "</ul>")
    return "".join(blocks)


def _sources_html(answer: Answer, turn: int) -> str:
    if not answer.citations:
        return ""
    rows = []
    firsts = {c.n: c for c in reversed(answer.citations)}  # one entry per passage
    for n in sorted(firsts):
        c = firsts[n]
        rows.append(f"<li>{_cite_button(answer, turn, c, None, f'[{n}] {citation_label(answer, c)}')}</li>")
    return (
        '<div class="ka-sources"><span class="ka-sources-title">Kilder</span><ul>'
        + "".join(rows)
        + "</ul></div>"
    )


_THUMB = (
    '<svg aria-hidden="true" focusable="false" width="16" height="16" viewBox="0 0 24 24" fill="none" '
    'stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"{flip}>'
    '<path d="M7 10v12"/><path d="M15 5.9 14 10h5.8a2 2 0 0 1 1.9 2.6l-2.3 8A2 2 0 0 1 17.5 22H4a2 2 0 0 1-2-2v-8a2 '
    '2 0 0 1 2-2h2.8a2 2 0 0 0 1.8-1.1L12 2a3.1 3.1 0 0 1 3 3.9Z"/></svg>'
)


def _feedback_html(turn: int, rating: int | None) -> str:
    def btn(value: int, text: str, label: str) -> str:
        pressed = "true" if rating == value else "false"
        icon = _THUMB.format(flip=' style="transform: scaleY(-1)"' if value < 0 else "")
        return (
            f'<button type="button" class="ka-fb" data-ka-action="feedback" data-turn="{turn}" '
            f'data-rating="{value}" aria-pressed="{pressed}" aria-label="{label}">{icon}<span>{text}</span></button>'
        )

    return (
        '<div class="ka-feedback"><span>Var svaret nyttig?</span>'
        + btn(1, "Ja", "Ja, svaret var nyttig")
        + btn(-1, "Nei", "Nei, svaret var ikke nyttig")
        + "</div>"
    )


def _partial_label(answer: Answer) -> str:
    """ "Delvis dekket av kildene: kildene sier ingenting om a og b" for a partial answer; just the first part
    when the text itself opens with that sentence (what is asked is uncovered), so it is not said twice."""
    if answer.nearest_only:
        return PARTIAL_LABEL
    sentence = uncovered_sentence(answer.uncovered)
    return f"{PARTIAL_LABEL}: {sentence[:1].lower() + sentence[1:].rstrip('.')}"


def answer_html(answer: Answer, turn: int, rating: int | None = None) -> str:
    """One complete answer: refusal banner, text, sources, how it was made, notices, feedback."""
    parts = [f'<div class="ka-a{" ka-refused" if answer.refused else ""}">']
    parts.append('<span class="ka-who">Kompetanseassistenten</span>')
    if answer.refused:
        parts.append(f'<p class="ka-refusal-label" role="note">{REFUSAL_LABEL}</p>')
    elif answer.uncovered:
        parts.append(f'<p class="ka-partial-label" role="note">{esc(_partial_label(answer))}</p>')
    if answer.lead and not answer.refused:
        parts.append(f'<p class="ka-lead">{esc(answer.lead)}</p>')
    parts.append(f'<div class="ka-text">{answer_body_html(answer, turn)}</div>')
    parts.append(_sources_html(answer, turn))
    parts.append(f'<p class="ka-method">{esc(method_line(answer))}</p>')
    if answer.notices:
        parts.append(
            '<ul class="ka-notices">' + "".join(f"<li>{esc(n)}</li>" for n in answer.notices) + "</ul>"
        )
    parts.append(_feedback_html(turn, rating))
    parts.append("</div>")
    return "".join(parts)


def conversation_html(entries: Sequence[ChatEntry], ratings: dict[int, int] | None = None) -> str:
    """The whole chat as HTML; an empty chat shows a short hint."""
    ratings = ratings or {}
    if not entries:
        return (
            '<div class="ka-conv ka-conv-empty"><p>Velg rolle, og still et spørsmål om læring, '
            "kompetanseutvikling eller utdanningspermisjon. Svarene henviser alltid til kildene.</p></div>"
        )
    parts = ['<div class="ka-conv">']
    for i, entry in enumerate(entries):
        parts.append(f'<article class="ka-turn" id="ka-turn-{i}" aria-label="Spørsmål og svar {i + 1}">')
        parts.append(f'<div class="ka-q"><span class="ka-who">Du</span><p>{esc(entry.question)}</p></div>')
        if entry.answer is not None:
            parts.append(answer_html(entry.answer, i, ratings.get(i)))
        elif entry.error:
            parts.append(
                '<div class="ka-a ka-error" role="alert"><span class="ka-who">Kompetanseassistenten</span>'
                f"<p>{esc(entry.error)}</p></div>"
            )
        else:
            partial = esc(entry.partial) if entry.partial else "Leter i kildene …"
            parts.append(
                '<div class="ka-a ka-pending" aria-busy="true"><span class="ka-who">Kompetanseassistenten</span>'
                f'<p class="ka-partial">{partial}</p></div>'
            )
        parts.append("</article>")
    parts.append("</div>")
    return "".join(parts)


def _span(text: str, quote: str, quote_start: int) -> tuple[int, int] | None:
    """Where ``quote`` sits in ``text``: at ``quote_start`` if it matches there, else its first occurrence."""
    if not quote:
        return None
    start = quote_start if text[quote_start : quote_start + len(quote)] == quote else text.find(quote)
    return (start, start + len(quote)) if start >= 0 else None


def highlight(text: str, quote: str, quote_start: int) -> str:
    """Escape ``text`` and wrap the quoted span in ``<mark>``; falls back to searching for it."""
    return highlight_many(text, [(quote, quote_start)])


def highlight_many(text: str, quotes: Sequence[tuple[str, int]]) -> str:
    """Escape ``text`` and mark every quoted span (overlapping spans are merged)."""
    spans = sorted(s for q, start in quotes if (s := _span(text, q, start)))
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        out += [esc(text[pos:start]), f'<mark class="ka-quote">{esc(text[start:end])}</mark>']
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def meta_html(rows: Sequence[tuple[str, str | None]]) -> str:
    """A definition list of the rows whose value is not empty."""
    items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows if v)
    return f'<dl class="ka-meta">{items}</dl>'


def ref_button(ref: str, text: str | None = None) -> str:
    """A button that opens provision ``ref`` (labelled ``text``, default the reference itself)."""
    return (
        f'<button type="button" class="ka-ref" data-ka-action="ref" data-ref="{esc(ref)}">'
        f"{esc(text or ref)}</button>"
    )


def passage_panel_html(answer: Answer, n: int, index: int | None = None) -> str:
    """The side panel for source ``n``: document, provision/section, page and the passage with the quote marked.

    ``index`` (a position in ``answer.citations``) marks just that citation's sentence;
    without it every sentence cited from passage ``n`` is marked.
    """
    same = [c for c in answer.citations if c.n == n]
    if not same:
        return panel_message_html(f"Fant ikke kilde [{n}] i dette svaret.")
    chosen = answer.citations[index] if index is not None and 0 <= index < len(answer.citations) else None
    marked = [chosen] if chosen is not None and chosen.n == n else same
    citation = marked[0]
    passage = passage_for(answer, citation)
    chunk = passage.chunk if passage else None
    page = chunk.page_label if chunk else (f"s. {citation.page}" if citation.page else "")
    rows = [
        ("Dokument", citation.document),
        ("Bestemmelse", citation.provision),
        ("Del", citation.section),
        ("Side", page),
    ]
    if chunk is not None:
        body = highlight_many(chunk.text, [(c.quote, c.quote_start) for c in marked])
    else:
        body = " … ".join(f'<mark class="ka-quote">{esc(c.quote)}</mark>' for c in marked)
    parts = [
        f'<section class="ka-panel" tabindex="-1" aria-label="Kilde {n}"><h3>Kilde [{n}]</h3>',
        meta_html(rows),
        f'<blockquote class="ka-passage">{body}</blockquote>',
    ]
    if citation.provision:
        parts.append(f'<p class="ka-actions">{ref_button(citation.provision, "Vis hele bestemmelsen")}</p>')
    parts.append("</section>")
    return "".join(parts)


def panel_message_html(message: str) -> str:
    """A short message in the side panel (nothing chosen, not found, error)."""
    return f'<section class="ka-panel ka-panel-empty" tabindex="-1"><p>{esc(message)}</p></section>'


def answer_markdown(answer: Answer) -> str:
    """An answer as Markdown with a numbered source list (for copying or download)."""
    lines = [f"**Spørsmål:** {answer.question}", ""]
    if answer.refused:
        lines += [f"_{REFUSAL_LABEL}_", ""]
    elif answer.uncovered:
        lines += [f"_{_partial_label(answer)}_", ""]
    lines += [answer.text.strip(), ""]
    if answer.citations:
        lines += ["**Kilder**", ""]
        for c in sorted(answer.citations, key=lambda c: c.n):
            lines.append(f"[{c.n}] {source_label(c.document, c.provision, c.section, c.page)}: «{c.quote}»")
        lines.append("")
    lines.append(f"_{method_line(answer)}_")
    lines += [f"> {n}" for n in answer.notices]
    return "\n".join(lines) + "\n"


__all__ = [
    "ChatEntry",
    "answer_html",
    "answer_markdown",
    "conversation_html",
]
