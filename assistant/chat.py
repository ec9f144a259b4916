"""Conversation: resolve follow-ups from earlier turns, without an LLM.

"Does Zopim use cookies?" then "what about InsideSales?" keeps the practice and changes the
company; "and do they sell it?" keeps the company and changes the practice; "compare them"
compares every company discussed so far.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.companies import CompanyResolver
from assistant.practices import named_recipients, practice_description, practices_in_question
from assistant.types import QuestionForm

if TYPE_CHECKING:
    from assistant.service import Assistant
    from assistant.types import Answer

_COMPARE = re.compile(
    r"\b(compare|comparison|versus|vs\.?|side by side|which of (?:them|these|those)|each of them|both)\b", re.I
)
_ALL_COMPANIES = re.compile(
    r"\b(which (?:companies|of these|of the companies|ones?)|all (?:the |of the )?(?:companies|policies)|each (?:company|policy|of these)|every (?:company|policy)|all (?:the )?(?:two|three|four|five|six|seven|eight|nine|ten|\d+)|who (?:keeps|sells|shares|uses|collects)|any of (?:them|these))\b",
    re.I,
)
_FILLER = re.compile(
    r"\b(what|how|about|and|also|too|then|so|ok|okay|at|for|with|from|same|question|the|one|ones|company|companies|"
    r"please|now|again|instead|well)\b|[^\w\s]",
    re.I,
)
_LIST_OF_THEY = re.compile(r"\bthey(?:\s*(?:,|\band\b|\bor\b|&|/)\s*they\b)+", re.I)
# What an earlier turn was about, pointed back to: "use that", "this data" (not "that company").
_DEMONSTRATIVE = re.compile(
    r"\b(that|this|those|these)\b(?!\s+(company|companies|one|ones|firm|business|service)\b)", re.I
)
# Before a name asked about as the one acting: "does TeamViewer log ...", "will LogMeIn keep ...".
_ACTING = r"\b(does|do|did|will|would|can|could|is|are|has|have|might|may)\s+"
# A lowercase name asked about as the one acting, where no company is named: "does intercom read my chats?",
# "is whatsapp selling my data?", "intercom chat sell my data?". Only a singular subject, and only before a verb
# of what is done with data, so "does chat history get deleted?" or "do hackers get my data?" name no company.
_LOWERCASE_ACTOR = re.compile(
    r"^\W*(?:(?:and|so|but|ok|okay|also)\W+)*(?:(?:(does|doesn't|did|didn't|has|hasn't|will|would|can|could)|(is|isn't))\s+)?"
    r"([a-z][a-z0-9-]{2,})\s+(?:(?:app|chat|widget|software|tool|service|platform|website|site|bot|company)\s+)?"
    r"(?:(?:ever|really|actually|still|also)\s+)?"
    r"(?(2)\w+ing|(?:read|see|sell|share|track|collect|use|keep|store|save|delete|give|get|know|access|record|listen|"
    r"spy|send|encrypt|protect|let|allow|ask|monitor|scan|train|buy|rent|hand|pass|leak|own|sync|transfer|retain|"
    r"process|handle|analy[sz]e|hold|respect|honou?r|comply|follow|tell|notify|profile|target|look|log|mine|have)(?:s|ed|d)?)\b",
)
# Words that stand where a company would and are none.
_NOT_ACTORS = frozenset(
    "it this that there anyone anybody someone somebody everyone everybody nobody one each either neither he she "
    "the my your our their what who which they we you hackers criminals police government employers employer boss "
    "school please pls plz just how why when where whom whose then now maybe".split()
)
_WHICH_ONE = re.compile(r"\bwhich (one|ones)\b", re.I)
_PRONOUN = re.compile(r"\b(they|them|their|it|its|this company|that company|these|those)\b", re.I)
# An open question: a wh-word leads it, perhaps after "and", "so" or "can you tell me".
_OPEN = re.compile(
    r"^\W*(?:(?:and|so|but|also|then|ok|okay|now)\W+)*"
    r"(?:(?:(?:can|could|would|will) you (?:please )?|please )?(?:tell|show) me |i(?:'d| would) like to know |i want to know )?"
    r"(?:what|which|who|whom|whose|where|when|why|how)\b(?!\s+about\b)",
    re.I,
)


@dataclass
class Resolved:
    """A question with what it inherits from the conversation."""

    question: str
    policy_ids: list[str]
    unknown: list[str]
    practices: list[str]
    query: str  # the question's own words (and the earlier question's a follow-up repeats), names left out
    expansion: str = ""  # the practice's description, in the words policies use
    compare: bool = False
    inherited: list[str] = field(default_factory=list)  # what came from earlier turns, for the answer text
    everyone: bool = False  # asked of every company in the index ("which companies ...?")
    form: QuestionForm = "yes_no"  # "open" for "who/what/how ...?": a verdict then reads "Stated", not "Yes"
    parties: list[str] = field(default_factory=list)  # named recipients ("with Facebook"): a deciding clause names one
    # Others the asked policies only mention, asked about as the ones acting: "does TeamViewer log my session?"
    outsiders: list[str] = field(default_factory=list)
    # The user's earlier turns: what they said of themselves ("I chatted with a shop through its chat box").
    earlier_text: str = ""

    @property
    def search_text(self) -> str:
        """Every word searched for: the question's and its practice's."""
        return f"{self.query} {self.expansion}".strip()


# Whether a name appears in any of the policies of the given ids.
NamedIn = Callable[[str, list[str]], bool]


def resolve(question: str, history: list[str], resolver: CompanyResolver, named_in: NamedIn | None = None) -> Resolved:
    """Companies, practices and search text of a question in the light of earlier user turns.

    The turns are resolved in order, each in the light of the ones before it, so a chain like
    "Does Zopim use cookies?" / "what about InsideSales?" / "compare them" carries both the
    practice and every company discussed. With `named_in`, a name the asked companies' own
    policies mention ("TeamViewer" in ZoomSupport's) is something they name, not a company
    without a policy.
    """
    earlier: list[Resolved] = []
    for turn in history:
        earlier.append(_resolve_turn(" ".join(turn.split()), earlier, resolver, named_in))
    return _resolve_turn(question, earlier, resolver, named_in)


def _lowercase_actor(question: str, resolver: CompanyResolver, named_in: NamedIn) -> list[str]:
    """A company named in lower case as the one acting ("does intercom read my chats?"): a word no
    indexed policy uses, in the subject's place before a verb of what is done with data."""
    match = _LOWERCASE_ACTOR.search(question)
    if match is None or match.group(3) in _NOT_ACTORS:
        return []
    word = match.group(3)
    return [] if named_in(word, [c.policy_id for c in resolver.known]) else [word[0].upper() + word[1:]]


def _resolve_turn(
    question: str, earlier: list[Resolved], resolver: CompanyResolver, named_in: NamedIn | None = None
) -> Resolved:
    found = resolver.resolve(question, every_company=_ALL_COMPANIES.search(question) is not None)
    unknown, parties = list(found.unknown), list(found.parties)
    if not found.policy_ids and not unknown and named_in is not None:
        unknown = _lowercase_actor(question, resolver, named_in)
    outsiders: list[str] = []
    if unknown and named_in is not None:
        last = next((r.policy_ids for r in reversed(earlier) if r.policy_ids), [])
        asked = found.policy_ids or last
        mentioned = [name for name in unknown if asked and named_in(name, asked)]
        unknown = [name for name in unknown if name not in mentioned]
        outsiders = [name for name in mentioned if re.search(_ACTING + re.escape(name) + r"\b", question, re.I)]
    # Company names say who is asked about, not what: practices and search text are read
    # without them, so "Where do Zopim, InsideSales and ZoomSupport keep my data?" reads like
    # "Where do they keep my data?" and every company is asked the same words.
    neutral = without_names(question, found.spans)
    practices = practices_in_question(neutral)
    parties += [kind for kind in named_recipients(neutral) if kind not in parties]
    corpus_wide = _ALL_COMPANIES.search(neutral) is not None
    # "which one is better?" after comparing two companies asks of those two, not of every policy;
    # in "Which companies share my data with their affiliates?" the companies are "their" own.
    referring = re.sub(r"\b(their|its)\b", " ", neutral, flags=re.I) if corpus_wide else neutral
    refers = _PRONOUN.search(referring) is not None or (
        _WHICH_ONE.search(neutral) is not None and any(len(r.policy_ids) > 1 for r in earlier)
    )
    compare = corpus_wide or _COMPARE.search(neutral) is not None
    policy_ids, query, expansion, inherited = list(found.policy_ids), neutral, "", []
    if practices:
        # The practice's own description, in the words policies use, steadies retrieval
        # across paraphrases ("Is my data sold?" / "Do they sell my info?").
        expansion = practice_description(practices[0])
    everyone = not policy_ids and not unknown and corpus_wide and not refers
    if not policy_ids and not unknown and earlier and not everyone:
        if compare and refers:
            policy_ids, everyone = _discussed(earlier)
        else:
            last = next((r for r in reversed(earlier) if r.policy_ids or r.everyone), None)
            if last is not None:
                policy_ids, everyone = list(last.policy_ids), last.everyone
        if policy_ids or everyone:
            inherited.append("companies")
    if practices and earlier and _DEMONSTRATIVE.search(neutral):
        # "would they use that for advertising?" asks of what the turn before was about.
        query = f"{neutral} {earlier[-1].query}"
        inherited.append("subject")
    # "Which companies sell my data?" is answered company by company, each yes or no.
    form: QuestionForm = "open" if _OPEN.search(neutral) and not corpus_wide else "yes_no"
    if not practices:
        source = next((r for r in reversed(earlier) if r.practices), None)
        if source is not None:
            practices = list(source.practices)
            # "what about InsideSales?" asks the earlier question again, word for word.
            query = source.query if _bare(neutral) else f"{source.query} {neutral}"
            parties = list(dict.fromkeys(source.parties + parties))
            expansion = source.expansion
            form = source.form if _bare(neutral) else form
            inherited.append("practice")
    return Resolved(
        question,
        policy_ids,
        unknown,
        practices,
        query,
        expansion,
        compare,
        inherited,
        everyone,
        form,
        parties,
        outsiders,
        " ".join(r.question for r in earlier),
    )


def without_names(question: str, spans: tuple[tuple[int, int], ...]) -> str:
    """The question with each company name replaced by "they"."""
    out, at = [], 0
    for start, end in spans:
        out += [question[at:start], "they"]
        at = end
    out.append(question[at:])
    return _LIST_OF_THEY.sub("they", " ".join("".join(out).split()))


def _discussed(earlier: list[Resolved]) -> tuple[list[str], bool]:
    """Every company discussed so far, in order of first mention (or everyone)."""
    if any(r.everyone for r in earlier):
        return [], True
    return list(dict.fromkeys(pid for r in earlier for pid in r.policy_ids)), False


def _bare(text: str) -> bool:
    """Nothing left but filler, pronouns and comparison words ("and at them?", "compare them")."""
    return not _FILLER.sub(" ", _COMPARE.sub(" ", _PRONOUN.sub(" ", text))).strip()


class Conversation:
    """One chat session: the user's turns so far, each new question answered in their light."""

    def __init__(self, assistant: Assistant, max_turns: int = 20) -> None:
        self.assistant = assistant
        self.max_turns = max_turns
        self.history: list[str] = []

    def ask(self, question: str, k: int | None = None) -> Answer:
        """Answer a turn; it joins the history only when it was answered."""
        answer = self.assistant.ask(question, history=self.history[-self.max_turns :], k=k)
        self.history.append(question)
        return answer

    def reset(self) -> None:
        self.history.clear()
