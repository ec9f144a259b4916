"""The app's handlers and HTML, without a browser: real assistant, real Chroma, real MiniLM."""

from __future__ import annotations

import gc
import html
import re
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.errors import InputError
from assistant.practices import PRACTICES
from assistant.types import Answer, Citation, Policy
from tests.conftest import FIXTURES
from ui import render
from ui.handlers import Handlers

CARD = re.compile(r'<button type="button" class="cite" data-cite="([^"]+)"')


def last_answer(handlers: Handlers, question: str, turns: list | None = None, companies: list[str] | None = None):
    """Run the chat handler to its end; returns the turns and the final conversation HTML."""
    steps = list(handlers.chat(question, turns or [], companies))
    assert len(steps) >= 2, "the question is shown before the answer arrives"
    return steps[-1]


@pytest.fixture(scope="module")
def handlers(bundled_assistant) -> Handlers:
    return Handlers(bundled_assistant)


# -- escaping ---------------------------------------------------------------------------------


def test_policy_text_is_rendered_as_text_never_html():
    text = (FIXTURES / "hostile.txt").read_text()
    policy = Policy("hostile", "Hostile <b>Corp</b>", text + "\n${alert(1)} {{value}} `x`")
    start = text.index("<script>")
    viewer = render.viewer_html(policy, start, start + 31, section="<i>Data</i>")
    assert "<script" not in viewer
    assert "<b>" not in viewer
    assert "<i>" not in viewer
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in viewer
    assert "${" not in viewer
    assert "{{" not in viewer
    assert "`" not in viewer
    cited = re.search(r'<mark class="cited" id="cited">(.*?)</mark>', viewer, re.S).group(1)
    assert html.unescape(cited) == text[start : start + 31] == '<script>alert("pwned")</script>'


def test_citation_card_escapes_quote_company_and_section_and_highlights_terms():
    cite = Citation(
        company="A<b>", policy_id="a", section="<h1>S</h1>", quote="We sell <script>data</script>.", start=3, end=9
    )
    card = render.citation_card(cite, 1, render.key_terms("Do they sell my data?"))
    assert "<script" not in card
    assert "<h1>" not in card
    assert "A&lt;b&gt;" in card
    assert '<mark class="kw">sell</mark>' in card
    assert 'data-cite="a|3|9"' in card


def test_key_terms_drop_stop_words_and_match_word_forms():
    terms = render.key_terms("Does Zopim share my information with advertisers?")
    assert "does" not in terms
    assert "my" not in terms
    assert "information" not in terms
    marked = render.highlight("Zopim shares data with advertising partners.", terms)
    assert '<mark class="kw">shares</mark>' in marked
    assert '<mark class="kw">advertising</mark>' in marked


# -- chat -------------------------------------------------------------------------------------


def test_chat_answer_shows_verdict_badge_text_and_clickable_citations(handlers):
    turns, page = last_answer(handlers, "Does INSZoom sell my personal information?")
    answer = turns[-1].answer
    assert answer.verdict == "no"
    assert 'class="verdict verdict-no"' in page
    keys = CARD.findall(page)
    assert keys
    assert all(k.startswith("inszoom|") for k in keys)
    first_card = page.split('class="cite"', 1)[1].split("</button>", 1)[0]
    assert answer.citations[0].quote in html.unescape(re.sub(r"<[^>]+>", "", first_card))


def test_an_open_question_gets_a_stated_badge(handlers):
    turns, page = last_answer(handlers, "Who can I contact about privacy at INSZoom?")
    assert turns[-1].answer.question_form == "open"
    badge = re.search(r'<span class="verdict verdict-yes">.*?</span> ([^<]+)</span>', page)
    assert badge is not None
    assert badge.group(1) == "Stated"
    assert "INSZoom: Stated." in page


def test_follow_up_passes_earlier_questions_as_history(handlers):
    turns, _ = last_answer(handlers, "Does Zopim sell my personal information?")
    turns, page = last_answer(handlers, "How long do they keep my data?", turns)
    assert len(turns) == 2
    assert turns[1].answer.companies == ["Zopim"]
    assert page.count('class="turn"') == 2


def test_company_picker_scopes_the_question(handlers):
    turns, _ = last_answer(handlers, "Do they use cookies?", companies=["zopim", "inszoom"])
    assert sorted(turns[-1].answer.companies) == ["INSZoom", "Zopim"]


def test_chat_shows_a_users_mistake_as_a_message(handlers):
    turns, page = last_answer(handlers, "x" * 5000)
    assert turns[-1].error
    assert "limit" in turns[-1].error
    assert 'role="alert"' in page


def test_empty_message_changes_nothing(handlers):
    [(turns, _page)] = list(handlers.chat("   ", [], None))
    assert turns == []


