"""Conversation: resolve follow-ups from earlier turns, without an LLM.

"Does Zopim use cookies?" then "what about InsideSales?" keeps the practice and changes the
company; "and do they sell it?" keeps the company and changes the practice; "compare them"
compares every company discussed so far.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.companies import CompanyResolver
from assistant.practices import practices_in_question

_COMPARE = re.compile(r"\b(compare|comparison|versus|vs\.?|side by side|which of (?:them|these|those)|each of them|both)\b", re.I)
_ALL_COMPANIES = re.compile(r"\b(which (?:companies|of these|of the companies|ones?)|all (?:the |of the )?companies|each (?:company|of these)|every company|who (?:keeps|sells|shares|uses|collects)|any of (?:them|these))\b", re.I)
_PRONOUN = re.compile(r"\b(they|them|their|it|its|this company|that company|these|those)\b", re.I)


@dataclass
class Resolved:
    """A question with what it inherits from the conversation."""

    question: str
    policy_ids: list[str]
    unknown: list[str]
    practices: list[str]
    search_text: str
    compare: bool = False
    inherited: list[str] = field(default_factory=list)  # what came from earlier turns, for the answer text


def resolve(question: str, history: list[str], resolver: CompanyResolver) -> Resolved:
    """Companies, practices and search text of a question in the light of earlier user turns."""
    found = resolver.resolve(question)
    practices = practices_in_question(question)
    compare = bool(_COMPARE.search(question) or _ALL_COMPANIES.search(question))
    policy_ids, search_text, inherited = list(found.policy_ids), question, []
    if not policy_ids and not found.unknown and history:
        earlier = [resolver.resolve(turn).policy_ids for turn in history]
        if compare and _PRONOUN.search(question):
            policy_ids = list(dict.fromkeys(pid for ids in earlier for pid in ids))
        else:
            policy_ids = next((ids for ids in reversed(earlier) if ids), [])
        if policy_ids:
            inherited.append("companies")
    if not practices and history:
        for turn in reversed(history):
            earlier_practices = practices_in_question(turn)
            if earlier_practices:
                practices = earlier_practices
                search_text = f"{turn} {question}"
                inherited.append("practice")
                break
    return Resolved(question, policy_ids, found.unknown, practices, search_text, compare, inherited)
