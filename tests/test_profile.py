"""Privacy profiles: a row per practice, verbatim quotes, actions, cache and exports."""

from __future__ import annotations

import csv
import io
import json
import time

from click.testing import CliRunner

from assistant import profile as profiles
from assistant.cli import main
from assistant.practices import PRACTICES
from assistant.profile import Profile, action_kind, build_profile, find_actions


def test_profile_has_one_verbatim_row_per_practice(bundled_assistant) -> None:
    result = build_profile(bundled_assistant, "inszoom")
    text = bundled_assistant.store.policy("inszoom").text
    assert [r.practice for r in result.rows] == list(PRACTICES)
    for row in result.rows:
        assert (row.verdict == "not_stated") == (row.citation is None), row.practice
        if row.citation:
            assert text[row.citation.start : row.citation.end] == row.citation.quote
    # A row decides as `ask` does for one company on that practice.
    row = next(r for r in result.rows if r.practice == "children")
    alone = bundled_assistant.practice_answer("inszoom", "children", PRACTICES["children"].description)
    assert row.verdict == alone.verdict
    # ...and quotes the clause it was read from, not the window of sentences around it.
    assert row.citation is not None
    assert row.citation.quote == alone.deciding
    assert alone.citations[0].start <= row.citation.start < alone.citations[0].end


def test_profile_actions_quote_contacts_opt_outs_and_rights(bundled_assistant) -> None:
    result = build_profile(bundled_assistant, "zoomsupport")
    text = bundled_assistant.store.policy("zoomsupport").text
    assert all(text[c.start : c.end] == c.quote for c in result.actions)
    kinds = {action_kind(c.quote) for c in result.actions}
    assert kinds == {"contact", "opt_out", "rights"}
    quotes = [c.quote for c in result.actions]
    assert any("support@zoomsupport.com" in q for q in quotes)
    assert any("Königsallee 106" in q and "Düsseldorf" in q for q in quotes)  # the address block as one quote


def test_find_actions_joins_an_address_and_skips_mere_denials() -> None:
    text = (
        "We do not sell your personal data.\n\n"
        "You can exercise these rights by writing to: Privacy Team, Acme Inc.\n"
        "12 Main Street. Springfield, Ohio 45501. We answer within 30 days.\n\n"
        "To unsubscribe, click the link in any email."
    )
    spans = [text[a:b] for a, b in find_actions(text)]
    assert not any("do not sell" in s for s in spans)
    assert any(s.startswith("You can exercise") and "Springfield, Ohio 45501." in s for s in spans)
    assert [action_kind(s) for s in spans] == ["rights", "opt_out"]


def test_profile_is_cached_in_memory_and_on_disk(bundled_assistant, monkeypatch) -> None:
    first = build_profile(bundled_assistant, "zopim")
    files = list((bundled_assistant.settings.store / "profiles").glob("zopim-*.json"))
    assert len(files) == 1
    monkeypatch.setattr(profiles, "_MEMORY", {})
    monkeypatch.setattr(profiles, "compute_profile", lambda *a: (_ for _ in ()).throw(AssertionError("recomputed")))
    start = time.perf_counter()
    again = build_profile(bundled_assistant, "zopim")
    assert time.perf_counter() - start < 0.2
    assert again.to_json() == first.to_json()


def test_profile_exports(bundled_assistant) -> None:
    result = build_profile(bundled_assistant, "zopim")
    assert Profile.from_json(json.loads(json.dumps(result.to_json()))).to_json() == result.to_json()
    markdown = result.to_markdown()
    assert markdown.startswith("# Privacy profile: Zopim")
    assert all(f"| {p.label} |" in markdown for p in PRACTICES.values())
    assert "## What you can do" in markdown
    rows = list(csv.DictReader(io.StringIO(result.to_csv())))
    assert [r["practice"] for r in rows if r["kind"] == "practice"] == list(PRACTICES)
    assert sum(r["kind"] == "action" for r in rows) == len(result.actions)


def test_cli_profile_formats(bundled_assistant) -> None:
    store = str(bundled_assistant.settings.store)
    result = CliRunner().invoke(main, ["--store", store, "profile", "zopim live chat", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["policy_id"] == "zopim"
    result = CliRunner().invoke(main, ["--store", store, "profile", "Zendesk"])
    assert result.exit_code == 1
    assert "No policy for 'Zendesk'" in result.output
