"""Verdicts decided from what clauses say, never from how the question is worded.

`clause_verdict` reads one clause (a sentence, table row or paragraph) and says
whether it affirms, denies or qualifies a practice; `decision` turns ranked clauses
into one verdict and names the clause that decided it.

Conventions:

* Action practices (sale, sharing, advertising, cookies, collection, biometric,
  location, payment): "yes" means the company does it (hedges such as "we may
  share" count as yes), "no" means the clause says it does not, "partial" means a
  denial carrying an exception that names a case ("except to our payment
  processor", "unless required by law") or a qualification ("we do not sell in the
  conventional sense ... may be considered a sale"). A clause reports its own stance:
  a denial whose exception only points elsewhere ("except as described below / in
  Section 4 / in this policy") is "no", and `decision` turns it into "partial" when a
  lower-ranked clause affirms. A denial gated only on your consent ("we will not
  share it without your permission") stays "no": by default it does not happen.
  "We share it only in the following cases:" or "only with our processor" is "yes";
  "only if/when ..." holds it to conditions and is "partial", as "not unless ..." is.
* Selling needs data as its object ("sell your information", "it is never sold"):
  "help merchants sell more" and "the right to opt out of sale" are not sales.
* Descriptive practices (retention, children, contact, security,
  international_transfer, policy_changes, access_deletion, marketing_optout,
  do_not_track, legal_rights): "yes" means the policy states the practice, right or
  mechanism; "partial" means only vague or general criteria (retention "as long as
  necessary" without a period) or a right you exercise only through someone else ("if
  a customer requests that we remove data on their behalf"); "no" means it says it
  does not ("we do not respond to Do Not Track signals", "we do not offer a way to
  delete"). An age policy such as "not directed to children under 13" is "yes" for
  `children`: it addresses it.
* A merger, acquisition or "sale of assets" is not a sale of personal data:
  `clause_verdict("sale", ...)` returns None for clauses that only mention those.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal, NamedTuple

from assistant.practices import (
    DELETING,
    PRACTICES,
    QUESTION_ONLY,
    SECURITY_DISCLAIMER,
    base_practice,
    mentions,
    sells_data,
)
from assistant.types import Verdict

ClauseVerdict = Literal["yes", "no", "partial"]

ACTION_PRACTICES = frozenset(
    {"sale", "sharing", "advertising", "cookies", "collection", "biometric", "location", "payment"}
    | {"children_data", "ai_training", "business_transfer", "tracking_pixels", "precise_location", "staff_access"}
    | {"automated_decisions", "third_party_tracking", "card_storage", "request_fee"}
)

_I = re.IGNORECASE

# --- Negation ---------------------------------------------------------------

_NEGATION = re.compile(r"\b(not|never|no|none|neither|nor|cannot|without|refrain\w*|prohibit\w*)\b|n't\b", _I)
# Phrases whose "not"/"no" does not negate the company's action.
_NOT_NEGATION = re.compile(
    r"\bdo[- ]not[- ]track\b|\bnot only\b|\bwhether or not\b|\bno longer\b|\bnot limited to\b"
    r"|\bno (later|more|less|fewer) than\b|\bif not\b|\bwithout limitation\b|\bno matter\b"
    r"|\bwithout (your|the|their|a|prior|express|explicit|affirmative)?\s*(prior |express |explicit |affirmative |written )?"
    r"(consent|permission|authori[sz]ation|approval|agreement)\b"
    # Disclaimers deny responsibility, not the practice: "we have no control over
    # the third parties' use", "we are not responsible for their collection".
    r"|\b(no|not|cannot|can't|never)\s+(be\s+|been\s+)?(held\s+)?(responsible|liable|accountable|control\w*|endorse\w*)\b",
    _I,
)
# What a technology cannot do denies nothing the company does: "cookies cannot be used
# to run programs or deliver viruses" is read without the phrase.
_CAPABILITY = re.compile(
    r"\b((cookies?|web beacons?|beacons?|pixels?|pixel tags?|tags|text files?|scripts?)\s+)(cannot|can't|can not)\s+be\s+used\s+to\b",
    _I,
)
# A verb joined to the one before it ("do not sell, rent or give") shares its negation.
_COORDINATED = re.compile(r"(,|\bor|\bnor|\band|\band/or)\s*(otherwise\s+|also\s+|in any way\s+)?$", _I)
# A condition on the user ("if you do not want us to share...") is not the company
# denying anything; drop it up to the next comma.
_USER_CONDITION = re.compile(r"\b(if|unless|when|should|in case)\s+(you|users?|visitors?|the user)\b[^,;]*", _I)
_CLAUSE_BREAK = re.compile(
    r"[;:!?]|\.(?=\s|$)|\s[-\u2013\u2014]\s|,?\s+\b(but|however|although|though|whereas|while|yet)\b"
    r"|,\s*(and|or)\s+(we|our|they|you|it|these|those|such)\b",
    _I,
)
# "We use first-party cookies and do not use third-party cookies": for a question on a narrower
# case of a practice (third parties' cookies, web beacons, precise location), the denial joined by
# "and" is a clause of its own. For the practice itself (cookies) the sentence still reads as the
# affirmation it opens with.
_CLAUSE_OR_DENIAL_BREAK = re.compile(
    _CLAUSE_BREAK.pattern + r"|\s+and\s+(?=(do|does|did|will|would|shall|may|can|could)\s+not\b|never\b)", _I
)


def _narrower_case(practice: str | None) -> bool:
    sense = QUESTION_ONLY.get(practice or "")
    return sense is not None and sense.needs_base and sense.requires is not None


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\n+")

_EXCEPTION = re.compile(
    r"\b(except|excepting|unless|other than|apart from|save (for|as)|with the exception of|excluding|"
    r"outside of the|only (with|to|when|if|as|for|in)|only (do|does|did) (so|this|that|it)|beyond those|aside from)\b",
    _I,
)
# Inside an exception, words that only point elsewhere in the policy or to the user's
# own say-so. Once they are removed, any word left names a case where the practice
# happens ("except to our payment processor", "unless required by law").
_POINTER = re.compile(
    r"\b(?:otherwise\s+)?(?:described|set (?:forth|out)|noted|outlined|explained|disclosed|stated|detailed|specified|"
    r"listed|provided|permitted|indicated|mentioned|identified|discussed|contemplated|explained)\b"
    r"|\b(?:in|within|under|by|throughout|of|see)\s+(?:this|our|the|these|that|its)\s+(?:[\w-]+\s+){0,3}"
    r"(?:policy|policies|statement|notice|section|sections|paragraph|document|agreement|terms)\b"
    r"|\b(?:in|under|see)\s+(?:section|paragraph|part|clause)s?\s+[\w.()-]+"
    r"|\b(?:below|above|herein|hereunder|hereafter|elsewhere|following|later)\b",
    _I,
)
_CONSENT_PHRASE = re.compile(
    r"\b(?:with|upon|after|given|at|by|have|has|had|obtain\w*|receiv\w*|get|gets|got|first)\s+(?:your|their|the user'?s?|users'?)\s+(?:[\w-]+\s+){0,2}"
    r"(?:consent|permission|authori[sz]ation|approval|agreement|direction|request|instruction|choice|option|opt-?in)s?\b"
    r"|\b(?:you|users?)\s+(?:have\s+|has\s+|had\s+)?(?:first\s+|otherwise\s+)?(?:\w+ly\s+)?"
    r"(?:consent|agree|authori[sz]e|permit|approve|request|direct|instruct|ask|opt(?:ed)?[- ]?in|choose|elect|allow|tell)\w*"
    r"(?:\s+(?:us|it|so))?(?:\s+(?:to|in)\b)?"
    r"|\b(?:to|for|of)\s+(?:such|this|that|the|any such)\s+(?:disclosure|sharing|transfer|use|sale)\b"
    # what you asked for is your say-so too: "as necessary to provide you communications ... that you requested"
    r"|\b(?:as\s+)?(?:necessary|needed|required)\s+to\s+(?:provide|send|deliver)\b[^.;]{0,60}\b(?:you|that you)\s+"
    r"(?:have\s+)?(?:requested|asked for|signed up for|ordered)\b",
    _I,
)
_EXCEPTION_FILLER = frozenset(
    """
    except excepting unless other than apart from save with exception of excluding outside aside beyond
    those only as or and nor if when where we us our it is are be been being has have may might will
    would can could must otherwise in to the a an such this that these those cases case circumstances
    circumstance ways way situations purposes instances limited certain specific specifically expressly
    explicitly prior express explicit written first so for by also any all set forth out here there
    where noted further one apply applies applicable example e g i ie eg
    """.split()
)
_WORD = re.compile(r"[a-z]+", _I)


def _names_a_case(exception: str) -> bool:
    """Whether an exception names a case itself rather than pointing elsewhere or to consent."""
    rest = _CONSENT_PHRASE.sub(" ", _POINTER.sub(" ", exception))
    return any(w.lower() not in _EXCEPTION_FILLER for w in _WORD.findall(rest))


# An affirmation held to conditions: "only if/when/where ..." (a list lead-in such as "only in the
# following situations:" or a recipient, "only with our courier", states when or to whom it happens).
_ONLY_IF = re.compile(r"\bonly\b[^.;:]{0,60}\b(if|when|where|unless)\b", _I)
# A practice held to something the user must have or do: "Support for end-to-end encryption requires IPC Email
# users to have added a device".
_PRECONDITION = re.compile(
    r"\brequir(e|es|ed|ing)\b[^.;]{0,60}\bto (have|be|use|enable|turn on|opt in|install|add)\b|\bprovided that\b", _I
)
# An affirmation on your say-so ("if you have given us your approval, we may store your card"):
# beside a denial, in its own passage, it is the denial's exception.
_ON_YOUR_SAY_SO = re.compile(
    r"\b(your|their)\s+(prior\s+|express\s+|explicit\s+|written\s+)?(consent|permission|approval|authori[sz]ation|opt-?in)\b",
    _I,
)


def has_a_precondition(text: str) -> bool:
    """Whether the text holds something to what the user must have or do ("requires users to have added a device")."""
    return _PRECONDITION.search(text) is not None


def on_your_say_so(text: str) -> bool:
    """Whether the text makes something depend on your consent ("if you have given us your approval")."""
    return _ON_YOUR_SAY_SO.search(text) is not None


# A right exercised through someone else: "if a customer requests that we remove information on
# their behalf", "should direct his or her inquiry to the customer". You can have it done, not
# ask for it yourself.
_THROUGH_ANOTHER = re.compile(
    r"\bon\s+(their|its|his|her)\s+behalf\b"
    r"|\bdirect\s+(his|her|their|its|the)\s+(or\s+her\s+)?(query|queries|inquiry|inquiries|request|requests|questions?)\s+to\b",
    _I,
)

_QUALIFIER = re.compile(
    r"\bin the (conventional|traditional|ordinary|usual|common|classic) sense\b"
    r"|\bas (that term is |it is )?(traditionally|commonly|typically|usually|generally) (understood|defined|meant)\b"
    r"|\b(may|might|could|would) be (considered|deemed|treated|viewed|interpreted|regarded)\b"
    r"|\b(considered|deemed|constitute)\w* (a |an )?(\"|')?(sale|selling|sharing)\b"
    r"|\bunder (some|certain|applicable|state|california|various) ([\w ]{0,20})?laws?\b",
    _I,
)

# --- What counts as doing each practice ---------------------------------------

_THIRD = (
    r"(third[- ]part\w*|partners?|affiliates?|subsidiar\w*|service providers?|vendors?|advertisers?|sponsors?|"
    r"outside|other (companies|parties|organi[sz]ations|businesses|users|people|members|visitors)|others|the public|public(ly)?|"
    r"anyone|network|networks|google|facebook|authorities|law enforcement|agents?|contractors?|processors?|publishers?|"
    r"business(es)?|compan(y|ies)|organi[sz]ations?|entit(y|ies)|parties|marketers?)"
)
_ACTIONS: dict[str, re.Pattern[str]] = {
    "sale": re.compile(
        r"\b(sell|sells|selling|sold|sale|rent|rents|renting|rented|lease|leases|leased|trade|trades|traded|swap|swaps|lend|lends)\b",
        _I,
    ),
    "automated_decisions": re.compile(
        r"\b(engag\w*|use|uses|used|using|make|makes|made|making|conduct\w*|carr(y|ies|ied) out|perform\w*|rel(y|ies|ied) on|"
        r"subject\w*|profil(e|es|ed)|process(es|ed)?|employ\w*)\b",
        _I,
    ),
    "staff_access": re.compile(
        r"\b(access\w*|view\w*|read|reads|reading|see|sees|seen|review\w*|look\w*|listen\w*|monitor\w*|search\w*|allow\w*)\b",
        _I,
    ),
    "sharing": re.compile(
        r"\b(shar(e|es|ed)|disclos(e|es|ed|ing)|transfer(s|red|ring)?|sell|sells|selling|sold|rent(s|ed|ing)?|leas(e|es|ed|ing)|trad(e|es|ed|ing)|swap\w*|lend\w*|"
        r"distribut\w*|transmit\w*|reveal\w*|furnish\w*|releas\w*|provid\w*|giv(e|es|en|ing)|gave|pass(es|ed|ing)?|send|sends|sent|"
        r"make available|made available|mak(e|es|ing)(?=[^.;]{0,40}\bavailable\b)|forward\w*|"
        r"allow\w*|permit\w*|enabl\w*|access\w*|collect\w*|gather\w*|receiv\w*|obtain\w*|process\w*|combin\w*|track\w*|"
        r"place|places|placed|set|use|uses|used|using)\b",
        _I,
    ),
    "advertising": re.compile(
        r"\b(advertis\w*|ads?|market\w*|target\w*|serv(e|es|ed|ing)|display\w*|show\w*|shar(e|es|ed|ing)|disclos\w*|provid\w*|use|uses|used|using)\b",
        _I,
    ),
    "cookies": re.compile(
        r"\b(use|uses|used|using|place\w*|set|sets|setting|employ\w*|deploy\w*|store\w*|collect\w*|serv\w*|rely|relies|utili[sz]\w*)\b",
        _I,
    ),
}
_STRONG_SHARING = re.compile(
    r"shar(e|es|ed)|disclos(e|es|ed|ing)|transfer(s|red|ring)?|sell|sells|selling|sold|rent(s|ed|ing)?|trad(e|es|ed|ing)|swap\w*|"
    r"distribut\w*|reveal\w*|releas\w*|lend\w*|leas(e|es|ed|ing)",
    _I,
)
_HANDOVER = re.compile(
    r"provid\w*|giv(e|es|en|ing)|gave|pass(es|ed|ing)?|send|sends|sent|make available|made available|mak(e|es|ing)|"
    r"transmit\w*|furnish\w*|forward\w*",
    _I,
)
# What a handover verb hands over must be data: "we send offers to members" is not sharing.
_DATA_OBJECT = re.compile(
    r"\b(information|info|data|details|names?|e-?mail address(es)?|addresses|address|pii|identifiers?|records?|"
    r"profiles?|it|them|content|lists?|numbers?|history|location|ip)\b",
    _I,
)
# "share" as a noun ("the share feature", "a share button") states nothing.
_SHARE_NOUN = re.compile(r"\s+(feature|button|link|icon|tool|function\w*|widget|option)s?\b", _I)
_BY_USER = re.compile(
    r"\b(you|users?|visitors?|customers?|members?)\s+(\w+\s+){0,2}$|\b(you|users?)\s+(may\s+|can\s+)?(choose|wish|want|decide|elect)\s+to\s+$",
    _I,
)
# Headings and wh-phrases name the topic without stating anything.
_TOPIC_PHRASE = re.compile(
    r"\b(with whom|whom|who|what|which|how|when|why|where|information|data)\s+(do |does |will |may |might |can |we |they )*"
    r"(we|they|[A-Z][\w&.-]+)\s+(share|disclose|sell|transfer)\w*(\s+(your\s+)?(personal\s+)?(information|data))?(\s+(with|to))?(\s+\w+)?\s*[?:-]?",
    re.IGNORECASE,
)
_TO_USER = re.compile(r"[^.;]{0,25}\b(to you|you with|you (a|an|the|our|offers))\b|\s+(you|users)\b(?!r)", _I)
_CONSENT_GATE = re.compile(
    r"\b(ask|obtain|seek|get|request|receiv)\w*\s+(for\s+)?(your|their)\s+(\w+\s+)?(consent|permission)\s+(before|prior)\b|"
    r"\bonly\b[^.;]{0,40}\b(with|upon|after|if)\b[^.;]{0,20}\b(your|you|their)\b[^.;]{0,20}\b(consent|permission|authori[sz]ation|agree|approv)\w*",
    _I,
)
# Children asked as an action: whether the service takes their data or lets them in. An age
# floor ("designed for people at least 13 years old", "you must be 16 or older") and a
# clean-up promise ("if we learn we have collected data from a child, we delete it") both
# answer no: neither happens by design.
_CHILD_ACTIONS = re.compile(
    r"\b(collect\w*|gather\w*|obtain\w*|solicit\w*|receiv\w*|process\w*|use|uses|allow\w*|permit\w*|"
    r"direct\w*|target\w*|intend\w*|market\w*|design\w*|sign(s|ed)? up|register\w*|accept\w*|open|create)\b",
    _I,
)
_AGE_FLOOR = re.compile(
    r"\b(at least|over|older than|above)\s+(the age of\s+)?\d{1,2}\b|\b\d{1,2}\s+(years\s+(of age\s+)?|years old\s+)?or older\b"
    r"|\b(must|have to|need to)\s+be\s+(at least\s+)?\d{1,2}\b",
    _I,
)
# A child sent to a parent: "If you are under the age of 13 ... please have your parent or guardian do so on your behalf".
_PARENT_INSTEAD = re.compile(
    r"\b(have|ask|get|let)\s+(your|a|their|his|her)\s+parents?\b[^.;]{0,30}\b(do so|do it|on (your|their) behalf|for you)\b",
    _I,
)
_POSSESSIVE = re.compile(r"['\u2019]s?\s+$")
_IF_LEARNED = re.compile(
    r"\b(if|when|should)\b[^.;]{0,30}\b(learn|discover|become aware|find out|are notified|are made aware|have reason to believe)\w*",
    _I,
)
_ACTIONS["business_transfer"] = _ACTIONS["sharing"]  # what passes to a buyer is shared with it
_ACTIONS["third_party_tracking"] = re.compile(  # what others' cookies and trackers do
    r"\b(use|uses|used|using|place\w*|set|sets|setting|employ\w*|deploy\w*|store\w*|collect\w*|serv\w*|rely|relies|"
    r"utili[sz]\w*|track\w*|gather\w*|monitor\w*)\b",
    _I,
)
_ACTIONS["request_fee"] = re.compile(r"\b(charg(e|es|ed|ing)|fees?|pay|payment)\b", _I)
# "free of charge", "at no cost": no fee.
_FREE = re.compile(r"\b(free of charge|at no (cost|charge)|without (charge|cost)|no fee|(is|are|be) free)\b", _I)
_HANDLING = re.compile(
    r"\b(collect\w*|gather\w*|obtain\w*|receiv\w*|record\w*|log|logs|logged|stor(e|es|ed|ing)|process\w*|use|uses|used|using|"
    r"track\w*|access\w*|request\w*|ask\w*|captur\w*|scan\w*|keep|keeps|kept|retain\w*|sav(e|es|ed|ing)|require\w*|accept\w*|"
    r"shar(e|es|ed|ing)|disclos\w*|sell|sells|sold|infer\w*|derive\w*|analy[sz]\w*|monitor\w*|determin\w*|identif\w*)\b",
    _I,
)
# Verbs whose denial makes a descriptive practice "no".
_DESCRIPTIVE_ACTIONS: dict[str, re.Pattern[str]] = {
    "do_not_track": re.compile(
        r"\b(honou?r\w*|respond\w*|response|recogni[sz]\w*|support\w*|compl(y|ies)|process\w*|act on|acts on|take action|takes action|"
        r"alter\w*|change\w*|track\w*|obey\w*|follow\w*|respect\w*)\b",
        _I,
    ),
    "access_deletion": re.compile(
        r"\b(access\w*|delet\w*|correct\w*|updat\w*|edit\w*|remov\w*|eras\w*|export\w*|download\w*|review\w*|modify\w*|chang\w*|offer\w*|provid\w*|allow\w*|permit\w*)\b",
        _I,
    ),
    "marketing_optout": re.compile(
        r"\b(opt\w*|unsubscrib\w*|choos\w*|choice\w*|offer\w*|provid\w*|allow\w*|permit\w*|withdraw\w*|stop\w*|disabl\w*|refus\w*)\b",
        _I,
    ),
    "retention": re.compile(
        r"\b(retain\w*|keep|keeps|kept|stor(e|es|ed|ing)|maintain\w*|hold|holds|held|sav(e|es|ed))\b", _I
    ),
    "international_transfer": re.compile(
        r"\b(transfer\w*|stor(e|es|ed|ing)|process\w*|host\w*|sen[dt]|mov(e|es|ed))\b", _I
    ),
    "security": re.compile(r"\b(encrypt\w*|protect\w*|secur\w*|safeguard\w*|use|employ\w*|implement\w*)\b", _I),
}
_NOTHING = re.compile(r"(?!)")  # matches nothing: a practice with no verbs of its own
_RETENTION_SPECIFIC = re.compile(
    r"\b\d+\s*(-\s*)?(day|week|month|year|hour)s?\b|\b(one|two|three|four|five|six|seven|ten|twelve|eighteen|twenty|thirty|sixty|ninety)\s+(day|week|month|year)s?\b"
    r"|\buntil (you|your|the account|such time as you)\b|\bindefinitely\b|\bpermanently\b|\bimmediately\b|\bupon (your )?(request|deletion|account)\b",
    _I,
)
_RETENTION_VAGUE = re.compile(
    r"\bas long as\b|\b(reasonable|necessary|appropriate|limited) (period|time|amount of time)\b|\bno longer (necessary|needed|required)\b"
    r"|\b(as|where) (required|permitted|necessary|needed)\b|\bfor (the|a) period\b",
    _I,
)
_TABLE_CELLS = frozenset({"YES", "NO", "Yes", "No", "Y", "N", "\u2713", "\u2717", "X"})
_TABLE_YES = frozenset({"YES", "Y", "\u2713", "X"})
_ROW_KEY = re.compile(r"^(?:[A-Z0-9]{1,2}[.)]?\s+)")


def _negated(before: str) -> bool:
    """Odd count of negation cues in the last words before a verb (so double negatives cancel)."""
    before = _NOT_NEGATION.sub(" ", before)
    window = " ".join(before.split()[-(16 if _COORDINATED.search(before) else 8) :])
    return len(_NEGATION.findall(window)) % 2 == 1


def _clauses(text: str, coordinated_denials: bool = False) -> list[str]:
    pieces: list[str] = []
    breaks = _CLAUSE_OR_DENIAL_BREAK if coordinated_denials else _CLAUSE_BREAK
    for sentence in _SENTENCE.split(text):
        if sentence.rstrip().endswith("?"):
            continue  # a question or heading asks; it states nothing
        start = 0
        for m in breaks.finditer(sentence):
            pieces.append(sentence[start : m.start()])
            start = m.start() if m.group(0).strip(" ,").lower() not in {";", ":", "!", "?", "."} else m.end()
        pieces.append(sentence[start:])
    return [p for p in (p.strip() for p in pieces) if p]


def _table_verdict(practice: str | None, text: str) -> ClauseVerdict | None:
    verdicts: list[ClauseVerdict] = []
    for line in text.splitlines():
        # A row is a label followed by at least two yes/no cells; read from the end so
        # long prose lines cost one split.
        words = line.split()
        n = 0
        while n < len(words) and words[-1 - n] in _TABLE_CELLS:
            n += 1
        if n < 2 or n == len(words):
            continue
        label = _ROW_KEY.sub("", " ".join(words[:-n]))
        if not any(c.isalpha() for c in label):
            continue
        if practice not in (None, "collection") and not mentions(practice, label):
            continue
        verdicts.append("yes" if any(c.upper() in _TABLE_YES for c in words[-n:]) else "no")
    if not verdicts:
        return None
    return _combine(verdicts)


def _combine(verdicts: Sequence[ClauseVerdict]) -> ClauseVerdict:
    """All agree: that verdict; a denial next to an affirmation is a qualified answer."""
    kinds = set(verdicts)
    if kinds == {"yes"}:
        return "yes"
    if kinds == {"no"}:
        return "no"
    return "partial"


# Notice that reaches the user ("we will notify you", "by email", "a prominent notice"), not a
# revised policy posted on the site for them to check.
_NOTICE_TO_YOU = re.compile(
    r"\b(notify|notif(y|ies|ied|ying|ication)|inform|tell|alert|email|e-mail|send)\w*\b[^.;]{0,40}\b(you|users|members|customers)\b"
    # ("notice" as the policy's own name, "you accept the revised Privacy Notice", is no notice to you)
    r"|\b(you|users)\b[^.;]{0,40}\b(notified|informed|told|emailed|alerted|(?<!privacy )(?<!this )(?<!revised )notice)\b"
    r"|\b(by|via|through) (e-?mail|a (prominent |service )?(notice|announcement))\b|\b(advance|prominent) notice\b"
    r"|\b(provide|give|send)s? (you )?(a |with )?notice\b",
    _I,
)
_HEDGED_NOTICE = re.compile(r"\b(may|might|could|can)\s+(also\s+)?(notify|inform|tell|alert|e-?mail)\b", _I)
# Location known only roughly: "general location at a city or country level", "approximate location".
_ROUGH_LOCATION = re.compile(
    r"\b(general|approximate|coarse|rough|broad|imprecise|city|country|regional|state)[- ](level )?(location|geolocation|area|region)\b"
    r"|\blocation\b[^.;]{0,30}\b(at|to) (a |the )?(city|country|region|state|zip|postal)\b",
    _I,
)
_PRECISE_LOCATION = re.compile(r"\b(precise|exact|gps|latitude|longitude|real[- ]time)\b", _I)


def _action_polarity(practice: str, clause: str) -> tuple[ClauseVerdict, bool] | None:
    """Polarity of one clause for an action practice and whether its verb is a strong one.

    None if no verb of the practice is there. For sharing, "share/disclose/sell" or
    "give/provide ... to a third party" are strong; a third party that "uses" or
    "collects" something is weak evidence, outweighed by any strong statement.
    """
    clause = _TOPIC_PHRASE.sub(" ", clause)
    has_third = re.search(r"\b" + _THIRD + r"\b", clause, _I) is not None
    weak: ClauseVerdict | None = None
    if practice == "children_data":
        if _AGE_FLOOR.search(clause) or _IF_LEARNED.search(clause) or _PARENT_INSTEAD.search(clause):
            return "no", True
        for m in _CHILD_ACTIONS.finditer(clause):
            if not _POSSESSIVE.search(clause, max(0, m.start() - 4), m.start()):  # "their children's use" is a noun
                return _polarity_at(clause, m.start()), True
        return None
    if practice == "request_fee" and _FREE.search(clause):
        return "no", True
    for m in _ACTIONS.get(practice, _HANDLING).finditer(clause):
        strong = True
        if practice == "sharing":
            if _BY_USER.search(clause[max(0, m.start() - 12) : m.start()]):
                continue  # "information you provide" is collection, not sharing
            strong = _STRONG_SHARING.fullmatch(m.group(0)) is not None or (
                has_third and _HANDOVER.fullmatch(m.group(0)) is not None
            )
            if not (strong or has_third):
                continue
            if _HANDOVER.fullmatch(m.group(0)) and (
                _TO_USER.match(clause, m.end()) or not _DATA_OBJECT.search(clause, max(0, m.start() - 80), m.end() + 60)
            ):
                continue  # "send offers to you", "provide you with" hand nothing over
            if m.group(0).lower().startswith("share") and _SHARE_NOUN.match(clause, m.end()):
                continue
        if practice == "sale" and not sells_data(clause, m.start(), m.end()):
            continue
        verdict = _polarity_at(clause, m.start())
        rough = practice == "location" and _ROUGH_LOCATION.search(clause) and not _PRECISE_LOCATION.search(clause)
        if verdict == "yes" and rough:
            verdict = "partial"
        if strong:
            return verdict, True
        weak = weak or verdict
    return (weak, False) if weak else None


def _polarity_at(clause: str, start: int) -> ClauseVerdict:
    if _QUALIFIER.search(clause):
        return "partial"
    if _negated(clause[:start]):
        # The clause reports its own stance: a denial whose exceptions only point
        # elsewhere ("except as described below") or to consent is a denial; one
        # that names a case ("except to our payment processor") is qualified.
        for exception in _EXCEPTION.finditer(clause):
            scope = clause[exception.start() :].split(",", 1)[0]
            if _names_a_case(scope):
                return "partial"
        return "no"
    if _CONSENT_GATE.search(clause):
        # "we will only share it with your consent": by default it does not happen.
        return "no"
    if _ONLY_IF.search(clause):
        # "we only allow staff to view it if it is needed for security" is "we do not, unless ...".
        return "partial"
    return "yes"


def _descriptive_polarity(practice: str, clause: str) -> tuple[ClauseVerdict, bool]:
    """A descriptive practice's polarity in one clause, and whether the clause states it.

    A clause that only names the practice ("Do-Not-Track Requests.") states nothing of it.
    """
    if practice == "retention":
        actions = _DESCRIPTIVE_ACTIONS["retention"]
        for m in actions.finditer(clause):
            if _negated(clause[: m.start()]) and not _EXCEPTION.search(clause):
                return "no", True
            break
        if _RETENTION_SPECIFIC.search(clause):
            return "yes", True
        return "partial", True
    if practice == "security" and SECURITY_DISCLAIMER.search(clause):
        return "partial", True
    if practice == "do_not_track":
        clause = re.sub(r"\bdo[- ]not[- ]track\b", "DNT", clause, flags=_I)
    actions = _DESCRIPTIVE_ACTIONS.get(practice)
    if actions is not None:
        for m in actions.finditer(clause):
            if _negated(clause[: m.start()]):
                return "no", True
    if practice == "do_not_track" and not (actions and actions.search(clause)):
        return "partial", False
    if has_a_precondition(clause):
        return "partial", True  # "end-to-end encryption requires users to have added a device": only then
    return "yes", True


_USER_ADVICE = re.compile(
    r"\byou\s+(can|may|should|could|must|might)\b|\bwe\s+(recommend|suggest|advise|encourage|urge)\b|^please\b", _I
)
# A clause that points back to what the sentences before it named ("we do not honor these
# requests", "such signals"): it speaks to their practice without naming it.
_BACK_REFERENCE = re.compile(
    r"\b(these|those|such|said)\s+[a-z]"
    r"|\bthis\s+(?!(privacy|policy|notice|statement|website|site|section|page|agreement|document)\b)[a-z]",
    _I,
)


def clause_verdict(practice: str | None, text: str, context: str = "") -> ClauseVerdict | None:
    """Whether `text` affirms ("yes"), denies ("no") or qualifies ("partial") `practice`.

    Returns None when the text does not address the practice. With `practice=None`
    the polarity of the clause's data-handling statements is judged. `context` is what
    comes before the text (its section heading, its paragraph so far); see `stance`.
    """
    found = stance(practice, text, context)
    return None if found is None else found[0]


_DELETING = re.compile(DELETING, re.IGNORECASE)


def stance(practice: str | None, text: str, context: str = "") -> tuple[ClauseVerdict, bool] | None:
    """`clause_verdict`'s verdict, and whether the text states it rather than only naming the practice.

    A clause that names the practice with no verb of it (a heading, "Cookies") is taken as
    stating it, but weakly: a stated clause is the better evidence. When `context` names the
    practice, a clause pointing back to it ("we do not honor these requests") speaks to it
    through its own verb of the practice.
    """
    if practice is not None and base_practice(practice) not in PRACTICES:
        raise ValueError(f"unknown practice: {practice!r}")
    text = text.replace("\u2019", "'")  # "don’t" negates as "don't" does
    table = _table_verdict(practice, text)
    if table is not None:
        return table, True
    text = _CAPABILITY.sub(r"\1", text)
    named_here = practice is not None and mentions(practice, text)
    on_topic = practice is not None and bool(context) and mentions(practice, context)
    if practice is not None and not named_here and not (on_topic and _BACK_REFERENCE.search(text)):
        return None
    strong: list[ClauseVerdict] = []
    weak: list[ClauseVerdict] = []
    named: list[ClauseVerdict] = []
    for clause in _clauses(text, _narrower_case(practice)):
        clause = _USER_CONDITION.sub(" ", clause)
        referred = False
        if practice is not None and not mentions(practice, clause):
            if not (on_topic and _BACK_REFERENCE.search(clause)):
                continue
            referred = True
        if practice is not None and base_practice(practice) == "security" and _USER_ADVICE.search(clause):
            continue  # "you can use encryption tools": advice to the user, not the company's measure
        if practice is None or practice in ACTION_PRACTICES:
            found = _action_polarity(practice or "collection", clause)
            if found is not None:
                (strong if found[1] else weak).append(found[0])
        elif not referred or _DESCRIPTIVE_ACTIONS.get(base_practice(practice), _NOTHING).search(clause):
            verdict, stated = _descriptive_polarity(base_practice(practice), clause)
            # A revised policy posted for you to find is no notice to you, nor is one they "may" give.
            if (
                practice in ("change_notice", "transfer_notice")
                and verdict == "yes"
                and (not _NOTICE_TO_YOU.search(clause) or _HEDGED_NOTICE.search(clause))
            ):
                verdict = "partial"
            if practice == "security_guarantee" and SECURITY_DISCLAIMER.search(clause):
                verdict = "no"  # "no transmission is ever fully secure" guarantees nothing
            if practice == "children_deletion" and verdict == "yes" and not _DELETING.search(clause):
                verdict = "partial"  # "we will take appropriate measures to investigate and address the issue"
            if practice == "access_deletion" and verdict == "yes" and _THROUGH_ANOTHER.search(clause):
                verdict = "partial"  # a right you exercise through someone else ("how long to respond" still is "yes")
            (strong if stated else named).append(verdict)
    if strong or weak:
        return _combine(strong or weak), True
    if named:
        return _combine(named), False
    if practice is None or not named_here:
        return None
    if base_practice(practice) == "security":
        return None  # named only in the user's own condition or advice ("even if you do not encrypt your files")
    # The practice is named but no verb states or denies it (a "Cookies" notice, a
    # "third parties" section, "if you do not want us to share..."): naming it is
    # taken as stating it. Children named in passing ("parents should monitor their
    # children's use") say nothing of whether their data is taken.
    if practice == "children_data":
        return None
    if practice == "children_deletion" and not _DELETING.search(text):
        return "partial", False  # "... please contact us, and we will take appropriate measures to address the issue"
    return ("partial" if practice == "do_not_track" else "yes"), False


class Decision(NamedTuple):
    verdict: Verdict
    deciding: int | None  # the clause the verdict was read from (None: not stated)
    denial: int | None = None  # the denial the deciding clause qualifies, for a "partial" read that way


def decision(
    practice: str | None,
    clauses: Sequence[str],
    scores: Sequence[float] | None = None,
    margin: float = 0.1,
    contexts: Sequence[str] | None = None,
    chunks: Sequence[int] | None = None,
) -> Decision:
    """The overall verdict from ranked clauses (best first), the deciding clause's index and, for a
    denial made "partial" by the deciding clause, the denial's index.

    The best-ranked clause that addresses the practice decides, except that a denial
    followed by a lower-ranked affirmation or qualification becomes "partial", decided
    by that qualifying clause, and that a descriptive practice stated only vaguely
    ("as long as necessary") is "yes" when a lower-ranked clause states it plainly
    ("deleted from backups after 3 months"). With retrieval `scores`, only a qualification about as
    relevant as the first clause (within `margin`) counts: "we don't use your calls to train AI"
    is not qualified by a distant "we use your data for support". ("not_stated", None)
    when no clause addresses the practice. Clauses that only name the practice count only
    when none states it. `contexts` (one per clause) is what precedes each clause in its
    policy (see `stance`). With `chunks` (the chunk of each clause), a plain affirmation from
    the denial's own chunk does not qualify it: "We do not collect personal information through
    this tool. It gathers basic information about the system" is one statement. A qualification
    or an affirmation on your say-so from the denial's own chunk qualifies it however it ranks:
    "We do not store the card number. With your approval, we may store your card information"
    is a denial and its exception.
    """
    found = [stance(practice, clause, contexts[index] if contexts else "") for index, clause in enumerate(clauses)]
    stated = any(f is not None and f[1] for f in found)
    first: tuple[ClauseVerdict, int] | None = None
    for index, f in enumerate(found):
        if f is None or (stated and not f[1]):
            continue
        verdict = f[0]
        if first is None:
            first = (verdict, index)
            if verdict == "yes" or (verdict == "partial" and (practice is None or practice in ACTION_PRACTICES)):
                return Decision(verdict, index)
        elif first[0] == "partial":
            # A vague statement ("as long as necessary") is the whole answer only when no plain one
            # is about as relevant: "deleted from backups after 3 months" states the period.
            if verdict == "yes" and (scores is None or scores[index] >= scores[first[1]] - margin):
                return Decision(verdict, index)
        elif verdict in ("yes", "partial"):
            beside = chunks is not None and chunks[index] == chunks[first[1]]
            if verdict == "yes" and beside and not _ON_YOUR_SAY_SO.search(clauses[index]):
                continue
            if beside or scores is None or scores[index] >= scores[first[1]] - margin:
                return Decision("partial", index, denial=first[1])
    if first is None:
        return Decision("not_stated", None)
    return Decision(*first)
