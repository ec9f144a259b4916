"""Optional LLM prose over the extractive answer, verified sentence by sentence.

The extractive pipeline has already decided each company's verdict and chosen its clauses.
The model only writes the prose: it gets the verdicts and the clauses as numbered, quoted
data ([C1], [C2], ...) and must quote from them and cite their ids. Before a sentence reaches
the user it is checked:

* each quote must be a verbatim span of the clause it cites (whitespace and curly quotes may
  differ); the user sees the policy's exact text at its offsets, and a quote that is not
  there is removed;
* unknown clause ids are dropped;
* a sentence whose polarity contradicts the verdict engine's ("sells" where the verdict is
  "no") stops the model: the extractive answer is shown instead, with a notice.

Timeouts and failures of the backend also give the extractive answer with a notice. LangChain
chat-model types stay inside this module.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import prompts
from assistant.citations import enforce_verbatim, make_citation
from assistant.errors import BackendError
from assistant.types import Answer, Citation, CompanyAnswer
from assistant.verdicts import clause_verdict

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.settings import LLMSettings

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'policy-assistant[llm]'"
VERDICT_WORDS = {
    "yes": "yes",
    "no": "no",
    "partial": "partly (with exceptions or conditions)",
    "not_stated": "not stated",
}
# To an open question ("Who can I contact ...?") a clause that answers it is "stated", not "yes".
OPEN_VERDICT_WORDS = {**VERDICT_WORDS, "yes": "stated", "partial": "partly stated (with exceptions or conditions)"}

# A quote in curly or straight double quotes (the other kind may nest inside), then clause ids.
_QUOTE = re.compile(r'(?:“([^“”\n]{3,}?)”|"([^"\n]{3,}?)")(\s*(?:\[\s*C\d+(?:\s*,\s*C?\d+)*\s*\])*)')
_IDS = re.compile(r"\[\s*(C\d+(?:\s*,\s*C?\d+)*)\s*\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”)]*\s+|\n+")
# Words that deny without a "not" the verdict engine looks for ("sells nothing", "no one").
_DENIAL_WORDS = re.compile(r"\b(nothing|nobody|no one|no personal|none of)\b", re.I)
_VERBS = {
    "sale": r"\b(sells?|sold|selling|sale of (your|personal))\b",
    "sharing": r"\b(shares?|shared|sharing|disclos\w*)\b",
    "collection": r"\b(collects?|collected|collecting|gathers?)\b",
    "cookies": r"\bcookies?\b",
    "advertising": r"\b(advertis\w*|targeted ads?)\b",
    "location": r"\blocation\b",
    "biometric": r"\bbiometric\w*\b",
}
_NEGATIONS = re.compile(r"\b(not|never|no|nothing|nobody|none|neither|nor|cannot)\b|n't\b", re.I)
_NOT_STATED = re.compile(r"\b(state|say|mention|address|specify|disclose|cover)s?\b", re.I)
_CURLY = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "\u00a0": " "})


def chat_model(settings: LLMSettings) -> BaseChatModel:
    """The LangChain chat model for `settings.backend` (`openai` or `ollama`), imported lazily."""
    match settings.backend:
        case "openai":
            try:
                from langchain_openai import ChatOpenAI
            except ImportError as err:
                raise BackendError(f"The openai backend needs its extra: {INSTALL_HINT}") from err
            key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"
            # Retries would multiply the timeout; the extractive answer is the fallback instead.
            return ChatOpenAI(
                model=settings.model,
                base_url=settings.base_url,
                api_key=key,
                timeout=settings.timeout,
                max_retries=0,
                temperature=settings.temperature,
            )
        case "ollama":
            try:
                from langchain_ollama import ChatOllama
            except ImportError as err:
                raise BackendError(f"The ollama backend needs its extra: {INSTALL_HINT}") from err
            return ChatOllama(
                model=settings.model,
                base_url=settings.base_url,
                temperature=settings.temperature,
                client_kwargs={"timeout": settings.timeout},
            )
        case _:
            raise BackendError(f"No chat model for backend {settings.backend!r}.")


def build_writer(settings: LLMSettings) -> Writer | None:
    """A writer for the configured backend, or None for the offline extractive answers."""
    if settings.backend == "none":
        return None
    return Writer(chat_model(settings), timeout=settings.timeout, name=f"{settings.backend}:{settings.model}")


@dataclass
class _Clause:
    cid: str
    part: CompanyAnswer
    citation: Citation


@dataclass
class _Draft:
    """What has been verified so far while the model streams."""

    clauses: dict[str, _Clause]
    citations: list[Citation] = field(default_factory=list)
    removed_quotes: int = 0
    last_company: CompanyAnswer | None = None


class Fallback(Exception):
    """The model's output cannot be shown; the extractive answer is shown instead."""

    def __init__(self, notice: str, reason: str) -> None:
        super().__init__(reason)
        self.notice = notice


