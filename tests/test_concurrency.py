"""Many users at once: 20 gradio_client sessions against the real app on loopback.

Every session runs its own conversation (its own company, follow-ups carried by its own
history) through the `/ask` API endpoint, all sessions at the same time. Each answer must be
exactly the answer the assistant gives a single user, with no error and no session's history
showing up in another's answers. Throughput and p95 latency are printed (`pytest -s`).
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait

import pytest

from tests.conftest import serve_app

SESSIONS = 20
QUESTIONS_PER_SESSION = 25
TIME_LIMIT = 600  # s for the whole concurrent run: a hang fails the test instead of blocking the suite
CALL_TIMEOUT = 300  # s for one answer, queueing included

COMPANIES = ("INSZoom", "InsideSales", "Instant Prospect Conversion", "ZoomSupport", "Zopim")
# Follow-ups name no company: each must resolve to the company this session asked about last.
FOLLOW_UPS = (
    "How long do they keep my data?",
    "Do they use cookies?",
    "Can I delete my data?",
    "Do they share it with advertisers?",
    "what about my location?",
)
STANDALONE = (
    "Does {c} sell my personal information?",
    "Does {c} share my data with third parties?",
    "Does {c} collect my email address?",
    "Can I opt out of marketing emails at {c}?",
    "Does {c} use my data for advertising?",
)


def script(session: int) -> list[tuple[str, str]]:
    """`(question, company it must be about)` for one session: standalone questions, each followed by follow-ups.

    Sessions differ (their own company, rotation of questions), so a leaked history shows up as
    an answer about the wrong company.
    """
    home = COMPANIES[session % len(COMPANIES)]
    other = COMPANIES[(session + 2) % len(COMPANIES)]
    steps: list[tuple[str, str]] = []
    n = 0
    while len(steps) < QUESTIONS_PER_SESSION:
        company = other if n % 3 == 2 else home
        steps.append((STANDALONE[(session + n) % len(STANDALONE)].format(c=company), company))
        for k in range(2):
            steps.append((FOLLOW_UPS[(session + n + k) % len(FOLLOW_UPS)], company))
        n += 1
    return steps[:QUESTIONS_PER_SESSION]


@pytest.fixture(scope="module")
def server(bundled_assistant) -> Iterator[str]:
    with serve_app(bundled_assistant) as url:
        yield url


def test_twenty_sessions_at_once_get_single_user_answers_and_keep_their_own_history(server, bundled_assistant):
    from gradio_client import Client

    scripts = {s: script(s) for s in range(SESSIONS)}
    # Single-user answers: the same conversations, one question at a time, straight from the assistant.
    expected: dict[tuple[str, tuple[str, ...]], dict] = {}
    for steps in scripts.values():
        history: list[str] = []
        for question, _ in steps:
            key = (question, tuple(history))
            if key not in expected:
                expected[key] = bundled_assistant.ask(question, history=list(history) or None).to_json()
            history.append(question)

    clients = [Client(server, verbose=False) for _ in range(SESSIONS)]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_line = threading.Barrier(SESSIONS)

    def run_session(session: int) -> list[tuple[str, tuple[str, ...], dict]]:
        client, history, got = clients[session], [], []
        start_line.wait()
        for question, _ in scripts[session]:
            began = time.perf_counter()
            try:
                job = client.submit(question, None, list(history) or None, api_name="/ask")
                answer = job.result(timeout=CALL_TIMEOUT)
            except Exception as err:  # every failure is counted and reported, none hides
                with lock:
                    errors.append(f"session {session}, {question!r}: {type(err).__name__}: {err}")
                answer = None
            with lock:
                latencies.append(time.perf_counter() - began)
            got.append((question, tuple(history), answer))
            history.append(question)
        return got

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=SESSIONS) as pool:
        futures = [pool.submit(run_session, s) for s in range(SESSIONS)]
        _, pending = wait(futures, timeout=TIME_LIMIT)
        assert not pending, f"{len(pending)} sessions did not finish within {TIME_LIMIT} s"
        results = [f.result() for f in futures]
    elapsed = time.perf_counter() - began

    total = SESSIONS * QUESTIONS_PER_SESSION
    p95 = statistics.quantiles(latencies, n=20)[-1]
    print(
        f"\n{SESSIONS} sessions x {QUESTIONS_PER_SESSION} questions = {total} answers in {elapsed:.1f} s: "
        f"{total / elapsed:.1f} answers/s, latency p50 {statistics.median(latencies):.2f} s, p95 {p95:.2f} s"
    )
    assert errors == []
    assert len(latencies) == total
    for session, got in enumerate(results):
        assert len(got) == QUESTIONS_PER_SESSION
        for (question, history, answer), (_, company) in zip(got, scripts[session], strict=True):
            assert answer == expected[(question, history)], f"session {session}: {question!r} differs"
            assert answer["companies"] == [company], f"session {session}: {question!r} answered for another company"


def test_a_slow_language_model_keeps_no_one_else_waiting(bundled_assistant):
    """With an LLM that takes seconds, the app works on several questions at once (`concurrency`):
    the second user's question reaches the model while the first one's is still being written."""
    from gradio_client import Client

    from assistant.llm import build_writer
    from assistant.service import Assistant
    from assistant.settings import LLMSettings
    from tests.fake_openai_server import FakeOpenAIServer

    fake = FakeOpenAIServer()
    fake.script, fake.delay = "timeout", 3.0  # answers well, after 3 s
    try:
        llm = LLMSettings(backend="openai", base_url=fake.base_url, model="fake", timeout=60)
        settings = bundled_assistant.settings.model_copy(update={"llm": llm, "concurrency": 2})
        slow = Assistant(
            settings, bundled_assistant.store, bundled_assistant.embedder,
            writer=build_writer(llm), adapter=bundled_assistant.adapter,
        )  # fmt: skip
        with serve_app(slow) as url:
            questions = ("Does Zopim use cookies?", "Does INSZoom use cookies?")  # both answered by the model
            clients = [Client(url, verbose=False) for _ in questions]
            jobs = [c.submit(q, None, None, api_name="/ask") for c, q in zip(clients, questions, strict=True)]
            answers = [job.result(timeout=CALL_TIMEOUT) for job in jobs]
        assert fake.most_in_flight == 2
        for answer, company in zip(answers, ("Zopim", "INSZoom"), strict=True):
            assert answer["companies"] == [company]
            assert any(n.startswith("Answer written by") for n in answer["notices"]), answer["notices"]
    finally:
        fake.close()
