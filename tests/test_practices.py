"""Practice taxonomy: question mapping from ordinary wording and clause tagging."""

from __future__ import annotations

import re

import pytest

from assistant.practices import (
    PRACTICES,
    mentions,
    named_laws,
    named_recipients,
    names_party,
    opp115_categories,
    practices_in_question,
    tag_text,
)

EXPECTED_NAMES = [
    "collection",
    "sharing",
    "sale",
    "advertising",
    "cookies",
    "do_not_track",
    "retention",
    "access_deletion",
    "children",
    "security",
    "international_transfer",
    "policy_changes",
    "contact",
    "payment",
    "marketing_optout",
    "legal_rights",
    "biometric",
    "location",
]


def test_taxonomy_order_and_fields() -> None:
    assert list(PRACTICES) == EXPECTED_NAMES
    for name, practice in PRACTICES.items():
        assert practice.name == name
        assert practice.label
        assert practice.description
        assert practice.question


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("Do they hand my info to advertisers?", "advertising"),
        ("Who receives my information from this website?", "sharing"),
        ("Does the company share any data that is personally identifiable?", "sharing"),
        ("Does the website permit account deactivation?", "access_deletion"),
        ("Am I allowed to make changes in my account data?", "access_deletion"),
        ("Do you receive information from other sources?", "collection"),
        ("How long do they keep my stuff?", "retention"),
        ("Can I get my data deleted?", "access_deletion"),
        ("Do they sell my data?", "sale"),
        ("What's the minimum age to use it?", "children"),
        ("How old do I have to be to use it?", "children"),
        ("Do they collect data from kids?", "children_data"),
        ("Can my 12 year old sign up?", "children_data"),
        ("Is the app meant for children?", "children_data"),
        ("Where do they keep my data?", "international_transfer"),
        ("Where is my data stored?", "international_transfer"),
        ("Who do I contact about privacy?", "contact"),
        ("Will they tell me before changing the policy?", "change_notice"),
        ("How do I stop promo emails?", "marketing_messages"),
        ("Can I opt out of cookies?", "cookie_choice"),
        ("How do I turn off tracking cookies?", "cookie_choice"),
        ("Are cookies optional?", "cookie_choice"),
        ("Can I use Zopim without cookies?", "cookie_choice"),
        ("Does Zopim use cookies without my consent?", "cookies"),
        ("What happens to my data if the company is sold?", "business_transfer"),
        ("Is there a phone number I can call about privacy?", "contact"),
        ("Do they record my phone calls?", "collection"),  # my phone is data; theirs is a way to reach them
        ("does inszoom record the phone calls when i talk to their sales or support ppl?", "collection"),
        ("Do they collect my phone number?", "collection"),
        ("Do they use my data for training their staff?", "collection"),  # people, not models
        ("do they record my calls and use them to train there staff?", "collection"),  # "there" as typed
        ("Do they pass my info to their parent company?", "sharing"),  # a parent company is no parent
        ("Do they need parental consent?", "children"),
        ("Will they charge me a fee if I ask for a copy of my data?", "request_fee"),
        ("Do I have to pay to access my data?", "request_fee"),
        ("Do they sell or share my data?", "sharing"),  # a "no" to selling is no answer to sharing
        ("Does Zopim let customers export chat transcripts?", "portability"),
        ("Can I download my chat history?", "portability"),
        ("What's their postal address? I want to mail them a request", "postal_address"),
        ("Where is the company located?", "postal_address"),  # where it is, not where your data goes
        ("How long do their cookies last?", "cookie_duration"),  # a cookie's life, not how long data is kept
        ("What is their email address?", "contact"),
        ("Do they share their email list?", "sharing"),
        ("Do they listen to my calls?", "collection"),
        ("Do they encrypt my data?", "encryption"),
        ("Will they tell me if my data is exposed in a breach?", "breach_notification"),
        ("Are they SOC 2 certified?", "certification"),
        ("Is it HIPAA compliant?", "certification"),
        ("Do they use web beacons?", "tracking_pixels"),
        ("Do they track my GPS location?", "precise_location"),
        ("Is my data safe from hackers?", "security"),
        ("Do they have a data protection officer?", "data_protection_officer"),
        ("How do I get them to stop calling me?", "marketing_messages"),  # calls are messages
        ("Could my data end up stored in the US?", "international_transfer"),
        ("Does Zopim store data in Europe?", "international_transfer"),
        ("Which company keeps my data the longest?", "retention"),
        ("Do they delete my data immediately when I close my account?", "retention"),
        ("Does Zopim delete my data when I cancel?", "retention"),
        ("What happens to my data if I delete my account?", "retention"),
        ("How can I reach them about privacy?", "contact"),
        ("Can I email someone there about my data?", "contact"),
        ("Can I stop them from emailing me?", "marketing_messages"),
        ("Can I see what data they have on me?", "access_deletion"),
        ("Can I see which information they share?", "sharing"),
        ("Can I email them to delete my data?", "access_deletion"),
        ("Do they keep my credit card number on file?", "card_storage"),
        ("How long do they retain my credit card information?", "payment"),  # a period: not whether it is kept
        ("Do they have two factor authentication for logging in?", "two_factor"),
        ("If they leak my data will they pay me any compensation?", "compensation"),
        ("Will they change the policy without telling me?", "change_notice"),
        ("Do they allow third party ad cookies on their site?", "third_party_tracking"),
        ("Do they use cookies for ads?", "advertising"),  # no third party: advertising
        ("Does Zopim hold on to my data longer than InsideSales?", "retention"),
        ("Do they keep my files in Germany?", "international_transfer"),
        ("If they rewrite the privacy notice, does the old one still apply?", "policy_changes"),
        ("If they go bankrupt, is my data sold?", "business_transfer"),
        ("Do they store face scans or fingerprints?", "biometric"),
        ("Will it train its AI on my chats?", "ai_training"),
        ("Do they hand my chats to the police?", "law_enforcement"),
        ("Can I object to them processing my data?", "right_to_object"),
        ("Do they use automated decision-making or profiling?", "automated_decisions"),
        ("Who is the data controller?", "data_controller"),
        ("Do they collect my IP address?", "collection"),
        ("does the diagnostics tool grab my personal info?", "collection"),
        ("Do third parties track me with cookies on their site?", "third_party_tracking"),
        ("Do they respect Do Not Track?", "do_not_track"),
        ("Do they track my location?", "location"),
        ("Is my credit card number safe?", "security"),  # whether it is safe: security, whatever the data
        ("Do advertisers learn what I browse while using the app?", "advertising"),
        ("Can advertisers see my browsing history on the site?", "advertising"),
        ("Can their employees read my messages?", "staff_access"),
        ("could an admin look at my files?", "staff_access"),
        # Someone else seeing my data is no right of mine to see it.
        ("Can IPC employees see my data?", "staff_access"),
        ("Does the company allow their employees to access my data?", "staff_access"),
        ("Does InsideSales let my employer see my emails?", "staff_access"),
        ("my son is 12, can he call them himself?", "children_data"),
        ("my phone number in there is wrong. Can I ask them to correct it?", "access_deletion"),
        ("can i sign into it with my google or facebook account instead of a password?", "social_sign_in"),
        # Who can read it, encryption or not: "even the encrypted ones" only qualifies the question.
        ("Can my company's admin read my emails, even the encrypted ones?", "staff_access"),
        ("Is my data encrypted so employees cannot read it?", "encryption"),
        # Said in plain words: looking through files, scrambled chats, a computer sizing you up, paying to ask.
        ("ok and once they're in, will they go thru my personal files?", "staff_access"),
        ("Are the chats I type into the chat box scrambled so nobody can snoop on them?", "encryption"),
        ("is my email locked so that only me and the person I'm writing to can read it?", "encryption"),
        ("Do they let a computer size me up and make decisions about me?", "automated_decisions"),
        ("Will they make me pay if I ask them what information they have about me?", "request_fee"),
        ("Can I see my data?", "access_deletion"),
        ("Does INSZoom send my information to the US government?", "law_enforcement"),  # who, not where
        ("Does Zopim store my password?", "collection"),
        # Whether kids may use it is decided as an action: "IPC does not allow children under 16 to sign up" is a no.
        ("Which companies allow kids under 13?", "children_data"),
        ("Are kids allowed on IPC?", "children_data"),
        ("Can they guarantee my data is 100% secure?", "security_guarantee"),
        ("Is my data safe?", "security"),
        # Being told of a sale of the business asks for notice; what happens to the data, for what is said.
        (
            "If they get bought by another company, would I be told that my data is going to the new owner?",
            "transfer_notice",
        ),
        ("What happens to my information if they are acquired?", "business_transfer"),
        # A right over data leads, whatever kind of data it is about.
        ("My 14 year old signed up. Can I get her info deleted?", "access_deletion"),
        ("Can I ask them to tell me what personal data they have about me?", "access_deletion"),
        ("How many days do they have to respond after I ask them to delete my data?", "response_time"),
        ("how long does it take them to answer a deletion request", "response_time"),
        ("If we ask it to remove personal information, how quickly will it act?", "response_time"),
        ("how long do they take to process my deletion request?", "response_time"),
        # "process" without a request is about the data: how long it is kept.
        ("How long does Zopim hold on to the data it processes for its customers?", "retention"),
        # When data goes after you leave is retention, however it is asked.
        ("Once I close my account, when is my data wiped from their backups?", "retention"),
        ("If I close my account can I get my data deleted?", "access_deletion"),
        ("Will they tell me when the privacy policy changes?", "change_notice"),
        # Deleting within a period after something ends asks when it is deleted; within a period of asking, how fast.
        (
            "Does Zopim commit to deleting our chat data within a defined period after our subscription ends?",
            "retention",
        ),
        ("Will they delete my data within 30 days after I ask?", "access_deletion"),
        # Correcting what they hold, named before the asking: "my old address ... correct it".
        ("They have my old address in there. Can INSZoom just correct it for me directly?", "access_deletion"),
        # Encrypted so nobody can see it asks about encryption; deleting the encrypted data asks for a right.
        ("Is IPC Email end-to-end encrypted so that IPC cannot see our email data?", "encryption"),
        ("Can I delete my encrypted messages?", "access_deletion"),
        # Using what you give them for marketing asks what they advertise with, not whether they mail you.
        ("does IPC use the messages I send my team in IPC chat for marketing?", "advertising"),
        ("Will IPC use the content of our customer meetings and chats to market its products?", "advertising"),
        # As a learner of English may ask: a tool that takes your data collects it; time asked in many words is a period.
        ("zoomsupport diagnostic tool take my personal info?", "collection"),
        ("ipc keep my data how many time?", "retention"),
        # Money taken for a request is a fee, and a user asking for their data is making one.
        ("inszoom take money if i ask for my data?", "request_fee"),
        ("Will InsideSales use what's in my Outlook emails to send me adverts?", "advertising"),
        (
            "If crooks break into ZoomSupport's computers and steal people's details, will they let me know?",
            "breach_notification",
        ),
        ("Will INSZoom warn me if somebody logs into my account from a computer I don't know?", "breach_notification"),
        ("Can I stop their marketing messages?", "marketing_messages"),
        # A complaint taken outside the company asks for an authority or an independent body, not the company's email.
        ("The company ignored my complaint. Is there any outside body or regulator I can go to?", "outside_complaint"),
        ("Can I complain to a data protection authority about them?", "outside_complaint"),
        ("How do I complain to IPC?", "contact"),
        ("Does INSZoom share data with regulators?", "sharing"),
        # Rights exercised through others, roles a clause must name, and deleting what a child gave.
        ("Can I use an authorized agent to make a privacy request to them?", "authorized_agent"),
        ("Has IPC appointed an EU or UK representative under Article 27 GDPR?", "eu_representative"),
        ("Can I limit the use of my sensitive personal information?", "limit_sensitive"),
        ("Within what time do they commit to respond to a privacy rights request?", "response_time"),
        # My contact details are data of mine, not a way to reach the company; theirs are.
        ("Does the company collect my contact information?", "collection"),
        ("Will you give my contact details to other companies?", "sharing"),
        ("What is their contact information for privacy questions?", "contact"),
        # A business going under or changing hands, however it is put.
        ("If the firm itself goes bust, where does my data end up?", "business_transfer"),
        ("Does my data go to the new owner if they are bought?", "business_transfer"),
        # Whether they delete what a child gave them is answered by what they do on learning of it; a right asked for
        # is still a right.
        ("My kid typed her details into their chat. Will they remove them?", "children_deletion"),
        ("How can I get my kid's account deleted?", "access_deletion"),
        # Other companies tracking the site's visitors is third-party tracking, however the visitors are named.
        ("Can outside companies track people who visit Zopim's website?", "third_party_tracking"),
        # Anyone outside the company getting data is sharing, whatever the company collects it from.
        ("Does anyone outside Zopim get the data it collects from my chats?", "sharing"),
        # Whoever runs the account is the user's employer: an account owner, not the company's staff.
        ("Can the company that manages my IPC account read my chats?", "staff_access"),
    ],
)
def test_question_mapping(question: str, first: str) -> None:
    assert practices_in_question(question)[0] == first


