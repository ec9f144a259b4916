"""The one place that decides whether a citation may be shown: it must be a verbatim span.

Every answer, extractive or from an LLM, passes through `enforce_verbatim` before it leaves
the assistant; a citation whose quote is not exactly `policy_text[start:end]` is dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from assistant.types import Answer, Citation

log = logging.getLogger(__name__)


def is_verbatim(citation: Citation, policy_text: str) -> bool:
    """True when the quote is exactly the policy text at its offsets."""
    return (
        0 <= citation.start < citation.end <= len(policy_text)
        and bool(citation.quote.strip())
        and policy_text[citation.start : citation.end] == citation.quote
    )


def make_citation(
    policy_text: str, company: str, policy_id: str, section: str, start: int, end: int, score: float = 0.0
) -> Citation:
    """A citation quoting `policy_text[start:end]`."""
    return Citation(
        company=company,
        policy_id=policy_id,
        section=section,
        quote=policy_text[start:end],
        start=start,
        end=end,
        score=score,
    )


def narrowed(citation: Citation, clause: str, policy_text: str | None = None) -> Citation:
    """The citation cut down to `clause` (the clause a verdict was read from) when its quote holds it,
    else the citation as it is. With the policy's text, a clause that starts inside the quote and
    runs past it (a list announced at its end, with its items) is taken whole."""
    if not clause.strip():
        return citation
    if policy_text is None:
        at = citation.quote.find(clause)
        start = citation.start + at
    else:
        start = policy_text.find(clause, citation.start)
        at = start if start < citation.end else -1
    if at < 0:
        return citation
    return citation.model_copy(update={"quote": clause, "start": start, "end": start + len(clause)})


def enforce_verbatim(answer: Answer, policy_text: Callable[[str], str]) -> Answer:
    """Drop every citation (top level, per company, near misses) that is not a verbatim span."""

    def keep(citations: list[Citation]) -> list[Citation]:
        kept = []
        for citation in citations:
            if is_verbatim(citation, policy_text(citation.policy_id)):
                kept.append(citation)
            else:
                log.warning("dropped a citation that is not verbatim: %s %r", citation.policy_id, citation.quote[:80])
        return kept

    answer.citations = keep(answer.citations)
    for part in answer.per_company:
        part.citations = keep(part.citations)
        part.near_misses = keep(part.near_misses)
    return answer
