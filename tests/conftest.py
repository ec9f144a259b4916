"""Shared fixtures: settings isolated under tmp_path, and one real assistant on the bundled policies.

The default offline path runs for real here: the bundled MiniLM model, embedded Chroma on disk.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.settings import Settings

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
for key in [k for k in os.environ if k.startswith("POLICY_ASSISTANT_")]:
    del os.environ[key]

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for an empty store of this test's own (no bundled policies)."""
    return Settings(store=tmp_path / "store", bundled=False)


@pytest.fixture(scope="session")
def bundled_assistant(tmp_path_factory: pytest.TempPathFactory):
    """One assistant on the five bundled policies, built once per test session (read-only use)."""
    from assistant.service import build_assistant

    store = tmp_path_factory.mktemp("bundled") / "store"
    return build_assistant(Settings(store=store))


@pytest.fixture
def fixture_assistant(settings: Settings):
    """An assistant on the tiny fixture corpus (acme, globex, initech), writable by the test."""
    from assistant.service import build_assistant
    from index.ingest import ingest_paths

    assistant = build_assistant(settings)
    ingest_paths(assistant.store, [FIXTURES / "acme.txt", FIXTURES / "globex.md", FIXTURES / "initech.html"])
    return assistant


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_app(assistant, auth: tuple[str, str] | None = None) -> Iterator[str]:
    """The app served as `policy-assistant serve` serves it, on a free loopback port; yields its URL."""
    from ui.app import launch

    port = free_port()
    app = launch(assistant, host="127.0.0.1", port=port, auth=auth, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        app.close()
