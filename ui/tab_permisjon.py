"""The Utdanningspermisjon tab: rights check, written notice and reply deadline, each cited.

Handlers are plain functions returning HTML (and files for download) so tests can call
them without a browser. ``offer_from_answers`` adds a button to the Spør tab that leads
here when the latest answer cites aml. § 12-11 or HTA 14.2.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import gradio as gr
from pydantic import BaseModel, ValidationError

from assistant.permisjon import docx, sjekk, svarfrist, varsel
from assistant.permisjon.dates import parse_duration
from assistant.permisjon.models import SjekkInput, SvarfristInput, VarselInput
from ui.api import validation_message
from ui.render import ChatEntry, esc

log = logging.getLogger(__name__)

UNKNOWN = "Vet ikke"
YES_NO = ["Ja", "Nei", UNKNOWN]
LEVELS = [
    ("Vet ikke", ""),
    ("Grunnskole", "grunnskole"),
    ("Videregående", "videregående"),
    ("Høyere", "høyere"),
]
STATUS_CLASS = {"oppfylt": "ka-ok", "ikke oppfylt": "ka-no", "ukjent": "ka-unknown"}
VERDICT_TEXT = {
    "rett": "Du ser ut til å ha rett på utdanningspermisjon",
    "ikke rett": "Du har ikke rett på utdanningspermisjon etter opplysningene",
    "avhenger": "Det avhenger av opplysninger som mangler",
}
# Gradio's tab buttons have no ids; the offer button clicks the one with this label (on a phone it sits
# in the "More tabs" menu, which is not a role=tab button).
TAB_LABEL = "Utdanningspermisjon"
GO_TO_TAB_JS = (
    "() => { const b = [...document.querySelectorAll('#ka-tabs .tab-wrapper button')]"
    ".filter(t => !t.closest('[aria-hidden=true]'))"
    f".find(t => t.textContent.trim() === '{TAB_LABEL}'); if (b) b.click(); }}"
)


def _yes_no(value: str | None) -> bool | None:
    return {"Ja": True, "Nei": False}.get(value or "")


def _length(text: str | None, field: str) -> dict[str, Any] | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        d = parse_duration(text)
    except ValueError as exc:
        raise _FormError(f"{field}: {exc}") from None
    return {"amount": d.amount, "unit": d.unit}


def _day(text: str | None, field: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _FormError(
            f"{field}: «{text}» er ikke en dato. Skriv ÅÅÅÅ-MM-DD, for eksempel 2026-12-01."
        ) from None


class _FormError(Exception):
    pass


def _model(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return model.model_validate({k: v for k, v in data.items() if v is not None and v != ""})
    except ValidationError as exc:
        messages = [validation_message(dict(e)) for e in exc.errors()]
        raise _FormError(" ".join(messages)) from None


def _error_html(message: str) -> str:
    return f'<div class="ka-perm-error" role="alert"><p>{esc(message)}</p></div>'


def _cite(c: dict[str, str]) -> str:
    ref = f"{c['provision']} {c['ledd']}".strip()
    return f'<blockquote class="ka-perm-cite"><b>{esc(ref)}</b> ({esc(c["document"])}): «{esc(c["quote"])}»</blockquote>'


def sjekk_html(result: dict[str, Any]) -> str:
    """The rights check as HTML: verdict, each condition with its status and quote, pay and next steps."""
    v = result["verdict"]
    parts = [f'<div class="ka-perm"><p class="ka-verdict ka-verdict-{esc(v.replace(" ", "-"))}">'
             f"<b>Vurdering: {esc(v)}</b> – {esc(VERDICT_TEXT[v])}.</p><h3>Vilkår</h3><ul class=\"ka-conditions\">"]  # fmt: skip
    for c in result["conditions"]:
        parts.append(
            f'<li class="{STATUS_CLASS[c["status"]]}"><b>{esc(c["text"])}</b>: '
            f'<span class="ka-status">{esc(c["status"])}</span>. {esc(c["explanation"])}{_cite(c["citation"])}</li>'
        )
    parts.append("</ul><h3>Lønn, utgifter og turnus</h3><ul>")
    for p in result["pay"].values():
        parts.append(
            f"<li><b>{esc(p['status'])}</b>: {esc(p['text'])}{''.join(map(_cite, p['citations']))}</li>"
        )
    refusal = result["employer_refusal"]
    parts.append(f"</ul><h3>Arbeidsgivers mulighet til å avslå</h3><p>{esc(refusal['text'])}</p>")
    parts += [_cite(c) for c in refusal["citations"]]
    parts.append("<h3>Neste steg</h3><ol>")
    for s in result["next_steps"]:
        parts.append(f"<li>{esc(s['text'])}{''.join(map(_cite, s['citations']))}</li>")
    parts.append(f'</ol><p class="ka-method">{esc(" ".join(result["notes"]))}</p></div>')
    return "".join(parts)


def _files(markdown: str, stem: str) -> tuple[str, str]:
    folder = Path(tempfile.mkdtemp(prefix="kompetanse-permisjon-"))
    md, dx = folder / f"{stem}.md", folder / f"{stem}.docx"
    md.write_text(markdown, encoding="utf-8")
    dx.write_bytes(docx.markdown_to_docx(markdown))
    return str(md), str(dx)


def run_sjekk(
    working: float | None, employer: float | None, earlier: str, earlier_start: str, earlier_length: str,
    start: str, length: str, level: str, job_related: str, scope: str, requires: str, turnus: str,
) -> str:  # fmt: skip
    """The check for the form's values, as HTML (a Norwegian message for invalid input)."""
    try:
        form = _model(SjekkInput, {
            "years_working_life": working, "years_with_employer": employer, "earlier_leave": _yes_no(earlier),
            "earlier_leave_start": _day(earlier_start, "Forrige permisjon begynte"),
            "earlier_leave_length": _length(earlier_length, "Forrige permisjon varte"),
            "start": _day(start, "Ny permisjon begynner"), "length": _length(length, "Ny permisjon varer"),
            "level": level or None, "job_related": _yes_no(job_related), "scope": scope or None,
            "employer_requires": _yes_no(requires), "turnus": _yes_no(turnus),
        })  # fmt: skip
    except _FormError as exc:
        return _error_html(str(exc))
    return sjekk_html(sjekk.check(form).to_dict())


