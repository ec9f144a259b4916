"""End to end in headless Chromium: the real app on a loopback port over the bundled corpus.

Debian's `chromium` (`make browser`) driven by playwright through `executable_path`, since
`playwright install` cannot download browsers here. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, serve_app

SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT = 60_000  # ms: two shared cores, first answers load the models' caches


@pytest.fixture(scope="module")
def server(bundled_assistant) -> Iterator[str]:
    """The app over the session's bundled assistant, served on a free loopback port."""
    with serve_app(bundled_assistant) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is missing: run `make browser`"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server)
    page.wait_for_selector("#question textarea")
    yield page
    context.close()
    assert dialogs == [], f"a policy's script ran: {dialogs}"


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def ask(page, question: str) -> None:
    before = page.locator("#conversation .turn .answer .verdict").count()
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#conversation .turn .answer > .verdict').length > n", arg=before
    )


def cited_text(page) -> str:
    mark = page.locator("#viewer mark.cited")
    mark.wait_for()
    return mark.inner_text()


@pytest.mark.browser
def test_ask_see_verdict_and_citation_then_open_it_in_the_policy(page):
    ask(page, "Does INSZoom sell my personal information?")
    answer = page.locator("#conversation .turn").last
    assert answer.locator(".answer > .verdict").inner_text().strip().endswith("No")
    card = answer.locator("button.cite").first
    card.wait_for()
    assert "INSZoom" in card.locator(".cite-company").inner_text()
    assert card.locator("mark.kw").count() >= 1  # the question's key words are highlighted
    shot(page, "1-answer")
    quote = card.locator(".cite-quote").inner_text().strip("“”")
    card.click()
    assert " ".join(cited_text(page).split()) == " ".join(quote.split())
    # The cited span is scrolled into the viewer's visible area.
    box = page.locator("#viewer mark.cited").bounding_box()
    frame = page.locator("#viewer .policy-text").bounding_box()
    assert frame["y"] - 1 <= box["y"] <= frame["y"] + frame["height"]
    shot(page, "2-viewer")


@pytest.mark.browser
def test_follow_up_and_keyboard_only_use(page):
    ask(page, "Does Zopim sell my personal information?")
    ask(page, "How long do they keep my data?")
    assert page.locator("#conversation .turn").count() == 2
    last = page.locator("#conversation .turn").last
    assert "Zopim" in last.inner_text()
    badge = last.locator(".answer > .verdict").inner_text().strip()  # an icon, then the word
    assert badge.split(maxsplit=1)[-1] in ("Stated", "Partly stated")  # "how long ...?" is not asked yes or no
    shot(page, "7-open-question")
    card = last.locator("button.cite").first
    card.focus()
    page.keyboard.press("Enter")
    cited_text(page)
    assert page.evaluate("document.activeElement && document.activeElement.matches('mark.cited')")


@pytest.mark.browser
def test_upload_a_policy_then_ask_about_it_and_see_its_script_as_text(page, bundled_assistant):
    company = "Hostile Browser Corp"
    try:
        page.get_by_role("tab", name="Add a policy").click()
        page.locator("#add-file input[type=file]").set_input_files(str(FIXTURES / "hostile.txt"))
        page.fill("#add-company input", company)
        page.locator('#add-file td.filename[aria-label="hostile.txt"]').wait_for()
        page.click("#add-btn")
        page.locator("#add-status .status").wait_for()
        assert "Indexed Hostile Browser Corp" in page.locator("#add-status").inner_text()
        page.locator("#policies").get_by_text(company).wait_for()
        shot(page, "3-added")
        page.get_by_role("tab", name="Ask").click()
        ask(page, f"Does {company} sell my personal information?")
        last = page.locator("#conversation .turn").last
        assert last.locator(".answer > .verdict").inner_text().strip().endswith("Yes")
        last.locator("button.cite").first.click()
        cited_text(page)
        text = page.locator("#viewer .policy-text").inner_text()
        assert '<script>alert("pwned")</script>' in text
        assert page.locator("#viewer script").count() == 0
        shot(page, "4-hostile-viewer")
    finally:
        for pid, info in list(bundled_assistant.store.catalog().items()):
            if info.company == company:
                bundled_assistant.store.remove_policy(pid)


@pytest.mark.browser
def test_upload_errors_are_shown_clearly(page):
    page.get_by_role("tab", name="Add a policy").click()
    page.locator("#add-file input[type=file]").set_input_files(str(FIXTURES / "empty.txt"))
    page.locator('#add-file td.filename[aria-label="empty.txt"]').wait_for()
    page.fill("#add-company input", "Empty Inc")
    page.click("#add-btn")
    page.locator("#add-status .error").wait_for()
    assert "no text" in page.locator("#add-status").inner_text()


@pytest.mark.browser
def test_compare_table_and_grid_open_clauses(page):
    page.get_by_role("tab", name="Compare").click()
    page.click("#cmp-btn")
    page.locator("#compare-table tbody tr").first.wait_for()
    assert page.locator("#compare-table tbody tr").count() == 5
    page.click("#grid-btn")
    page.locator("#grid .cell-btn").first.wait_for(timeout=120_000)
    page.locator("#grid .cell-btn").first.click()
    cited_text(page)
    shot(page, "5-compare")


@pytest.mark.browser
def test_phone_width_has_no_sideways_scroll(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(server)
    page.wait_for_selector("#question textarea")
    ask(page, "Compare how INSZoom and Zopim use cookies")
    page.locator("#conversation button.cite").first.click()
    cited_text(page)
    shot(page, "6-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    context.close()


def test_gradio_client_asks_through_the_api(server):
    from gradio_client import Client

    client = Client(server, verbose=False)
    data = client.predict("Does Zopim sell my personal information?", ["Zopim"], None, api_name="/ask")
    assert data["companies"] == ["Zopim"]
    assert data["verdict"] in ("yes", "no", "partial", "not_stated")
    assert all(c["policy_id"] == "zopim" for c in data["citations"])
    companies = client.predict(api_name="/companies")
    assert {c["company"] for c in companies} >= {"INSZoom", "Zopim"}
