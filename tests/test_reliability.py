"""Bad input gets one clear error and leaves the index exactly as it was; crashes and restarts lose nothing.

Each bad input goes through every door a policy comes in by: `ingest_paths` (the library),
the CLI (`policy-assistant ingest`, exit code and message) and the app's upload handler. The
index's three collections are counted and hashed (ids, documents, metadatas) before and after.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.errors import InputError
from assistant.settings import Settings
from index.ingest import ingest_paths
from tests.conftest import FIXTURES
from tests.index_state import snapshot
from ui.handlers import Handlers

CLI = [sys.executable, "-m", "assistant.cli"]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory):
    """The fixture corpus (acme, globex, initech) in a store of this module's own."""
    from assistant.service import build_assistant

    store = tmp_path_factory.mktemp("reliability") / "store"
    built = build_assistant(Settings(store=store, bundled=False))
    ingest_paths(built.store, [FIXTURES / "acme.txt", FIXTURES / "globex.md", FIXTURES / "initech.html"])
    return built


def _pdf_without_text(path: Path) -> None:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    pdf.rect(100, 100, 200, 200, fill=1)  # a "scan": drawing, no text layer
    pdf.save()


def _fifty_megabytes(path: Path) -> None:
    line = b"We collect your email address and share it with nobody.\n"
    with path.open("wb") as out:
        for _ in range(50_000_000 // len(line) + 1):
            out.write(line)


def _binary_without_nul(path: Path) -> None:
    # A binary file with no NUL byte at all (the first check): high bytes and control codes.
    path.write_bytes(bytes(b for b in range(1, 256)) * 40)


BAD_FILES: list[tuple[str, Callable[[Path], None], str]] = [
    ("empty.txt", lambda p: p.write_bytes(b""), "has no text"),
    ("blank.txt", lambda p: p.write_bytes(b"  \n\t\n\r\n   \n"), "has no text"),
    ("photo.txt", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8), "binary"),
    ("noise.txt", _binary_without_nul, "binary"),
    ("huge.txt", _fifty_megabytes, "larger than the 10 MB limit"),
    (
        "chrome.html",
        lambda p: p.write_text(
            "<html><head><script>track()</script><style>p{}</style></head><body><nav><a href='/'>Home</a>"
            "<a href='/p'>Privacy</a></nav><script>more()</script><footer>© 2024</footer></body></html>"
        ),
        "has no text",
    ),
    ("scan.pdf", _pdf_without_text, "no text layer"),
    ("policy.docx", lambda p: p.write_bytes(b"PK\x03\x04 a word file"), "unsupported file type .docx"),
    ("policy", lambda p: p.write_text("We sell nothing."), "unsupported file type (none)"),
]