def test_what_the_user_shares_is_not_the_company_sharing_it() -> None:
    assert practices_in_question("Does IPC automatically scan the files I share in chat?") == ["collection"]
    assert "sharing" in practices_in_question("Will they share what I post with other companies?")


def test_a_period_to_comply_with_a_request_is_a_response_time() -> None:
    assert mentions("response_time", "We endeavor to comply with a request within 45 days of its receipt.")


def test_advertisers_also_means_sharing() -> None:
    assert practices_in_question("Do they hand my info to advertisers?")[:2] == ["advertising", "sharing"]


def test_rights_of_european_users_are_legal_rights() -> None:
    assert mentions("legal_rights", "If you are in the EEA, Switzerland, or the UK, your rights include:")


def test_unrelated_question_maps_to_nothing() -> None:
    assert practices_in_question("What is the weather like today?") == []


@pytest.mark.parametrize(
    ("text", "practice"),
    [
        ("We may share your information with our service providers and affiliates.", "sharing"),
        (
            "For EU citizens, we host and process your information in the United States and Ireland.",
            "international_transfer",
        ),
        ("We use cookies and web beacons to remember your preferences.", "cookies"),
        ("We retain your personal data for 30 days after you close your account.", "retention"),
        ("Our service is not directed to children under 13.", "children"),
        ("We use encryption and firewalls to safeguard your data.", "security"),
        ("We will post any changes to this privacy policy on this page.", "policy_changes"),
        ("You can unsubscribe from marketing emails at any time.", "marketing_optout"),
        ("Our site does not respond to Do Not Track signals.", "do_not_track"),
        ("We collect precise geolocation from your device.", "location"),
    ],
)
def test_tagging(text: str, practice: str) -> None:
    assert practice in tag_text(text)


