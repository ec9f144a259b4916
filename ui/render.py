"""HTML for the app: verdict badges, answers, citation cards, the policy viewer, tables and grids.

Every string that comes from a policy, a user or an answer goes through `esc`: policy text is
shown as text, never interpreted as HTML (a policy containing `<script>` shows it literally).
Gradio's HTML component fills a JS/Handlebars template, so `$ { } `` are escaped as well.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.citations import narrowed
from assistant.types import VERDICT_LABELS, VERDICTS, Answer, Citation, QuestionForm, Verdict, verdict_label

if TYPE_CHECKING:
    from assistant.types import Policy

VERDICT_ICONS: dict[str, str] = {"yes": "✔", "no": "✖", "partial": "◐", "not_stated": "–"}

_TEMPLATE_CHARS = str.maketrans({"$": "&#36;", "{": "&#123;", "}": "&#125;", "`": "&#96;"})
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
_STOPWORDS = frozenset(
    """
    a an and any are as at be been but by can could did do does doing for from has have how i if in into
    is it its my me of on or our ours so such than that the their them then there these they this those
    to us was we were what when where which while who whom why will with would you your yours about also
    all more other some company companies policy policies data information personal please tell know
    much many
    """.split()
)


def esc(text: str) -> str:
    """Text safe to place in HTML and in Gradio's HTML template."""
    return html.escape(text, quote=True).translate(_TEMPLATE_CHARS)


def key_terms(question: str) -> list[str]:
    """Word stems of a question worth highlighting in a quote (stop words dropped)."""
    terms: list[str] = []
    for word in _WORD.findall(question.lower()):
        word = word.strip("'-")
        if len(word) < 3 or word in _STOPWORDS:
            continue
        stem = word[: max(4, len(word) - 3)] if len(word) > 6 else word.rstrip("s") if len(word) > 4 else word
        if stem not in terms:
            terms.append(stem)
    return terms


def highlight(text: str, terms: Sequence[str]) -> str:
    """Escaped text with words starting with any of `terms` wrapped in `<mark class="kw">`."""
    if not terms:
        return esc(text)
    pattern = re.compile(
        r"\b(?:" + "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)) + r")\w*", re.I
    )
    out, last = [], 0
    for match in pattern.finditer(text):
        out += [esc(text[last : match.start()]), f'<mark class="kw">{esc(match.group())}</mark>']
        last = match.end()
    out.append(esc(text[last:]))
    return "".join(out)


def badge(verdict: Verdict, small: bool = False, form: QuestionForm = "yes_no") -> str:
    """The verdict as a coloured badge; the word is always there (colour is never the only cue)."""
    size = " verdict-small" if small else ""
    return (
        f'<span class="verdict verdict-{esc(verdict)}{size}">'
        f'<span aria-hidden="true">{VERDICT_ICONS[verdict]}</span> {verdict_label(verdict, form)}</span>'
    )


def cite_key(citation: Citation) -> str:
    """What a citation button sends back when clicked: `policy_id|start|end`."""
    return f"{citation.policy_id}|{citation.start}|{citation.end}"


def citation_card(citation: Citation, number: int, terms: Sequence[str] = ()) -> str:
    """A keyboard-focusable card: company, section, the quote; activating it opens the viewer."""
    section = f'<span class="cite-section">{esc(citation.section)}</span>' if citation.section else ""
    return (
        f'<button type="button" class="cite" data-cite="{esc(cite_key(citation))}" '
        f'aria-label="Open citation {number} from {esc(citation.company)} in the policy">'
        f'<span class="cite-head"><span class="cite-num">[{number}]</span> '
        f'<span class="cite-company">{esc(citation.company)}</span>{section}</span>'
        f'<span class="cite-quote">“{highlight(citation.quote, terms)}”</span>'
        f'<span class="cite-open">Show in policy →</span></button>'
    )


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{esc(line)}</p>" for line in text.split("\n") if line.strip())