@pytest.mark.parametrize(("name", "make", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_is_refused_everywhere_and_the_index_is_unchanged(assistant, tmp_path, name, make, message) -> None:
    path = tmp_path / name
    make(path)
    before = snapshot(assistant.store)

    with pytest.raises(InputError, match=re.escape(message)):
        ingest_paths(assistant.store, [path])
    assert snapshot(assistant.store) == before

    result = CliRunner().invoke(main, ["--store", str(assistant.settings.store), "--no-bundled", "ingest", str(path)])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert snapshot(assistant.store) == before

    ui_message = "unsupported file type" if message.startswith("unsupported") else message
    with pytest.raises(InputError, match=re.escape(ui_message)):
        Handlers(assistant).add_policy(str(path), "", "txt", "Newco")
    assistant.store.refresh()
    assert snapshot(assistant.store) == before


def test_missing_path_and_duplicate_company_change_nothing(assistant, tmp_path) -> None:
    before = snapshot(assistant.store)
    runner = CliRunner()
    store_args = ["--store", str(assistant.settings.store), "--no-bundled"]

    result = runner.invoke(main, [*store_args, "ingest", str(tmp_path / "nowhere" / "policy.txt")])
    assert result.exit_code == 1
    assert "no such file or folder" in result.output

    # Another file under a company name already indexed (any case) is refused before anything is
    # written; with the CLI, the same name *and* id is an update of that policy (test_incremental).
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "fresh.txt").write_text("Fresh Co never shares your data.\n")
    (folder / "acme-copy.txt").write_text("Acme's other policy: we sell everything to everyone.\n")
    (folder / "manifest.json").write_text(json.dumps({"acme-copy.txt": {"company": "ACME"}}))
    result = runner.invoke(main, [*store_args, "ingest", str(folder)])
    assert result.exit_code == 1
    assert "A policy for 'acme' is already indexed" in result.output
    assistant.store.refresh()
    assert snapshot(assistant.store) == before
    with pytest.raises(InputError, match="already indexed"):
        Handlers(assistant).add_policy(str(folder / "acme-copy.txt"), "", "txt", "Acme")
    with pytest.raises(InputError, match="already indexed"):
        Handlers(assistant).add_policy(None, "Globex sells nothing.", "txt", "GLOBEX")
    assert snapshot(assistant.store) == before


def test_invalid_utf8_is_read_with_a_fallback_and_the_user_is_told(assistant, tmp_path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(
        "Caf\xe9 Ltd privacy\n\nWe never sell your personal data. Na\xefve cookies are used.\n".encode("cp1252")
    )
    store_args = ["--store", str(assistant.settings.store), "--no-bundled"]
    before = snapshot(assistant.store)

    result = CliRunner().invoke(main, [*store_args, "ingest", str(path), "--company", "Café Ltd"])
    assert result.exit_code == 0, result.output
    assert "not valid UTF-8; read as Windows-1252" in result.output
    assistant.store.refresh()
    assert "Café Ltd privacy" in assistant.store.policy("caf-ltd").text
    assert CliRunner().invoke(main, [*store_args, "remove", "Café Ltd"]).exit_code == 0
    assistant.store.refresh()  # another store object wrote: forget the cached catalog

    message = Handlers(assistant).add_policy(str(path), "", "txt", "Café Ltd")
    assert "Indexed Café Ltd" in message
    assert "not valid UTF-8" in message  # the app says so too
    assistant.store.remove_policy("caf-ltd")
    assert snapshot(assistant.store) == before


def test_size_limit_is_configurable(assistant, tmp_path) -> None:
    path = tmp_path / "two-kb.txt"
    path.write_text("We collect your email address. " * 70)
    result = CliRunner().invoke(
        main,
        ["--store", str(assistant.settings.store), "--no-bundled", "ingest", str(path)],
        env={"POLICY_ASSISTANT_MAX_FILE_MB": "0.001"},
    )
    assert result.exit_code == 1
    assert "larger than the 0.001 MB limit" in result.output


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "The question is empty"),
        ("   \n\t ", "The question is empty"),
        ("Does Acme sell data? " * 60, "the limit is 1000"),
    ],
)
def test_empty_and_absurdly_long_questions(assistant, question, message) -> None:
    before = snapshot(assistant.store)
    with pytest.raises(InputError, match=message):
        assistant.ask(question)
    assert snapshot(assistant.store) == before


def test_non_latin_policies_and_questions(assistant, tmp_path) -> None:
    before = snapshot(assistant.store)
    path = tmp_path / "policy.txt"
    path.write_text(
        "Политика конфиденциальности\n\nМы не продаём ваши персональные данные третьим лицам.\n\n"
        "個人情報の取り扱い\n\n当社はお客様の個人情報を販売しません。\n\n"
        "سياسة الخصوصية\n\nنحن لا نبيع بياناتك الشخصية.\n",
        encoding="utf-8",
    )
    # A company whose name has no Latin letter still gets a usable id.
    result = CliRunner().invoke(
        main, ["--store", str(assistant.settings.store), "--no-bundled", "ingest", str(path), "--company", "Яндекс"]
    )
    assert result.exit_code == 0, result.output
    assistant.store.refresh()
    [pid] = [p for p, i in assistant.store.catalog().items() if i.company == "Яндекс"]
    assert pid.isascii()
    assert pid.startswith("policy-")
    assert assistant.store.policy(pid).text == path.read_text(encoding="utf-8")

    for question in ("Яндекс продаёт мои данные?", "当社は個人情報を販売しますか?", "هل تبيع بياناتي؟"):
        answer = assistant.ask(question, companies=[pid])
        assert answer.companies == ["Яндекс"]
        for cite in answer.citations:
            assert assistant.store.policy(pid).text[cite.start : cite.end] == cite.quote
    answer = assistant.ask("Does Яндекс sell my personal data?")
    assert "Яндекс" in answer.companies

    assistant.store.remove_policy(pid)
    assert snapshot(assistant.store) == before


