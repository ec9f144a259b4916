"""Side-by-side answers: one row per company with its verdict, deciding clause and section.

A comparison is an ordinary `Answer` with several entries in `per_company`: the chain already
retrieves once per company, so no policy crowds out another, and a company's verdict in a
comparison is the verdict it gets asked alone. This module picks the companies of a
comparison and renders the table; `render_answer` uses it for every multi-company answer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from assistant.citations import narrowed
from assistant.types import Answer, Verdict, verdict_label

if TYPE_CHECKING:
    from assistant.service import Assistant

# Rows of a corpus-wide answer ("which companies ...?") come in this order: who does it first.
VERDICT_ORDER: tuple[Verdict, ...] = ("yes", "partial", "no", "not_stated")


@dataclass(frozen=True)
class ComparisonRow:
    """One company of a comparison; `clause` and `section` are None when the policy is silent."""

    company: str
    policy_id: str | None
    verdict: Verdict
    clause: str | None
    section: str | None

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


def compare(
    assistant: Assistant,
    question: str,
    companies: list[str] | None = None,
    history: list[str] | None = None,
    k: int | None = None,
) -> Answer:
    """Answer `question` for several companies side by side.

    The companies are `companies` when given, else those the question names (or, in a
    conversation, those discussed so far); a question naming fewer than two companies is
    asked of every company in the index.
    """
    if not companies and not history and len(assistant.resolver.resolve(question).policy_ids) < 2:
        companies = sorted(assistant.store.catalog())
    return assistant.ask(question, companies=companies or None, history=history, k=k)


def comparison_rows(answer: Answer, by_verdict: bool = False) -> list[ComparisonRow]:
    """One row per company: in the order asked, or grouped by verdict (yes first) when `by_verdict`."""
    rows = [
        ComparisonRow(
            company=part.company,
            policy_id=part.policy_id,
            verdict=part.verdict,
            clause=narrowed(part.citations[0], part.deciding).quote if part.citations else None,  # its deciding clause
            section=(part.citations[0].section or None) if part.citations else None,
        )
        for part in answer.per_company
    ]
    if by_verdict:
        rows.sort(key=lambda row: VERDICT_ORDER.index(row.verdict))
    return rows


def render_comparison(answer: Answer, phrase: str, by_verdict: bool = False) -> str:
    """A summary line per verdict, then a Markdown table: company, verdict, deciding clause, section.

    `phrase` completes "does not say ...", e.g. "whether it sells your personal data".
    """
    rows = comparison_rows(answer, by_verdict)
    groups = {v: [r.company for r in rows if r.verdict == v] for v in VERDICT_ORDER}
    summary = [
        f"{verdict_label(v, answer.question_form)} ({len(names)} of {len(rows)}): {', '.join(names)}."
        for v, names in groups.items()
        if names and v != "not_stated"
    ]
    if groups["not_stated"]:
        silent = groups["not_stated"]
        summary.append(f"Silent ({len(silent)} of {len(rows)}): {', '.join(silent)}: the policy does not say {phrase}.")
    table = ["| Company | Verdict | Deciding clause | Section |", "|---|---|---|---|"]
    for row in rows:
        clause = f"“{_cell(row.clause)}”" if row.clause else "(nothing on this)"
        table.append(
            f"| {_cell(row.company)} | {verdict_label(row.verdict, answer.question_form)} | {clause} | {_cell(row.section or '')} |"
        )
    return "\n".join([*summary, "", *table])


def _cell(text: str) -> str:
    """Table cells are one line and never close the cell early."""
    return " ".join(text.split()).replace("|", "\\|")