def test_opening_a_citation_highlights_its_span_in_the_whole_policy(handlers, bundled_assistant):
    turns, page = last_answer(handlers, "Does InsideSales share my data with third parties?")
    key = CARD.findall(page)[0]
    viewer = handlers.open_citation(html.unescape(key))
    policy_id, start, end = key.split("|")
    text = bundled_assistant.store.policy(policy_id).text
    cited = re.search(r'<mark class="cited" id="cited">(.*?)</mark>', viewer, re.S).group(1)
    assert html.unescape(cited) == text[int(start) : int(end)] == turns[-1].answer.citations[0].quote
    assert html.unescape(re.sub(r"<[^>]+>", "", viewer.split('class="policy-text"')[1].split(">", 1)[1])).startswith(
        text[:200]
    )


@pytest.mark.parametrize("key", ["nope|1|5", "zopim|x|5", "garbage"])
def test_a_bad_citation_key_shows_a_message(handlers, key):
    viewer = handlers.open_citation(key)
    assert "viewer-empty" in viewer
    assert "cited" not in viewer


def test_api_answer_is_the_json_contract(handlers):
    data = handlers.ask_json("Does Zopim sell my data?", ["Zopim"])
    assert Answer.model_validate(data).companies == ["Zopim"]
    assert data["verdict"] in ("yes", "no", "partial", "not_stated")


# -- compare ----------------------------------------------------------------------------------


def test_compare_by_practice_gives_one_row_per_company(handlers):
    table = handlers.compare(["zopim", "inszoom", "insidesales"], "sale", "")
    assert "Sells personal data" in table
    assert table.count('<tr><th scope="row">') == 3
    assert len(re.findall(r'class="verdict verdict-', table)) == 3


def test_compare_rows_quote_the_deciding_clause_and_open_it_in_the_policy(handlers):
    answer = handlers.assistant.ask("Compare how INSZoom and ZoomSupport handle selling data")
    table = render.company_rows_html(answer, ())
    for part in answer.per_company:
        quote = re.sub(r"<[^>]+>", "", html.escape(part.deciding))
        assert f"“{quote}”" in re.sub(r"<mark>|</mark>", "", table)  # the clause, not its whole window
        key = re.search(r'data-cite="(' + re.escape(part.policy_id) + r'\|[^"]+)"', table).group(1)
        assert part.deciding in handlers.open_citation(key)


def test_compare_by_typed_question_overrides_the_practice(handlers):
    table = handlers.compare([], "sale", "Compare how INSZoom and Zopim use cookies")
    assert "cookies" in table
    assert table.count('<tr><th scope="row">') == 2


def test_compare_needs_a_practice_or_question(handlers):
    with pytest.raises(InputError, match="practice or type a question"):
        handlers.compare([], None, " ")


# -- adding and deleting policies ---------------------------------------------------------------


def test_upload_a_policy_then_ask_about_it_and_see_it_literally(fixture_assistant):
    handlers = Handlers(fixture_assistant)
    steps: list[float] = []
    message = handlers.add_policy(
        str(FIXTURES / "hostile.txt"), "", "txt", "Hostile Corp", lambda f, d: steps.append(f)
    )
    assert "Indexed Hostile Corp" in message
    assert steps[0] < steps[-1] == 1.0
    assert ("Hostile Corp", "hostile-corp") in handlers.company_choices()
    turns, page = last_answer(handlers, "Does Hostile Corp sell my personal information?")
    assert turns[-1].answer.companies == ["Hostile Corp"]
    assert turns[-1].answer.verdict == "yes"
    assert "<script" not in page
    viewer = handlers.open_citation(html.unescape(CARD.findall(page)[0]))
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in viewer
    assert "<script" not in viewer


