"""Optional LLM answers: streaming, grounding, verification, failure and prompt injection."""

from __future__ import annotations

from assistant.types import Answer


def _drain(stream) -> tuple[str, Answer]:
    text, final = "", None
    for item in stream:
        if isinstance(item, Answer):
            final = item
        else:
            assert final is None, "text after the final Answer"
            text += item
    assert final is not None
    return text, final


def test_stream_without_llm_yields_the_extractive_text_then_the_answer(bundled_assistant):
    items = list(bundled_assistant.stream("Does Zopim sell my personal information?"))
    text, final = _drain(items)
    assert isinstance(items[-1], Answer)
    assert len(items) >= 2
    assert text == final.answer
    assert final == bundled_assistant.ask("Does Zopim sell my personal information?")