class Writer:
    """Writes verified prose for an extractive `Answer` with a chat model."""

    def __init__(self, model: BaseChatModel, timeout: float = 30.0, name: str = "LLM") -> None:
        self.model = model
        self.timeout = timeout
        self.name = name

    # -- answers ---------------------------------------------------------------------------

    def stream(self, answer: Answer, policy_text: Callable[[str], str]) -> Iterator[str | Answer]:
        """Yield verified sentences as the model writes them, then the final verified `Answer`.

        If the model fails, times out or contradicts the verdicts, the final `Answer` is the
        extractive one with a notice (sentences already yielded were verified on their own).
        """
        clauses = _number_clauses(answer)
        if not clauses:
            # Nothing to ground prose in (no company, or no policy states it): stay extractive.
            yield from answer.answer.splitlines(keepends=True)
            yield answer
            return
        draft = _Draft({c.cid: c for c in clauses})
        shown: list[str] = []
        buffer = ""
        try:
            for delta in self._deltas(_prompt(answer, clauses)):
                buffer += delta
                *complete, buffer = _split_sentences(buffer)
                for sentence in complete:
                    checked = _check_sentence(sentence, answer, draft, policy_text)
                    if checked:
                        shown.append(checked)
                        yield checked
            if buffer.strip():
                checked = _check_sentence(buffer, answer, draft, policy_text)
                if checked:
                    shown.append(checked)
                    yield checked
            if not "".join(shown).strip():
                raise Fallback("The language model gave no usable answer", "empty output")
        except Fallback as fallback:
            log.warning("LLM answer replaced by the extractive answer: %s", fallback)
            yield _extractive(answer, f"{fallback.notice}; showing the extractive answer.")
            return
        final = answer.model_copy(deep=True)
        final.answer = "".join(shown).strip()
        final.citations = draft.citations or list(answer.citations)
        final.notices.append(f"Answer written by {self.name}; every quote was checked against the policy.")
        if draft.removed_quotes:
            final.notices.append(f"Removed {draft.removed_quotes} quote(s) that are not in the cited clause.")
        yield enforce_verbatim(final, policy_text)

    def write(self, answer: Answer, policy_text: Callable[[str], str]) -> Answer:
        """The final verified `Answer` (what `stream` ends with)."""
        final = answer
        for item in self.stream(answer, policy_text):
            if isinstance(item, Answer):
                final = item
        return final

    # -- follow-ups ------------------------------------------------------------------------

    def rewrite_followup(self, question: str, history: list[str]) -> str | None:
        """A standalone version of a follow-up question, or None if the model fails."""
        prompt = prompts.render("followup", question=question, history="\n".join(f"- {turn}" for turn in history[-6:]))
        try:
            text = "".join(self._deltas(prompt, stream=False)).strip()
        except Fallback as fallback:
            log.warning("follow-up rewriting failed, using the offline resolver: %s", fallback)
            return None
        line = text.splitlines()[0].strip().strip('"“”') if text else ""
        return line if 0 < len(line) <= 500 else None

    # -- the backend call, bounded by the timeout ------------------------------------------------

    def _deltas(self, prompt: str, stream: bool = True) -> Iterator[str]:
        """Text deltas of the model's reply; raises `Fallback` on failure or past the deadline.

        The model runs in a daemon thread so that no backend (a stalled socket, a slow
        server) can keep the user waiting past `timeout` seconds.
        """
        from langchain_core.messages import HumanMessage

        items: queue.Queue[tuple[str, Any]] = queue.Queue()

        def run() -> None:
            try:
                messages = [HumanMessage(prompt)]
                for chunk in self.model.stream(messages) if stream else [self.model.invoke(messages)]:
                    items.put(("delta", chunk.content if isinstance(chunk.content, str) else ""))
                items.put(("end", None))
            except Exception as err:  # any backend failure means: fall back
                items.put(("error", err))

        threading.Thread(target=run, name="llm-stream", daemon=True).start()
        deadline = time.monotonic() + self.timeout
        late = f"The language model did not answer within {self.timeout:g} s"
        while True:
            try:
                kind, value = items.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise Fallback(late, "timeout") from None
            if kind == "end":
                return
            if kind == "error":
                # The client's own timeout (the same seconds) can fire before the deadline above.
                if isinstance(value, TimeoutError) or "Timeout" in type(value).__name__:
                    raise Fallback(late, "timeout") from value
                raise Fallback("The language model failed", f"{type(value).__name__}: {str(value)[:200]}") from value
            yield value