def answer_html(answer: Answer) -> str:
    """One answer: overall badge, the answer text and its citation cards.

    An answer about several companies shows them side by side (company, verdict, deciding
    clause, section) instead of the text's Markdown table, then any further clauses as cards.
    """
    terms = key_terms(answer.question)
    parts = [f'<div class="answer">{badge(answer.verdict, form=answer.question_form)}']
    citations = list(answer.citations)
    text = answer.answer
    if len(answer.per_company) > 1:
        text = "\n".join(line for line in text.split("\n") if not line.lstrip().startswith("|"))
        parts.append(f'<div class="answer-text">{_paragraphs(text)}</div>')
        parts.append(company_rows_html(answer, terms))
        deciding = {cite_key(p.citations[0]) for p in answer.per_company if p.citations}
        citations = [c for c in citations if cite_key(c) not in deciding]
    else:
        parts.append(f'<div class="answer-text">{_paragraphs(text)}</div>')
    parts += [f'<p class="notice">{esc(n)}</p>' for n in answer.notices]
    if citations:
        cards = "".join(citation_card(c, n, terms) for n, c in enumerate(citations, 1))
        label = "More clauses" if len(answer.per_company) > 1 else "Citations"
        parts.append(f'<div class="cites" role="list" aria-label="{label}">{cards}</div>')
    parts.append("</div>")
    return "".join(parts)


