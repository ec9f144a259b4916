"""Chroma server mode: a real `chroma run` on 127.0.0.1, shared by several app processes."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.errors import StoreError
from assistant.settings import Settings
from tests.conftest import FIXTURES, free_port

CHROMA = Path(sys.executable).parent / "chroma"


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Chroma server of the venv's chromadb, persisted under tmp, stopped after the module."""
    data = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    log = (data / "server.log").open("w")
    server = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"chroma run did not start: {(data / 'server.log').read_text()}") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_ingest_and_ask_through_the_server(chroma_url: str, tmp_path: Path) -> None:
    from assistant.service import build_assistant
    from index.ingest import ingest_paths

    # The store folder is never used in server mode: nothing may be written there.
    settings = Settings(chroma_url=chroma_url, store=tmp_path / "unused", bundled=False, catalog_ttl=2)
    writer = build_assistant(settings)
    report = ingest_paths(writer.store, [FIXTURES / "acme.txt", FIXTURES / "globex.md", FIXTURES / "initech.html"])
    assert sorted(report.added) == ["acme", "globex", "initech"]
    assert not (tmp_path / "unused").exists()

    # A second app process (here: a second client) sees the same index and answers from it.
    reader = build_assistant(settings)
    assert sorted(reader.store.catalog()) == ["acme", "globex", "initech"]
    answer = reader.ask("Does Initech sell customer data?")
    assert [part.policy_id for part in answer.per_company] == ["initech"]
    assert any("never sells customer data" in c.quote for c in answer.citations)

    # The in-process BM25 side is rebuilt from the server's documents and scores real terms.
    vector = reader.query_vector("encryption in transit")
    chunk_scores, sentence_scores = reader.retriever.lexical("initech").scores("encryption in transit")
    assert chunk_scores.max() > 0
    assert sentence_scores.max() > 0
    bm25_only = reader.retriever.search("encryption in transit", vector, "initech", [], 1, mode="bm25")
    assert "encryption in transit" in bm25_only[0].chunk.text

    # Writes by one process reach the others once their catalog is `catalog_ttl` old.
    again = ingest_paths(reader.store, [FIXTURES / "acme.txt"])
    assert again.unchanged == ["acme"]
    writer.store.remove_policy("globex")
    time.sleep(settings.catalog_ttl + 0.1)
    assert sorted(reader.store.catalog()) == ["acme", "initech"]
    counts = reader.store.count()
    assert counts["policies"] == 2
    assert counts["chunks"] == sum(i.chunks for i in reader.store.catalog().values())


def test_cli_uses_the_server_from_the_environment(chroma_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"POLICY_ASSISTANT_CHROMA_URL": chroma_url, "POLICY_ASSISTANT_BUNDLED": "false"}
    ingested = runner.invoke(main, ["ingest", str(FIXTURES / "globex.md"), "--company", "Globex"], env=env)
    assert ingested.exit_code == 0, ingested.output
    listed = runner.invoke(main, ["companies", "--json"], env=env)
    assert '"policy_id": "globex"' in listed.output


def test_unreachable_server_is_one_clear_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    from index.store import open_client

    with pytest.raises(StoreError, match="Cannot reach the Chroma server"):
        open_client(Settings(chroma_url=url, store=tmp_path / "unused"))
    result = CliRunner().invoke(main, ["--chroma-url", url, "companies"])
    assert result.exit_code == 1
    assert "Cannot reach the Chroma server" in result.output
    assert "Traceback" not in result.output