# -- prompt -----------------------------------------------------------------------------------


def _number_clauses(answer: Answer) -> list[_Clause]:
    clauses = []
    for part in answer.per_company:
        for citation in part.citations:
            clauses.append(_Clause(f"C{len(clauses) + 1}", part, citation))
    return clauses


def _prompt(answer: Answer, clauses: list[_Clause]) -> str:
    words = OPEN_VERDICT_WORDS if answer.question_form == "open" else VERDICT_WORDS
    verdicts = "\n".join(f"{p.company}: {words[p.verdict]}" for p in answer.per_company)
    data = "\n".join(
        f"[{c.cid}] {c.part.company}{', section ' + repr(c.citation.section) if c.citation.section else ''}:"
        f'\n"""{_neutralise(c.citation.quote)}"""'
        for c in clauses
    )
    name = "compare" if len(answer.per_company) > 1 else "answer"
    return prompts.render(name, question=answer.question, verdicts=verdicts, clauses=data)


def _neutralise(text: str) -> str:
    # A clause must not be able to close its own quotation and speak as the prompt.
    return text.replace('"""', "“”“")


# -- verification -------------------------------------------------------------------------------


def _split_sentences(text: str) -> list[str]:
    """Complete sentences (each with its trailing space) and, last, the unfinished rest."""
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if _inside_quote(text[start : match.start()]):
            continue
        pieces.append(text[start : match.end()])
        start = match.end()
    pieces.append(text[start:])
    return pieces


def _inside_quote(text: str) -> bool:
    return (text.count('"') + text.count("“") + text.count("”")) % 2 == 1


def find_span(quote: str, text: str) -> tuple[int, int] | None:
    """Where `quote` occurs in `text`, ignoring whitespace, case and curly-quote differences.

    The offsets are the source's: what is shown is always `text[start:end]`, not the quote.
    """
    norm_chars: list[str] = []
    index: list[int] = []  # position in `text` of each normalised character
    for i, ch in enumerate(text.translate(_CURLY)):
        if ch.isspace():
            if norm_chars and norm_chars[-1] == " ":
                continue
            ch = " "
        norm_chars.append(ch.lower()[0])  # one char per source char keeps the offsets aligned
        index.append(i)
    needle = "".join(ch.lower()[0] for ch in " ".join(quote.translate(_CURLY).split()))
    needle = needle.strip(" .,;:…").rstrip(".")
    if len(needle) < 3:
        return None
    at = "".join(norm_chars).find(needle)
    if at < 0:
        return None
    return index[at], index[at + len(needle) - 1] + 1


def _ids(marks: str) -> list[str]:
    """Clause ids in citation marks: "[C1] [C2, C3]" -> ["C1", "C2", "C3"]."""
    found = ["C" + raw.strip().lstrip("C") for group in _IDS.findall(marks) for raw in group.split(",")]
    return list(dict.fromkeys(found))


def _number(draft: _Draft, citation: Citation) -> int:
    for n, shown in enumerate(draft.citations, 1):
        if (shown.policy_id, shown.start, shown.end) == (citation.policy_id, citation.start, citation.end):
            return n
    draft.citations.append(citation)
    return len(draft.citations)


