"""Rendering answers, passages and provisions to HTML: citations become buttons, everything is escaped."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from assistant.models import Answer
from tests.ui.fake_assistant import AML, AML_QUOTE, HTA, FakeAssistant, cite
from ui import render, render_tabs
from ui.render import ChatEntry

pytestmark = pytest.mark.unit

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> ${1+1} {{value}} `tick`'


class Tags(HTMLParser):
    """Collects start tags and attributes, to check what markup the HTML really contains."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def assert_no_injection(html: str) -> None:
    names = {t for t, _ in tags_of(html)}
    assert not names & {"script", "img", "iframe", "style"}
    assert all(not k.startswith("on") for _, attrs in tags_of(html) for k in attrs)
    assert "${" not in html and "{{" not in html and "`" not in html


@pytest.fixture
def answer() -> Answer:
    return FakeAssistant().answer_for("Har jeg rett på utdanningspermisjon?")


def test_citation_markers_become_buttons_with_turn_and_number(answer: Answer) -> None:
    html = render.answer_html(answer, turn=3)
    buttons = [a for t, a in tags_of(html) if t == "button" and a.get("data-ka-action") == "cite"]
    # two inline markers plus two entries in the source list
    assert [(b["data-turn"], b["data-n"]) for b in buttons] == [
        ("3", "1"),
        ("3", "2"),
        ("3", "1"),
        ("3", "2"),
    ]
    assert all(b["type"] == "button" and b["aria-label"] for b in buttons)
    assert "[1]" not in re.sub(r"<button[^>]*>\[1\][^<]*</button>", "", html)


def test_unresolved_marker_stays_plain_text(answer: Answer) -> None:
    odd = replace(answer, text="Noe uten kilde [7]. Og noe med [1].")
    html = render.answer_body_html(odd, 0)
    assert "Noe uten kilde [7]." in html
    assert html.count('data-ka-action="cite"') == 1


def test_grouped_markers_each_get_a_button(answer: Answer) -> None:
    grouped = replace(answer, text="Begge sier det [1, 2].")
    html = render.answer_body_html(grouped, 0)
    assert html.count('data-ka-action="cite"') == 2 and "[1, 2]" not in html


def test_everything_from_users_documents_and_models_is_escaped(answer: Answer) -> None:
    chunk = replace(AML, text=f"Før {HOSTILE} etter", section_path=(HOSTILE,), provision=HOSTILE)
    citation = replace(cite(1, chunk, "etter"), document=HOSTILE, section=HOSTILE)
    hostile = replace(
        answer,
        question=HOSTILE,
        text=f"{HOSTILE} [1]\n- {HOSTILE}",
        citations=(citation,),
        passages=(replace(answer.passages[0], chunk=chunk),),
        notices=(HOSTILE,),
        lead=HOSTILE,
        method=f"llm:{HOSTILE}",
    )
    conversation = render.conversation_html([ChatEntry(HOSTILE, hostile), ChatEntry(HOSTILE, error=HOSTILE)])
    panel = render.passage_panel_html(hostile, 1)
    assert_no_injection(conversation)
    assert_no_injection(panel)
    assert "&lt;script&gt;" in conversation and "&lt;script&gt;" in panel
    assert 'data-ka-action="cite"' in conversation  # the real marker still works


def test_partial_text_while_streaming_is_escaped() -> None:
    html = render.conversation_html([ChatEntry("Spørsmål", partial=HOSTILE)])
    assert_no_injection(html)
    assert 'aria-busy="true"' in html


def test_refusal_is_visible_and_honest() -> None:
    refused = FakeAssistant().answer_for("Hvor mange feriedager har jeg?")
    html = render.answer_html(refused, 0)
    assert "ka-refused" in html and render.REFUSAL_LABEL in html
    assert 'data-ka-action="cite"' not in html
    assert "Sitert direkte fra kildene" not in html


