"""Verdicts from clauses: negation, exceptions, hedges, tables, qualified statements."""

from __future__ import annotations

import pytest

from assistant.verdicts import clause_verdict, decision, stance


def decide(*args, **kwargs):  # type: ignore[no-untyped-def]
    """`decision`'s verdict and deciding clause, the pair these tests read."""
    return decision(*args, **kwargs)[:2]


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
        # A fee for your requests: waived is no fee; waived unless excessive is partly one.
        ("request_fee", "Access requests are handled free of charge.", "no"),
        (
            "request_fee",
            "We do not charge a fee to process your request unless it is excessive or repetitive.",
            "partial",
        ),
        ("request_fee", "We may charge a reasonable fee to respond to a request for a copy of your data.", "yes"),
        ("request_fee", "We may charge a fee for requests made by users of free accounts.", "yes"),
        # Hedges are affirmations.
        ("sharing", "We may share your information with advertising partners.", "yes"),
        ("advertising", "We may share your information with advertising partners.", "yes"),
        ("sale", "We sell aggregated customer lists to marketers.", "yes"),
        # Exceptions: a denial whose exception only points elsewhere is a denial (the
        # cases are other clauses); one that names a case is partial; consent stays no.
        ("sharing", "We do not share your information with third parties except as described below.", "no"),
        ("sharing", "We never disclose customer data to outside parties, except as set out in Section 7.", "no"),
        ("sharing", "We will not transfer your data to others unless you agree or as explained in this notice.", "no"),
        ("sharing", "We do not share member details with anyone except our card processor.", "partial"),
        (
            "sharing",
            "Except as required to deliver your order, we never pass your address to other companies.",
            "partial",
        ),
        # "Only" with named cases or recipients states when it shares.
        ("sharing", "We share your personal information only in the following situations:", "yes"),
        ("sharing", "Account details are shared only with the courier that delivers your parcel.", "yes"),
        ("sharing", "We disclose your data to partners only with your explicit consent.", "no"),
        ("sharing", "We do not disclose your data to third parties unless required by law.", "partial"),
        # "... and will only do so: (1) if necessary ..., (2) to comply with applicable law": a denial with exceptions.
        (
            "sharing",
            "We will not share this information with others and will only do so to comply with law.",
            "partial",
        ),
        # "Only if" is "not unless": the practice is held to conditions.
        ("sharing", "We share your personal information only when required by law.", "partial"),
        (
            "staff_access",
            "Our staff will only view your messages when it is needed to fix a problem with them.",
            "partial",
        ),
        ("staff_access", "Employees do not access your files unless it is needed to investigate abuse.", "partial"),
        ("staff_access", "Account administrators can view the emails sent from accounts they manage.", "yes"),
        ("sharing", "We will not share your personal data with third parties without your consent.", "no"),
        # A coordinated denial is read on its own ("... and do not use ...").
        (
            "third_party_tracking",
            "We only use first-party cookies and do not use third-party cookies or other third-party tracking technologies.",
            "no",
        ),
        ("third_party_tracking", "Social media widgets such as Facebook buttons may set a cookie.", "yes"),
        ("sharing", "We collect your email address and do not share it with third parties.", "no"),
        # ... while for cookies at large the sentence affirms.
        ("cookies", "We only use first-party cookies and do not use third-party cookies.", "yes"),
        ("tracking_pixels", "We use cookies and do not use web beacons or pixel tags.", "no"),
        ("cookies", "We use cookies and do not use web beacons or pixel tags.", "yes"),
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
        # The same clauses answer "do they collect data from kids?" as an action.
        ("children_data", "Our services are not directed to individuals under 16.", "no"),
        ("children_data", "We do not knowingly collect personal information from children under 13.", "no"),
        ("children_data", "Our website and services are designed for people who are at least 13 years old.", "no"),
        ("children_data", "You must be 18 or older to open an account.", "no"),
        ("children_data", "If we learn that we have collected data from a child under 13, we will delete it.", "no"),
        ("children_data", "Children under 13 may use the service with verifiable parental consent.", "yes"),
        ("children_data", "Our games are designed for children aged 8 to 12.", "yes"),
        ("marketing_messages", "You may unsubscribe from our newsletters at any time.", "yes"),
        (
            "ai_training",
            "We do not use your audio, video or chat content to train artificial intelligence models.",
            "no",
        ),
        ("ai_training", "We use your content to train and improve our machine learning models.", "yes"),
        ("business_transfer", "In a merger or acquisition, your information may be transferred to the buyer.", "yes"),
        ("business_transfer", "We will not transfer your data to a buyer in a merger without your consent.", "no"),
        ("marketing_messages", "You cannot opt out of service announcements and account e-mails.", "no"),
        ("do_not_track", "We do not honor Do Not Track signals.", "no"),
        ("do_not_track", "We don\u2019t honor Do Not Track signals.", "no"),  # a typographic apostrophe
        ("sale", "We don\u2019t sell your personal information.", "no"),
        ("do_not_track", "Our site responds to Do Not Track browser signals.", "yes"),
        ("access_deletion", "You can access, correct or delete your personal information in settings.", "yes"),
        ("access_deletion", "We do not offer a way to delete your account data.", "no"),
        ("marketing_optout", "You may opt out of marketing emails by clicking unsubscribe.", "yes"),
        ("cookie_choice", "You can set your browser to refuse all or some browser cookies.", "yes"),
        ("cookie_choice", "We rely on your prior consent in order to utilize cookies for advertising.", "yes"),
        ("cookies", "We do not use cookies.", "no"),
        ("cookies", "We use cookies to remember your preferences.", "yes"),
        # Selling needs data as its object, not products or a business.
        ("sale", "Our tools help shop owners reach new buyers and sell more.", None),
        ("sale", "Your contact details are never sold to anyone.", "no"),
        ("sale", "We do not rent or sell it to marketers.", "no"),
        ("sale", "You may opt out of sale, although we never sell or lease personal information.", "no"),
        ("sale", "Our catalogue lists items on sale. Product details are updated weekly.", None),
        # Collection covers use: denying a use of data is a denial.
        ("collection", "We do not use your recordings or messages to train our machine learning models.", "no"),
        ("collection", "We use your uploads to train and improve our AI models.", "yes"),
        # Ways to reach or remove your data.
        ("access_deletion", "Write to us if you want us to erase the records we hold about you.", "yes"),
        ("access_deletion", "You can ask us to remove the data we keep on you at any time.", "yes"),
        (
            "access_deletion",
            "Should you wish to amend, delete or obtain a copy of the personal data you gave us, email our team.",
            "yes",
        ),
        # A right exercised through someone else (a processor's customer) is qualified.
        (
            "access_deletion",
            "If a client of ours asks us to erase personal data on their behalf, we will do so within 30 days.",
            "partial",
        ),
        (
            "access_deletion",
            "A person who wants to delete their data held in the service should direct her request to our client.",
            "partial",
        ),
        ("access_deletion", "We will delete your data on your behalf when you ask.", "yes"),
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
        ("biometric", "F Biometric data NO NO NO NO", "no"),
        ("location", "G Precise geolocation data Yes Yes No", "yes"),
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
        ("retention", "We follow the framework's principles on the collection, use, and retention of personal data."),
        ("children_data", "We encourage parents to monitor their children's use of the Internet."),
        ("marketing_messages", "We also give you information about how to disable cookies below."),
        ("cookie_choice", "We use cookies to remember your preferences."),  # using cookies is no choice
        ("cookie_choice", "You may opt out of marketing emails by clicking unsubscribe."),
        ("ai_training", "We also collect and process data when you use our Platform, such as unique user logins."),
        ("ai_training", "We use your information for the training of our junior personnel."),  # people, not models
        ("business_transfer", "We do not sell your personal information."),
    ],
)
def test_unrelated_clause_is_none(practice: str, text: str) -> None:
    assert clause_verdict(practice, text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Third parties that receive, access or collect data: sharing affirmed.
        ("Ad networks working with us may collect information about the pages you visit.", "yes"),
        ("We may provide your mailing address to marketing partners for their own offers.", "yes"),
        ("Contractors acting on our behalf may have access to your account information.", "yes"),
        ("Anything you post in the forums can be read and used by other users.", "yes"),
        ("We may make your postal address available to carefully selected companies.", "yes"),
        # A denial spreads over coordinated verbs.
        ("We will not sell your data, or give any outside company access to it.", "no"),
        # Questions and headings state nothing; the answer decides.
        ("Do we share your data with advertisers? We never share your data with advertisers.", "no"),
        # "share" as a noun is no sharing; a disclaimer is no denial.
        ("Addresses typed into the share feature are kept for you and never shared with third parties.", "no"),
        ("We have no control over how advertisers use the information they collect.", "yes"),
        # Handing over offers or newsletters is not handing over data.
        ("We send newsletters to subscribers on behalf of sponsors. We never give sponsors your email address.", "no"),
    ],
)
def test_sharing_verdict(text: str, expected: str) -> None:
    assert clause_verdict("sharing", text) == expected


