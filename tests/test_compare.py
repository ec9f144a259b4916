"""Comparisons: one retrieval per company, one entry per company, verdicts equal to asking alone."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.compare import compare, comparison_rows


def test_comparison_across_every_company_retrieves_once_per_company(bundled_assistant, monkeypatch) -> None:
    searched: list[str] = []
    search = bundled_assistant.retriever.search

    def counting(query, vector, policy_id, *args, **kwargs):
        searched.append(policy_id)
        return search(query, vector, policy_id, *args, **kwargs)

    monkeypatch.setattr(bundled_assistant.retriever, "search", counting)
    answer = compare(bundled_assistant, "Do they sell my personal data?")
    catalog = bundled_assistant.store.catalog()
    assert sorted(searched) == sorted(catalog)
    assert sorted(answer.companies) == sorted(i.company for i in catalog.values())
    assert [p.policy_id for p in answer.per_company] == searched


@pytest.mark.parametrize(
    "question",
    ["Which companies share data with advertisers?", "Do they sell my personal data?", "What is the minimum age?"],
)
def test_verdict_in_a_comparison_equals_the_verdict_asked_alone(bundled_assistant, question: str) -> None:
    together = compare(bundled_assistant, question)
    assert len(together.per_company) == len(bundled_assistant.store.catalog())
    for part in together.per_company:
        alone = bundled_assistant.ask(question, companies=[part.policy_id])
        assert alone.verdict == part.verdict, part.company
        assert [c.start for c in alone.citations] == [c.start for c in part.citations]


def test_corpus_wide_answer_lists_who_does_it_and_who_is_silent(bundled_assistant) -> None:
    answer = bundled_assistant.ask("Which companies share data with advertisers?")
    rows = comparison_rows(answer, by_verdict=True)
    assert len(rows) == 5
    order = ["yes", "partial", "no", "not_stated"]
    assert [order.index(r.verdict) for r in rows] == sorted(order.index(r.verdict) for r in rows)
    text = answer.answer
    assert "| Company | Verdict | Deciding clause | Section |" in text
    yes = [r for r in rows if r.verdict == "yes"]
    silent = [r.company for r in rows if r.verdict == "not_stated"]
    assert yes, "someone in the corpus shares data with advertisers"
    deciding = {part.policy_id: part.deciding for part in answer.per_company}
    for row in yes:
        assert row.clause
        assert f"“{' '.join(row.clause.split())}”" in text
        assert row.clause == deciding[row.policy_id]  # the clause the verdict was read from, not its window
    if silent:
        assert f"Silent ({len(silent)} of 5): {', '.join(silent)}" in text


def test_named_companies_keep_their_order_and_only_they_are_asked(bundled_assistant) -> None:
    answer = compare(bundled_assistant, "Compare how INSZoom and Zopim handle cookies")
    assert answer.companies == ["INSZoom", "Zopim"]
    assert answer.practice == "cookies"
    assert [r.company for r in comparison_rows(answer)] == ["INSZoom", "Zopim"]


@pytest.mark.parametrize(
    ("company", "paraphrases"),
    [
        ("ZoomSupport", ["How old do I have to be to use ZoomSupport?", "What is the minimum age for ZoomSupport?",
                         "Does ZoomSupport have an age limit?"]),
        ("IPC", ["Can I opt out of IPC marketing emails?", "How do I unsubscribe from IPC newsletters?",
                 "Can I stop IPC sending me promotional emails?"]),
        ("Zopim", ["Does Zopim honor Do Not Track?", "Does Zopim respond to DNT signals?",
                   "Will Zopim respect my browser's do-not-track setting?"]),
        ("Zopim", ["Does Zopim use cookies?", "Does Zopim put cookies on my computer?",
                   "Does Zopim track me with cookies?", "Are cookies used by Zopim?"]),
        ("INSZoom", ["Does INSZoom sell my data?", "Is my personal data sold by INSZoom?",
                     "Will INSZoom sell my personal information?"]),
        ("InsideSales", ["How long does InsideSales keep my data?", "For how long is my data retained by InsideSales?"]),
    ],
)  # fmt: skip
def test_paraphrases_get_the_same_verdict(bundled_assistant, company: str, paraphrases: list[str]) -> None:
    verdicts = {q: bundled_assistant.ask(q).verdict for q in paraphrases}
    assert len(set(verdicts.values())) == 1, verdicts
    assert all(bundled_assistant.ask(q).companies for q in paraphrases)


@pytest.mark.parametrize(
    ("question", "verdict"),
    [
        # Children asked as an action: an age limit answers no; asked about the age, it answers yes.
        ("Does INSZoom collect information from children?", "no"),
        ("Does IPC collect data from kids?", "no"),
        ("Can kids use ZoomSupport?", "no"),
        ("Can my 12 year old sign up for Zopim?", "no"),
        ("Does InsideSales collect data from children?", "not_stated"),
        ("What is the minimum age for ZoomSupport?", "yes"),
        # Training AI is answered by a clause about models, not by one about collecting data.
        ("Does IPC use my chats to train its AI?", "no"),
        ("Does InsideSales use my data to train AI?", "not_stated"),
        # Marketing messages are answered by a clause about messages, not about cookie settings.
        ("Can I opt out of InsideSales marketing emails?", "not_stated"),
        ("Can I unsubscribe from Zopim marketing emails?", "yes"),
        # A business sold is answered by the merger clause, not by "we do not sell your data".
        ("Will ZoomSupport share my data if the company is sold?", "yes"),
    ],
)
def test_narrower_questions_get_the_clauses_that_fit(bundled_assistant, question: str, verdict: str) -> None:
    assert bundled_assistant.ask(question).verdict == verdict


def test_seed_dev_comparison_per_company(bundled_assistant) -> None:
    names = ["Zopim", "InsideSales", "ZoomSupport"]
    answer = compare(bundled_assistant, "Where do Zopim, InsideSales and ZoomSupport keep my data?", companies=names)
    got = {p.company: p.verdict for p in answer.per_company}
    assert got == {"Zopim": "yes", "InsideSales": "yes", "ZoomSupport": "not_stated"}


def test_cli_compare_json(bundled_assistant) -> None:
    store = str(bundled_assistant.settings.store)
    result = CliRunner().invoke(main, ["--store", store, "compare", "Do they use cookies?", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["per_company"]) == len(data["companies"]) == 5
    result = CliRunner().invoke(
        main, ["--store", store, "compare", "Do they use cookies?", "--company", "Nonexistent Corp"]
    )
    assert result.exit_code == 1
    assert "No policy for 'Nonexistent Corp'" in result.output
