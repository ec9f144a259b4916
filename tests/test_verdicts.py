"""Verdicts from clauses: negation, exceptions, hedges, tables, qualified statements."""

from __future__ import annotations

import pytest

from assistant.verdicts import clause_verdict, decide


@pytest.mark.parametrize(
    ("practice", "text", "expected"),
    [
        # Plain negation, lists of verbs, passive voice.
        ("sale", "We do not sell any personal information.", "no"),
        ("sale", "Acme Support does not sell, rent, or trade your Personal Information to anyone.", "no"),
        ("sharing", "Your email address will never be shared with third parties.", "no"),
        ("sharing", "We do not share, sell or rent your data to outside companies.", "no"),
        # Double negative cancels out.
        ("sharing", "It is not true that we never share your data with partners.", "yes"),
        # Hedges are affirmations.
        ("sharing", "We may share your information with advertising partners.", "yes"),
        ("advertising", "We may share your information with advertising partners.", "yes"),
        ("sale", "We sell aggregated customer lists to marketers.", "yes"),
        # Exceptions: a denial with a carve-out is partial; consent-gated stays no.
        ("sharing", "We do not share your information with third parties except as described below.", "partial"),
        ("sharing", "We do not disclose your data to third parties unless required by law.", "partial"),
        ("sharing", "We will not share your personal data with third parties without your consent.", "no"),
        # A user's condition is not the company's denial.
        ("sharing", "If you do not want us to share your data with partners, you can opt out.", "yes"),
        # Qualified statements.
        (
            "sale",
            "We do not sell your personal data in the conventional sense. However, sharing "
            "with ad partners may be considered a sale under some laws.",
            "partial",
        ),
        # Descriptive practices.
        ("retention", "We keep your data for 90 days.", "yes"),
        ("retention", "We retain personal data as long as necessary to provide the service.", "partial"),
        ("children", "Our services are not directed to individuals under 16.", "yes"),
        ("children", "We do not knowingly collect personal information from children under 13.", "yes"),
        ("do_not_track", "We do not honor Do Not Track signals.", "no"),
        ("do_not_track", "Our site responds to Do Not Track browser signals.", "yes"),
        ("access_deletion", "You can access, correct or delete your personal information in settings.", "yes"),
        ("access_deletion", "We do not offer a way to delete your account data.", "no"),
        ("marketing_optout", "You may opt out of marketing emails by clicking unsubscribe.", "yes"),
        ("cookies", "We do not use cookies.", "no"),
        ("cookies", "We use cookies to remember your preferences.", "yes"),
    ],
)
def test_clause_verdict(practice: str, text: str, expected: str) -> None:
    assert clause_verdict(practice, text) == expected


@pytest.mark.parametrize(
    ("practice", "text", "expected"),
    [
        ("biometric", "E Biometric information NO NO NO NO NO NO", "no"),
        ("collection", "A Identifiers YES YES YES YES NO NO", "yes"),
        ("biometric", "A Identifiers YES YES YES YES NO NO", None),
    ],
)
def test_table_rows(practice: str, text: str, expected: str | None) -> None:
    assert clause_verdict(practice, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "In connection with a merger, acquisition, or sale of assets, your information may be transferred.",
        "If we sell all or part of our business, customer data may be among the transferred assets.",
    ],
)
def test_corporate_transaction_is_not_a_sale(text: str) -> None:
    assert clause_verdict("sale", text) is None


@pytest.mark.parametrize(
    ("practice", "text"),
    [
        ("sale", "We use encryption to protect your data."),
        ("retention", "Our offices are in Berlin."),
        ("biometric", "We collect your email address."),
        ("do_not_track", "You can contact us at privacy@example.com."),
    ],
)
def test_unrelated_clause_is_none(practice: str, text: str) -> None:
    assert clause_verdict(practice, text) is None


def test_decide_first_addressing_clause_wins() -> None:
    clauses = ["We use encryption.", "We do not sell your personal data.", "Contact us at privacy@example.com."]
    assert decide("sale", clauses) == ("no", 1)


def test_decide_denial_then_qualification_is_partial() -> None:
    clauses = [
        "We do not sell your personal data.",
        "Sharing device identifiers with ad partners may be considered a sale under California law.",
    ]
    assert decide("sale", clauses) == ("partial", 1)


def test_decide_not_stated() -> None:
    assert decide("retention", ["We use cookies.", "Contact us at privacy@example.com."]) == ("not_stated", None)
    assert decide("sale", []) == ("not_stated", None)


def test_unknown_practice_raises() -> None:
    with pytest.raises(ValueError, match="unknown practice"):
        clause_verdict("telepathy", "We read minds.")