def test_clause_verdict_is_fast_on_long_lines() -> None:
    # A long prose line once made the table-row regex backtrack for milliseconds.
    import time

    text = ("We may share the information with partners and vendors in some cases " * 30) + "Yes No"
    start = time.perf_counter()
    for _ in range(20):
        clause_verdict("sharing", text)
    assert (time.perf_counter() - start) / 20 < 0.02


def test_decide_first_addressing_clause_wins() -> None:
    clauses = ["We use encryption.", "We do not sell your personal data.", "Contact us at privacy@example.com."]
    assert decide("sale", clauses) == ("no", 1)


def test_decide_denial_then_qualification_is_partial() -> None:
    clauses = [
        "We do not sell your personal data.",
        "Sharing device identifiers with ad partners may be considered a sale under California law.",
    ]
    assert decide("sale", clauses) == ("partial", 1)


def test_a_plain_affirmation_next_to_a_denial_does_not_qualify_it() -> None:
    clauses = [
        "We do not collect any personal information through this tool.",
        "It gathers basic information about the system and shows it to the agent.",
    ]
    assert decide("collection", clauses, [1.0, 1.0], chunks=[4, 4]) == ("no", 0)
    assert decide("collection", clauses, [1.0, 1.0], chunks=[4, 9]) == ("partial", 1)
    # A qualified statement next to the denial still qualifies it.
    sale = ["We do not sell your personal data.", "Sharing with ad partners may be considered a sale under some laws."]
    assert decide("sale", sale, [1.0, 1.0], chunks=[2, 2]) == ("partial", 1)


