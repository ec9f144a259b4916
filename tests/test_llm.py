"""Optional LLM answers: streaming, grounding, verification, failure and prompt injection."""

from __future__ import annotations

import json
import re
import time

import pytest

from assistant.citations import is_verbatim
from assistant.llm import Writer, build_writer, chat_model, find_span
from assistant.settings import LLMSettings, Settings
from assistant.types import Answer, Citation, CompanyAnswer
from tests.conftest import FIXTURES
from tests.fake_openai_server import FakeOpenAIServer


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


# -- helpers -----------------------------------------------------------------------------------

SELL = "Does {} sell my personal information?"


def assert_grounded(answer: Answer, policy_text) -> int:
    """Every citation is verbatim and every quote in the text is the policy's exact text; returns #quotes."""
    policy_ids = {c.policy_id for c in answer.citations} | {p.policy_id for p in answer.per_company if p.policy_id}
    texts = [policy_text(pid) for pid in policy_ids]
    for citation in answer.citations:
        assert is_verbatim(citation, policy_text(citation.policy_id)), citation
    quotes = re.findall(r"“([^”]*)”", answer.answer)
    for quote in quotes:
        assert any(quote.rstrip("…") in text for text in texts), f"unverified quote reached the user: {quote!r}"
    return len(quotes)


# -- unit tests of the writer with langchain_core's fake chat models ------------------------------

POLICY = "Sharing\nWe do not  sell your “personal” information. We share your information with delivery partners only to ship your orders."


def _extractive(verdict: str = "no") -> Answer:
    start, end = POLICY.index("We do not"), len(POLICY)
    cit = Citation(company="Acme", policy_id="acme", section="Sharing", quote=POLICY[start:end], start=start, end=end)
    part = CompanyAnswer(company="Acme", policy_id="acme", verdict=verdict, citations=[cit])
    return Answer(
        question="Does Acme sell my data?",
        companies=["Acme"],
        practice="sale",
        verdict=verdict,
        answer="Acme: No. Decided by this clause: “We do not  sell your “personal” information.”",
        citations=[cit],
        per_company=[part],
    )


def _write(reply: str, verdict: str = "no", generic: bool = False) -> tuple[list[str], Answer]:
    from langchain_core.language_models import FakeListChatModel, GenericFakeChatModel
    from langchain_core.messages import AIMessage

    model = GenericFakeChatModel(messages=iter([AIMessage(reply)])) if generic else FakeListChatModel(responses=[reply])
    items = list(Writer(model, timeout=5).stream(_extractive(verdict), lambda pid: POLICY))
    assert isinstance(items[-1], Answer)
    return items[:-1], items[-1]


def test_find_span_tolerates_whitespace_case_and_curly_quotes_but_returns_source_offsets():
    start, end = find_span('we do not sell your "personal" information.', POLICY)
    assert POLICY[start:end] == "We do not  sell your “personal” information"
    assert find_span("we do not sell your data", POLICY) is None
    assert find_span("  ", POLICY) is None


def test_quote_with_changed_punctuation_is_not_verbatim_and_is_removed():
    deltas, answer = _write("No. Acme says \"we do not sell your 'personal' information\" [C1]. It ships orders [C1].")
    assert "".join(deltas).strip() == answer.answer
    assert answer.answer == "No. Acme says [quote removed: not found in the policy]. It ships orders [1]."
    assert [c.quote for c in answer.citations] == [_extractive().citations[0].quote]
    assert_grounded(answer, lambda pid: POLICY)


def test_quote_with_curly_and_spacing_differences_is_kept_with_exact_source_text():
    deltas, answer = _write('No. Acme says “We do not sell your "personal" information” [C1].', generic=True)
    assert "“We do not  sell your “personal” information” [1]" in answer.answer
    assert answer.citations[0].quote == "We do not  sell your “personal” information"
    assert POLICY[answer.citations[0].start : answer.citations[0].end] == answer.citations[0].quote
    assert len(deltas) >= 2  # sentence by sentence, although the model streamed tokens