def test_partial_answer_says_plainly_what_the_sources_do_not_cover(answer: Answer) -> None:
    partial = replace(answer, answerability="partial", uncovered=("barnetrygd", "<b>"))
    html = render.answer_html(partial, 0)
    assert f"{render.PARTIAL_LABEL}: kildene sier ingenting om barnetrygd og &lt;b&gt;" in html
    assert "ka-refused" not in html
    assert "kildene sier ingenting om barnetrygd og <b>" in render.answer_markdown(partial)
    # when the text opens with that sentence (what is asked is uncovered), the label does not repeat it
    opened = replace(
        partial, text=f"Kildene sier ingenting om barnetrygd og <b>. {partial.text}", nearest_only=True
    )
    html = render.answer_html(opened, 0)
    assert f'role="note">{render.PARTIAL_LABEL}</p>' in html
    assert html.count("ingenting om barnetrygd") == 1


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("extractive", "Sitert direkte fra kildene"),
        ("llm:qwen2.5-3b", "Skrevet av qwen2.5-3b og kontrollert mot kildene"),
    ],
)
def test_method_line(answer: Answer, method: str, expected: str) -> None:
    assert render.method_line(replace(answer, method=method)) == expected
    assert expected in render.answer_html(replace(answer, method=method), 0)


def test_notices_and_lead_are_shown(answer: Answer) -> None:
    html = render.answer_html(
        replace(answer, notices=("Spørsmålet ble forkortet.",), lead="Gjelder: aml. § 12-11"), 0
    )
    assert "Spørsmålet ble forkortet." in html and "Gjelder: aml. § 12-11" in html


def test_panel_highlights_exactly_the_quoted_span(answer: Answer) -> None:
    html = render.passage_panel_html(answer, 1)
    marked = re.search(r'<mark class="ka-quote">(.*?)</mark>', html)
    assert marked and marked.group(1) == render.esc(AML_QUOTE)
    assert "Arbeidsmiljøloven" in html and "aml. § 12-11" in html
    assert 'data-ref="aml. § 12-11"' in html  # "Vis hele bestemmelsen"


def test_panel_shows_page_for_paginated_sources(answer: Answer) -> None:
    html = render.passage_panel_html(answer, 2)
    assert "s. 5" in html and HTA.section in html


def test_highlight_falls_back_when_offset_is_stale() -> None:
    assert render.highlight("abc def abc", "def", 0) == 'abc <mark class="ka-quote">def</mark> abc'
    assert render.highlight("abc", "zzz", 0) == "abc"


def test_unknown_citation_number_gives_a_message(answer: Answer) -> None:
    assert "Fant ikke kilde [9]" in render.passage_panel_html(answer, 9)


def test_provision_view_lists_discussion_and_clickable_references() -> None:
    view = FakeAssistant().lookup("aml. § 12-11")
    assert view is not None
    html = render_tabs.provision_html(view)
    assert "Omtalt i" in html and "Veilederen" in html
    refs = [a["data-ref"] for t, a in tags_of(html) if t == "button" and a.get("data-ka-action") == "ref"]
    assert refs == ["aml. § 12-14"]


def test_provision_list_and_empty_result() -> None:
    views = FakeAssistant().provisions()
    html = render_tabs.provision_list_html(views)
    assert html.count('data-ka-action="ref"') == len(views) == 2
    assert "Ingen bestemmelser passet til «&lt;b&gt;»" in render_tabs.provision_list_html([], "<b>")


def test_checklist_html_numbers_sources() -> None:
    checklist = FakeAssistant().samtale("digital")
    html = render_tabs.checklist_html(checklist)
    assert html.count("<sup>[1]</sup>") == 2 and html.count("<sup>[2]</sup>") == 1
    assert "Fokus: digital" in html


def test_documents_rows() -> None:
    rows = render_tabs.documents_rows(FakeAssistant().documents())
    assert rows[0] == ["Arbeidsmiljøloven (utdrag)", "Arbeidsmiljøloven", "Lov", 1, 1, ""]


def test_answer_markdown_lists_sources_with_quotes(answer: Answer) -> None:
    md = render.answer_markdown(answer)
    assert md.startswith("**Spørsmål:** Har jeg rett på utdanningspermisjon?")
    assert f"[1] Arbeidsmiljøloven › aml. § 12-11: «{AML_QUOTE}»" in md
    assert "_Sitert direkte fra kildene_" in md