def test_an_affirmation_on_your_say_so_beside_a_denial_is_its_exception() -> None:
    clauses = [
        "We do not store the actual credit card number.",
        "For quick processing of future payments, if you have given us your approval, we may store your card details.",
    ]
    # In the denial's own passage it qualifies the denial even when it ranks well below it.
    assert decide("payment", clauses, [1.0, 0.5], chunks=[3, 3]) == ("partial", 1)
    # From elsewhere in the policy, only an affirmation about as relevant qualifies it.
    assert decide("payment", clauses, [1.0, 0.5], chunks=[3, 8]) == ("no", 0)


def test_what_you_asked_for_is_no_exception_to_a_denial() -> None:
    denial = "We will not share your mobile data except with your consent or as necessary to provide {}."
    assert clause_verdict("sharing", denial.format("you communications about services that you requested")) == "no"
    assert clause_verdict("sharing", denial.format("our services to our payment processor")) == "partial"


def test_a_statement_held_to_what_the_user_must_do_is_partial() -> None:
    assert clause_verdict("encryption", "IPC Email is designed to be end-to-end encrypted by default.") == "yes"
    assert (
        clause_verdict(
            "encryption",
            "Support for end-to-end encryption requires IPC Email users to have added a device to their account.",
        )
        == "partial"
    )


def test_automated_decisions_are_decided_as_an_action() -> None:
    clauses = [
        "Under certain laws, residents may be permitted to opt out of profiling relating to automated processing.",
        "We do not engage in this type of profiling of individuals.",
    ]
    assert decide("automated_decisions", clauses) == ("no", 1)


def test_a_response_time_needs_a_period() -> None:
    assert decide("response_time", ["You have the right to request that we delete your data."]) == ("not_stated", None)
    assert decide("response_time", ["We will respond to your request within 30 days."]) == ("yes", 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Changes to this policy will be posted on this page with a new effective date.", "partial"),
        ("We will notify you by email before material changes take effect.", "yes"),
        ("If we make significant changes, we will provide a more prominent notice.", "yes"),
        # "Notice" as the policy's own name is no notice to you.
        ("Your use of the services after these changes means that you accept the revised Privacy Notice.", "partial"),
        # Notice they "may" give is no promise of it.
        ("In the event of material changes to this Notice, we may notify you through our services.", "partial"),
    ],
)
def test_notice_of_changes_must_reach_you(text: str, expected: str) -> None:
    assert clause_verdict("change_notice", text) == expected