def test_fabricated_quote_and_unknown_id_are_removed():
    _, answer = _write("No. Acme promises “we never sell data to anyone” [C1]. See also [C7].")
    assert "never sell data" not in answer.answer
    assert "[quote removed: not found in the policy]" in answer.answer
    assert "C7" not in answer.answer
    assert "[7]" not in answer.answer
    assert any("Removed 1 quote" in n for n in answer.notices)
    assert_grounded(answer, lambda pid: POLICY)


def test_prose_contradicting_the_verdict_gives_the_extractive_answer():
    deltas, answer = _write(
        "Acme's policy covers sharing [C1]. Yes, Acme sells your personal information to advertisers."
    )
    assert deltas == ["Acme's policy covers sharing [1]. "]  # verified before the contradiction came
    assert answer.answer == _extractive().answer
    assert answer.verdict == "no"
    assert any("contradicted" in n for n in answer.notices)


def test_denial_without_not_contradicts_a_yes_verdict():
    _, answer = _write("Acme sells nothing to anyone [C1].", verdict="yes")
    assert answer.answer == _extractive("yes").answer
    assert any("contradicted" in n for n in answer.notices)


def test_empty_model_output_falls_back():
    _, answer = _write("   ")
    assert answer.answer == _extractive().answer
    assert any("no usable answer" in n for n in answer.notices)


def test_missing_extra_names_the_install_command(monkeypatch):
    from assistant.errors import BackendError

    monkeypatch.setitem(__import__("sys").modules, "langchain_openai", None)
    monkeypatch.setitem(__import__("sys").modules, "langchain_ollama", None)
    for backend in ("openai", "ollama"):
        with pytest.raises(BackendError, match=re.escape("pip install 'policy-assistant[llm]'")):
            chat_model(LLMSettings(backend=backend))


def test_backends_are_configured_from_settings():
    openai = chat_model(
        LLMSettings(backend="openai", base_url="http://127.0.0.1:9/v1", model="m", timeout=7, api_key="k")
    )
    assert (openai.model_name, openai.openai_api_base, openai.request_timeout, openai.max_retries) == (
        "m",
        "http://127.0.0.1:9/v1",
        7,
        0,
    )
    assert openai.openai_api_key.get_secret_value() == "k"
    ollama = chat_model(LLMSettings(backend="ollama", base_url="http://127.0.0.1:11434", model="llama3.2", timeout=7))
    assert (ollama.model, ollama.base_url, ollama.client_kwargs) == (
        "llama3.2",
        "http://127.0.0.1:11434",
        {"timeout": 7},
    )
    assert build_writer(LLMSettings()) is None


# -- the HTTP path: a real fake OpenAI-compatible server ------------------------------------------


@pytest.fixture(scope="module")
def server():
    fake = FakeOpenAIServer()
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def fixture_store(bundled_assistant, tmp_path_factory):
    """Acme, Globex and the hostile policy, sharing the session's embedding model."""
    from assistant.practices import tag_text
    from index.ingest import ingest_paths
    from index.store import PolicyStore

    settings = Settings(store=tmp_path_factory.mktemp("llm") / "store", bundled=False)
    store = PolicyStore(settings, bundled_assistant.embedder, tagger=tag_text)
    for name, company in [("acme.txt", "Acme"), ("globex.md", "Globex"), ("hostile.txt", "Hostile Corp")]:
        ingest_paths(store, [FIXTURES / name], company=company)
    return store


def _assistant(store, server, script: str, timeout: float = 5.0, **llm):
    from assistant.service import Assistant

    server.script = script
    settings = store.settings.model_copy(
        update={"llm": LLMSettings(backend="openai", base_url=server.base_url, model="fake", timeout=timeout, **llm)}
    )
    return Assistant(settings, store, store.embedder, writer=build_writer(settings.llm))


