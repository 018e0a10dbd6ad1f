"""The real app in headless Chromium: ask, follow a citation, see a refusal, build a checklist.

Run: ``.venv/bin/python -m pytest tests/e2e -m e2e``. Screenshots are saved to
``test-artifacts/screenshots/``; the chat-with-citation one is also copied to
``docs/screenshots/chat-citation.png`` for the README. Every request the page makes is
recorded, and none may leave this machine.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from core.settings import REPO_ROOT
from tests.e2e.conftest import ARTIFACTS, RunningApp, Visit

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SCREENSHOTS = ARTIFACTS / "screenshots"
QUESTION = "Har jeg rett på utdanningspermisjon?"
OUT_OF_SCOPE = "Hvor mange feriedager har jeg?"


def save_screenshot(page: Page, name: str, copy_to_docs: bool = False) -> Path:
    """A full-page PNG in test-artifacts/screenshots/ (and docs/screenshots/ when asked)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)
    if copy_to_docs:
        docs = REPO_ROOT / "docs" / "screenshots"
        docs.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, docs / name)
    return path


def ask(page: Page, question: str) -> Any:
    """Type a question, press Enter, and wait for its finished answer; returns the answer locator."""
    answers = page.locator("#ka-conv .ka-a:not(.ka-pending)")
    before = answers.count()
    box = page.get_by_label("Spørsmål", exact=True)
    box.fill(question)
    box.press("Enter")
    expect(answers).to_have_count(before + 1)
    return answers.nth(before)


def assert_stayed_local(visit: Visit) -> None:
    assert visit.requests, "no requests were recorded"
    assert visit.foreign_requests() == []
    assert visit.dialogs == []


def test_chat_citation_panel_and_refusal(open_app: Callable[..., Visit], running_app: RunningApp) -> None:
    visit = open_app()
    page = visit.page
    page.wait_for_function("document.documentElement.lang === 'nb'")
    page.get_by_label("Ansatt").check()
    page.get_by_role("button", name=QUESTION).click()  # an example question fills the box
    expect(page.get_by_label("Spørsmål", exact=True)).to_have_value(QUESTION)
    page.get_by_role("button", name="Spør", exact=True).click()
    answer = page.locator("#ka-conv .ka-a:not(.ka-pending)").first
    expect(answer).to_be_visible()
    expect(answer).not_to_have_class("ka-a ka-refused")
    expect(answer.locator(".ka-method")).to_have_text("Sitert direkte fra kildene")

    citation = answer.locator(".ka-text button.ka-cite[aria-label*='12-11']").first
    expect(citation).to_be_visible()
    citation.click()
    panel = page.locator("#ka-panel")
    expect(panel.locator("h3")).to_contain_text("Kilde [")
    expect(panel).to_contain_text("Arbeidsmiljøloven")
    expect(panel).to_contain_text("12-11")
    expect(panel.locator("mark.ka-quote")).to_be_visible()
    save_screenshot(page, "chat-citation.png", copy_to_docs=True)

    # keyboard: open the whole provision from the panel with Enter
    show_all = panel.get_by_role("button", name="Vis hele bestemmelsen")
    show_all.focus()
    page.keyboard.press("Enter")
    expect(panel.locator(".ka-provision h3")).to_contain_text("12-11")
    expect(panel.locator(".ka-provision-text")).to_contain_text("utdanningspermisjon", ignore_case=True)

    # thumbs up with a comment is stored locally
    answer.get_by_role("button", name="Ja, svaret var nyttig").click()
    comment = page.get_by_label("Vil du si mer? (valgfritt, lagres bare lokalt)")
    expect(comment).to_be_visible()
    comment.fill("Tydelig svar")
    page.get_by_role("button", name="Lagre kommentar").click()
    expect(comment).to_be_hidden()
    db = sqlite3.connect(running_app.data_dir / "feedback.sqlite3")
    rows = db.execute("SELECT question, rating, comment FROM feedback").fetchall()
    db.close()
    assert (QUESTION, 1, "Tydelig svar") in rows

    # a new conversation (a follow-up would be joined with the previous question)
    page.get_by_role("button", name="Ny samtale").click()
    expect(page.locator("#ka-conv .ka-turn")).to_have_count(0)
    refusal = ask(page, OUT_OF_SCOPE)
    expect(refusal).to_have_class("ka-a ka-refused")
    expect(refusal.locator(".ka-refusal-label")).to_have_text("Ikke dekket av kildene")
    expect(refusal.locator("button.ka-cite")).to_have_count(0)
    save_screenshot(page, "chat-refusal.png")

    # user text is shown as text, never run as markup
    ask(page, '<img src=x onerror="alert(1)"> <b>fet</b> ${1+1}?')
    expect(page.locator("#ka-conv img")).to_have_count(0)
    expect(page.locator("#ka-conv .ka-q b")).to_have_count(0)
    expect(page.locator("#ka-conv .ka-q").last).to_contain_text('<img src=x onerror="alert(1)">')
    assert_stayed_local(visit)


