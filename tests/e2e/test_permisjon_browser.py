"""The Utdanningspermisjon tab in headless Chromium: the check, the notice, the reply deadline, the role dot.

Screenshots at desktop and phone width go to ``test-artifacts/screenshots/``; one of each
is copied to ``docs/screenshots/`` for the README.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Visit
from tests.e2e.test_browser import QUESTION, SCREENSHOTS, assert_stayed_local, save_screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def open_tab(page: Page) -> None:
    page.wait_for_function("document.documentElement.lang === 'nb'")
    page.locator("#ka-tabs [role=tab]").first.wait_for()
    tab = page.get_by_role("tab", name="Utdanningspermisjon")
    if tab.count():
        tab.click()
    else:  # a narrow screen: Gradio moves the later tabs into its "More tabs" menu
        page.get_by_role("button", name="More tabs").click()
        page.locator("#ka-tabs .overflow-dropdown").get_by_role("button", name="Utdanningspermisjon").click()
    expect(page.locator("#ka-perm-sjekk")).to_be_visible()


def fill_check(page: Page, employer_years: str) -> None:
    page.get_by_label("År i arbeidslivet").fill("4")
    page.get_by_label("År hos denne arbeidsgiveren").fill(employer_years)
    page.locator("#ka-perm-earlier").get_by_label("Nei").check()
    page.get_by_label("Ny permisjon varer (f.eks. 4 måneder, 1 uke)").fill("4 måneder")
    page.locator("#ka-perm-level").get_by_label("Høyere").check()
    page.locator("#ka-perm-job").get_by_label("Ja").check()
    page.locator("#ka-perm-sjekk").click()


def test_rights_check_desktop(open_app: Callable[..., Visit]) -> None:
    visit = open_app()
    page = visit.page
    open_tab(page)
    fill_check(page, "3")
    result = page.locator("#ka-perm-result")
    expect(result.locator(".ka-verdict")).to_contain_text("Vurdering: rett")
    first = result.locator(".ka-conditions li").first
    expect(first.locator(".ka-status")).to_have_text("oppfylt")
    expect(first.locator(".ka-perm-cite")).to_contain_text("aml. § 12-11 (1)")
    expect(first.locator(".ka-perm-cite")).to_contain_text("minst tre år")
    expect(result).to_contain_text("HTA kap. 1 pkt. 14.2")
    save_screenshot(page, "permisjon-desktop.png", copy_to_docs=True)

    page.get_by_label("År hos denne arbeidsgiveren").fill("1")
    page.locator("#ka-perm-sjekk").click()
    expect(result.locator(".ka-verdict")).to_contain_text("Vurdering: ikke rett")
    expect(result.locator(".ka-conditions li").nth(1).locator(".ka-status")).to_have_text("ikke oppfylt")

    page.get_by_label("Ny permisjon varer (f.eks. 4 måneder, 1 uke)").fill("fire måneder")
    page.locator("#ka-perm-sjekk").click()
    expect(result.get_by_role("alert")).to_contain_text("er ikke en varighet")
    assert_stayed_local(visit)


def test_rights_check_phone(open_app: Callable[..., Visit]) -> None:
    visit = open_app(width=390, height=844)
    page = visit.page
    open_tab(page)
    fill_check(page, "3")
    expect(page.locator("#ka-perm-result .ka-verdict")).to_contain_text("Vurdering: rett")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"
    save_screenshot(page, "permisjon-phone.png", copy_to_docs=True)
    assert_stayed_local(visit)


def test_reply_deadline_and_docx_download(open_app: Callable[..., Visit]) -> None:
    visit = open_app()
    page = visit.page
    open_tab(page)
    page.get_by_role("tab", name="Svarfrist (for ledere)").click()
    page.get_by_label("Varsel mottatt (ÅÅÅÅ-MM-DD)").fill("2026-12-01")
    page.get_by_label("Permisjonens lengde (f.eks. 4 måneder)").fill("4 måneder")
    page.locator("#ka-perm-svarfrist").click()
    result = page.locator("#ka-perm-svar-result")
    expect(result.locator(".ka-deadline")).to_contain_text("Svarfrist: 1. mars 2027")
    expect(result).to_contain_text(
        "kortere enn seks måneder, skal slik underretning foreligge innen tre måneder"
    )
    save_screenshot(page, "permisjon-svarfrist-desktop.png")
    with page.expect_download() as download:
        page.get_by_role("button", name="Last ned svar som Word (.docx)").click()
    doc = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Svarfrist: 1. mars 2027" in text and "aml. § 12-11 (5)" in text
    assert_stayed_local(visit)


def test_notice_lists_missing_fields(open_app: Callable[..., Visit]) -> None:
    page = open_app().page
    open_tab(page)
    page.get_by_role("tab", name="Skriftlig varsel").click()
    page.get_by_label("Utdanningens faglige innhold").fill("Videreutdanning i veiledning")
    page.locator("#ka-perm-varsel").click()
    result = page.locator("#ka-perm-varsel-result")
    expect(result).to_contain_text("Mangler: Varighet")
    expect(result.locator(".ka-draft")).to_contain_text(
        "Varslet skal inneholde opplysninger om utdanningens faglige"
    )


def test_selected_role_shows_its_dot_and_answer_offers_the_tools(open_app: Callable[..., Visit]) -> None:
    page = open_app().page
    page.wait_for_function("document.documentElement.lang === 'nb'")
    leader = page.locator("#ka-role").get_by_label("Leder")
    leader.check()
    leader.hover()  # the mouse stays on the choice just made; Gradio's hover style hid the dot there
    style = leader.evaluate(
        "el => { const s = getComputedStyle(el); return [s.backgroundColor, s.backgroundImage,"
        " s.getPropertyValue('--checkbox-background-color-selected')] }"
    )
    assert style[0] not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), style
    assert "circle" in style[1]
    unchecked = (
        page.locator("#ka-role").get_by_label("Ansatt").evaluate("el => getComputedStyle(el).backgroundImage")
    )
    assert "circle" not in unchecked
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#ka-role").screenshot(path=str(SCREENSHOTS / "role-dot-hover.png"))

    page.locator("#ka-role").get_by_label("Ansatt").check()
    page.get_by_role("button", name=QUESTION).click()
    page.get_by_role("button", name="Spør", exact=True).click()
    answer = page.locator("#ka-conv .ka-a:not(.ka-pending)").first
    expect(answer.locator(".ka-text button.ka-cite[aria-label*='12-11']").first).to_be_visible()
    offer = page.locator("#ka-perm-offer")
    expect(offer).to_be_visible()
    offer.click()
    expect(page.get_by_role("tab", name="Utdanningspermisjon")).to_have_attribute("aria-selected", "true")