def run_varsel(
    name: str, employer: str, education: str, institution: str, start: str, length: str,
    scope: str, admission: str, level: str, relevance: str,
) -> tuple[str, Any, Any]:  # fmt: skip
    """The notice: (HTML preview, Markdown download, .docx download)."""
    hidden = gr.update(visible=False)
    try:
        form = _model(VarselInput, {
            "name": name, "employer": employer, "education": education, "institution": institution,
            "start": _day(start, "Start"), "length": _length(length, "Varighet"), "scope": scope or None,
            "admission": admission or None, "level": level or None, "relevance": relevance,
        })  # fmt: skip
    except _FormError as exc:
        return _error_html(str(exc)), hidden, hidden
    notice = varsel.draft(form)
    md, dx = _files(notice.markdown, "varsel-utdanningspermisjon")
    head = (
        '<p class="ka-verdict ka-verdict-avhenger">Mangler: '
        + esc("; ".join(m.text for m in notice.missing))
        + "</p>"
        if notice.missing
        else '<p class="ka-verdict ka-verdict-rett">Alle feltene loven krever er fylt ut.</p>'
    )
    body = f'<div class="ka-perm">{head}<pre class="ka-draft">{esc(notice.markdown)}</pre></div>'
    return body, gr.update(value=md, visible=True), gr.update(value=dx, visible=True)