# -- crash safety and restarts ----------------------------------------------------------------------

SECTIONS = {
    "Information We Collect": [
        "We collect your name, email address and phone number when you register.",
        "We collect device identifiers and your IP address when you use the app.",
        "We collect payment details through our payment processor.",
        "We collect your location only when you allow it in the app settings.",
    ],
    "Sharing": [
        "We do not sell your personal information.",
        "We sell aggregated customer lists to marketing partners.",
        "We share your data with service providers who host our systems.",
        "We share information with advertisers to show you relevant ads.",
    ],
    "Cookies": [
        "We use cookies to keep you signed in.",
        "We use analytics cookies to measure traffic.",
        "You can refuse cookies in your browser settings.",
    ],
    "Retention": [
        "We keep your data for as long as your account is open.",
        "We delete order records after seven years.",
        "We keep support tickets for ninety days.",
    ],
    "Your Rights": [
        "You can ask us to delete your data at any time.",
        "You can request a copy of the data we hold about you.",
        "Contact privacy@example.com with any question.",
    ],
}


def write_policies(folder: Path, count: int) -> list[Path]:
    """`count` small, distinct policies (deterministic): each names its company in every section."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        company = f"Company {n:02d}"
        parts = [f"{company} Privacy Policy", f"Effective March {n % 28 + 1}, 2024."]
        for s, (section, sentences) in enumerate(SECTIONS.items()):
            chosen = [sentences[(n + s + i) % len(sentences)] for i in range(len(sentences) - 1)]
            parts += ["", section, " ".join(f"{company}: {c}" for c in chosen)]
        path = folder / f"company-{n:02d}.txt"
        path.write_text("\n".join(parts) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICY_ASSISTANT_")}
    return {**env, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **extra}


# Run in a fresh process: the index as a new process sees it (no in-memory state of this one).
INSPECT = """
import json, sys
from assistant.settings import Settings
from index.embeddings import MiniLMEmbeddings
from index.store import PolicyStore
from tests.index_state import check_consistent, snapshot, stray_rows
store = PolicyStore(Settings(store=sys.argv[1], bundled=False), MiniLMEmbeddings())
check_consistent(store)
catalog = store.catalog()
print(json.dumps({
    "catalog": {pid: {"sha": i.sha256, "chunks": i.chunks, "company": i.company} for pid, i in catalog.items()},
    "texts": {pid: store.policy(pid).text for pid in catalog},
    "stray": stray_rows(store),
    "counts": snapshot(store).counts,
}))
"""


def inspect(store: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", INSPECT, str(store)], capture_output=True, text=True, timeout=300, env=cli_env(),
        cwd=Path(__file__).parents[1],
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def test_sigkill_in_the_middle_of_a_folder_then_the_next_run_finishes_the_job(tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    paths = write_policies(folder, 40)
    store = tmp_path / "store"
    command = [*CLI, "--store", str(store), "--no-bundled", "ingest", str(folder)]
    # Small ingest batches: policies are written a few at a time, so the kill lands between writes.
    env = cli_env(POLICY_ASSISTANT_INGEST_BATCH="40")
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    # The progress bar (stderr) counts policies written; kill the process a few policies in.
    seen, deadline, buffer = 0, time.monotonic() + 240, b""
    assert proc.stderr is not None
    os.set_blocking(proc.stderr.fileno(), False)
    while seen < 4 and time.monotonic() < deadline and proc.poll() is None:
        chunk = proc.stderr.read() or b""
        buffer = (buffer + chunk)[-400:]
        counts = [int(m) for m in re.findall(rb"(\d+)/40", buffer)]
        seen = max([seen, *counts])
        time.sleep(0.005)
    assert proc.poll() is None, f"ingest ended before it could be killed: {buffer!r}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    # A new process finds a consistent index: whole policies only, stray rows invisible.
    after_crash = inspect(store)
    done = after_crash["catalog"]
    assert 4 <= len(done) < 40, f"killed after {len(done)} of 40 policies"
    stray = after_crash["stray"]
    print(f"\nSIGKILL after {len(done)}/40 policies; stray chunk rows left invisible: {len(stray)}")

    # The next run skips what is whole, writes the rest and removes what the crash left.
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, env=cli_env())
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"{40 - len(done)} added, 0 replaced, {len(done)} unchanged" in result.stdout
    final = inspect(store)
    assert len(final["catalog"]) == 40
    assert final["stray"] == []
    assert final["counts"] == {"policies": 40, "chunks": sum(i["chunks"] for i in final["catalog"].values())}
    for pid, info in done.items():  # what was whole before the crash is untouched
        assert final["catalog"][pid]["sha"] == info["sha"]
    for path in paths:  # nothing lost: every policy's text, exactly
        assert final["texts"][path.stem] == path.read_text(encoding="utf-8")


RESTARTED = """
import json, sys
from assistant.profile import build_profile
from assistant.service import build_assistant
from assistant.settings import Settings
settings = Settings()  # from the environment, as `policy-assistant` reads it
assistant = build_assistant(settings)
answer = assistant.ask("Does Acme sell my personal information?")
profile = build_profile(assistant, "acme")
print(json.dumps({
    "k": settings.k, "chunk_chars": settings.chunk_chars,
    "companies": sorted(i.company for i in assistant.store.catalog().values()),
    "verdict": answer.verdict, "citations": len(answer.citations), "profile": profile.to_json(),
}))
"""


def test_a_restart_keeps_policies_profiles_and_settings(tmp_path: Path) -> None:
    store = tmp_path / "store"
    env = cli_env(POLICY_ASSISTANT_STORE=str(store), POLICY_ASSISTANT_BUNDLED="false", POLICY_ASSISTANT_K="2",
                  POLICY_ASSISTANT_CHUNK_CHARS="600")  # fmt: skip
    files = [str(FIXTURES / n) for n in ("acme.txt", "globex.md", "initech.html")]
    first = subprocess.run([*CLI, "ingest", *files], capture_output=True, text=True, timeout=300, env=env)
    assert first.returncode == 0, first.stderr[-2000:]
    made = subprocess.run(
        [*CLI, "profile", "acme", "--format", "json"], capture_output=True, text=True, timeout=300, env=env
    )
    assert made.returncode == 0, made.stderr[-2000:]
    [cached] = (store / "profiles").glob("acme-*.json")
    stamp = cached.stat().st_mtime_ns

    # A new process (as after a reboot: nothing in memory, only the folder on disk and the environment).
    result = subprocess.run(
        [sys.executable, "-c", RESTARTED], capture_output=True, text=True, timeout=300, env=env, cwd=Path(__file__).parents[1]
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    state = json.loads(result.stdout)
    assert (state["k"], state["chunk_chars"]) == (2, 600)
    assert state["companies"] == ["acme", "globex", "initech"]
    assert state["verdict"] == "no"
    assert 1 <= state["citations"] <= 2
    assert state["profile"] == json.loads(made.stdout)
    assert cached.stat().st_mtime_ns == stamp  # read from disk, not recomputed
    assert not list(store.glob("*.tmp"))