def company_rows_html(answer: Answer, terms: Sequence[str]) -> str:
    """The per-company table of an answer: company, verdict, deciding clause (clickable), section."""
    rows = []
    for part in answer.per_company:
        cited = narrowed(part.citations[0], part.deciding) if part.citations else None  # the deciding clause
        clause = citation_card(cited, 1, terms) if cited else '<span class="muted">The policy does not say.</span>'
        section = esc(cited.section) if cited and cited.section else "—"
        rows.append(
            f'<tr><th scope="row">{esc(part.company)}</th><td>{badge(part.verdict, form=answer.question_form)}</td>'
            f'<td class="clause">{clause}</td><td>{section}</td></tr>'
        )
    return (
        '<div class="table-wrap"><table class="compare-table"><thead><tr><th scope="col">Company</th>'
        '<th scope="col">Verdict</th><th scope="col">Deciding clause</th><th scope="col">Section</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


@dataclass
class Turn:
    """One exchange of the conversation: the question and what is shown for it so far."""

    question: str
    answer: Answer | None = None
    partial: str = ""
    error: str | None = None
    extra: dict = field(default_factory=dict)


def turn_html(turn: Turn) -> str:
    question = f'<div class="msg msg-user"><span class="sr-only">You asked: </span>{esc(turn.question)}</div>'
    if turn.error is not None:
        body = f'<div class="error" role="alert">{esc(turn.error)}</div>'
    elif turn.answer is not None:
        body = answer_html(turn.answer)
    else:
        body = f'<div class="answer streaming">{_paragraphs(turn.partial) or "<p>Reading the policies…</p>"}</div>'
    return f'<div class="turn">{question}<div class="msg msg-bot">{body}</div></div>'


def conversation_html(turns: Iterable[Turn]) -> str:
    """The whole conversation, newest last (an empty conversation shows how to start)."""
    body = "".join(turn_html(t) for t in turns)
    if not body:
        body = (
            '<div class="empty">Ask what a company does with your data: every answer gives a verdict and quotes the '
            "clauses behind it. Select a quote to read it in its place in the policy.</div>"
        )
    return f'<div class="conversation" aria-live="polite">{body}</div>'


def viewer_html(policy: Policy, start: int, end: int, section: str = "") -> str:
    """The whole policy as text, the cited span marked (`mark.cited`, scrolled to by the app)."""
    start, end = max(0, min(start, len(policy.text))), max(0, min(end, len(policy.text)))
    end = max(start, end)
    text = policy.text
    meta = [f"effective {esc(policy.effective)}"] if policy.effective else []
    meta.append(f"characters {start:,}–{end:,} of {len(text):,}")
    where = f'<span class="cite-section">{esc(section)}</span>' if section else ""
    return (
        f'<div class="viewer"><div class="viewer-head"><strong>{esc(policy.company)}</strong>{where}'
        f'<span class="viewer-meta">{" · ".join(meta)}</span></div>'
        f'<div class="policy-text" tabindex="0" aria-label="Policy text of {esc(policy.company)}">'
        f'{esc(text[:start])}<mark class="cited" id="cited">{esc(text[start:end])}</mark>{esc(text[end:])}'
        "</div></div>"
    )


def viewer_placeholder(message: str = "Select a citation to see it highlighted in the full policy.") -> str:
    return f'<div class="viewer viewer-empty">{esc(message)}</div>'


def error_html(message: str) -> str:
    return f'<div class="error" role="alert">{esc(message)}</div>'


def status_html(message: str) -> str:
    return f'<div class="status" role="status">{esc(message)}</div>'


def compare_table_html(answer: Answer, title: str | None = None) -> str:
    """The Compare tab's result: a heading, then company, verdict, deciding clause and section."""
    heading = esc(title) if title else f"“{esc(answer.question)}”"
    return f'<div class="compare"><h3 class="compare-title">{heading}</h3>{company_rows_html(answer, key_terms(answer.question))}</div>'


@dataclass
class GridCell:
    """One company × practice cell of the overview grid."""

    verdict: str
    citation: Citation | None = None


def grid_html(practices: Sequence[tuple[str, str]], rows: Sequence[tuple[str, Sequence[GridCell]]]) -> str:
    """Companies × practices, colour-coded by verdict; cells with a clause open it in the viewer."""
    head = "".join(f'<th scope="col">{esc(label)}</th>' for _, label in practices)
    body = []
    for company, cells in rows:
        tds = []
        for (_, label), cell in zip(practices, cells, strict=True):
            text = f'<span aria-hidden="true">{VERDICT_ICONS[cell.verdict]}</span> {VERDICT_LABELS[cell.verdict]}'
            name = f"{esc(company)}, {esc(label)}: {VERDICT_LABELS[cell.verdict]}"
            if cell.citation is not None:
                inner = (
                    f'<button type="button" class="cell-btn" data-cite="{esc(cite_key(cell.citation))}" '
                    f'aria-label="{name}. Show the clause" title="{esc(cell.citation.quote[:300])}">{text}</button>'
                )
            else:
                inner = f'<span aria-label="{name}">{text}</span>'
            tds.append(f'<td class="cell cell-{esc(cell.verdict)}">{inner}</td>')
        body.append(f'<tr><th scope="row">{esc(company)}</th>{"".join(tds)}</tr>')
    legend = " ".join(badge(v, small=True) for v in VERDICTS)
    return (
        f'<div class="grid"><div class="legend">{legend}</div><div class="table-wrap"><table class="grid-table">'
        f'<thead><tr><th scope="col">Company</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div></div>'
    )


def profile_html(
    company: str, rows: Sequence[tuple[str, str, Citation | None]], actions: Sequence[tuple[str, Citation]]
) -> str:
    """A company's practice-by-practice summary, each clause clickable, then what the user can do."""
    items = []
    for number, (label, verdict, cited) in enumerate(rows, 1):
        clause = citation_card(cited, number) if cited else '<span class="muted">Not stated in the policy.</span>'
        items.append(
            f'<tr><th scope="row">{esc(label)}</th><td>{badge(verdict)}</td><td class="clause">{clause}</td></tr>'
        )
    out = [
        f'<div class="profile"><h3>{esc(company)}</h3><div class="table-wrap"><table class="profile-table"><thead><tr>'
        '<th scope="col">Practice</th><th scope="col">Verdict</th><th scope="col">Clause</th></tr></thead>'
        f"<tbody>{''.join(items)}</tbody></table></div>"
    ]
    groups: dict[str, list[Citation]] = {}
    for title, cited in actions:
        groups.setdefault(title, []).append(cited)
    if groups:
        out.append("<h4>What you can do</h4>")
    for title, cites in groups.items():
        cards = "".join(citation_card(c, n) for n, c in enumerate(cites, 1))
        out.append(f'<h5>{esc(title)}</h5><div class="cites">{cards}</div>')
    out.append("</div>")
    return "".join(out)