def _check_sentence(sentence: str, answer: Answer, draft: _Draft, policy_text: Callable[[str], str]) -> str:
    """The sentence as the user may see it: verified quotes, known ids; raises on contradiction."""
    sentence_ids = [cid for cid in _ids(sentence) if cid in draft.clauses]
    quotes: list[str] = []  # verified quotes, kept out of the tidy-up so they stay exact

    def quote(match: re.Match[str]) -> str:
        words = match.group(1) or match.group(2)
        cited = [cid for cid in _ids(match.group(3)) if cid in draft.clauses] or sentence_ids
        for cid in cited:
            clause = draft.clauses[cid]
            span = find_span(words, clause.citation.quote)
            if span is None:
                continue
            text = policy_text(clause.citation.policy_id)
            start, end = clause.citation.start + span[0], clause.citation.start + span[1]
            verified = make_citation(
                text, clause.part.company, clause.citation.policy_id, clause.citation.section, start, end
            )
            quotes.append(f"“{verified.quote}” [{_number(draft, verified)}]")
            return f"\x00{len(quotes) - 1}\x00"
        draft.removed_quotes += 1
        log.warning("removed a quote that is not in the cited clause %s: %r", cited, words[:80])
        return "[quote removed: not found in the policy]"

    def reference(match: re.Match[str]) -> str:
        numbers = [
            str(_number(draft, draft.clauses[cid].citation)) for cid in _ids(match.group(0)) if cid in draft.clauses
        ]
        return f"[{', '.join(numbers)}]" if numbers else ""

    checked = _QUOTE.sub(quote, sentence)
    # Bare ids (not after a quote); verified quotes already carry plain numbers.
    checked = _IDS.sub(reference, checked)
    checked = re.sub(r"[ \t]+([.,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", checked))
    _check_polarity(re.sub(r"\x00\d+\x00|\[[^\]]*\]", " ", checked), answer, draft)
    return re.sub(r"\x00(\d+)\x00", lambda m: quotes[int(m.group(1))], checked)


def _check_polarity(sentence: str, answer: Answer, draft: _Draft) -> None:
    """Raise `Fallback` when the sentence states the opposite of a company's verdict."""
    prose = sentence  # the model's own words: verified quotes and citation marks are taken out
    named = [p for p in answer.per_company if _names(prose, p)]
    if named:
        draft.last_company = named[-1]
    elif len(answer.per_company) == 1:
        named = list(answer.per_company)
    elif draft.last_company is not None:
        named = [draft.last_company]
    if not named:
        return
    said = _polarity(answer.practice, prose)
    if said not in ("yes", "no"):
        return
    for part in named:
        if part.verdict == "not_stated" and said == "no" and _NOT_STATED.search(prose):
            continue  # "the policy does not say whether it sells" agrees with "not stated"
        if part.verdict in ("yes", "no", "not_stated") and part.verdict != said:
            raise Fallback(
                f"The language model's answer contradicted the policy's clauses for {part.company}",
                f"prose says {said!r}, verdict is {part.verdict!r}: {prose.strip()[:160]!r}",
            )


def _polarity(practice: str | None, prose: str) -> str | None:
    """What a sentence of prose says about the practice: the verdict engine, then a plain check.

    The engine reads policy language; model prose also says things like "sells nothing",
    which the plain check (the practice's verb, and a denial word before it) catches.
    """
    said = clause_verdict(practice, prose)
    if said is None and practice in _VERBS:
        verb = re.search(_VERBS[practice], prose, re.I)
        if verb:
            denied = _NEGATIONS.search(prose[: verb.start()]) or _DENIAL_WORDS.search(prose[verb.end() :])
            said = "no" if denied else "yes"
    elif said == "yes" and _DENIAL_WORDS.search(prose):
        said = "no"
    return said


def _names(text: str, part: CompanyAnswer) -> bool:
    words = [part.company, *(part.company.split()[:1])]
    return any(re.search(rf"\b{re.escape(w)}\b", text, re.I) for w in words if len(w) >= 3)


def _extractive(answer: Answer, notice: str) -> Answer:
    fallback = answer.model_copy(deep=True)
    fallback.notices.append(notice)
    return fallback
