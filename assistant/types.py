"""The data types the rest of the code speaks: policies, chunks, citations, answers.

LangChain and Chroma types stay inside `index/store.py` and `assistant/retrieval.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

Verdict = Literal["yes", "no", "partial", "not_stated"]
VERDICTS: tuple[Verdict, ...] = ("yes", "no", "partial", "not_stated")
# How every surface (CLI, chat answer, comparison table, profile, UI) names a verdict.
VERDICT_LABELS: dict[Verdict, str] = {"yes": "Yes", "no": "No", "partial": "Partly", "not_stated": "Not stated"}
# A question is asked for a yes or no ("Does Zopim sell my data?") or open ("Who can I contact at
# INSZoom?"). To an open one, a clause that answers it reads "Stated", not "Yes".
QuestionForm = Literal["yes_no", "open"]
_OPEN_LABELS: dict[Verdict, str] = {**VERDICT_LABELS, "yes": "Stated", "partial": "Partly stated"}


def verdict_label(verdict: Verdict, form: QuestionForm = "yes_no") -> str:
    return (_OPEN_LABELS if form == "open" else VERDICT_LABELS)[verdict]


@dataclass(frozen=True)
class Policy:
    """One indexed privacy policy; `text` is exactly what citations point into."""

    policy_id: str
    company: str
    text: str
    aliases: tuple[str, ...] = ()
    effective: str | None = None
    source: str | None = None
    sha256: str = ""
    fetched: str | None = None  # when `source` is a URL: the UTC time it was fetched (ISO 8601)


@dataclass(frozen=True)
class Span:
    """A half-open character range `[start, end)` of a policy's text."""

    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """A sentence (or table row, or list item) of a chunk: the unit a citation quotes."""

    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    """A run of paragraphs under one section heading, with offsets into the policy text."""

    policy_id: str
    index: int
    section: str
    start: int
    end: int
    text: str
    sentences: tuple[Sentence, ...] = ()
    practices: tuple[str, ...] = field(default=())

    @property
    def chunk_id(self) -> str:
        return f"{self.policy_id}:{self.index}"


class Citation(BaseModel):
    """A verbatim quote: `quote == policy.text[start:end]` always holds when shown."""

    company: str
    policy_id: str
    section: str
    quote: str
    start: int
    end: int
    score: float = 0.0


class CompanyAnswer(BaseModel):
    """The answer for one company of a question."""

    company: str
    policy_id: str | None = None
    verdict: Verdict = "not_stated"
    answer: str = ""
    citations: list[Citation] = Field(default_factory=list)
    near_misses: list[Citation] = Field(default_factory=list)
    deciding: str = ""  # the statement of the first citation the verdict was read from (verbatim)
    qualifies: str = (
        ""  # for "partial": the denial `deciding` makes an exception to, or the statement it sets a condition on
    )


class Answer(BaseModel):
    """The stable JSON contract of `ask --json` (extend, don't rename)."""

    id: str | None = None
    question: str
    companies: list[str] = Field(default_factory=list)
    unknown_companies: list[str] = Field(default_factory=list)
    practice: str | None = None
    verdict: Verdict = "not_stated"
    question_form: QuestionForm = "yes_no"  # how the verdict reads: "Yes" to a yes/no question, "Stated" to an open one
    answer: str = ""
    citations: list[Citation] = Field(default_factory=list)
    per_company: list[CompanyAnswer] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list)

    def to_json(self) -> dict:
        data = self.model_dump()
        if data["id"] is None:
            del data["id"]
        return data