def test_hiring_contractors_is_not_retention() -> None:
    assert "retention" not in tag_text("We retain the services of outside agencies to print our catalogues.")
    assert "retention" in tag_text("Once your order ships, we purge the card number from our systems.")


@pytest.mark.parametrize(
    ("text", "practice"),
    [
        ("You may decline to provide your phone number, though some features will not work.", "marketing_optout"),
        ("Visit the preferences page to manage your email settings at any time.", "marketing_optout"),
        ("You can ask us to delete the records we hold on you.", "access_deletion"),
        ("We use your photos to train our image recognition models.", "collection"),
    ],
)
def test_tagging_weak_categories(text: str, practice: str) -> None:
    assert practice in tag_text(text)


def test_table_row_is_tagged() -> None:
    assert "biometric" in tag_text("F Biometric data NO NO NO NO")


def test_selling_products_is_not_a_sale_of_data() -> None:
    assert "sale" not in tag_text("Our platform helps small shops sell more and grow.")
    assert "sale" in tag_text("We never sell your personal information.")


def test_merger_is_not_a_sale_of_data() -> None:
    text = "In connection with a merger, acquisition, or sale of assets, your data may be transferred."
    tags = tag_text(text)
    assert "sale" not in tags
    assert "sharing" in tags


def test_untagged_text() -> None:
    assert tag_text("Welcome to our website. We hope you enjoy your visit.") == ()