def test_location_known_only_roughly_is_partial() -> None:
    assert clause_verdict("location", "Your IP address may be used to infer your general location.") == "partial"
    assert clause_verdict("location", "We use your approximate location and, with consent, your GPS location.") == "yes"


def test_a_vague_statement_gives_way_to_a_plain_one_about_as_relevant() -> None:
    clauses = [
        "We retain your personal information for as long as it is required for the purposes of this policy.",
        "Data deleted from the active database is deleted from backups after 3 months.",
    ]
    assert decide("retention", clauses, [1.0, 0.95]) == ("yes", 1)
    # A plain statement far less relevant leaves the vague one to answer.
    assert decide("retention", clauses, [1.0, 0.5]) == ("partial", 0)


def test_a_qualified_action_is_not_overridden_by_a_later_affirmation() -> None:
    clauses = [
        "We do not sell personal data in the conventional sense, though it may be considered a sale under some laws.",
        "We share device identifiers with advertising partners.",
    ]
    assert decide("sale", clauses, [1.0, 0.99])[0] == "partial"


def test_decide_not_stated() -> None:
    assert decide("retention", ["We use cookies.", "Contact us at privacy@example.com."]) == ("not_stated", None)
    assert decide("sale", []) == ("not_stated", None)


def test_unknown_practice_raises() -> None:
    with pytest.raises(ValueError, match="unknown practice"):
        clause_verdict("telepathy", "We read minds.")


def test_what_a_technology_cannot_do_denies_nothing() -> None:
    # A cookie FAQ line is about cookies' nature, not the company refusing to use them.
    assert clause_verdict("cookies", "Web beacons cannot be used to install software on your device.") == "yes"
    assert clause_verdict("cookies", "We never place tracking cookies on your browser.") == "no"
    # Data that "cannot be used to" do something is still a denial.
    assert clause_verdict("advertising", "Your data cannot be used to target ads by our partners.") == "no"


def test_a_sentence_pointing_back_speaks_to_the_practice_its_context_names() -> None:
    context = "Do-Not-Track Requests.\nDo-Not-Track Requests. Such requests come from browser settings."
    sentence = "We currently do not have the ability to honor these requests."
    assert clause_verdict("do_not_track", sentence) is None  # alone, it names nothing
    assert stance("do_not_track", sentence, context) == ("no", True)
    assert (
        clause_verdict("do_not_track", "For now, we do not take action in response to these signals.", context) == "no"
    )
    # Pointing back is not enough without a verb of the practice, nor when the context is elsewhere.
    assert clause_verdict("do_not_track", "Such requests are made through browser settings.", context) is None
    assert clause_verdict("do_not_track", sentence, "Cookies\nWe use cookies.") is None


def test_naming_a_practice_is_weaker_than_stating_it() -> None:
    assert stance("do_not_track", "Do-Not-Track Requests.") == ("partial", False)
    assert stance("cookies", "Cookies") == ("yes", False)
    assert stance("cookies", "We use cookies to remember you.") == ("yes", True)
    # decide: a clause that states the practice outranks a better-ranked one that only names it.
    clauses = ["Do-Not-Track Requests.", "We currently do not have the ability to honor these requests."]
    contexts = ["", "Do-Not-Track Requests.\n"]
    assert decide("do_not_track", clauses, contexts=contexts) == ("no", 1)
    assert decide("do_not_track", clauses[:1]) == ("partial", 0)


def test_security_is_the_companys_measure_not_advice_to_the_user() -> None:
    assert clause_verdict("encryption", "We encrypt your data in transit with TLS.") == "yes"
    assert clause_verdict("encryption", "You can use built-in encryption tools on your computer.") is None
    assert (
        clause_verdict("encryption", "Even if you do not encrypt your files, our agents limit what they see.") is None
    )
    # A specific measure needs a clause naming it; the general safeguards clause does not answer it.
    assert clause_verdict("encryption", "We use reasonable administrative and technical safeguards.") is None
    assert clause_verdict("certification", "Our hosting provider is ISO 27001 certified.") == "yes"
    # A breach question needs a clause telling users of a breach, not a disclaimer naming one.
    assert (
        clause_verdict("breach_notification", "In the event of a data breach, we will notify affected users.") == "yes"
    )
    assert clause_verdict("breach_notification", "No guarantee that information is not destroyed by breach.") is None
