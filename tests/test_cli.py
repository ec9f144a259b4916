"""The real CLI, in subprocesses, on a store of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

CLI = [sys.executable, "-m", "assistant.cli"]


def run(store: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICY_ASSISTANT_")}
    return subprocess.run(
        [*CLI, "--store", str(store), *args], capture_output=True, text=True, input=stdin, timeout=600, env=env
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store filled with the bundled policies by the first command that uses it."""
    path = tmp_path_factory.mktemp("cli") / "store"
    result = run(path, "companies", "--json")
    assert result.returncode == 0, result.stderr
    assert {row["company"] for row in json.loads(result.stdout)} == {
        "INSZoom", "InsideSales", "Instant Prospect Conversion", "ZoomSupport", "Zopim",
    }  # fmt: skip
    return path


def test_ask_prints_the_clause_with_company_section_and_span(store: Path) -> None:
    result = run(store, "ask", "Does INSZoom sell my personal information?")
    assert result.returncode == 0, result.stderr
    assert "Verdict: No" in result.stdout
    assert "We do not sell any personal information." in result.stdout
    assert "INSZoom · " in result.stdout
    assert "chars " in result.stdout


def test_ask_prints_notices(store: Path) -> None:
    result = run(store, "ask", "does zoom record my meetings?")
    assert result.returncode == 0, result.stderr
    assert "no privacy policy for Zoom" in result.stdout
    assert "Note: INSZoom and ZoomSupport are other companies, though their names contain “Zoom”." in result.stdout


def test_ask_json_contract(store: Path) -> None:
    result = run(store, "ask", "Does INSZoom sell my personal information?", "--json")
    answer = json.loads(result.stdout)
    assert set(answer) >= {
        "question",
        "companies",
        "unknown_companies",
        "practice",
        "verdict",
        "answer",
        "citations",
        "per_company",
    }
    assert answer["companies"] == ["INSZoom"]
    assert answer["verdict"] == "no"
    text = (FIXTURES.parents[1] / "index" / "bundled" / "inszoom.txt").read_text(encoding="utf-8")
    for citation in answer["citations"]:
        assert set(citation) == {"company", "policy_id", "section", "quote", "start", "end", "score"}
        assert text[citation["start"] : citation["end"]] == citation["quote"]


def test_batch_answers_in_order_with_history(store: Path) -> None:
    lines = [
        {"id": "a", "question": "Does Zopim sell my data?", "company": "zopim"},
        {"id": "b", "question": "what about INSZoom?", "history": ["Does Zopim sell my data?"]},
        {"id": "c", "question": "Does Zendesk sell my data?"},
    ]
    result = run(store, "ask", "--batch", "-", "--json", stdin="\n".join(json.dumps(x) for x in lines))
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c"]
    assert out[1]["companies"] == ["INSZoom"]
    assert out[1]["practice"] == "sale"
    assert out[2]["unknown_companies"] == ["Zendesk"]
    assert out[2]["citations"] == []


def test_ingest_a_file_then_ask_about_it(tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = run(store, "--no-bundled", "ingest", str(FIXTURES / "acme.txt"), "--company", "Acme")
    assert result.returncode == 0, result.stderr
    assert "1 added" in result.stdout
    again = run(store, "--no-bundled", "ingest", str(FIXTURES / "acme.txt"), "--company", "Acme")
    assert "1 unchanged" in again.stdout
    answer = json.loads(run(store, "ask", "Does Acme sell my data?", "--json").stdout)
    assert answer["companies"] == ["Acme"]
    assert any("We do not sell your personal information." in c["quote"] for c in answer["citations"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", "Does it sell data?", "--company", "Nobody Inc"], "No policy for 'Nobody Inc'"),
        (["ingest", str(FIXTURES / "empty.txt")], "has no text"),
        (["ingest", str(FIXTURES / "missing.txt")], "no such file"),
        (["ask", "   "], "question is empty"),
    ],
)
def test_user_errors_are_one_clear_line(store: Path, args: list[str], message: str) -> None:
    result = run(store, *args)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_folder_without_policies(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.docx").write_bytes(b"x")
    result = run(tmp_path / "store", "--no-bundled", "ingest", str(tmp_path / "docs"))
    assert result.returncode == 1
    assert "no policy files" in result.stderr
    assert "Traceback" not in result.stderr


def test_incompatible_store_is_refused(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (store / "policy-assistant-store.json").write_text('{"format": 999}')
    result = run(store, "companies")
    assert result.returncode == 1
    assert "incompatible version" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_is_instant_and_imports_no_torch() -> None:
    code = "import sys; from assistant.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit: pass\nprint('torch' in sys.modules, 'chromadb' in sys.modules, 'gradio' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "policy-assistant" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "False False False"