def test_opp115_categories_are_distinct() -> None:
    assert opp115_categories(["sale", "sharing", "advertising", "children"]) == [
        "Third Party Sharing/Collection",
        "International and Specific Audiences",
    ]


def test_lexicons_are_lower_case_so_tagging_lowered_text_counts_the_same_cues() -> None:
    from assistant.practices import _TEXT_PATTERNS

    for name, pattern in _TEXT_PATTERNS.items():
        literal = re.sub(r"\\.", "", pattern.pattern)  # escapes such as \b, \w, \S are not literals
        assert literal == literal.lower(), name
    text = "We SELL your Personal Information to Advertisers and keep it for 30 DAYS."
    assert tag_text(text) == tag_text(text.lower())


def test_named_laws() -> None:
    assert named_laws("Is it GDPR compliant?") == {"GDPR"}
    assert named_laws("rights under the California Consumer Privacy Act (CPRA) and Shine the Light") == {
        "CCPA",
        "Shine the Light",
    }
    assert named_laws("Children's Online Privacy Protection Act") == {"COPPA"}
    assert named_laws("Your California privacy rights") == set()  # a state, not a law


def test_kinds_of_recipient_are_read_after_with_or_to_and_named_by_their_synonyms() -> None:
    assert named_recipients("Does Zopim share my data with its affiliates?") == ["affiliates"]
    assert named_recipients("Do they sell my info to data brokers?") == ["data brokers"]
    assert named_recipients("Is it shared with outside vendors?") == ["service providers"]
    assert named_recipients("Would they give my data to my employer?") == ["your employer"]
    assert named_recipients("Can my boss see my Zopim chats?") == ["your employer"]  # who sees it, gets it
    assert named_recipients("Is my email shown to other users?") == ["other users"]
    assert named_recipients("Do they share my data with anyone?") == []  # anyone: no kind of recipient
    assert named_recipients("My employer uses InsideSales. Can I delete my info?") == []  # no recipient
    assert names_party("affiliates", "We may give your information to any member of our group")
    assert names_party("service providers", "third parties that perform functions on our behalf")
    assert not names_party("data brokers", "We share it with service providers")
    assert names_party("Facebook", "sign in with Facebook Connect")
    assert not names_party("Face", "sign in with Facebook Connect")