def run_svarfrist(
    received: str, length: str, leave_start: str, name: str, employer: str
) -> tuple[str, Any, Any]:
    """The reply deadline: (HTML, Markdown download, .docx download)."""
    hidden = gr.update(visible=False)
    try:
        form = _model(SvarfristInput, {
            "received": _day(received, "Varsel mottatt"), "length": _length(length, "Varighet"),
            "leave_start": _day(leave_start, "Permisjonen begynner"), "name": name, "employer": employer,
        })  # fmt: skip
        if form is None:
            raise _FormError("Fyll ut datoen varselet ble mottatt og lengden på permisjonen.")
    except _FormError as exc:
        return _error_html(str(exc)), hidden, hidden
    result = svarfrist.compute(form).to_dict()
    points = [result["rule"], *result["reply_must_contain"], result["duty_to_inform"], result["dispute"]]
    items = "".join(f"<li>{esc(p['text'])}{_cite(p['citation'])}</li>" for p in points)
    html = (
        f'<div class="ka-perm"><p class="ka-verdict ka-deadline"><b>Svarfrist: {esc(result["deadline_text"])}</b> '
        f"({esc(result['deadline'])})</p><ul>{items}</ul>"
        f'<p class="ka-method">{esc(" ".join(result["notes"]))}</p>'
        f'<h3>Utkast til svar</h3><pre class="ka-draft">{esc(result["draft_reply_markdown"])}</pre></div>'
    )
    md, dx = _files(result["draft_reply_markdown"], "svar-utdanningspermisjon")
    return html, gr.update(value=md, visible=True), gr.update(value=dx, visible=True)


def cites_leave_rules(entries: Sequence[ChatEntry]) -> bool:
    """True when the latest answer cites aml. § 12-11 or HTA 14.2."""
    answer = entries[-1].answer if entries else None
    if answer is None or answer.refused:
        return False
    refs = " ".join(f"{c.provision or ''} {c.section}" for c in answer.citations)
    return "12-11" in refs or "14.2" in refs


def offer_from_answers(entries: gr.State, conversation: gr.HTML) -> gr.Button:
    """A button that appears under an answer about these rules and opens the Utdanningspermisjon tab.

    It listens to the conversation HTML, not to ``entries``: a change listener on a ``gr.State``
    makes Gradio hash the state, and answers hold dicts, which cannot be hashed.
    """
    button = gr.Button(
        "Sjekk retten din, lag varsel eller regn ut svarfrist →",
        visible=False,
        size="sm",
        elem_id="ka-perm-offer",
    )
    conversation.change(
        lambda e: gr.update(visible=cites_leave_rules(e)), inputs=entries, outputs=button, queue=False
    )
    button.click(None, js=GO_TO_TAB_JS)
    return button


def build_tab() -> None:
    """The tab's layout and events (call inside a ``gr.Tab``)."""
    gr.Markdown(
        "Verktøy bygget direkte på arbeidsmiljøloven § 12-11 og HTA kap. 1 pkt. 14.2. Hvert svar viser setningen "
        "det bygger på. Felt du ikke fyller ut blir «ukjent» – verktøyet gjetter aldri."
    )
    with gr.Tabs(elem_id="ka-perm-tabs"):
        with gr.Tab("Rettighetssjekk", id="perm-sjekk"):
            _sjekk_section()
        with gr.Tab("Skriftlig varsel", id="perm-varsel"):
            _varsel_section()
        with gr.Tab("Svarfrist (for ledere)", id="perm-svarfrist"):
            _svarfrist_section()