def test_feedback_buttons_show_pressed_state(answer: Answer) -> None:
    html = render.answer_html(answer, 0, rating=-1)
    pressed = {
        a["data-rating"]: a["aria-pressed"] for t, a in tags_of(html) if t == "button" and "data-rating" in a
    }
    assert pressed == {"1": "false", "-1": "true"}


def test_bullets_become_lists(answer: Answer) -> None:
    html = render.answer_body_html(replace(answer, text="Innledning [1]\n- første [2]\n- andre"), 0)
    assert "<ul><li>første" in html and "<li>andre</li></ul>" in html


def test_repeated_marker_points_at_its_own_sentence(answer: Answer) -> None:
    second = "Utdanning ut over grunnskole eller videregående opplæringsnivå må være yrkesrelatert"
    two = replace(
        answer, text="Første [1]. Andre [1].", citations=(cite(1, AML, AML_QUOTE), cite(1, AML, second))
    )
    body = render.answer_body_html(two, 0)
    assert [a.get("data-c") for t, a in tags_of(body) if t == "button"] == ["0", "1"]
    only_second = render.passage_panel_html(two, 1, 1)
    assert re.findall(r'<mark class="ka-quote">(.*?)</mark>', only_second) == [render.esc(second)]
    both = render.passage_panel_html(two, 1)
    assert len(re.findall("<mark", both)) == 2
    sources = render.answer_html(two, 0).split('class="ka-sources"')[1]
    assert sources.count('data-ka-action="cite"') == 1  # one source entry per passage


def test_overlapping_quotes_are_merged() -> None:
    assert (
        render.highlight_many("abcdef", [("abcd", 0), ("cdef", 2)]) == '<mark class="ka-quote">abcdef</mark>'
    )


def test_citation_labels_use_the_short_document_name(answer: Answer) -> None:
    long = replace(
        answer,
        citations=tuple(
            replace(c, document="Arbeidsmiljøloven (lov 17. juni 2005 nr. 62)") for c in answer.citations
        ),
    )
    assert render.citation_label(long, long.citations[0]) == "Arbeidsmiljøloven › aml. § 12-11"


@pytest.mark.parametrize(
    ("label", "title", "expected"),
    [
        ("aml. § 12-11", "(1)", "aml. § 12-11"),
        ("aml. § 12-14", "§ 12-14. Tvisteløsning", "aml. § 12-14 – Tvisteløsning"),
        (
            "HTA kap. 3 pkt. 3.2",
            "HTA kap. 3.2 Lokal lønnspolitikk",
            "HTA kap. 3 pkt. 3.2 – Lokal lønnspolitikk",
        ),
        ("HTA kap. 1 pkt. 14.2", "14.2 Utdanningspermisjon", "HTA kap. 1 pkt. 14.2 – Utdanningspermisjon"),
        ("Innledning", "Innledning", "Innledning"),
        ("aml. § 12-11", "", "aml. § 12-11"),
    ],
)
def test_provision_title_does_not_repeat_the_label(label: str, title: str, expected: str) -> None:
    view = replace(FakeAssistant()._view(AML), label=label, title=title)
    assert render_tabs.provision_title(view) == expected


def test_markdown_headings_in_provision_text_become_bold() -> None:
    view = replace(FakeAssistant()._view(AML), text="## § 12-11. Utdanningspermisjon\n(1) Tekst.")
    html = render_tabs.provision_html(view)
    assert "<strong>§ 12-11. Utdanningspermisjon</strong>" in html and "##" not in html


def test_punctuation_after_a_marker_stays_with_it(answer: Answer) -> None:
    html = render.answer_body_html(replace(answer, text="Slik er det [1]. Neste."), 0)
    assert re.search(r'<span class="ka-nowrap"><button[^>]*>\[1\]</button>\.</span> Neste\.', html)


def test_source_label_names_the_ledd() -> None:
    label = render.source_label(
        "Arbeidsmiljøloven", "aml. § 12-11", "Arbeidsmiljøloven › § 12-11 › (4)", None
    )
    assert label == "Arbeidsmiljøloven › aml. § 12-11 (4)"
    assert (
        render.source_label("Veilederen", None, "Medarbeidersamtalen", 3)
        == "Veilederen › Medarbeidersamtalen, s. 3"
    )
