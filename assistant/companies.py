"""Find the companies a question names: case-insensitive, aliases, small misspellings.

Also spots names that look like a company but have no policy in the index ("Zendesk"), so the
answer can say so instead of answering from another company's policy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache

# Capitalised words that are not company names in questions about privacy policies.
_NOT_COMPANIES = frozenset(
    """
    a about after all also am an and any are as at be before but by can compare could did do does for
    from has have he her his how i if in is it its let me my no not of on or our she should so tell than
    that the their them then there these they this those to us was we what when where which who whom
    whose why will with would you your yes ai api app apps ccpa cpra coppa dnt do-not-track eea eu
    europe european gdpr hipaa uk us usa u.s california californian canada canadian germany singapore
    ireland personal data information privacy policy policies shield internet email emails cookie
    cookies mr ms dr ok okay please thanks hi hello
    """.split()
)
_POSSESSIVES = frozenset({"my", "your", "our"})
# Capitalised phrases of privacy law and practice whose words are no company ("Do Not Track").
_NOT_COMPANY_PHRASES = re.compile(
    r"\b(do[- ]not[- ](track|sell|share)|global privacy control|privacy shield|united (states|kingdom)"
    r"|european (union|economic area)|social security( numbers?)?|terms of (service|use)|shine the light"
    r"|safe harbou?r|standard contractual clauses|federal trade commission|data protection (officer|authority))\b",
    re.IGNORECASE,
)
# A name right after one of these, in a question about indexed companies, is not a company asked
# about: a place ("I live in Texas", "servers in New York")...
_PLACE_BEFORE = frozenset({"in", "into", "from", "outside", "within", "across", "at"})
# ...or who gets the data or what they use ("share it with Facebook", "use Google Analytics").
_PARTY_BEFORE = frozenset({"with", "to", "via", "use", "uses", "using"})
# ...unless "with" or "to" follows an indexed company or a comparison: "Compare Zopim with Zendesk".
_COMPARING = frozenset({"compare", "compared", "comparing", "comparison", "versus", "vs", "than", "differ", "differs"})
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.&'’-]*[A-Za-z0-9]|[A-Za-z0-9]")


def normalize(name: str) -> str:
    """Lowercase letters and digits only: 'InsideSales.com, Inc.' -> 'insidesalescominc'."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class KnownCompany:
    policy_id: str
    company: str
    keys: tuple[str, ...]  # normalised names and aliases


@dataclass(frozen=True)
class Resolution:
    policy_ids: list[str]
    unknown: list[str]
    spans: tuple[tuple[int, int], ...] = ()  # character ranges of the known names, in order
    parties: tuple[str, ...] = ()  # names beside a known one after "with", "to"...: who gets the data