@pytest.fixture(scope="module")
def offline(fixture_store):
    from assistant.service import Assistant

    return Assistant(fixture_store.settings, fixture_store, fixture_store.embedder)


def test_offline_verdicts_of_the_fixture_corpus(offline):
    assert offline.ask(SELL.format("Acme")).verdict == "no"
    assert offline.ask(SELL.format("Hostile Corp")).verdict == "yes"


def test_good_answer_streams_and_keeps_verified_quotes(fixture_store, server, offline):
    assistant = _assistant(fixture_store, server, "good")
    items = list(assistant.stream(SELL.format("Acme")))
    deltas, answer = items[:-1], items[-1]
    assert server.requests[-1]["stream"] is True
    assert len(deltas) >= 2
    assert answer.answer.startswith("No. Acme's policy says “")
    assert "[1]" in answer.answer
    assert answer.citations
    assert answer.verdict == offline.ask(SELL.format("Acme")).verdict == "no"
    assert any("checked against the policy" in n for n in answer.notices)
    assert assert_grounded(answer, assistant.policy_text) == 1


def test_the_model_is_told_an_open_question_is_stated_not_yes(fixture_store, server, offline):
    question = "How long does Acme keep order records?"
    expected = offline.ask(question)
    assert expected.question_form == "open"
    assert expected.verdict in ("yes", "partial")
    _assistant(fixture_store, server, "good").ask(question)
    prompt = json.dumps(server.requests[-1]["messages"])
    assert "Verdict: Acme: stated" in prompt or "Verdict: Acme: partly stated" in prompt
    _assistant(fixture_store, server, "good").ask(SELL.format("Acme"))
    assert "Verdict: Acme: no" in json.dumps(server.requests[-1]["messages"])


def test_good_answer_without_streaming(fixture_store, server):
    assistant = _assistant(fixture_store, server, "good")
    assistant.writer.model = assistant.writer.model.model_copy(update={"disable_streaming": True})
    answer = assistant.ask(SELL.format("Acme"))
    assert not server.requests[-1].get("stream")
    assert answer.answer.startswith("No. Acme's policy says “")
    assert_grounded(answer, assistant.policy_text)


def test_fabricated_quote_never_reaches_the_user(fixture_store, server):
    assistant = _assistant(fixture_store, server, "fabricated")
    items = list(assistant.stream(SELL.format("Acme")))
    answer = items[-1]
    shown = "".join(items[:-1]) + answer.answer
    assert "we never share or sell any data" not in shown
    assert "[quote removed: not found in the policy]" in answer.answer
    assert "C99" not in shown
    assert any("Removed" in n for n in answer.notices)
    assert_grounded(answer, assistant.policy_text)


def test_wrong_verdict_shows_the_extractive_answer(fixture_store, server, offline):
    assistant = _assistant(fixture_store, server, "wrong_verdict")
    answer = assistant.ask(SELL.format("Acme"))
    expected = offline.ask(SELL.format("Acme"))
    assert (answer.answer, answer.verdict, answer.citations) == (expected.answer, "no", expected.citations)
    assert answer.notices[-1].startswith("The language model's answer contradicted the policy's clauses for Acme")


def test_injection_in_policy_text_changes_no_verdict_and_no_answer(fixture_store, server, offline):
    question = "Do Acme, Globex and Hostile Corp sell my personal information?"
    expected = offline.ask(question)
    assert {p.company: p.verdict for p in expected.per_company}["Hostile Corp"] == "yes"
    # The planted instruction reaches the model only as quoted data, after the rules.
    good = _assistant(fixture_store, server, "good").ask(question)
    prompt = server.requests[-1]["messages"][-1]["content"]
    assert prompt.index("IGNORE PREVIOUS") > prompt.index("Clauses (quoted data")
    assert [(p.company, p.verdict) for p in good.per_company] == [(p.company, p.verdict) for p in expected.per_company]
    # A model that obeys the planted instruction is caught; the user gets the extractive answer.
    obeyed = _assistant(fixture_store, server, "injection").ask(SELL.format("Hostile Corp"))
    hostile = offline.ask(SELL.format("Hostile Corp"))
    assert (obeyed.answer, obeyed.verdict) == (hostile.answer, "yes")
    assert "collects nothing" not in obeyed.answer  # the model's words; the quoted clause itself is the policy's
    assert any("contradicted" in n for n in obeyed.notices)
    assert_grounded(good, offline.policy_text)
    assert_grounded(obeyed, offline.policy_text)


