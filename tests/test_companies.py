"""Company detection: names, aliases, case, small misspellings, unknown companies."""

from __future__ import annotations

import pytest

from assistant.companies import CompanyResolver

RESOLVER = CompanyResolver(
    [
        ("zopim", "Zopim", ["Zopim Technologies", "zopim.io"]),
        ("insidesales", "InsideSales", ["InsideSales.com", "Inside Sales"]),
        ("instant-prospect-conversion", "Instant Prospect Conversion", ["IPC"]),
        ("inszoom", "INSZoom", ["INSZoom.com"]),
        ("zoomsupport", "ZoomSupport", ["Zoom Support"]),
    ]
)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Does Zopim sell my data?", ["zopim"]),
        ("does zopin sell my data?", ["zopim"]),  # misspelt
        ("Does INSZOOM.COM keep logs?", ["inszoom"]),
        ("what about inside sales?", ["insidesales"]),
        ("Will Instant Prospect Conversion share my info?", ["instant-prospect-conversion"]),
        ("does IPC track me", ["instant-prospect-conversion"]),
        ("Compare how INSZoom and Zopim use cookies", ["inszoom", "zopim"]),
        ("Do they sell my data?", []),
    ],
)
def test_known_companies(question: str, expected: list[str]) -> None:
    assert RESOLVER.resolve(question).policy_ids == expected


def test_unknown_companies_are_named_not_guessed() -> None:
    found = RESOLVER.resolve("Does Zendesk sell the chat transcripts from its chat widget?")
    assert found.policy_ids == []
    assert found.unknown == ["Zendesk"]
    assert RESOLVER.resolve("Is Zopim GDPR compliant under EU law?").unknown == []
    # Capitalised phrases of privacy practice name no company.
    found = RESOLVER.resolve("Does INSZoom respond to Do Not Track or Global Privacy Control signals?")
    assert (found.policy_ids, found.unknown) == (["inszoom"], [])
    assert RESOLVER.resolve("Does Zopim transfer data to the United States under the Privacy Shield?").unknown == []
    assert RESOLVER.match("Zoom") is None


def test_a_part_of_two_indexed_names_names_neither() -> None:
    # "Zoom" is in INSZoom and ZoomSupport: alone, in any case and anywhere, it is another company.
    for question in ("does zoom record my meetings?", "Zoom records my meetings?", "Is INSZoom like zoom?"):
        assert RESOLVER.resolve(question).unknown == ["Zoom"], question
    found = RESOLVER.resolve("does zoom support record my sessions?")
    assert (found.policy_ids, found.unknown) == (["zoomsupport"], [])
    # A part of one name only is no other company: "sales" in InsideSales is a word.
    assert RESOLVER.resolve("Do they use my data for sales calls?").unknown == []


def test_a_name_of_several_words_is_one_company() -> None:
    found = RESOLVER.resolve("Does Zendesk Chat sell my data?")
    assert (found.policy_ids, found.unknown) == ([], ["Zendesk Chat"])
    # Names apart stay apart: a comma or a word between them ends a name.
    found = RESOLVER.resolve("Do Acme Corp, Initech and Globex sell my data?")
    assert found.unknown == ["Acme Corp", "Initech", "Globex"]
    found = RESOLVER.resolve("Compare Zopim Technologies and Zendesk Support on cookies")
    assert (found.policy_ids, found.unknown) == (["zopim"], ["Zendesk Support"])


def test_something_the_user_owns_is_no_company_asked_about() -> None:
    found = RESOLVER.resolve("What does InsideSales grab from my Outlook when I hook it up?")
    assert (found.policy_ids, found.unknown) == (["insidesales"], [])
    assert RESOLVER.resolve("Can Zopim read your Gmail?").unknown == []
    assert RESOLVER.resolve("Does Zendesk read my Outlook?").unknown == ["Zendesk"]  # the company still counts
    # Nor is the user: "I'm", "I've", "I'd".
    found = RESOLVER.resolve("Can Zopim give my data to the company I'm chatting with?")
    assert (found.policy_ids, found.unknown, found.parties) == (["zopim"], [], ())
    assert RESOLVER.resolve("Does Zopim keep what I've typed, and what I’d deleted?").unknown == []


def test_places_and_recipients_are_no_companies_asked_about() -> None:
    # A country or region is never a company: no "I have no policy for India".
    assert RESOLVER.resolve("Does INSZoom store my data in India?").unknown == []
    assert RESOLVER.resolve("Does my data go to South Africa?").unknown == []
    # Beside an indexed company, a name after "in", "to", "with"... is where the data goes or who gets it.
    for question in (
        "I live in Texas. Can Zopim sell my data?",
        "Does Zopim share my data with Facebook?",
        "Do Zopim servers sit in New York?",
    ):
        assert RESOLVER.resolve(question).unknown == [], question
    # A recipient is kept apart: an answer must come from a clause naming it.
    assert RESOLVER.resolve("Does Zopim share my data with Facebook?").parties == ("Facebook",)
    assert RESOLVER.resolve("Does INSZoom store my data in India?").parties == ()  # a place is no party
    assert RESOLVER.resolve("I live in Texas. Can Zopim sell my data?").parties == ()  # nor a state
    found = RESOLVER.resolve("Compare how INSZoom and Zopim share data with Facebook")
    assert (found.unknown, found.parties) == ([], ("Facebook",))
    assert RESOLVER.resolve("How does Zopim compare to Zendesk on cookies?").unknown == ["Zendesk"]
    assert RESOLVER.resolve("Does Zopim use Google Analytics?").parties == ("Google Analytics",)
    # Asked of every company, a name is a party too.
    found = RESOLVER.resolve("Which companies use Google Analytics?", every_company=True)
    assert (found.unknown, found.parties) == ([], ("Google Analytics",))
    # ...unless the question compares companies, or names no indexed company.
    assert RESOLVER.resolve("Compare Zopim with Zendesk").unknown == ["Zendesk"]
    assert RESOLVER.resolve("Is my data safe with Dropbox?").unknown == ["Dropbox"]