def test_a_question_the_sources_do_not_cover_says_so_first(open_app: Callable[..., Visit]) -> None:
    # A near-domain topic: the sources speak of leave for education, never of this kind of leave.
    visit = open_app()
    page = visit.page
    answer = ask(page, "Har jeg rett på omsorgspermisjon når barnet mitt blir født?")
    expect(answer).not_to_have_class("ka-a ka-refused")
    expect(answer.locator(".ka-partial-label")).to_have_text("Delvis dekket av kildene")
    first = answer.locator(".ka-text p").first
    expect(first).to_contain_text("Kildene sier ingenting om omsorgspermisjon.")
    expect(first).to_contain_text("tillitsvalgte eller personalavdelingen")
    expect(answer.locator(".ka-text")).to_contain_text("Det nærmeste kildene kommer, er dette:")
    expect(answer.locator(".ka-lead")).to_have_count(0)  # no "Gjelder:": no provision governs the question
    assert answer.locator(".ka-text button.ka-cite").count() <= 2
    save_screenshot(page, "chat-partial.png")
    assert_stayed_local(visit)


def test_provisions_tab(open_app: Callable[..., Visit]) -> None:
    visit = open_app()
    page = visit.page
    page.get_by_role("tab", name="Bestemmelser").click()
    query = page.get_by_label("Søk i bestemmelser og avsnitt")
    query.fill("utdanningspermisjon")
    query.press("Enter")
    results = page.locator("#ka-prov-results button.ka-ref")
    expect(results.first).to_be_visible()
    results.first.click()
    view = page.locator("#ka-prov-view .ka-provision")
    expect(view).to_be_visible()
    expect(view.locator(".ka-provision-text")).not_to_be_empty()
    save_screenshot(page, "provisions.png")
    assert_stayed_local(visit)


def test_medarbeidersamtale_checklist_and_download(open_app: Callable[..., Visit]) -> None:
    visit = open_app()
    page = visit.page
    page.get_by_role("tab", name="Medarbeidersamtale").click()
    page.get_by_label("Fokus for samtalen (valgfritt)").fill("videreutdanning")
    page.get_by_role("button", name="Lag sjekkliste").click()
    items = page.locator("#ka-checklist .ka-checklist-items li")
    expect(items.first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Last ned som Markdown").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert download.value.suggested_filename == "medarbeidersamtale.md"
    assert text.startswith("# Forberedelse til medarbeidersamtalen") and "Fokus: videreutdanning" in text
    assert text.count("- [ ] ") == items.count() and "## Kilder" in text
    save_screenshot(page, "medarbeidersamtale.png")
    assert_stayed_local(visit)


def test_documents_tab(open_app: Callable[..., Visit]) -> None:
    visit = open_app()
    page = visit.page
    page.get_by_role("tab", name="Dokumenter").click()
    table = page.locator("#ka-docs")
    expect(table).to_contain_text("Arbeidsmiljøloven")
    expect(page.get_by_label("Administrator-passord")).to_have_count(0)  # upload is off by default
    assert_stayed_local(visit)


def test_phone_width(open_app: Callable[..., Visit]) -> None:
    visit = open_app(width=390, height=844)
    page = visit.page
    answer = ask(page, QUESTION)
    answer.locator("button.ka-cite").first.click()
    expect(page.locator("#ka-panel .ka-passage")).to_be_visible()
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page is {overflow}px wider than the phone screen"
    save_screenshot(page, "chat-phone-390.png")
    assert_stayed_local(visit)