def _sjekk_section() -> None:
    with gr.Row():
        working = gr.Number(label="År i arbeidslivet", minimum=0, elem_id="ka-perm-working")
        employer = gr.Number(label="År hos denne arbeidsgiveren", minimum=0, elem_id="ka-perm-employer")
    with gr.Row():
        earlier = gr.Radio(
            YES_NO, value=UNKNOWN, label="Hatt utdanningspermisjon før?", elem_id="ka-perm-earlier"
        )
        earlier_start = gr.Textbox(
            label="Forrige permisjon begynte (ÅÅÅÅ-MM-DD)", elem_id="ka-perm-earlier-start"
        )
        earlier_length = gr.Textbox(
            label="Forrige permisjon varte (f.eks. 6 måneder)", elem_id="ka-perm-earlier-len"
        )
    with gr.Row():
        start = gr.Textbox(label="Ny permisjon begynner (ÅÅÅÅ-MM-DD, tomt = i dag)", elem_id="ka-perm-start")
        length = gr.Textbox(label="Ny permisjon varer (f.eks. 4 måneder, 1 uke)", elem_id="ka-perm-length")
        scope = gr.Radio(
            [("Vet ikke", ""), ("Hel", "hel"), ("Delvis", "delvis")], value="", label="Hel eller delvis"
        )
    with gr.Row():
        level = gr.Radio(LEVELS, value="", label="Utdanningens nivå", elem_id="ka-perm-level")
        job = gr.Radio(YES_NO, value=UNKNOWN, label="Yrkesrelatert?", elem_id="ka-perm-job")
    with gr.Row():
        requires = gr.Radio(YES_NO, value=UNKNOWN, label="Mener arbeidsgiver utdanningen er nødvendig?")
        turnus = gr.Radio(YES_NO, value=UNKNOWN, label="Arbeider du turnus?")
    go = gr.Button("Sjekk", variant="primary", elem_id="ka-perm-sjekk")
    out = gr.HTML(elem_id="ka-perm-result")
    inputs = [working, employer, earlier, earlier_start, earlier_length, start, length, level, job, scope, requires,
              turnus]  # fmt: skip
    go.click(run_sjekk, inputs=inputs, outputs=out)


def _varsel_section() -> None:
    with gr.Row():
        name = gr.Textbox(label="Ditt navn")
        employer = gr.Textbox(label="Arbeidsgiver")
    education = gr.Textbox(label="Utdanningens faglige innhold", lines=2, elem_id="ka-perm-education")
    with gr.Row():
        institution = gr.Textbox(label="Utdanningsinstitusjon")
        admission = gr.Radio(
            [("Vet ikke", ""), ("Tatt opp", "tatt opp"), ("Søkt", "søkt"), ("Ikke aktuelt", "ikke aktuelt")],
            value="", label="Opptak",
        )  # fmt: skip
    with gr.Row():
        start = gr.Textbox(label="Start (ÅÅÅÅ-MM-DD)")
        length = gr.Textbox(label="Varighet (f.eks. 4 måneder)", elem_id="ka-perm-varsel-length")
        scope = gr.Radio(
            [("Vet ikke", ""), ("Hel", "hel"), ("Delvis", "delvis")], value="", label="Hel eller delvis"
        )
    level = gr.Radio(LEVELS, value="", label="Utdanningens nivå")
    relevance = gr.Textbox(label="Yrkesrelevans (påkrevd for høyere utdanning)", lines=2)
    go = gr.Button("Lag varsel", variant="primary", elem_id="ka-perm-varsel")
    out = gr.HTML(elem_id="ka-perm-varsel-result")
    with gr.Row():
        md = gr.DownloadButton("Last ned som Markdown", visible=False)
        dx = gr.DownloadButton("Last ned som Word (.docx)", visible=False, elem_id="ka-perm-varsel-docx")
    inputs = [name, employer, education, institution, start, length, scope, admission, level, relevance]
    go.click(run_varsel, inputs=inputs, outputs=[out, md, dx])


def _svarfrist_section() -> None:
    with gr.Row():
        received = gr.Textbox(label="Varsel mottatt (ÅÅÅÅ-MM-DD)", elem_id="ka-perm-received")
        length = gr.Textbox(label="Permisjonens lengde (f.eks. 4 måneder)", elem_id="ka-perm-svar-length")
        leave_start = gr.Textbox(label="Permisjonen begynner (valgfritt)")
    with gr.Row():
        name = gr.Textbox(label="Arbeidstakers navn (valgfritt)")
        employer = gr.Textbox(label="Arbeidsgiver (valgfritt)")
    go = gr.Button("Regn ut svarfrist", variant="primary", elem_id="ka-perm-svarfrist")
    out = gr.HTML(elem_id="ka-perm-svar-result")
    with gr.Row():
        md = gr.DownloadButton("Last ned svar som Markdown", visible=False)
        dx = gr.DownloadButton("Last ned svar som Word (.docx)", visible=False)
    go.click(run_svarfrist, inputs=[received, length, leave_start, name, employer], outputs=[out, md, dx])