def test_paste_a_policy(fixture_assistant):
    handlers = Handlers(fixture_assistant)
    text = "Privacy\n\nWe never sell your personal information to anyone. We keep data for 30 days."
    handlers.add_policy(None, text, "txt", "Pasteco")
    turns, _ = last_answer(handlers, "Does Pasteco sell my data?")
    assert turns[-1].answer.verdict == "no"


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(
    ("make", "company", "pasted", "error"),
    [
        (lambda d: str(FIXTURES / "empty.txt"), "Empty Inc", "", "no text"),
        (lambda d: _write(d, "broken.pdf", b"%PDF-1.4 this is not really a pdf"), "Broken", "", "cannot read this PDF"),
        (lambda d: _write(d, "binary.txt", b"\x00\x01\x02" * 50), "Bin", "", "binary"),
        (lambda d: _write(d, "policy.docx", b"PK\x03\x04"), "Docx", "", "unsupported file type"),
        (lambda d: str(FIXTURES / "acme.txt"), "acme", "", "already indexed"),
        (lambda d: str(FIXTURES / "globex.md"), "GLOBEX", "", "already indexed"),
        (lambda d: None, "Nobody", "", "upload or paste"),
        (lambda d: str(FIXTURES / "acme.txt"), "Both", "some text", "not both"),
        (lambda d: None, "", "We sell data.", "company's name"),
        (lambda d: None, "Blank", "  \n\n ", "upload or paste"),
    ],
)
def test_add_policy_errors_are_clear_and_nothing_indexed_is_lost(
    fixture_assistant, tmp_path, make, company, pasted, error
):
    handlers = Handlers(fixture_assistant)
    before = (fixture_assistant.store.count(), dict(fixture_assistant.store.catalog()))
    with pytest.raises(InputError, match=error):
        handlers.add_policy(make(tmp_path), pasted, "txt", company)
    assert (fixture_assistant.store.count(), fixture_assistant.store.catalog()) == before


def test_too_large_upload_and_paste_are_refused(fixture_assistant, tmp_path):
    fixture_assistant.store.settings.max_file_mb = 0.001  # 1 kB: this test's own settings object
    handlers = Handlers(fixture_assistant)
    big = "We collect your email address. " * 100
    with pytest.raises(InputError, match="limit"):
        handlers.add_policy(_write(tmp_path, "big.txt", big.encode()), "", "txt", "Big")
    with pytest.raises(InputError, match="limit"):
        handlers.add_policy(None, big, "txt", "Big")
    assert "big" not in fixture_assistant.store.catalog()


def test_delete_needs_confirmation_then_removes_the_policy(fixture_assistant):
    handlers = Handlers(fixture_assistant)
    [pid] = [pid for name, pid in handlers.company_choices() if pid == "acme"]
    with pytest.raises(InputError, match="confirmation"):
        handlers.delete_policy(pid, False)
    assert pid in fixture_assistant.store.catalog()
    assert "Deleted" in handlers.delete_policy(pid, True)
    assert pid not in fixture_assistant.store.catalog()
    assert all(row[3] != pid for row in handlers.policies_rows())
    with pytest.raises(Exception, match="already deleted"):
        handlers.delete_policy(pid, True)


def test_policies_list_shows_company_effective_date_and_size(handlers):
    rows = {row[0]: row for row in handlers.policies_rows()}
    assert rows["INSZoom"][1] == "2020-01-09"
    assert rows["Instant Prospect Conversion"][1] == "unknown"
    assert rows["Zopim"][2].endswith("characters")


# -- the serve command's safe defaults ----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["serve", "--host", "0.0.0.0"], "--auth user:password, or --no-auth"),
        (["serve", "--host", "0.0.0.0", "--auth", "nopassword"], "--auth takes user:password"),
    ],
)
def test_serve_refuses_a_public_host_without_auth(args, message, tmp_path):
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "s"), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "s").exists()


# -- grid and profile ---------------------------------------------------------------------------


def test_grid_is_companies_by_practices_with_clickable_cells(handlers, bundled_assistant):
    grid = handlers.grid(["zopim", "inszoom"])
    assert grid.count('<tr><th scope="row">') == 2
    cells = re.findall(r'<td class="cell cell-(\w+)">', grid)
    assert len(cells) == 2 * len(PRACTICES)
    keys = re.findall(r'class="cell-btn" data-cite="([^"]+)"', grid)
    assert keys
    _policy_id, start, end = keys[0].split("|")
    assert "mark" in handlers.open_citation(keys[0])
    assert int(end) > int(start)


def test_profile_summarises_every_practice_and_exports_it(handlers):
    page, paths = handlers.profile("insidesales")
    assert page.count('<tr><th scope="row">') == len(PRACTICES)
    assert sorted(Path(p).suffix for p in paths) == [".csv", ".json", ".md"]
    markdown = Path(paths[0]).read_text()
    assert markdown.startswith("# ")
    assert "InsideSales" in markdown
    with pytest.raises(InputError, match="Pick a company"):
        handlers.profile(None)


def test_exports_live_in_one_folder_made_on_use_and_removed_with_the_handlers(bundled_assistant):
    made_before = set(Path(tempfile.gettempdir()).glob("policy-assistant-export-*"))
    handlers = Handlers(bundled_assistant)
    assert set(Path(tempfile.gettempdir()).glob("policy-assistant-export-*")) == made_before
    _page, paths = handlers.profile("zopim")
    folder = Path(paths[0]).parent
    assert folder.is_dir()
    assert folder not in made_before
    assert {Path(p).parent for p in handlers.profile("inszoom")[1]} == {folder}
    del handlers
    gc.collect()
    assert not folder.exists()
