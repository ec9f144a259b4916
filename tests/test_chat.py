"""Follow-ups: the offline resolver and a real conversation on the bundled policies."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant.chat import Conversation, resolve
from assistant.cli import main
from assistant.practices import practice_description

CHAIN = ["Does Zopim use cookies?", "what about InsideSales?", "and do they sell it?", "compare them"]


def _resolve_all(assistant, turns: list[str]):
    return [resolve(turn, turns[:i], assistant.resolver) for i, turn in enumerate(turns)]


def test_follow_up_chain_keeps_practice_then_company(bundled_assistant) -> None:
    first, about, sell, both = _resolve_all(bundled_assistant, CHAIN)
    assert (first.policy_ids, first.practices[0]) == (["zopim"], "cookies")
    assert (about.policy_ids, about.practices[0], about.inherited) == (["insidesales"], "cookies", ["practice"])
    # "what about X?" asks the earlier question again, word for word.
    assert about.search_text == first.search_text
    assert (sell.policy_ids, sell.practices[0], sell.inherited) == (["insidesales"], "sale", ["companies"])
    assert both.compare
    assert both.policy_ids == ["zopim", "insidesales"]
    assert both.practices[0] == "sale"


@pytest.mark.parametrize(
    ("turns", "form"),
    [
        (["Does Zopim sell my data?"], "yes_no"),
        (["Is my data shared with advertisers by INSZoom?"], "yes_no"),
        (["Who can I contact about privacy at INSZoom?"], "open"),
        (["How long does Zopim keep my data?"], "open"),
        (["Can you tell me what data InsideSales collects?"], "open"),
        (["and where is it stored?"], "open"),
        (["Which companies sell my data?"], "yes_no"),  # answered company by company, yes or no
        (["How long does Zopim keep my data?", "what about InsideSales?"], "open"),  # asked again as it was
        (["Does Zopim sell my data?", "How about InsideSales?"], "yes_no"),
        (["Does Zopim sell my data?", "What does InsideSales do with my data?"], "open"),
    ],
)
def test_a_question_is_read_as_yes_or_no_or_open(bundled_assistant, turns: list[str], form: str) -> None:
    assert resolve(turns[-1], turns[:-1], bundled_assistant.resolver).form == form


def test_an_open_question_reads_stated_not_yes(bundled_assistant) -> None:
    answer = bundled_assistant.ask("Who can I contact about privacy at INSZoom?")
    assert (answer.verdict, answer.question_form) == ("yes", "open")
    assert answer.answer.startswith("INSZoom: Stated. Decided by this clause")
    assert answer.citations
    result = CliRunner().invoke(
        main, ["--store", str(bundled_assistant.settings.store), "ask", "Does INSZoom sell my data?"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Verdict: No\n")
    assert "Stated" not in result.output


def test_company_names_do_not_hide_the_practice(bundled_assistant) -> None:
    question = "Where do Zopim, InsideSales and ZoomSupport keep my data?"
    resolved = resolve(question, [], bundled_assistant.resolver)
    assert resolved.policy_ids == ["zopim", "insidesales", "zoomsupport"]
    assert resolved.practices[0] == "international_transfer"
    assert "Zopim" not in resolved.search_text


def test_practice_description_is_kept_apart_from_the_question(bundled_assistant) -> None:
    """The description is embedded apart and mixed in at a weight; BM25 searches both texts."""
    resolved = resolve("Where does Zopim keep my data?", [], bundled_assistant.resolver)
    assert resolved.query == "Where does they keep my data?"
    assert resolved.expansion == practice_description("international_transfer")
    assert resolved.search_text == f"{resolved.query} {resolved.expansion}"
    follow = resolve("and at InsideSales?", ["Where does Zopim keep my data?"], bundled_assistant.resolver)
    assert (follow.query, follow.expansion) == (resolved.query, resolved.expansion)


def test_corpus_wide_question_is_not_pinned_to_the_last_company(bundled_assistant) -> None:
    turns = ["Does Zopim use cookies?", "Which companies share data with advertisers?", "and do they sell it?"]
    _, wide, sell = _resolve_all(bundled_assistant, turns)
    assert wide.everyone
    assert wide.policy_ids == []
    assert sell.everyone
    assert sell.practices[0] == "sale"


def test_which_one_after_a_comparison_asks_of_the_companies_compared(bundled_assistant) -> None:
    turns = ["Compare INSZoom and ZoomSupport on data retention", "which one is better for privacy?"]
    _, which = _resolve_all(bundled_assistant, turns)
    assert (which.everyone, which.policy_ids) == (False, ["inszoom", "zoomsupport"])
    # After one company, or with nothing before, "which one" asks every policy.
    _, which = _resolve_all(bundled_assistant, ["Does Zopim sell my data?", "which one keeps my data the longest?"])
    assert which.everyone
    assert resolve("Which one sells my data?", [], bundled_assistant.resolver).everyone
    # A possessive after "which companies" is the companies' own, not a reference back.
    turns = ["Is Zopim allowed to share my data with Zendesk?", "Which companies share my data with their affiliates?"]
    _, wide = _resolve_all(bundled_assistant, turns)
    assert wide.everyone
    # "all five" asks every policy, whatever was compared before.
    _, every = _resolve_all(
        bundled_assistant,
        ["Compare Zopim and InsideSales on selling data", "Compare how all five handle deletion requests"],
    )
    assert every.everyone


def test_unknown_company_is_not_answered_from_history(bundled_assistant) -> None:
    resolved = resolve("and Zendesk?", ["Does Zopim sell my data?"], bundled_assistant.resolver)
    assert resolved.policy_ids == []
    assert resolved.unknown == ["Zendesk"]


def test_a_company_named_in_lower_case_as_the_one_acting_has_no_policy(bundled_assistant) -> None:
    def unknown(question: str, history: list[str] | None = None) -> list[str]:
        return resolve(question, history or [], bundled_assistant.resolver, bundled_assistant._named_in).unknown

    assert unknown("does hubspot read my chat messages") == ["Hubspot"]
    assert unknown("is whatsapp selling my data?", ["Does Zopim use cookies?"]) == ["Whatsapp"]
    # ...also where it starts the question, as a learner of English may ask it.
    assert unknown("intercom chat sell my data?") == ["Intercom"]
    assert unknown("can hubspot see my emails?") == ["Hubspot"]
    # Words the policies use, and words that are nobody, stand where a company would and are none.
    for question in ("does tracking happen on the site?", "does anyone read my messages", "is data shared?"):
        assert unknown(question) == []
    assert unknown("does chat history get deleted?") == []  # no verb after the word
    for question in ("hackers get my data?", "please tell me what they collect", "how use my data?"):
        assert unknown(question) == []


def test_a_follow_up_pointing_back_searches_what_the_turn_before_was_about(bundled_assistant) -> None:
    turns = [
        "What does InsideSales grab from my Outlook when I hook it up?",
        "and will they use that to target ads at me?",
    ]
    resolved = resolve(turns[1], turns[:1], bundled_assistant.resolver)
    assert resolved.practices[0] == "advertising"
    assert "Outlook" in resolved.query
    assert resolved.inherited == ["companies", "subject"]
    # The email-client paragraph's denial ranks higher than when the same words are asked alone.
    denial = "will not use or transfer the data for the purpose of serving ads"

    def rank(answer) -> int:
        return next(i for i, c in enumerate(answer.per_company[0].citations) if denial in c.quote)

    alone = bundled_assistant.ask("and will InsideSales use that to target ads at me?", k=5)
    assert rank(bundled_assistant.ask(turns[1], history=turns[:1], k=5)) < rank(alone)
    # "that company" is a company, not a subject.
    assert resolve("does that company sell it?", turns[:1], bundled_assistant.resolver).inherited == ["companies"]


def test_conversation_answers_follow_ups_like_direct_questions(bundled_assistant) -> None:
    chat = Conversation(bundled_assistant)
    answers = [chat.ask(turn) for turn in CHAIN]
    assert chat.history == CHAIN
    about, sell, both = answers[1:]
    assert about.companies == ["InsideSales"]
    assert about.practice == "cookies"
    assert about.verdict == bundled_assistant.ask("Does InsideSales use cookies?").verdict
    assert sell.companies == ["InsideSales"]
    assert sell.practice == "sale"
    assert both.companies == ["Zopim", "InsideSales"]
    assert [p.policy_id for p in both.per_company] == ["zopim", "insidesales"]
    # In the comparison each company keeps the verdict it got asked alone in this conversation.
    alone = {"insidesales": sell.verdict, "zopim": Conversation(bundled_assistant).ask("Does Zopim sell it?").verdict}
    assert {p.policy_id: p.verdict for p in both.per_company} == alone
    chat.reset()
    assert chat.history == []


@pytest.mark.parametrize(
    ("turns", "company", "verdict"),
    [
        (["Does ZoomSupport sell my personal info?", "so who do they actually share it with?"], "ZoomSupport", "yes"),
        (["who do I contact with privacy questions at ZoomSupport?", "and at INSZoom?"], "INSZoom", "yes"),
    ],
)
def test_seed_dev_follow_ups(bundled_assistant, turns: list[str], company: str, verdict: str) -> None:
    answer = bundled_assistant.ask(turns[-1], history=turns[:-1])
    assert answer.companies == [company]
    assert answer.verdict == verdict
    assert answer.citations
    assert "(Follow-up:" in answer.answer


def test_cli_chat_reads_piped_lines(bundled_assistant) -> None:
    runner = CliRunner()
    store = str(bundled_assistant.settings.store)
    result = runner.invoke(
        main, ["--store", store, "chat", "--json"], input="\n".join(CHAIN[:3]) + "\n/reset\nand do they sell it?\n"
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [line["companies"] for line in lines[:3]] == [["Zopim"], ["InsideSales"], ["InsideSales"]]
    assert lines[1]["practice"] == "cookies"
    assert lines[2]["practice"] == "sale"
    assert len(lines[3]["companies"]) == 5  # after /reset, "they" has no one to refer to: every company