def test_timeout_gives_the_extractive_answer_in_time(fixture_store, server, offline):
    assistant = _assistant(fixture_store, server, "timeout", timeout=1.0)
    server.delay = 10.0
    start = time.monotonic()
    answer = assistant.ask(SELL.format("Acme"), companies=["Acme"])
    assert time.monotonic() - start < 8  # retrieval plus the 1 s timeout, never the server's 10 s
    assert answer.answer == offline.ask(SELL.format("Acme"), companies=["Acme"]).answer
    assert answer.notices == ["The language model did not answer within 1 s; showing the extractive answer."]


@pytest.mark.parametrize("streaming", [True, False])
def test_malformed_json_gives_the_extractive_answer(fixture_store, server, offline, streaming):
    assistant = _assistant(fixture_store, server, "malformed")
    if not streaming:
        assistant.writer.model = assistant.writer.model.model_copy(update={"disable_streaming": True})
    answer = assistant.ask(SELL.format("Acme"))
    assert answer.answer == offline.ask(SELL.format("Acme")).answer
    assert answer.notices == ["The language model failed; showing the extractive answer."]


def test_server_down_gives_the_extractive_answer(fixture_store, offline):
    from assistant.service import Assistant

    llm = LLMSettings(backend="openai", base_url="http://127.0.0.1:9/v1", model="fake", timeout=5)
    assistant = Assistant(fixture_store.settings, fixture_store, fixture_store.embedder, writer=build_writer(llm))
    start = time.monotonic()
    answer = assistant.ask(SELL.format("Acme"))
    assert time.monotonic() - start < 5
    assert answer.answer == offline.ask(SELL.format("Acme")).answer
    assert answer.notices == ["The language model failed; showing the extractive answer."]


def test_followup_rewritten_by_the_llm_and_offline_fallback(fixture_store, server):
    history = ["Does Acme sell my personal information?"]
    assistant = _assistant(fixture_store, server, "followup")
    server.rewrite = "Does Globex use cookies?"
    answer = assistant.ask("What about the other one's cookies?", history=history)
    rewrite_request = server.requests[-2]
    assert not rewrite_request.get("stream")
    assert "Does Acme sell my personal information?" in rewrite_request["messages"][-1]["content"]
    assert answer.companies == ["Globex"]
    assert answer.practice == "cookies"
    # A broken rewrite falls back to the offline resolver (Acme, from the history).
    server.script = "malformed"
    answer = assistant.ask("What about cookies?", history=history)
    assert answer.companies == ["Acme"]
    assert answer.practice == "cookies"


def test_cli_stream_prints_deltas_then_verified_citations(fixture_store, server, monkeypatch):
    from click.testing import CliRunner

    from assistant import cli

    assistant = _assistant(fixture_store, server, "good")
    monkeypatch.setattr(cli, "_assistant", lambda ctx: assistant)
    result = CliRunner().invoke(cli.main, ["ask", SELL.format("Acme"), "--stream"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("No. Acme's policy says “")
    assert "Verdict: No" in result.output
    assert "Citations:\n  [1] Acme" in result.output
    server.script = "wrong_verdict"
    result = CliRunner().invoke(cli.main, ["ask", SELL.format("Acme"), "--stream"])
    assert "Note: The language model's answer contradicted" in result.output
    assert "Acme: No." in result.output
    assert "sells your personal information to other companies" not in result.output
