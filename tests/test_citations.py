"""The one citation check: only verbatim spans are ever shown."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from assistant.citations import enforce_verbatim, is_verbatim, make_citation, narrowed
from assistant.types import Answer, Citation, CompanyAnswer

TEXT = "Privacy\nWe do not sell any personal information. We use cookies."


def citation(quote: str, start: int, end: int) -> Citation:
    return Citation(company="Acme", policy_id="acme", section="Privacy", quote=quote, start=start, end=end)


def test_verbatim_span_passes_and_anything_else_fails() -> None:
    good = make_citation(TEXT, "Acme", "acme", "Privacy", 8, 48)
    assert good.quote == "We do not sell any personal information."
    assert is_verbatim(good, TEXT)
    assert not is_verbatim(citation("We never sell any personal information.", 8, 48), TEXT)  # altered words
    assert not is_verbatim(citation(good.quote, 9, 49), TEXT)  # wrong offsets
    assert not is_verbatim(citation("", 8, 8), TEXT)
    assert not is_verbatim(citation("x", -1, 0), TEXT)


def test_enforce_drops_fabricated_quotes_everywhere() -> None:
    good = make_citation(TEXT, "Acme", "acme", "Privacy", 8, 48)
    bad = citation("We sell your data to brokers.", 8, 37)
    answer = Answer(
        question="q",
        citations=[good, bad],
        per_company=[CompanyAnswer(company="Acme", citations=[bad, good], near_misses=[bad])],
    )
    checked = enforce_verbatim(answer, lambda pid: TEXT)
    assert checked.citations == [good]
    assert checked.per_company[0].citations == [good]
    assert checked.per_company[0].near_misses == []


@given(st.text(max_size=200), st.integers(-5, 250), st.integers(-5, 250))
def test_check_never_raises_and_agrees_with_slicing(text: str, start: int, end: int) -> None:
    quote = text[max(start, 0) : max(end, 0)]
    result = is_verbatim(citation(quote or "x", start, end), text)
    assert result == (0 <= start < end <= len(text) and bool(quote.strip()) and text[start:end] == quote)


@given(
    st.text(max_size=300),
    st.lists(st.tuples(st.text(max_size=40), st.integers(-10, 320), st.integers(-10, 320)), max_size=8),
)
def test_enforce_keeps_exactly_the_verbatim_citations_of_any_answer(text: str, spans) -> None:
    made = [
        citation(text[max(a, 0) : max(b, 0)] if i % 2 else quote or "x", a, b) for i, (quote, a, b) in enumerate(spans)
    ]
    answer = Answer(
        question="q", citations=list(made), per_company=[CompanyAnswer(company="Acme", near_misses=list(made))]
    )
    checked = enforce_verbatim(answer, lambda pid: text)
    kept = [
        c for c in made if 0 <= c.start < c.end <= len(text) and c.quote.strip() and text[c.start : c.end] == c.quote
    ]
    assert checked.citations == kept
    assert checked.per_company[0].near_misses == kept
    for c in checked.citations:
        assert text[c.start : c.end] == c.quote


def test_a_citation_narrowed_to_its_deciding_clause_stays_verbatim() -> None:
    text = "Intro. We do not sell your data. We share it with processors:\n- payment\n- hosting\nEnd."
    window = make_citation(text, "Acme", "acme", "Sharing", 7, 61)
    assert window.quote == "We do not sell your data. We share it with processors:"
    one = narrowed(window, "We do not sell your data.")
    assert (one.quote, one.start, one.end) == ("We do not sell your data.", 7, 32)
    assert is_verbatim(one, text)
    # A clause with its list runs past the window: taken whole only with the policy's text.
    listed = "We share it with processors:\n- payment\n- hosting"
    assert narrowed(window, listed) == window
    whole = narrowed(window, listed, text)
    assert is_verbatim(whole, text)
    assert whole.quote == listed
    assert narrowed(window, "Not in the policy.", text) == window
    assert narrowed(window, "") == window
