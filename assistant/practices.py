"""The practices people ask privacy policies about, and how to spot them in words.

Each `Practice` maps to one OPP-115 category (Wilson et al., ACL 2016) so tagging
can be measured against that corpus (`assistant/eval_opp115.py`). Spotting is done
with small regex lexicons of word stems and phrases: one lexicon for the ordinary
wording of user questions, another for the register of policy clauses. Pure Python,
so importing this module stays cheap (the CLI's `--help` must be instant).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

FIRST_PARTY = "First Party Collection/Use"
THIRD_PARTY = "Third Party Sharing/Collection"
USER_CHOICE = "User Choice/Control"
USER_ACCESS = "User Access, Edit and Deletion"
RETENTION = "Data Retention"
SECURITY = "Data Security"
POLICY_CHANGE = "Policy Change"
DO_NOT_TRACK = "Do Not Track"
AUDIENCES = "International and Specific Audiences"
OTHER = "Other"

OPP115_CATEGORIES: tuple[str, ...] = (
    FIRST_PARTY,
    THIRD_PARTY,
    USER_CHOICE,
    USER_ACCESS,
    RETENTION,
    SECURITY,
    POLICY_CHANGE,
    DO_NOT_TRACK,
    AUDIENCES,
    OTHER,
)


@dataclass(frozen=True)
class Practice:
    """One data practice a user can ask about.

    `description` doubles as a zero-shot embedding prompt, so it is written in the
    words a policy would use. `question` completes sentences like "The policy does
    not say {question}."
    """

    name: str
    label: str
    opp115: str | None
    description: str
    question: str


PRACTICES: dict[str, Practice] = {
    p.name: p
    for p in (
        Practice(
            "collection",
            "Collects and uses personal data",
            FIRST_PARTY,
            "The company collects personal information from or about users and uses it "
            "for its own purposes, such as providing the service, analytics or training models.",
            "whether it collects and uses your personal data",
        ),
        Practice(
            "sharing",
            "Shares personal data with third parties",
            THIRD_PARTY,
            "The company discloses, transfers or gives access to personal information to "
            "third parties such as affiliates, service providers, partners or authorities.",
            "whether it shares your personal data with third parties",
        ),
        Practice(
            "sale",
            "Sells personal data",
            THIRD_PARTY,
            "The company sells, rents, leases or trades personal information to third "
            "parties for money or other valuable consideration.",
            "whether it sells your personal data",
        ),
        Practice(
            "advertising",
            "Uses data for advertising",
            THIRD_PARTY,
            "Personal information is used to show targeted, interest-based or behavioral "
            "advertising, or is shared with advertisers and advertising networks.",
            "whether it uses or shares your data for advertising",
        ),
        Practice(
            "cookies",
            "Uses cookies and trackers",
            FIRST_PARTY,
            "The site or app uses cookies, web beacons, pixels, device identifiers, analytics "
            "or similar tracking technologies to collect information about your activity.",
            "whether it uses cookies or similar tracking technologies",
        ),
        Practice(
            "do_not_track",
            "Honors Do Not Track",
            DO_NOT_TRACK,
            "How the service responds to Do Not Track (DNT) browser signals or Global Privacy Control signals.",
            "whether it honors Do Not Track signals",
        ),
        Practice(
            "retention",
            "States how long data is kept",
            RETENTION,
            "How long personal information is retained or stored before it is deleted, "
            "and the criteria for the retention period.",
            "how long it keeps your data",
        ),
        Practice(
            "access_deletion",
            "Lets you access, correct or delete data",
            USER_ACCESS,
            "Users can access, review, correct, update, export or delete their personal "
            "information or close their account.",
            "whether you can access, correct or delete your data",
        ),
        Practice(
            "children",
            "Addresses children and minimum age",
            AUDIENCES,
            "How the service treats children and minors: minimum age, whether it knowingly "
            "collects data from children under 13 or 16, and parental consent.",
            "what it says about children and the minimum age",
        ),
        Practice(
            "security",
            "Describes security measures",
            SECURITY,
            "The measures used to protect personal information, such as encryption, access "
            "controls and safeguards against unauthorized access.",
            "how it protects your data",
        ),
        Practice(
            "international_transfer",
            "Transfers or stores data abroad",
            AUDIENCES,
            "Where personal information is stored and processed, and whether it is "
            "transferred to other countries, with what safeguards.",
            "where your data is stored and whether it is transferred abroad",
        ),
        Practice(
            "policy_changes",
            "Notifies of policy changes",
            POLICY_CHANGE,
            "How the company changes this privacy policy and whether it notifies users "
            "before or after material changes.",
            "whether it tells you about changes to the policy",
        ),
        Practice(
            "contact",
            "Gives privacy contacts",
            OTHER,
            "How to contact the company about privacy: contact details, a data protection "
            "officer, or how to file a complaint.",
            "how to contact it about privacy",
        ),
        Practice(
            "payment",
            "Handles payment data",
            FIRST_PARTY,
            "The company collects or processes payment information such as credit card "
            "numbers, billing details and purchase history.",
            "how it handles your payment information",
        ),
        Practice(
            "marketing_optout",
            "Lets you opt out of marketing",
            USER_CHOICE,
            "Users can choose or opt out of marketing emails, promotional messages, "
            "newsletters, or other uses of their information.",
            "whether you can opt out of marketing",
        ),
        Practice(
            "legal_rights",
            "Describes legal privacy rights",
            AUDIENCES,
            "Privacy rights under laws such as the GDPR or the CCPA and California law, "
            "and how residents can exercise them.",
            "what legal privacy rights (GDPR, CCPA) you have",
        ),
        Practice(
            "biometric",
            "Collects biometric data",
            FIRST_PARTY,
            "The company collects biometric identifiers such as face geometry, facial "
            "recognition data, fingerprints or voiceprints.",
            "whether it collects biometric data",
        ),
        Practice(
            "location",
            "Collects location data",
            FIRST_PARTY,
            "The company collects precise or approximate geolocation of the device, "
            "such as GPS, Wi-Fi or IP-based location.",
            "whether it collects your location",
        ),
    )
}


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)


_DATA = r"(?:data|info\w*|details|stuff|pii|content|chats?|messages?|conversations?|emails?|e-mail|photos?|history|activity|passwords?)"
_MY = r"(?:my|our|your|users?'?|customers?'?|people'?s?|personal|the)"
# A fee, charged or waived, and what it is for: a request under your rights.
_FEE = r"(fees?|free of charge|at no (cost|charge)|without (charge|cost)|charg(e|es|ed|ing) (a|any|you|no))"
_A_REQUEST = r"(requests?|access|cop(y|ies)|delet\w*|rights?)"

# Ordinary wording of user questions. Order inside `_QUESTION_ORDER` is the tie
# break: the specific practices (sale, advertising) come before the general ones
# they imply (sharing, collection), so "hand my info to advertisers" is advertising first.
_QUESTION_PATTERNS: dict[str, re.Pattern[str]] = {
    "do_not_track": _rx(r"\bdo[- ]not[- ]track\b", r"\bdnt\b", r"global privacy control", r"\bgpc\b"),
    "sale": _rx(
        r"\b(sell|sells|selling|sold|sale)\b",
        r"\b(rent|rents|renting|lease|trade|trades|trading|monetiz\w*|profit from)\b.{0,30}" + _DATA,
        r"\bmake money (off|from|with)\b",
    ),
    "biometric": _rx(
        r"\bbiometric",
        r"\bface (scan|print|id|recognition|geometry|data)",
        r"\bfacial\b",
        r"\bfinger ?prints?\b",
        r"\bvoice ?prints?\b",
        r"\b(iris|retina)\b",
        r"\bface scans?\b",
    ),
    "location": _rx(r"\blocation", r"\bgeo-?locat", r"\bgps\b", r"\bwhere i (am|go|live)\b", r"\btrack where\b"),
    "payment": _rx(
        r"\b(credit|debit) cards?\b",
        r"\bpayments?\b",
        r"\bbilling\b",
        r"\bcard (number|details)\b",
        r"\bbank (account|details)\b",
        r"\bpurchases?\b",
    ),
    "children": _rx(
        r"\b(child|children|kids?|minors?|teens?|teenagers?|underage|coppa)\b",
        r"\b\d{1,2}[- ]years?[- ]olds?\b",
        r"\b(minimum|min|youngest|old enough|how old)\b.{0,20}\b(age|old|to use|sign ?up)?",
        r"\bage (limit|requirement|restriction)",
        r"\bunder (13|16|18)\b",
        r"\b(sons?|daughters?|boys?|girls?)\b[^?.]{0,10}\b(is|are|turns?|just turned)\s+(\d{1,2}|ten|eleven|twelve|thirteen|fourteen|fifteen)\b",
        r"\bparent\w*\b(?!\s+(compan(y|ies)|corporation|organi[sz]ation|entit(y|ies)|firm|group))",  # a parent company is no parent
    ),
    "advertising": _rx(
        r"\badvertis\w*",
        r"\bads?\b",
        r"\badverts?\b(?![^?]{0,20}\b(by|via|over|through) (e-?mail|text|sms|post|phone)\b)",  # adverts by email are mailings
        r"\bad (network|partner|targeting)s?",
        r"\btargeted\b",
        r"\bmarketers?\b",
        r"\b(personali[sz]ed|interest-based|behaviou?ral) (ads|advertising)",
        # "does IPC use the messages I send for marketing?" asks what it markets with, not whether it mails you
        r"\b(use|uses)\b[^?]{0,60}\bfor (its |their |our |your |any )?(own )?(marketing|promotions?|promotional)\b",
        r"\b(use|uses)\b[^?]{0,60}\bto (market|promote|advertise)\b",
    ),
    "retention": _rx(
        r"\bhow long\b",
        r"\bhow (much|many) (time|days|weeks|months|years)\b",
        r"\bretain\w*|\bretention\b",
        r"\b(keep|kept|hold|store)\w*\b.{0,30}\b(forever|for (how long|ever|years)|after i|once i|indefinitely|"
        r"(the )?(longest|shortest|longer|shorter))\b",
        r"\bafter (i )?(delete|close|cancel|leave)",
        r"\b(once|after|as soon as|when|if) (i )?(close|cancel|delete|leave|stop|quit|terminate)\w*",
        r"\b(immediately|right away|straight away|at once)\b[^?]{0,20}\b(when|if|after|once) (i )?"
        r"(close|cancel|delete|leave|stop|quit|terminate)\w*",
        r"\bget rid of\b",
        # "will they delete it within a set period after our subscription ends?" asks when it is deleted
        r"\b(delet|eras|wip|purg|destroy)\w*\b[^?]{0,40}\b(within|period|days|months|years)\b[^?]{0,30}\b(after|once|when)\b(?!\s+(i|we|you)\s+(ask|request))",
        r"\b(still (have|has|keep|keeps|hold|holds|got)|(is|are) (it|they|that|those|this) (still )?gone|go(es)? away)\b",
    ),
    "access_deletion": _rx(
        r"\b(delete|deleted|deleting|deletion|erase|erasure|remove|wipe|purge)\b",
        r"\b(correct|fix|edit|update|change)\w*\b.{0,25}\b" + _DATA,
        r"\b(wrong|incorrect|inaccurate|out of date|outdated|mistaken)\b[^?]{0,80}\b(correct|fix|edit|update|change|amend)\w*",
        # "they have my old address in there. Can INSZoom just correct it?"
        r"\b(address|name|number|e-?mail|phone|birthday|details)\b[^?]{0,80}\b(correct|fix|amend)\w* (it|that|this|them)\b",
        r"\b(copy|export|download|access|see|view)\b.{0,25}\b(my|the|all|their|your|our)\b.{0,15}" + _DATA,
        r"\b(export|download)\w*\b.{0,25}" + _DATA,  # "export chat transcripts"
        r"\b(see|view|access|get|know|find out|tell me)\b.{0,10}\b(what|which)\b.{0,25}"
        + _DATA
        + r".{0,25}\b(have|has|hold|holds|keep|keeps|store|stores)\b.{0,10}\b(on|about) (me|us)\b",
        r"\bportab\w*",
        r"\b(close|deactivat\w*|cancel)\b.{0,20}\baccounts?\b",
        r"\baccount (deactivation|deletion|closure|closing)\b",
        r"\bwhat (data|info\w*) do (they|you) have\b",
        r"\bwhat (personal )?(data|info\w*|details)\b.{0,20}\b(they|you|it) (have|hold|keep|store)\w*\b.{0,15}\b(about|on|of) (me|us)\b",
    ),
    "marketing_optout": _rx(
        r"\bopt[- ]?out\b",
        r"\bunsubscrib\w*",
        r"\b(promo\w*|marketing|newsletters?|spam)\b",
        r"\bstop (sending|emailing|calling|texting|contacting|the emails|the calls|getting)",
        r"\bstop \w+ (from )?(sending|e-?mailing|calling|texting|contacting|messaging)\b",
        r"\b(emails|texts|messages|calls) from (them|you)\b",
    ),
    "legal_rights": _rx(
        r"\b(gdpr|ccpa|cpra|california|shine the light|nevada|virginia|colorado|lgpd|pipeda)\b",
        r"\b(my|what|which) (privacy |legal |data )?rights\b",
        r"\bright to\b",
        r"\blegal basis\b",
    ),
    "international_transfer": _rx(
        r"\bwhere\b.{0,30}\b(keep|kept|store|stored|hosted|process\w*|held|located|live)\b",
        r"\bwhich (country|countries)\b",
        r"\b(abroad|overseas|outside (the )?(us|eu|uk|eea|country))\b",
        r"\b(transfer\w*|sen[dt]|move\w*)\b.{0,30}\b(countr\w*|abroad|overseas|us|u\.s\.|eu|china|servers?)\b",
        r"\bdata (residency|localization|location)\b",
        r"\bservers? (are )?(located|based)\b",
        r"\b(stor(e|es|ed|ing)|keep(s|ing)?|kept|host(s|ed|ing)?|process(es|ed|ing)?|hold(s|ing)?|held|end up)\b.{0,20}"
        r"\b(in|to) (the )?(us|u\.s\.?|usa|united states|america|eu|europe(an union)?|uk|china|india|canada|germany|"
        r"ireland|france|singapore|australia|japan|another country|other countries)\b",
    ),
    "policy_changes": _rx(
        r"\b(chang|updat|modif|revis|amend|rewrit)\w*\b.{0,40}\b(policy|policies|terms|notice|statement)\b",
        r"\b(policy|policies|terms|notice|statement)\b.{0,40}\b(chang|updat|modif|revis|amend|rewrit)\w*",
        r"\b(tell|notify|inform|warn|email)\w*\b.{0,20}\bbefore\b.{0,20}\bchang\w*",
    ),
    "contact": _rx(
        r"\b(who|how|where)\b.{0,20}\b(contact|reach(?!\s+(my|your|into)\b)|complain|email|write|call|talk)\b",
        r"\b(can|could|may) (i|we) (e-?mail|write to|call|phone|talk to|speak (to|with)|message)\b",
        # "my contact information", "contact lists" are data of the user's, not a way to reach the company.
        r"(?<!\bmy )(?<!\byour )\bcontact\b(?!\s+(information|info|details|data|lists?|records?|books?|databases?)\b)",
        r"\b(their|its|the company'?s|privacy) contact (information|info|details)\b",
        r"\b(dpo|data protection officer|privacy officer)\b",
        r"\b(their|its|they'?s|the company'?s) (e-?mail|email|phone|telephone) (address|number)\b",
        r"\b(their|its|they'?s|the company'?s) (e-?mail|email)\W*$",
        # My phone, and phone calls someone records, are data; their phone is a way to reach them.
        r"\b(?<!my )(?<!your )(phone|telephone)( number| line)?\b(?!\s+(calls?|conversations?)\b)",
        r"\bcomplain\w*",
    ),
    "security": _rx(
        r"\b(secur\w*|safe|safely|protect\w*|encrypt\w*|hack\w*|breach\w*|leak\w*|stolen)\b",
    ),
    "cookies": _rx(
        r"\bcookies?\b",
        r"\btrack\w*\b.{0,30}\b(me|browsing|online|across|web|sites?)\b",
        r"(?<!keep )(?<!keeps )\btrack\w*\b.{0,10}\b(people|visitors?)\b",
        r"\b(pixels?|web beacons?|trackers?|fingerprinting)\b",
        r"\banalytics\b",
    ),
    "sharing": _rx(
        # (what the user shares, "the files I share in chat", is not the company sharing it)
        r"(?<!\bi )(?<!\bwe )\b(share|shares|sharing|shared|disclos\w*|pass\w*|hand\w*|give|gives|giving|send|sends|sent|"
        r"transfer\w*|provid\w*|turn\w* over|leak\w*)\b.{0,40}\b(to|with)\b",
        r"\b(third[- ]part\w*|partners?|affiliates?|advertisers?|police|government|law enforcement|authorities|other companies)\b",
        r"\bwho (gets|sees|can see|has access to|receives?)\b",
        r"(?<!\bi )(?<!\bwe )\b(share|shares|sharing|disclose|discloses|disclosed|disclosure)\b",
        # "does anyone outside InsideSales get it?", "outside companies"
        r"\b(anyone|anybody|someone|people|companies|parties|firms|organi[sz]ations|businesses)( else)? outside\b",
        r"\boutside (compan(y|ies)|part(y|ies)|firms?|organi[sz]ations?|businesses)\b",
    ),
    "collection": _rx(
        r"\b(collect\w*|gather\w*|harvest\w*|record\w*|log|logs|logging|track\w*|monitor\w*|scan\w*|read\w*|grab\w*|captur\w*|"
        r"scrap(e|es|ed|ing)|snoop\w*|hoover\w*|eavesdrop\w*|listen\w* (in )?(to|on))\b",
        r"\btrain\w*\b.{0,40}\b(ai|model|models|algorithm\w*|llm|chatbot)\b",
        r"\b(ai|model|models)\b.{0,30}\btrain\w*",
        r"\bwhat (data|info\w*|personal data|personal information)\b",
        r"(?<!\bi )(?<!\bwe )\b(receive|obtain|get|gets|ask for|save|saves|store|stores)\b.{0,25}\b" + _DATA,
        # "does the diagnostic tool take my personal info?" (not "can I take my data with me?")
        r"(?<!\bi )(?<!\bwe )\b(take|takes|took)\s+(my|our|your|the user'?s?|users'?|people'?s?|customers'?)\s+(\w+\s+)?"
        + _DATA,
        r"\b(use|uses|using)\b.{0,20}\b" + _MY + r"\b.{0,20}" + _DATA,
    ),
}


# A postal address: a street and number, a post office box, a town after its postcode.
STREET = re.compile(
    r"\b\d{1,5}\s+(?:[A-ZÄÖÜ][\w'’-]*\s+){0,4}(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Boulevard|Blvd\.?|Drive|Dr\.?|Lane|Ln\.?|"
    r"Way|Place|Pl\.?|Court|Ct\.?|Parkway|Pkwy\.?|Mall|Square|Highway)\b|\b[A-ZÄÖÜ][\w]*(?:allee|stra(?:ss|ß)e|platz|weg|gasse)\s+\d{1,4}\b"
    r"|\bSuite\s+\d+|\bP\.?\s?O\.?\s+Box\s+\d+|\bATTN\b"
)
POSTCODE = re.compile(r"\b[A-Z][a-z]+,?\s+(?:[A-Z]{2}|[A-Z][a-z]+)\s+\d{5}(?:-\d{4})?\b|\b\d{5}\s+[A-ZÄÖÜ][\wäöüß]+")


@dataclass(frozen=True)
class QuestionSense:
    """A narrower way of asking about a taxonomy practice, decided on clauses that fit it."""

    base: str  # the taxonomy practice: lexicon, label and tags
    phrase: str  # completes "the policy does not say ..."
    asked: re.Pattern[str]  # a question asking this way
    requires: re.Pattern[str] | None = None  # what a clause must also say to answer it
    description: str | None = None  # search words, when narrower than the base practice's
    drops: tuple[str, ...] = ()  # practices the question only seems to ask about too
    needs_base: bool = True  # False: the question's own wording is enough, its base practice is implied


# Who a user works for, asked about as one who may see or receive their data: "my boss", "my employer".
_EMPLOYER = (
    r"employers?|boss|bosses|workplace|the company i work for|my (manager|company|organi[sz]ation|it department)"
    # "the company that runs my IPC account", "whoever manages our account"
    r"|(the )?(company|organi[sz]ation|business|firm|people|person|whoever) ((that|who|which) )?"
    r"(runs|manages|owns|controls|administers|pays for|set up|sets up) (my|our) ([\w-]+ )?accounts?"
)

# Security disclaimed: "no Internet transmission is ever fully secure", "we cannot guarantee its security".
SECURITY_DISCLAIMER = re.compile(
    r"\b(no|not)\b[^.;]{0,80}\b(100%|completely|perfectly|absolutely|fully|entirely|guarantee\w*|ensure|warrant|error[- ]free)\b"
    r"|\b(cannot|can't|can ?not|unable to)\b[^.;]{0,20}\b(guarantee|ensure|warrant|promise)\b",
    re.IGNORECASE,
)

_TWO_FACTOR = _rx(
    r"\b(two|2|multi)[- ]?(factor|step)\b", r"\b(2fa|mfa)\b", r"\bone[- ]time (code|password|passcode)s?\b"
)

# Question-only practices. "Do they train AI on my chats?" is answered by a clause about
# training models, not by one about collecting chats. "Do they collect data from kids?" asks
# whether it happens (a "does not knowingly collect" clause answers no: it is decided as an
# action), where "what's the minimum age?" asks what the policy says (the same clause answers
# yes: it states an age).
# "Can I stop their marketing emails?" is answered by a clause about messages, not by one about
# disabling cookies, though both are choices the policy offers.
# A clause that deletes: what makes a child-deletion answer "yes" rather than "partly" (verdicts.py).
DELETING = r"\b(delet\w*|eras\w*|remov\w*|purg\w*)\b"
QUESTION_ONLY: dict[str, QuestionSense] = {
    # "My kid gave them her info by accident: will they delete it?" is answered by what the policy does on learning
    # a child gave it data ("we will take steps to delete such information"); a promise only to "investigate and
    # address the issue" is partly that.
    "children_deletion": QuestionSense(
        "children",
        "whether it deletes information a child gave it",
        _rx(
            r"\b(child|children|kids?|minors?|teens?|teenagers?|\d{1,2}[- ]years?[- ]olds?)\b[^?]{0,80}"
            r"\b(delet\w*|eras\w*|remov\w*|wip(e|ed)|purg\w*|get rid of)\b",
            r"\b(delet\w*|eras\w*|remov\w*|wip(e|ed)|purg\w*|get rid of)\b[^?]{0,40}"
            r"\b(child|children|kids?|minors?|teens?|teenagers?)\b",
        ),
        _rx(
            DELETING,
            r"\b(take|takes|taking)\b[^.;]{0,20}\b(steps|measures|action)\b",
            r"\baddress the (issue|matter|situation)\b",
        ),
        "If we learn that a child has provided personal information without parental consent, we will delete "
        "that information.",
    ),
    "children_data": QuestionSense(
        "children",
        "whether it collects data from children",
        _rx(
            r"\b(collect|gather|get|take|store|keep|use|process|track|sell|share|record|want)\w*\b[^?.]{0,50}"
            r"\b(child|children|kids?|minors?|teens?|teenagers?|under ?(13|16|18))\b",
            r"\b(child|children|kids?|minors?|teens?|teenagers?)\b[^?.]{0,30}\b(use|sign|join|register|create|make|have)\w*\b",
            r"\b(data|info\w*|details|photos?)\b[^?.]{0,30}\b(from|of|about)\b[^?.]{0,15}\b(child|children|kids?|minors?|teens?)\b",
            r"\b(for|aimed at|directed (at|to)|intended for|meant for|allow(s|ed)?|permit(s|ted)?|let)\b[^?.]{0,20}"
            r"\b(child|children|kids?|minors?|teens?)\b",
            r"\b(child|children|kids?|minors?|teens?|teenagers?)\b[^?.]{0,20}\b(allowed|permitted|welcome)\b",
            r"\b\d{1,2}[- ]years?[- ]olds?\b[^?.]{0,30}\b(use|sign|join|register|create|have)\w*\b",
            r"\b(sons?|daughters?|boys?|girls?)\b[^?.]{0,10}\b(is|are|turns?|just turned)\s+(\d{1,2}|ten|eleven|twelve|thirteen|"
            r"fourteen|fifteen)\b",  # "my son is 12, can he call them himself?"
        ),
        drops=("collection",),  # "collect data from kids" is not a collection question
    ),
    "ai_training": QuestionSense(
        "collection",
        "whether it trains AI models on your data",
        _rx(
            # training people is no training of models: "use my data for training their staff"
            r"\btrain\w*\b(?!\s+(?:(?:their|there|our|its|the|new|junior|support)\s+)*(?:staff|personnel|employees|agents|"
            r"people|teams?|workers|technicians|techs)\b)",
            r"\b(ai|a\.i\.|artificial intelligence|machine learning|ml models?|llms?|language models?)\b",
        ),
        # "training" alone is not enough: "training of our junior personnel" trains people
        _rx(
            r"\b(ai|artificial intelligence|machine learning|llms?|generative|neural)\b",
            r"\btrain\w*\b[^.;\n]{0,60}\b(models?|algorithms?|systems?|tools?)\b",
            r"\b(models?|algorithms?)\b[^.;\n]{0,60}\btrain\w*\b",
        ),
        "Whether personal data, content, calls, chats or messages are used to train artificial intelligence "
        "or machine learning models.",
    ),
    "business_transfer": QuestionSense(
        "sharing",
        "what happens to your data if the business is sold",
        _rx(
            r"\b(compan(y|ies)|business(es)?|firm|startup|it|they)\s+((itself|themselves|ever)\s+)?"
            r"(is|are|was|were|gets?|got|being|goes|go|went)\s+(sold|acquired|bought|merged|taken over|bankrupt|"
            r"out of business|bust|under)\b",
            r"\b(merg(e|es|ed|ing|er|ers)|acquisitions?|acquired|bankrupt\w*|takeover|taken over|bought out)\b",
            r"\b(the|a|its|their) new owners?\b|\bacquirers?\b",
        ),
        _rx(
            r"\b(merg(e|es|ed|ing|er|ers)|acquisitions?|acquir\w*|bankrupt\w*|reorgani[sz]ation|successor|divestiture)\b",
            r"\b(sale|sell\w*|sold|transfer\w*)\b[^.;]{0,40}\b(assets?|business(es)?|compan(y|ies)|all or (a )?part)\b",
        ),
        "If the company is involved in a merger, acquisition, bankruptcy or sale of its assets, personal "
        "information may be transferred to the buyer or successor.",
        drops=("sale",),  # "if the company is sold" sells the business, not your data
        needs_base=False,
    ),
    # "Would I be told if the company is bought?" asks for notice of the sale, not only what happens to the
    # data: "we will notify you via email ... of any change in ownership" answers it, and "your information
    # may be passed to the new owner" does not. Reached only from a business_transfer question (below).
    "transfer_notice": QuestionSense(
        "policy_changes",
        "whether it tells you before your data passes to a new owner",
        re.compile(r"(?!)"),
        _rx(
            r"\b(merg(e|es|ed|ing|er|ers)|acquisitions?|acquir\w*|bankrupt\w*|reorgani[sz]ation|successor|divestiture|"
            r"change (in|of) (ownership|control))\b[^.]{0,200}\b(notif\w*|notice|inform(s|ed|ing)?|tell|e-?mail)\b",
            r"\b(notif\w*|notice|inform(s|ed|ing)?|tell|e-?mail)\b[^.]{0,200}\b(merg(e|es|ed|ing|er|ers)|acquisitions?|acquir\w*|"
            r"bankrupt\w*|successor|change (in|of) (ownership|control))\b",
        ),
        "If the company is involved in a merger, acquisition, bankruptcy or sale of its assets, personal "
        "information may be transferred to the buyer or successor.",
        needs_base=False,
    ),
    # "Do they keep my card number?" asks whether it is stored: "we may ask you for card
    # information" says it is collected, not kept.
    "card_storage": QuestionSense(
        "payment",
        "whether it keeps your card number",
        _rx(  # "how long do they keep my card information?" asks for a period: retention's
            r"^(?!.*\bhow long\b).*\b(keep|keeps|kept|store|stores|stored|save|saves|saved|retain\w*|hold|holds)\b"
            r"[^?]{0,40}\bcards?\b",
            r"^(?!.*\bhow long\b).*\bcards?\b[^?]{0,30}\b(on file|stored|saved|kept|retained)\b",
        ),
        _rx(r"\b(stor(e|es|ed|ing)|retain\w*|keep|keeps|kept|sav(e|es|ed|ing)|hold|holds|on file)\b"),
        "The company stores or keeps credit card numbers or payment card details, or does not store them.",
    ),
    # "Can they guarantee my data is 100% secure?" is answered by what the policy promises or disclaims
    # ("no transmission is ever fully secure": no), not by "we take reasonable steps".
    "security_guarantee": QuestionSense(
        "security",
        "whether it guarantees that your data is secure",
        _rx(
            r"\b(guarantee\w*|promise\w*|warrant\w*|100 ?%|100 percent|completely|totally|fully|perfectly|absolutely|"
            r"entirely)\b[^?]{0,30}\b(secur\w*|safe\w*|protected|unhackable)\b",
            r"\b(secur\w*|safe)\b[^?]{0,20}\b(guaranteed|100 ?%|completely|totally|perfectly|absolutely)\b",
            r"\b(guarantee\w*|promise\w*)\b[^?]{0,40}\b(hack\w*|breach\w*|leak\w*|stolen)\b",
        ),
        _rx(SECURITY_DISCLAIMER.pattern, r"\b(guarantee\w*|absolute security|error[- ]free)\b"),
        "No method of transmission over the Internet or electronic storage is completely secure; we cannot "
        "guarantee absolute security of your information.",
        needs_base=False,
    ),
    # A specific measure or object is answered by a clause naming it: "Do they encrypt my data?"
    # is not answered by "we use reasonable safeguards", nor "web beacons?" by a cookie clause.
    "encryption": QuestionSense(
        "security",
        "whether it encrypts your data",
        _rx(
            r"\bencr[a-z]{0,4}t\w*",  # and as typed: "encrpyt"
            r"\bend[- ]to[- ]end\b",
            r"\b(ssl|tls)\b",
            r"\bscrambl\w*",  # in plain words: "scrambled so nobody can snoop", "locked so only I can read it"
            r"\block(ed|s)?\b[^?]{0,30}\b(only|nobody|no one)\b",
        ),
        _rx(r"\b(encrypt\w*|cryptograph\w*|ssl|tls|end[- ]to[- ]end)\b"),
        "Personal information is encrypted in transit or at rest, with SSL/TLS or other encryption.",
        drops=("collection",),  # "is what I type scrambled so nobody can read it?" collects nothing
        needs_base=False,
    ),
    "breach_notification": QuestionSense(
        "security",
        "whether it tells you about a data breach",
        _rx(
            r"\b(tell|notify|inform|alert|warn|let \w+ know|contact)\w*\b[^?]{0,60}"
            r"\b(breach\w*|hack\w*|leak\w*|stolen|exposed|compromised|security incidents?|"
            r"(someone|somebody|anyone|a stranger|strangers) (\w+ )?(logs?|logged|signs?|signed|gets?|got|breaks?) in(to)?)\b",
            r"\b(breach\w*|hack\w*|leak\w*|stolen|steal\w*|exposed|compromised|break\w* in(to)?|broke in(to)?)\b[^?]{0,60}"
            r"\b(tell|notify|inform|alert|warn|let \w+ know)\w*\b",
        ),
        _rx(  # a breach, and telling someone of it
            r"\b(breach\w*|security incidents?|compromis\w*|hack\w*)\b[^.;]{0,120}\b(notif\w*|inform(s|ed|ing)?|tell|alert(s|ed|ing)?|notice)\b",
            r"\b(notif\w*|inform(s|ed|ing)?|tell|alert(s|ed|ing)?|notice)\b[^.;]{0,120}\b(breach\w*|security incidents?|compromis\w*|hack\w*)\b",
        ),
        "If there is a data breach or security incident affecting personal information, users are notified.",
        drops=("collection",),  # "warn me if somebody logs into my account" collects nothing
        needs_base=False,
    ),
    "certification": QuestionSense(
        "security",
        "whether it holds security or compliance certifications (ISO 27001, SOC 2, HIPAA and the like)",
        _rx(r"\b(certif\w*|iso ?\d{4,5}|soc ?[123]|pci|hipaa|fedramp|accredit\w*|audited)\b", r"\biso\b"),
        _rx(r"\b(certif\w*|iso ?\d{4,5}|soc ?[123]|pci|hipaa|fedramp|accredit\w*|audit\w*)\b"),
        "The company or its infrastructure is certified or audited to a security standard such as ISO 27001, "
        "SOC 2, PCI DSS or HIPAA.",
        needs_base=False,
    ),
    "two_factor": QuestionSense(
        "security",
        "whether it offers two-factor authentication",
        _TWO_FACTOR,
        _TWO_FACTOR,  # asked and answered in the same words
        "Accounts are protected by two-factor or multi-factor authentication.",
        drops=("collection",),  # "for logging in" is no collection question
        needs_base=False,
    ),
    # "Will they compensate me if they leak my data?" is not answered by how they protect it.
    "compensation": QuestionSense(
        "security",
        "whether it compensates you for a breach",
        _rx(r"\b(compensat\w*|reimburs\w*|damages|refund\w*|liab(le|ility))\b", r"\bpay (me|us|you)\b"),
        _rx(r"\b(compensat\w*|reimburs\w*|damages|refund\w*|liab(le|ility)|indemnif\w*)\b"),
        "The company compensates users or accepts liability for damages after a data breach.",
    ),
    "tracking_pixels": QuestionSense(
        "cookies",
        "whether it uses web beacons or tracking pixels",
        _rx(r"\b(web ?beacons?|beacons?|pixels?|pixel tags?|clear gifs?|web bugs?)\b"),
        _rx(r"\b(web ?beacons?|beacons?|pixels?|pixel tags?|clear gifs?|web bugs?)\b"),
        "Web beacons, pixel tags, clear GIFs or tracking pixels in pages and emails.",
    ),
    # "How long do their cookies last?" asks how long a cookie lives, not how long data is kept.
    "cookie_duration": QuestionSense(
        "cookies",
        "how long its cookies last",
        _rx(
            r"\bhow long\b[^?]{0,40}\bcookies?\b",
            r"\bcookies?\b[^?]{0,40}\b(last|lasts|expire\w*|expiry|remain|stay|stays|persist\w*|duration|lifetime)\b",
        ),
        _rx(
            r"\b(expire\w*|expiry|expiration|session|persistent|permanent|temporary|duration|lifetime|lifespan|"
            r"across visits|until you (close|delete|clear))\b",
            r"\b\d+\s+(minutes?|hours?|days?|weeks?|months?|years?)\b",
        ),
        "Session cookies expire when you close your browser; persistent cookies remain on your device for a set "
        "period, such as days, months or years.",
        drops=("retention",),  # a cookie's life, not how long your data is kept
    ),
    # "Do third parties track me?" is answered by a clause on others' cookies and trackers (or a
    # denial of them), not by one on the site's own cookies.
    "third_party_tracking": QuestionSense(
        "cookies",
        "whether third parties track you with cookies or similar technologies",
        _rx(
            r"\b(third[- ]part\w*|other (companies|sites|websites)|outside companies|advertisers?|ad networks?|facebook|google)\b"
            r"[^?]{0,40}\b(cookies?|track\w*|pixels?|beacons?)\b",
            r"\b(cookies?|track\w*|pixels?|beacons?)\b[^?]{0,40}\b(third[- ]part\w*|other (companies|sites|websites)|outside companies)\b",
        ),
        _rx(
            r"\bthird[- ]part\w*",
            r"\b(facebook|google|twitter|linkedin|doubleclick)\b",
            r"\b(advertising|analytics|marketing) (partners?|providers?|networks?|companies|services)\b",
            r"\bpartners?\b",
            r"\b(these|those|such|social( media)?|third[- ]party) (widgets?|plug-?ins?|buttons?)\b",  # others' widgets
        ),
        "Third parties such as advertising networks, analytics providers and social media widgets place cookies, "
        "pixels or other tracking technologies to collect information about your activity.",
    ),
    "precise_location": QuestionSense(
        "location",
        "whether it collects your precise (GPS) location",
        _rx(r"\b(gps|precise|exact|real[- ]time)\b"),
        _rx(r"\b(gps|precise|geo-?locat\w*|latitude|longitude|satellite|exact)\b"),
        "Precise geolocation of the device from GPS, latitude and longitude.",
    ),
    "data_protection_officer": QuestionSense(
        "contact",
        "whether it has a data protection officer",
        _rx(r"\b(data protection officer|dpo|privacy officer|chief privacy officer)s?\b"),
        _rx(r"\b(data protection officer|dpo|privacy officer|chief privacy officer)s?\b"),
        "The company has appointed a data protection officer (DPO) or privacy officer, and how to reach them.",
        drops=("security",),  # "data protection" names an office here, not a security measure
        needs_base=False,
    ),
    "law_enforcement": QuestionSense(
        "sharing",
        "whether it gives your data to law enforcement or the government",
        _rx(r"\b(police|law enforcement|government\w*|public authorit\w*|subpoena\w*|court orders?|warrants?)\b"),
        _rx(
            r"\b(law enforcement|police|government\w*|authorit(y|ies)|subpoena\w*|court orders?|warrants?|legal process|"
            r"judicial|regulators?|required by law|comply with (any )?(applicable )?(laws?|legal))\b"
        ),
        "Personal information is disclosed to law enforcement, government authorities or courts when required by "
        "law, subpoena or legal process.",
        drops=("international_transfer",),  # "to the US government" names who gets it, not where it goes
    ),
    "right_to_object": QuestionSense(
        "legal_rights",
        "whether you can object to its processing of your data",
        _rx(r"\bobject(s|ing)?\s+to\b", r"\bobjections?\b", r"\bright to object\b"),
        _rx(r"\bobject(s|ed|ing)?\s+to\b", r"\bobjections?\b", r"\bright to object\b"),
        "Users have the right to object to the processing of their personal information, such as for direct "
        "marketing or legitimate interests.",
        needs_base=False,
    ),
    "automated_decisions": QuestionSense(
        "legal_rights",
        "whether it makes automated decisions about you or profiles you",
        _rx(
            r"\bautomat\w*\b.{0,30}\bdecisions?\b",
            r"\bprofiling\b",
            r"\bprofiles? (me|you|users|people)\b",
            r"\b(computers?|algorithms?|machines?|software|ai)\b[^?]{0,80}\bdecisions?\b",
            r"\bsize (me|you|us|people) up\b",
        ),
        _rx(r"\bautomat\w* (decision|processing)\w*", r"\bprofiling\b"),
        "Automated decision-making and profiling based on personal information, including decisions with legal "
        "or similarly significant effects.",
        drops=("marketing_optout",),  # "profiling the kind I can opt out of" asks whether it profiles
        needs_base=False,
    ),
    "data_controller": QuestionSense(
        "contact",
        "which company is the data controller",
        _rx(r"\b(data )?controllers?\b"),
        _rx(r"\bcontrollers?\b"),
        "The company that is the data controller responsible for personal information, and its identity and "
        "contact details.",
        needs_base=False,
    ),
    "outside_complaint": QuestionSense(
        "contact",
        "whether you can take a complaint to someone outside the company (a data protection authority, a regulator or "
        "an independent dispute resolution body)",
        _rx(
            r"\b(complain\w*|escalat\w*|disputes?|report (them|it|this))\b[^?]{0,120}\b(outside|independent|external|"
            r"regulators?|authorit(y|ies)|government|ombuds\w*|agenc(y|ies)|watchdogs?|bod(y|ies)|third[- ]party)\b",
            r"\b(data protection|supervisory) authorit(y|ies)\b",
            r"\bombuds\w*",
        ),
        _rx(
            r"\b(supervisory|data protection|regulatory) authorit(y|ies)\b",
            r"\blodge a complaint\b",
            r"\bdispute resolution\b",
            r"\bbinding arbitration\b",
            r"\bombuds\w*",
        ),
        "You have the right to lodge a complaint with a data protection authority or supervisory authority, or to "
        "refer an unresolved complaint to an independent dispute resolution provider.",
        drops=("security",),  # "data protection" names an authority here, not a security measure
        needs_base=False,
    ),
    # Someone acting for you: "Can I use an authorized agent to make a privacy request?"
    "authorized_agent": QuestionSense(
        "access_deletion",
        "whether someone you authorise can make a request for you",
        _rx(
            r"\bauthori[sz]ed agents?\b",
            r"\bpower of attorney\b",
            r"\b(agent|lawyer|attorney|someone( else)?|representative|family member)\b[^?]{0,40}\bon (my|your|our) behalf\b",
        ),
        _rx(
            r"\bauthori[sz]ed agents?\b",
            r"\bpower of attorney\b",
            r"\bagents?\b[^.;]{0,15}\bauthori[sz]ed\b[^.;]{0,30}\bon (your|their|a consumer'?s) behalf\b",
        ),
        "You may designate an authorized agent to make a request on your behalf, with your written permission.",
        drops=("staff_access",),  # an agent acting for you, not the company's support agents
        needs_base=False,
    ),
    # A representative in the EU or the UK (GDPR Article 27) is a role a clause must name.
    "eu_representative": QuestionSense(
        "contact",
        "whether it has appointed a representative in the EU or the UK",
        _rx(r"\b(eu|e\.u\.|uk|european|union|article 27|art\. 27)\b[^?]{0,40}\brepresentatives?\b"),
        _rx(
            r"\b(eu|uk|european union|union|article 27|art\. 27)\b[^.;]{0,40}\brepresentatives?\b",
            r"\brepresentatives? (in|for) the (eu|european union|uk|united kingdom)\b",
        ),
        "We have appointed a representative in the European Union and the United Kingdom under Article 27 GDPR.",
        drops=("international_transfer", "legal_rights"),
        needs_base=False,
    ),
    # California's right to limit the use of sensitive personal information.
    "limit_sensitive": QuestionSense(
        "legal_rights",
        "whether you can limit its use of your sensitive personal information",
        _rx(r"\bright to limit\b", r"\blimit\b[^?]{0,40}\bsensitive\b"),
        _rx(r"\bright to limit\b", r"\blimit\b[^.;]{0,60}\bsensitive\b"),
        "You have the right to limit the use and disclosure of your sensitive personal information.",
        drops=("collection",),  # "limit the use of" asks for the right, not what is collected
        needs_base=False,
    ),
    "postal_address": QuestionSense(
        "contact",
        "what its postal address is",
        _rx(
            r"\b(postal|mailing|street|physical|office|snail[- ]?mail)\s+address\b|\bheadquarter\w*|\bhq\b",
            r"\bwhere (is|are) (they|it|the company)\b[^?]{0,15}\b(located|based|headquartered|registered)\b",
            r"\b(what('s| is)|give me) (their|its|the company'?s|they'?s?) address\b",
            r"\bmail (them|it|a letter|a request|my request)\b",
        ),
        re.compile(f"{STREET.pattern}|{POSTCODE.pattern}"),  # capitals matter: "Königsallee 106", "40215 Düsseldorf"
        "You may also write to us at our postal address: Privacy Officer, Street, City, Postcode, Country.",
        drops=("international_transfer",),  # where the company is, not where your data goes
        needs_base=False,
    ),
    # "Can employees read my messages?" is answered by a clause on who at the company may look at
    # content ("staff may view it only to fix a problem"), not by one on collecting it.
    "staff_access": QuestionSense(
        "security",
        "whether people at the company (employees, staff or administrators) can read or view your content",
        _rx(
            r"\b(employees?|staff|humans?|people|personnel|workers?|engineers?|admins?|administrators?|account owners?|"
            r"support (team|agents?|staff)|agents?|techs?|technicians?|someone|anyone|a person|"
            + _EMPLOYER
            + r")\b[^?.]{0,40}"
            r"\b(read|see|view|look|looks|looking|access|listen|watch|go through|snoop|review|monitor)\b",
            # whoever asks it: "will they go thru my personal files once they're in?"
            r"\b(go|going|look|looking|dig|digging|rummag\w*|snoop\w*)\s+(through|thru|around in)\b[^?]{0,30}"
            r"\b(files?|folders?|documents?|photos?|emails?|messages?|stuff)\b",
        ),
        _rx(
            r"\b(employees?|staff|humans?|personnel|admins?|administrators?|account owners?|agents?|support (team|staff))\b"
            r"[^.;]{0,80}\b(access\w*|view\w*|read|reads|see|review\w*|look\w*|listen\w*|monitor\w*|search\w*)\b",
            r"\b(access\w*|view\w*|read|review\w*|look\w*|listen\w*|monitor\w*)\b[^.;]{0,60}"
            r"\bby (our |its )?(employees?|staff|humans?|personnel|admins?|administrators?|account owners?|agents?)\b",
        ),
        "Employees, staff, account administrators or other people at the company access, read or view users' "
        "content, messages, emails and files, and the cases in which they may.",
        drops=("collection", "security", "access_deletion"),  # someone else seeing my data is not my right to see it
        needs_base=False,
    ),
    # "How many days do they have to answer my request?" is answered by a clause giving a period for
    # responding, not by one describing the right: without such a period the policy does not say.
    "response_time": QuestionSense(
        "access_deletion",
        "how long it takes to respond to your request",
        _rx(
            r"\bhow (many days|many weeks|long|quickly|soon|fast)\b[^?]{0,60}\b(respond|reply|replies|answer|"
            r"get back|act(?: on)?\b|fulfil+|complete|deal with)\w*",
            # "process" or "handle" asks about a request only with one: "how long do they hold the data they
            # process" asks how long data is kept
            r"\bhow (many days|many weeks|long|quickly|soon|fast)\b[^?]{0,60}\b(process|handle)\w*\b[^?]{0,30}\brequests?\b",
            r"\b(respond|reply|answer|process|handle|get back)\w*\b[^?]{0,40}\bwithin (how|what)\b",
            r"\bwithin (how|what)\b[^?]{0,60}\b(respond|reply|answer|process|handle|get back|act)\w*",
        ),
        _rx(
            r"\b(respond|response|reply|replies|process|fulfil+|complete|answer|acknowledge|comply|complies)\w*\b[^.;]{0,80}"
            r"\bwithin\b[^.;]{0,30}"
            r"\b(\d+|one|two|three|four|five|ten|fifteen|thirty|forty-five|sixty|ninety)\b",
            r"\b(\d+|thirty|forty-five|sixty|ninety)\s*(calendar |business |working )?(days?|weeks?|months?)\b[^.;]{0,60}"
            r"\b(respond|response|reply|process|fulfil+|complete)\w*",
        ),
        "We will respond to your request to access, correct or delete your personal information within 30 days.",
        drops=("retention",),  # "how long do they take to answer" is not how long data is kept
        needs_base=False,
    ),
    "request_fee": QuestionSense(
        "access_deletion",
        "whether it charges a fee for your requests",
        _rx(
            r"\b(charg(e|es|ed|ing)|fees?|cost|costs|pay|paid|free|money)\b[^?]{0,40}\b(ask|asking|requests?|cop(y|ies)|access\w*|delet\w*|"
            r"rights?|my (data|info\w*))\b",
            r"\b(requests?|cop(y|ies)|access\w*)\b[^?]{0,40}\b(charg(e|es|ed|ing)|fees?|cost|costs|free)\b",
        ),
        # a fee for a request: "(free of charge)" beside a dispute resolution provider is no answer
        _rx(rf"\b{_FEE}\b[^.;]{{0,80}}\b{_A_REQUEST}\b", rf"\b{_A_REQUEST}\b[^.;]{{0,80}}\b{_FEE}\b"),
        "We do not charge a fee to process or respond to your request to access or delete your personal "
        "information, unless it is excessive or repetitive.",
        drops=("retention",),
        needs_base=False,
    ),
    # Taking your data with you: answered by a clause on export, a copy or portability, not by "you may
    # update or change the personal information you have provided".
    "portability": QuestionSense(
        "access_deletion",
        "whether you can export or get a copy of your data",
        _rx(r"\b(export\w*|download\w*|portab\w*|(a|get a|obtain a|receive a) cop(y|ies) of)\b"),
        _rx(
            r"\b(export\w*|download\w*|portab\w*|cop(y|ies) of|machine[- ]readable|structured, commonly used)\b",
        ),
        "You can export or download a copy of your personal information in a portable, machine-readable format.",
    ),
    # "Will they tell me when the policy changes?" is answered yes only by notice that reaches you;
    # a revised policy posted on the site answers it in part.
    "change_notice": QuestionSense(
        "policy_changes",
        "whether it tells you when it changes the policy",
        _rx(
            r"\b(tell|notify|inform|warn|let (me|us|you) know|e-?mail|heads[- ]up|alert|know)\w*\b[^?]{0,60}\b(chang|updat|modif|revis|amend|rewrit)\w*",
            r"\b(chang|updat|modif|revis|amend|rewrit)\w*\b[^?]{0,60}\bwithout (first )?(tell|notif|inform|warn|notice|e-?mail|ask)\w*",
        ),
        _rx(  # how the change is made known: notice, or posting for users to find
            r"\b(notif\w*|notice|e-?mail\w*|inform\w*|tell|alert\w*|announc\w*|post\w*|publish\w*|check back|last updated)\b"
        ),
    ),
    # "Can I turn off cookies?" asks whether the policy lets you refuse them, not whether it uses them:
    # a clause on disabling, refusing or opting out of cookies answers it, one on using them does not.
    "cookie_choice": QuestionSense(
        "marketing_optout",
        "whether you can refuse or turn off its cookies",
        _rx(
            r"\b(opt\w*[- ]?out|disabl\w*|turn\w* off|switch\w* off|block\w*|refus\w*|reject\w*|declin\w*|delet\w*|"
            r"clear\w*|remov\w*|avoid\w*|manag\w*|say no)\b[^?]{0,40}\b(cookies?|trackers?|tracking|pixels?)\b",
            r"\b(cookies?|trackers?|tracking)\b[^?]{0,30}\b(optional|opt\w*[- ]?out|disabl\w*|turn\w* off|block\w*|refus\w*|"
            r"reject\w*)\b",
            r"\bwithout (accepting |allowing |enabling |any |the )?(cookies?|trackers?|tracking)\b",
        ),
        _rx(
            r"\b(disabl|refus|reject|declin|block|delet|remov|turn\w* off|opt\w*[- ]?out|manag|adjust)\w*\b[^.;]{0,60}"
            r"\b(cookies?|tracking technolog\w*|web beacons?)\b",
            r"\b(cookies?|tracking technolog\w*)\b[^.;]{0,80}\b(disabl|refus|reject|declin|block|turn\w* off|opt\w*[- ]?out)\w*",
            r"\bcookie (settings?|preferences?|banner|consent)\b",
            r"\b(consent|permission)\b[^.;]{0,60}\b(cookies?|tracking technolog\w*)\b",
        ),
        "You can refuse, disable, block or delete cookies through your browser settings, and opt out of tracking and "
        "advertising cookies.",
        drops=("cookies", "collection"),
        needs_base=False,
    ),
    # "Can I sign in with Google?" is answered by a clause on logging in through another account.
    "social_sign_in": QuestionSense(
        "collection",
        "whether you can sign in with another account (Google, Facebook, LinkedIn)",
        _rx(
            r"\b(sign|log)(ging|s)?[- ]?(in|on|into|up)\b[^?]{0,40}\b(google|facebook|linkedin|microsoft|apple|twitter|github|"
            r"social|openid|sso|single sign)",
            r"\b(google|facebook|linkedin|microsoft|apple|twitter|github)\b[^?]{0,20}\b(log-?in|sign-?in)\b",
        ),
        _rx(
            r"\b(federated|single sign[- ]on|sso|openid|open id|facebook connect|sign[- ]in services?)\b",
            r"\b(log|sign)[- ]?(in|on)\b[^.;]{0,80}\b(using|with|via|through)\b[^.;]{0,40}\b(google|facebook|linkedin|"
            r"microsoft|apple|twitter)\b",
        ),
        "You can log in using a federated authentication or single sign-on provider such as Google, Facebook, "
        "LinkedIn or Microsoft.",
        drops=("collection", "sharing"),
        needs_base=False,
    ),
    "marketing_messages": QuestionSense(
        "marketing_optout",
        "whether you can opt out of its marketing messages",
        _rx(
            r"\b(e-?mail(s|ing)?|newsletters?|promo\w*|marketing|messag(es?|ing)|text(s|ing)?|sms|call(s|ing)?|mailings?|spam|offers)\b"
        ),
        _rx(
            r"\b(e-?mails?|newsletters?|promo\w*|marketing|messages?|communications?|texts?|sms|calls?|mailings?)\b",
            r"\b(unsubscrib\w*|offers|advertis\w*|solicitations?)\b",
        ),
    ),
}


# Privacy laws and frameworks a question or a clause can name, by their short names.
_LAWS: dict[str, re.Pattern[str]] = {
    "GDPR": _rx(r"\bgdpr\b", r"\bgeneral data protection regulation\b"),
    "CCPA": _rx(r"\b(ccpa|cpra)\b", r"\bcalifornia (consumer privacy|privacy rights) act\b"),
    "Shine the Light": _rx(r"\bshine the light\b", r"\bcivil code (section |§ ?)?1798\.83\b"),
    "CalOPPA": _rx(r"\bcaloppa\b", r"\bcalifornia online privacy protection act\b"),
    "COPPA": _rx(r"\bcoppa\b", r"\bchildren['’]?s online privacy protection act\b"),
    "HIPAA": _rx(r"\bhipaa\b", r"\bhealth insurance portability\b"),
    "PIPEDA": _rx(r"\bpipeda\b"),
    "LGPD": _rx(r"\blgpd\b"),
    "Privacy Shield": _rx(r"\bprivacy shield\b"),
}


def named_laws(text: str) -> set[str]:
    """The privacy laws and frameworks a text names ("GDPR", "CCPA", ...)."""
    return {law for law, pattern in _LAWS.items() if pattern.search(text)}


# Kinds of recipient a question may name after "with" or "to" (after OPP-115's third-party
# entities), each with how clauses name it: "Does Zopim share my data with data brokers?" is
# answered by a clause naming brokers, not by "we share it with service providers".
_RECIPIENTS: dict[str, tuple[str, re.Pattern[str]]] = {
    "affiliates": (
        r"affiliat\w*|subsidiar\w*|sister compan\w*|parent compan\w*|group compan\w*",
        _rx(
            r"\b(affiliat\w*|subsidiar\w*|parent compan\w*|holding compan\w*|group compan\w*|member of (our|its) group|"
            r"corporate family|related (compan|entit)\w*|(our|group|corporate|inc\.?) entit(y|ies)|under common (control|ownership))\b"
        ),
    ),
    "service providers": (
        r"service providers?|vendors?|contractors?|subcontractors?|(data )?processors?|suppliers?|outsourc\w*",
        _rx(
            r"\b(service providers?|vendors?|contractors?|subcontractors?|(data )?processors?|suppliers?|outsourc\w*|"
            r"on (our|its) behalf|perform\w* (certain )?(business[- ]related )?(functions|services))\b"
        ),
    ),
    "data brokers": (r"(data |list )?brokers?|data resellers?", _rx(r"\b(brokers?|resell\w*|data aggregators?)\b")),
    "other users": (
        r"other (users?|customers?|people|members?|participants?|visitors?)|the public",
        _rx(
            r"\b(other (users?|customers?|members?|participants?|visitors?)|publicly|(made|make|makes|become|becomes) public|"
            r"public (areas?|forums?|profiles?|posts?|spaces?|blogs?)|visible to)\b"
        ),
    ),
    "your employer": (
        _EMPLOYER,
        _rx(r"\b(employers?|account owners?|(account )?administrators?|admins?|your organi[sz]ation)\b"),
    ),
}
_RECIPIENT_ASKED = {
    kind: re.compile(
        r"\b(with|to)\s+((my|our|their|its|the|any|other|third[- ]party|outside)\s+)*(" + asked + r")\b", re.IGNORECASE
    )
    for kind, (asked, _named) in _RECIPIENTS.items()
}


# A kind of recipient as the one who sees the data: "Can my boss see my chats?".
_VIEWER_ASKED = {
    kind: re.compile(
        r"\b(" + asked + r")\b[^?.]{0,30}\b(see|read|view|access|look at|go through|monitor|watch|snoop)\b",
        re.IGNORECASE,
    )
    for kind, (asked, _named) in _RECIPIENTS.items()
}


def named_recipients(question: str) -> list[str]:
    """The kinds of recipient a question asks about ("with their affiliates", "can my boss see"): ["affiliates"]."""
    return [
        kind
        for kind in _RECIPIENT_ASKED
        if _RECIPIENT_ASKED[kind].search(question) or _VIEWER_ASKED[kind].search(question)
    ]


def names_party(party: str, text: str) -> bool:
    """Whether a text names a party: a kind of recipient by any of its names, anyone else by name."""
    if party in _RECIPIENTS:
        return _RECIPIENTS[party][1].search(text) is not None
    return re.search(r"\b" + re.escape(party) + r"\b", text, re.IGNORECASE) is not None


def practice_description(name: str) -> str:
    """The words policies use for a practice (a question-only one's own, else its base practice's)."""
    sense = QUESTION_ONLY.get(name)
    if sense is not None and sense.description:
        return sense.description
    return PRACTICES[base_practice(name)].description


def base_practice(name: str) -> str:
    """The taxonomy practice behind a question-only one (itself for taxonomy practices)."""
    return QUESTION_ONLY[name].base if name in QUESTION_ONLY else name


# Specific practices outrank the general ones they imply when both match.
_QUESTION_ORDER: tuple[str, ...] = (
    "do_not_track",
    "sale",
    "biometric",
    "location",
    "payment",
    "children",
    "advertising",
    "retention",
    "access_deletion",
    "marketing_optout",
    "legal_rights",
    "international_transfer",
    "policy_changes",
    "contact",
    "security",
    "cookies",
    "sharing",
    "collection",
)


_KINDS_OF_DATA = frozenset(
    {
        "children",
        "children_data",
        "children_deletion",
        "payment",
        "biometric",
        "location",
        "precise_location",
        "collection",
    }
)
_SAFE = re.compile(r"\b(safe|secure|protected)\b", re.IGNORECASE)
_SELL_OR_SHARE = re.compile(
    r"\b(sell|sells|selling|sold|rent|rents)\b\s*(,|or|and|/|and/or)\s*(share|shares|sharing|disclose|disclosing|give|"
    r"pass|hand)\b|\b(share|shares|sharing|disclose|give|pass|hand)\b\s*(,|or|and|/|and/or)\s*(sell|sells|selling|rent)\b",
    re.IGNORECASE,
)
_TOLD = re.compile(
    r"\b(told|tell|notif\w*|inform(s|ed|ing)?|warn\w*|notice|heads[- ]up|let (me|us) know|e-?mail (me|us))\b",
    re.IGNORECASE,
)
_ASKS_A_RIGHT = re.compile(
    r"\b(can|could|may|how)\b[^?]{0,30}\b(i|we|parents?)\b[^?]{0,40}\b(delet\w*|eras\w*|remov\w*|correct\w*|wip(e|ed)|purg\w*)\b",
    re.IGNORECASE,
)


_A_RIGHT_OVER_DATA = re.compile(
    r"\b(delet\w*|eras\w*|remov\w*|wip(e|ed)|purg\w*|cop(y|ies)|export\w*|download\w*|correct\w*|fix|updat\w*|portab\w*)\b",
    re.IGNORECASE,
)
_ENCRYPTED_EVEN = re.compile(r"\beven\b[^?]{0,30}\bencrypt|\b(if|when|though)\b[^?]{0,30}\bencrypt", re.IGNORECASE)


def practices_in_question(question: str) -> list[str]:
    """Return the practices a user question asks about, most specific first; [] if none.

    >>> practices_in_question("Do they hand my info to advertisers?")
    ['advertising', 'sharing']
    """
    found = [name for name in _QUESTION_ORDER if _QUESTION_PATTERNS[name].search(question)]
    # "how long do they keep my stuff" is retention, not where it is stored; "where do
    # they keep my data" is location of storage, not how long.
    if "retention" in found and "international_transfer" in found:
        drop = "international_transfer" if re.search(r"\bhow long\b", question, re.I) else "retention"
        found.remove(drop)
    # A deletion question asked through "how long after I delete" or "once I close my account, when is
    # my data wiped" is about retention.
    if (
        "retention" in found
        and "access_deletion" in found
        and re.search(r"\bhow (long|soon)\b|\bwhen (is|are|will|does|do|would)\b", question, re.I)
    ):
        found.remove("access_deletion")
    # "If I close my account, can I get my data deleted?" asks for the right, whenever it is asked.
    if "retention" in found and "access_deletion" in found and _ASKS_A_RIGHT.search(question):
        found.remove("retention")
        found.insert(1, "retention")
    # A narrower way of asking (kids' data, training AI, a business sold...) takes its base's place.
    for name, sense in QUESTION_ONLY.items():
        if (sense.base in found or not sense.needs_base) and sense.asked.search(question):
            found = [name if n == sense.base else n for n in found if n not in sense.drops]
            if name not in found:
                found.append(name)
    # "Would I be told if the company is sold?" asks for notice of the sale, not what happens to the data.
    if "business_transfer" in found and _TOLD.search(question):
        found[found.index("business_transfer")] = "transfer_notice"
    # "Can I get my kid's data deleted?" asks for a right over data, whatever kind of data it is.
    if "access_deletion" in found and found[0] in _KINDS_OF_DATA and _ASKS_A_RIGHT.search(question):
        found.remove("access_deletion")
        found.insert(0, "access_deletion")
    # "Are my payment details safe with them?" asks about security, whatever kind of data it is about.
    if "security" in found and found[0] in _KINDS_OF_DATA - {"children", "children_data"} and _SAFE.search(question):
        found.remove("security")
        found.insert(0, "security")
    # "Is IPC Email end-to-end encrypted so that IPC cannot see our email data?" asks about encryption: seeing the
    # data is what it keeps from others, not a right asked for.
    if "encryption" in found and "access_deletion" in found and not _A_RIGHT_OVER_DATA.search(question):
        found.remove("encryption")
        found.insert(found.index("access_deletion"), "encryption")
    # "Can my admin read my emails, even the encrypted ones?" asks who can read them: encryption only qualifies it.
    if "staff_access" in found and "encryption" in found and _ENCRYPTED_EVEN.search(question):
        found.remove("staff_access")
        found.insert(0, "staff_access")
    # "third party ad/tracking cookies" asks who tracks you, whatever for: the cookies are the subject.
    if "third_party_tracking" in found and "advertising" in found and re.search(r"\bcookies?\b", question, re.I):
        found.remove("third_party_tracking")
        found.insert(0, "third_party_tracking")
    # "Do Not Track" contains "track": it is not a cookies/collection question too.
    if "do_not_track" in found:
        found = [n for n in found if n not in ("cookies", "collection")]
    # Deleting or reaching an account is not "contact"; a sale of data implies sharing.
    if "sale" in found and "sharing" not in found:
        found.append("sharing")
    # "Do they sell or share my data?" is answered by sharing, which a sale is one kind of: a "no" to
    # selling is no answer to sharing.
    elif found[:1] == ["sale"] and "advertising" not in found and _SELL_OR_SHARE.search(question):
        found.remove("sharing")
        found.insert(0, "sharing")
    return found


# Register of policy clauses. Kept to stems and phrases general to privacy policies.
_TEXT_LEXICON: dict[str, tuple[str, ...]] = {
    "collection": (
        r"\b(we|us|company|site|app|services?)\b[^.;:]{0,40}\b(collect|gather|obtain|receive|record|log|store|process)\w*",
        r"\b(collect|gather|obtain)(s|ed|ing)?\b",
        r"\binformation (that )?(you|we) (provide|submit|give|enter)",
        r"\b(we|may) (use|process|analy[sz]e)\b[^.]{0,60}\b(information|data)\b",
        r"\b(use|uses|using) (of )?(your|this|such|the|personal|that) (personal )?(information|data)\b",
        r"\b(ip address|log files?|browser type|device (identifier|information|id)|usage data)\b",
        r"\b(register|registration|sign up|create an account)\b",
        r"\b(use|uses|used|using)\b[^.;]{0,100}\bto (train|improve|develop|build)\b",
        r"\btrain\w*\b[^.;]{0,40}\b(models?|algorithms?|artificial intelligence|ai|machine learning)\b",
    ),
    "cookies": (
        r"\bcookies?\b",
        r"\bweb ?beacons?\b",
        r"\bpixel( tags?)?s?\b",
        r"\bclear gifs?\b",
        r"\btracking technolog\w*",
        r"\blocal storage\b",
        r"\bflash (cookies|lsos?)\b",
        r"\bgoogle analytics\b",
        r"\banalytics (services?|providers?|tools?)\b",
        r"\bsdks?\b",
        # tracking in the words of California's disclosure: "your online activities over time and across different websites"
        r"\b(online|browsing) (activit\w*|behaviou?r|movements)\b[^.;]{0,40}\b(over time|across)\b",
    ),
    "sharing": (
        r"\b(share|shares|shared|sharing|disclose|discloses|disclosed|disclosure|transfer|transfers|transferred)\b",
        r"\bthird[- ]part(y|ies)\b",
        r"\b(other|outside|unaffiliated|non-?affiliated) (parties|companies|organi[sz]ations|businesses|entities)\b",
        r"\b(give|gives|provide|provides|pass|passes|send|sends|transmit|furnish)\b[^.]{0,30}\b(your|their|users'?) (name|e-?mail|contact|personal|information|data)",
        r"\b(service providers?|vendors?|contractors?|affiliates?|subsidiaries|business partners?|partners|sponsors?)\b",
        r"\b(law enforcement|subpoena|court order|legal process|government (authorit|agenc)\w*)\b",
        r"\b(merger|acquisition|bankruptcy|reorgani[sz]ation)\b",
        r"\b(provide|give|make available|release)\w*\b[^.]{0,60}\bto (them|other|outside|any|third|our partners)\b",
    ),
    "sale": (
        r"\b(sell|sells|selling|sold)\b",
        r"\bsale of (your |personal |any )?(personal )?(data|information)\b",
        r"\b(rent|rents|renting|rented|lease|leases|trade|trades|swap|swaps)\b[^.]{0,50}\b(information|data|lists?|addresses)\b",
        r"\bdo not sell\b",
        r"\b(considered|deemed|treated as|constitutes?|qualif\w* as) (a |an )?[\"']?(sale|selling)\b",
    ),
    "advertising": (
        r"\badvertis\w*",
        r"\bads\b",
        r"\bad (networks?|servers?|partners?|serving|compan\w*)\b",
        r"\b(interest|behaviou?r)[- ]?based\b",
        r"\b(targeted|personali[sz]ed) (ads|advertising|content|offers)\b",
        r"\b(re-?marketing|retargeting)\b",
        r"\bnetwork advertising initiative\b",
    ),
    "do_not_track": (r"\bdo[- ]not[- ]track\b", r"\bdnt\b", r"\bglobal privacy control\b"),
    "retention": (
        # "we retain the services of contractors" hires; it keeps no data.
        r"\bretain\w*(?!\s+(the )?(services|counsel|outside|contractors|agenc|firms?|compan))",
        # "the collection, use and retention of data" lists topics; it states no period.
        r"(?<!, )(?<!and )(?<!or )\bretention\b",
        r"\b(keep|kept|store|stored|maintain\w*)\b[^.]{0,60}\b(as long as|for (a|the) period|until|for \d+|days|months|years|indefinitely)\b",
        r"\bas long as (necessary|needed|required|reasonably)",
        r"\b(delete|destroy|purge|erase|anonymi[sz]e)\w*\b[^.]{0,40}\b(after|within|once)\b",
        r"\b(keep|keeps|kept|store|stored|maintain|maintains|hold|holds)\b[^.;]{0,20}\b(a )?(record|copy|copies|log|logs|archive|backup)s?\b",
        r"\b(backup|archiv)\w*\b[^.;]{0,40}\b(copies|systems?|media|period)\b",
        r"\b(not|never) (be )?(deleted|removed|erased|purged)\b",
        r"\b(delet|remov|eras|purg|destroy)\w*\b[^.;]{0,40}\bfrom (our|its|their) (servers?|systems?|records|databases?|files)\b",
        r"\b(period|length of time)\b[^.;]{0,30}\b(retain|keep|store|hold)\w*",
        r"\b(remain|persist)\w*\b[^.;]{0,40}\b(with us|even (if|after|when)|after (you|your))\b",  # "may remain even after you"
    ),
    "access_deletion": (
        r"\b(you|users?|members?|customers?)\b[^.]{0,40}\b(can|may|might|could|are able to|have the (right|ability|option) to)\b[^.]{0,30}\b(access|review|update|correct|amend|edit|change|modify|delete|remove)\w*\b",
        r"\b(access|review|update|correct|amend|edit|delete|remove)\w*\b[^.]{0,20}\b(your|their)\b[^.]{0,20}\b(personal )?(information|data|profile|account)\b",
        r"\b(right|request)s? (to )?(access|correct|rectif|delete|erase|erasure|deletion)\w*",
        r"\b(deactivat|clos|delet|cancel)\w* (your|their) (account|profile|registration)\b",
        r"\baccount settings\b",
        r"\bportab\w*",
        r"\b(correction|deletion)\b",
        r"\b(delet|remov|eras|correct|updat|access)\w*\b[^.;]{0,30}\b(information|data|records|details|everything|anything)\b[^.;]{0,15}\b(about|on|of) you\b",
        r"\b(request access to|correct|amend|edit|delet|remov|eras|rectif|export|download)\w*\b[^.;]{0,40}"
        r"\b(personal (information|data)|(the|your|such|any|all) (personal )?(information|data|details|records))\b",
        r"\b(a )?cop(y|ies) of (your|the|any|all) (personal )?(information|data|records)\b",
        r"\b(ask|instruct|request|tell|direct|want|wish|need|require)\w* us to (delete|remove|erase|correct|update|amend|stop)\b",
        # requests sent elsewhere: "you will be directed to contact the related customer ... for assistance with any requests"
        r"\b(direct(ed)?|contact)\b[^.;]{0,60}\b(the|that|applicable|related|relevant) (\w+ ){0,2}customer\b[^.;]{0,80}\brequests?\b",
    ),
    "children": (
        r"\b(child|children|kids|minors?|teens?|teenagers?|coppa)\b",
        r"\bunder (the age of )?(13|16|18|thirteen|sixteen|eighteen)\b",
        r"\b(13|16|18|thirteen) years (of age|old)\b",
        r"\b(1[0-9]|thirteen|sixteen|eighteen)\s+(years\s+(of age|old)\s+)?or older\b",
        r"\bparent(s|al)?\b",
        r"\bminimum age\b",
    ),
    "security": (
        # "security" as protection, not "national security", "social security" or "for security purposes".
        # "secure" as a measure, not a place ("log into secure areas of the site").
        r"\bsecur(e|ed|ing|ely)\b(?!\s+(areas?|pages?|parts?|portions?|sections?|sites?|log-?ins?)\b)",
        r"(?<!national )(?<!social )\bsecurity\b(?!\s+(purposes?|reasons?|numbers?|requirements?))",
        r"\bencrypt\w*",
        r"\b(ssl|tls)\b|\bhttps\b(?!://)",  # a link's "https://" secures nothing
        r"\bsafeguards?\b",
        r"\bfirewalls?\b",
        r"\bunauthori[sz]ed (access|use|disclosure)\b",
        r"\b(protect|safeguard)\w*\b[^.]{0,40}\b(information|data)\b",
    ),
    "international_transfer": (
        r"\b(transfer\w*|stor(e|es|ed|ing)|process(es|ed|ing)?|host(s|ed|ing)?|located)\b[^.]{0,60}"
        r"\b(countr(y|ies)|abroad|jurisdictions?|outside|united states|u\.s\.|europe\w*)\b",
        r"\b(european (economic area|union)|eea|privacy shield|safe harbou?r|standard contractual clauses)\b",
        r"\b(international|cross-border) (transfers?|users|visitors)\b",
        r"\b(visit|access|use)\w*\b[^.]{0,30}\bfrom outside\b",
        r"\b(countr(y|ies)|jurisdictions?) (other than|outside)\b",
    ),
    "policy_changes": (
        r"\b(chang|updat|modif|revis|amend)\w*\b[^.]{0,40}\b(this|our|the) ([\w-]+ )?(privacy )?(policy|statement|notice)\b",
        r"\b(policy|statement|notice)\b[^.]{0,30}\b(may|will|might) (be )?(chang|updat|modif|revis|amend)\w*",
        r"\b(material|significant) changes?\b",
        r"\b(policy|statement|notice) (revisions?|changes?|updates?|amendments?)\b",
        r"\bchanges? (to|in) (this|our|the) [\w ]{0,20}(policy|statement|notice)\b",
    ),
    "contact": (
        r"\bcontact (us|our|the)\b",
        r"\b(questions?|comments?|concerns?|complaints?)\b[^.]{0,60}\b(contact|email|e-mail|write|call|send)\b",
        r"\b(data protection officer|privacy officer|dpo)\b",
        r"\b[\w.+-]+@[\w-]+\.[\w.]+\b",
        r"\blodge a complaint\b",
    ),
    "payment": (
        r"\b(credit|debit) card\w*",
        r"\bpayment\w*",
        r"\bbilling\b",
        r"\bcard (number|details)\b",
        r"\bbank account\b",
        r"\bfinancial information\b",
        r"\bpurchase (history|information)\b",
    ),
    "marketing_optout": (
        r"\bopt(s|ed|ing)?[- ]?(out|in)\b",
        r"\bunsubscrib\w*",
        r"\b(disable|refuse|reject|decline|block|delete|turn off)\w*\b[^.]{0,30}\bcookies\b",
        r"\bbrowser settings?\b",
        r"\bwithdraw\w* (your )?consent\b",
        r"\b(marketing|promotional) (e-?mails?|communications?|messages?|materials?)\b",
        r"\b(no longer|do not|don't) (wish|want) to receive\b",
        r"\bdo[- ]not[- ]call\b",
        r"\b(your|user) choices?\b",
        r"\byou (may|can|might|are able to|have the (option|choice|ability) to)( \w+)? (choose|elect|decline|refuse|disable|adjust|manage|limit|select|prevent|block|turn)\b",
        r"\b(decline|refuse|choose not|elect not) to (provide|submit|give|share|supply|receive|participate)\b",
        r"\b(opt(ed)?[- ]?in(to)?|(you|users?) (consent|agree)s? to|with your (prior |express )?(consent|permission))\b",
        r"\b(manage|update|change|adjust|set) (your )?(\w+ )?(preferences|settings)\b",
        r"\b(digital advertising alliance|youradchoices|aboutads|network advertising initiative|ad choices)\b",
    ),
    "legal_rights": (
        r"\b(gdpr|ccpa|cpra|general data protection regulation|california consumer privacy act)\b",
        r"\bcalifornia (residents?|civil code|law|privacy rights)\b",
        r"\bshine the light\b",
        r"\bnevada residents?\b",
        r"\b(legal|lawful) basis\b",
        r"\bsupervisory authority\b",
        r"\b(eea|european economic area|european union|switzerland|united kingdom|the uk)\b[^.;]{0,80}\brights\b",
    ),
    "biometric": (
        r"\bbiometric\w*",
        r"\bface (geometry|recognition|scans?|prints?|templates?)\b",
        r"\bfacial (recognition|geometry|features|scan\w*)\b",
        r"\bfinger ?prints?\b",
        r"\bvoice ?prints?\b",
        r"\b(iris|retina)( scans?)?\b",
    ),
    "location": (
        r"\bgeo-?locat\w*",
        r"\blocation (data|information|services|based)\b",
        r"\bgps\b",
        r"\b(precise|approximate|physical|device'?s?|general|coarse) location\b",
        r"\blatitude\b",
        r"\byour location\b",
    ),
}

_TEXT_PATTERNS: dict[str, re.Pattern[str]] = {name: _rx(*parts) for name, parts in _TEXT_LEXICON.items()}

# A merger or sale of the business is a transfer of data, not a sale of it.
_CORPORATE_SALE = re.compile(
    r"\b(sale|sell\w*|sold)\b[^.;]{0,40}\b(assets?|business(es)?|compan(y|ies)|stock|shares|all or (a )?part|substantially all|division|unit)\b"
    r"|\b(merger|acquisition|bankruptcy|reorgani[sz]ation|divestiture)\b",
    re.IGNORECASE,
)


def corporate_transaction(text: str) -> bool:
    """Whether `text` mentions a merger, acquisition or sale of the business."""
    return _CORPORATE_SALE.search(text) is not None


# Wording that lets a clause state a practice without being a strong enough cue to
# tag a paragraph with it: whether an advertiser "receives" data decides a sharing
# verdict, but a passing mention of advertisers does not make a paragraph about sharing.
_MENTION_EXTRA: dict[str, re.Pattern[str]] = {
    "sharing": _rx(
        r"\b(advertis(ers?|ing (networks?|compan\w+|partners?))|ad (networks?|servers?|partners?|compan\w+)|marketers?)\b",
        r"\bmarketing (partners?|compan\w+|agenc\w+|services? compan\w+)\b",
        r"\b(have|has|gain|get|given|provide) access to\b",
        r"\b(google|facebook|twitter|doubleclick)\b",
        r"\b(on (our|its|their) behalf|agents?|processors?)\b",
        r"\b(publicly|the public|other users|other members|others)\b",
        r"\b(release[sd]?|forward\w*|made available)\b",
        r"\bmak(e|es|ing)\b[^.;]{0,40}\bavailable\b",
        r"\b(companies|organi[sz]ations|firms) (that|who|which) (provide|perform|help|assist)\b",
        r"\b(sell|sells|selling|sold|rent|rents|rented|renting)\b",
        r"\b(give|gives|giving|grant\w*)\b[^.;]{0,40}\baccess\b",
        r"\boutside (company|party|organi[sz]ation|business|firm)\b",
    ),
}


def mentions(practice: str, text: str) -> bool:
    """Whether `text` speaks to `practice` by the clause lexicon."""
    sense = QUESTION_ONLY.get(practice)
    if sense is not None:  # a sense whose own words imply its base needs only its own words
        if sense.requires is not None and not sense.needs_base:
            return sense.requires.search(text) is not None
        return mentions(sense.base, text) and (sense.requires is None or sense.requires.search(text) is not None)
    if practice == "sale":
        return _sale_of_data(text)
    if _TEXT_PATTERNS[practice].search(text) is not None:
        return True
    extra = _MENTION_EXTRA.get(practice)
    return extra is not None and extra.search(text) is not None


# Selling is about data only when data is what is sold: "help our customers sell
# more" is business, "we do not sell it" (it being data) or "your information will
# never be sold" is a sale of data.
_SOLD_DATA = re.compile(
    r"\b(information|info|data|pii|personal|lists?|addresses|e-?mails?|names?|details|records|profiles?|"
    r"identifiers?|anything about you|it|them)\b",
    re.IGNORECASE,
)
_SALE_OBJECT_AFTER = re.compile(r"^[^.;:!?\n]{0,70}?" + _SOLD_DATA.pattern, re.IGNORECASE)
_NOUN_OBJECT_AFTER = re.compile(r"^[^,.;:!?\n]{0,70}?" + _SOLD_DATA.pattern, re.IGNORECASE)
# "the right to opt out of sale" names a right; it states no practice.
_SALE_RIGHT = re.compile(r"\b(opt[- ]?out of|right to)\s+(the\s+)?$", re.IGNORECASE)
_PASSIVE_SALE = re.compile(r"^(sold|rented|leased|traded|swapped|sale|for sale)$", re.IGNORECASE)
_DATA_BEFORE = re.compile(
    r"\b(information|info|data|pii|lists?|addresses|e-?mails?|names?|details|records|profiles?|identifiers?|it|they)\b"
    r"[^.;:!?\n]{0,60}$",
    re.IGNORECASE,
)
_SALE_QUALIFIED = re.compile(r"\b(considered|deemed|treated as|constitutes?|qualif\w* as)\b", re.IGNORECASE)


def sells_data(text: str, start: int, end: int) -> bool:
    """Whether the selling word at `text[start:end]` sells data, not a business or products."""
    if _CORPORATE_SALE.search(text, max(0, start - 60), end + 60):
        return False
    word = text[start:end].lower()
    if (
        word.startswith(("sale of", "do not sell"))
        or _SALE_QUALIFIED.match(word)
        or _SALE_QUALIFIED.search(text, max(0, start - 30), start)
    ):
        return True
    if _SALE_RIGHT.search(text, max(0, start - 30), start):
        return False
    after = _NOUN_OBJECT_AFTER if word == "sale" else _SALE_OBJECT_AFTER
    if after.match(text[end : end + 90]):
        return True
    return bool(
        (_PASSIVE_SALE.match(word) or re.match(r"\s+(to|with)\b", text[end : end + 6]))
        and _DATA_BEFORE.search(text, max(0, start - 80), start)
    )


def _sale_of_data(text: str) -> bool:
    return any(sells_data(text, m.start(), m.end()) for m in _TEXT_PATTERNS["sale"].finditer(text))


# A paragraph usually speaks to one practice and mentions others in passing ("we
# protect your data" in a sharing paragraph). Categories are scored by their cue
# count; the cues of the two broad categories (collection/use, third parties) are
# everyday policy words, so they count half. The strongest category is kept, others
# only if they reach this share of its score.
_MINOR_SHARE = 0.6
_CATEGORY_WEIGHT: dict[str | None, float] = {FIRST_PARTY: 0.5, THIRD_PARTY: 0.5}


# Tagging scans every chunk with every lexicon at ingest. The lexicons are written in lower
# case, so on lowercased text the same patterns compiled without IGNORECASE count the same
# cues, 1.7x faster.
_LOWER_PATTERNS: dict[str, re.Pattern[str]] = {name: re.compile(p.pattern) for name, p in _TEXT_PATTERNS.items()}


def _cue_count(practice: str, lowered: str) -> int:
    cues = [m.span() for m in _LOWER_PATTERNS[practice].finditer(lowered)]
    if practice == "sale" and not any(sells_data(lowered, start, end) for start, end in cues):
        return 0
    return len(cues)


def tag_text(text: str) -> tuple[str, ...]:
    """Return the practices a clause or paragraph speaks to, in `PRACTICES` order."""
    lowered = text.lower()
    counts = {name: _cue_count(name, lowered) for name in PRACTICES}
    by_category: dict[str | None, float] = {}
    for name, n in counts.items():
        category = PRACTICES[name].opp115
        by_category[category] = by_category.get(category, 0.0) + n * _CATEGORY_WEIGHT.get(category, 1.0)
    top = max(by_category.values())
    if top == 0:
        return ()
    return tuple(name for name, n in counts.items() if n and by_category[PRACTICES[name].opp115] >= _MINOR_SHARE * top)


def opp115_categories(practices: Iterable[str]) -> list[str]:
    """Return the distinct OPP-115 categories of `practices`, in first-seen order."""
    seen: list[str] = []
    for name in practices:
        category = PRACTICES[name].opp115
        if category is not None and category not in seen:
            seen.append(category)
    return seen