class CompanyResolver:
    """Maps words of a question to policy ids."""

    def __init__(self, companies: Iterable[tuple[str, str, Iterable[str]]]) -> None:
        self.known = [
            KnownCompany(pid, name, tuple({k for k in map(normalize, (name, pid, *aliases)) if len(k) >= 2}))
            for pid, name, aliases in companies
        ]
        self.shared_parts, self._sharers = _shared_parts(name for _, name, _ in companies)

    def match(self, name: str) -> str | None:
        """The policy id a single name refers to, or None."""
        key = normalize(name)
        if not key:
            return None
        for company in self.known:
            if key in company.keys:
                return company.policy_id
        best, best_ratio = None, 0.0
        for company in self.known:
            for known in company.keys:
                if len(key) >= 4 and len(known) >= 4 and key[0] == known[0]:
                    ratio = SequenceMatcher(None, key, known).ratio()
                    if ratio > best_ratio:
                        best, best_ratio = company.policy_id, ratio
        return best if best_ratio >= 0.8 else None

    def resolve(self, question: str, every_company: bool = False) -> Resolution:
        """Known companies named in the question (in order of mention) and unknown capitalised names.
        `every_company`: the question asks of every indexed company ("Which companies use Google
        Analytics?"), so names in it are parties as beside a named company."""
        matches = list(_WORD.finditer(question))
        words = [(m.start(), m.group().rstrip(".'’").removesuffix("'s").removesuffix("’s")) for m in matches]
        found: list[tuple[int, int, str]] = []
        phrases = [m.span() for m in _NOT_COMPANY_PHRASES.finditer(question)]
        used: set[int] = {i for i, (start, _) in enumerate(words) if any(a <= start < b for a, b in phrases)}
        for size in (3, 2, 1):  # longest names first: "Instant Prospect Conversion", "Inside Sales"
            for i in range(len(words) - size + 1):
                if used & set(range(i, i + size)):
                    continue
                phrase = " ".join(w for _, w in words[i : i + size])
                if size == 1 and phrase.lower() in _NOT_COMPANIES:
                    continue
                pid = self._exact(phrase) if size > 1 else self.match(phrase)
                if pid:
                    found.append((words[i][0], matches[i + size - 1].end(), pid))
                    used.update(range(i, i + size))
        found.sort()
        ordered = [pid for _, _, pid in found]
        named = [
            i
            for i, (_, word) in enumerate(words)
            if i not in used
            # "does zoom record my meetings?": a part of two indexed names (INSZoom, ZoomSupport) names neither
            and (_looks_like_company(word, first=i == 0) or normalize(word) in self.shared_parts)
            # "my Outlook", "your iPhone": something the user owns, not a company asked about
            and not (i > 0 and words[i - 1][1].lower() in _POSSESSIVES)
        ]
        # Such words next to each other, with nothing but spaces between, are one name ("Zendesk Chat").
        runs: list[list[int]] = []
        for i in named:
            if runs and runs[-1][-1] == i - 1 and not question[matches[i - 1].end() : matches[i].start()].strip():
                runs[-1].append(i)
            else:
                runs.append([i])
        # A country or region is no company, and beside an indexed company neither is a place ("I live
        # in Texas") or a recipient ("share it with Facebook"), unless it is set against a company
        # ("Compare Zopim with Zendesk", "How does Zopim compare to Zendesk?").
        beside = bool(found) or every_company
        unknown, parties = [], []
        for run in runs:
            name = " ".join(self.shared_parts.get(normalize(words[i][1]), words[i][1]) for i in run)
            before = words[run[0] - 1][1].lower() if run[0] > 0 else ""
            if name.lower() in _places() or (beside and before in _PLACE_BEFORE):
                continue
            against = run[0] > 1 and (run[0] - 2 in used or words[run[0] - 2][1].lower() in _COMPARING)
            party = beside and before in _PARTY_BEFORE and not (before in ("with", "to") and against)
            (parties if party else unknown).append(name)
        spans = tuple((start, end) for start, end, _ in found)
        return Resolution(
            list(dict.fromkeys(ordered)), list(dict.fromkeys(unknown)), spans, tuple(dict.fromkeys(parties))
        )

    def names_containing(self, name: str) -> list[str]:
        """Indexed companies whose names share this part ("Zoom": INSZoom, ZoomSupport); [] for any other name."""
        return self._sharers.get(normalize(name), [])

    def _exact(self, phrase: str) -> str | None:
        key = normalize(phrase)
        for company in self.known:
            if key in company.keys:
                return company.policy_id
        return None


# The parts of a name written in camel case: "INSZoom" -> "INS", "Zoom".
_CAMEL_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def _shared_parts(names: Iterable[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Parts of camel-case names that two or more companies share ("Zoom" in INSZoom and ZoomSupport),
    by their normalised form, as spelled and with the names sharing them: alone, such a part names
    another company than any of them."""
    owners: dict[str, set[str]] = {}
    spelling: dict[str, str] = {}
    for name in names:
        for word in name.split():
            parts = _CAMEL_PART.findall(word)
            for part in parts if len(parts) > 1 else ():
                key = normalize(part)
                owners.setdefault(key, set()).add(name)
                spelling.setdefault(key, part)
    shared = {key: sorted(who) for key, who in owners.items() if len(who) > 1 and len(key) >= 4}
    return {key: spelling[key] for key in shared}, shared


def _looks_like_company(word: str, first: bool) -> bool:
    if first or len(word) < 3 or word.lower() in _NOT_COMPANIES or not word[0].isupper():
        return False
    if word[1] in "'’":  # "I'm", "I've", "I'd": the user, not a company
        return False
    return not word.isupper()  # acronyms (GDPR, EU, CCPA) are rarely the company asked about


@cache
def _places() -> frozenset[str]:
    """Countries and regions by their English names, lower case (CLDR, through Babel): "india", "south africa"."""
    from babel import Locale

    return frozenset(name.lower() for name in Locale("en").territories.values())
