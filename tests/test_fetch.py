"""Policies from URLs: pages served by a real HTTP server on 127.0.0.1, with real page chrome."""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.errors import InputError
from assistant.settings import Settings
from index.fetch import fetch_page, policy_from_url
from tests.conftest import free_port

WEB = Path(__file__).parent / "fixtures" / "web"
BOILERPLATE = (
    "Accept all cookies",
    "Manage cookie preferences",
    "Careers at Hooli",
    "Sign in",
    "UA-TRACK-ME",
    "analytics loaded",
    "Related articles",
    "Meet the new Hooli Phone",
    "All rights reserved",
    "Subscribe to our newsletter",
    "schema.org",
)


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves the fixture page, a slow page, a huge page, a PDF, a 404 and a redirect."""

    def do_GET(self) -> None:
        match self.path:
            case "/privacy":
                self._send(200, "text/html; charset=utf-8", (WEB / "privacy.html").read_bytes())
            case "/old-privacy":
                self.send_response(301)
                self.send_header("Location", "/privacy")
                self.end_headers()
            case "/slow":
                time.sleep(3)
                self._send(200, "text/html", b"<p>late</p>")
            case "/huge":
                self._send(200, "text/html", b"<p>" + b"x" * 3_000_000 + b"</p>")
            case "/file.pdf":
                self._send(200, "application/pdf", b"%PDF-1.4 ...")
            case "/empty":
                self._send(
                    200, "text/html", b"<html><body><nav><a href='/'>Home</a></nav><script>app()</script></body></html>"
                )
            case _:
                self._send(404, "text/html", b"<h1>Not found</h1>")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        # The client may give up (timeout, size limit): that is what some tests check.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_main_text_without_page_chrome(server: str, settings: Settings) -> None:
    policy = policy_from_url(f"{server}/privacy", settings=settings)
    assert "Hooli does not sell your personal information to third parties." in policy.text
    assert "We keep your search history for eighteen months" in policy.text
    for junk in BOILERPLATE:
        assert junk not in policy.text, junk
    assert policy.source == f"{server}/privacy"
    assert policy.company == "127.0.0.1"  # default: the host name
    assert policy.effective == "March 1, 2024"
    assert policy.fetched is not None
    assert policy.fetched.startswith(("20", "21"))


def test_redirect_keeps_the_final_address(server: str, settings: Settings) -> None:
    policy = policy_from_url(f"{server}/old-privacy", company="Hooli", settings=settings)
    assert policy.source == f"{server}/privacy"
    assert (policy.company, policy.policy_id) == ("Hooli", "hooli")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "HTTP 404"),
        ("/file.pdf", "application/pdf, not a web page"),
        ("/empty", "no main text"),
        ("/huge", "over the 1 MB limit"),
    ],
)
def test_unusable_pages_say_why(server: str, tmp_path: Path, path: str, message: str) -> None:
    settings = Settings(store=tmp_path / "store", bundled=False, max_file_mb=1)
    with pytest.raises(InputError, match=message):
        policy_from_url(server + path, settings=settings)


def test_timeout_and_offline_are_clear(server: str) -> None:
    with pytest.raises(InputError, match=r"no answer within 0.5 s"):
        fetch_page(f"{server}/slow", timeout=0.5)
    with pytest.raises(InputError, match="cannot connect"):  # a port nothing listens on
        fetch_page(f"http://127.0.0.1:{free_port()}/privacy", timeout=2)
    with pytest.raises(InputError, match="cannot resolve"):
        fetch_page("http://no-such-host.invalid/privacy", timeout=2)
    with pytest.raises(InputError, match="not an http"):
        fetch_page("ftp://example.com/privacy")


def test_cli_ingests_a_url_and_answers_from_it(server: str, tmp_path: Path) -> None:
    runner = CliRunner()
    store = ["--store", str(tmp_path / "store"), "--no-bundled"]
    result = runner.invoke(main, [*store, "ingest", f"{server}/privacy", "--company", "Hooli"])
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output
    again = runner.invoke(main, [*store, "ingest", f"{server}/privacy", "--company", "Hooli"])
    assert "1 unchanged" in again.output
    answer = runner.invoke(main, [*store, "ask", "Does Hooli sell my personal information?", "--json"])
    assert answer.exit_code == 0, answer.output
    assert "Hooli does not sell your personal information to third parties." in answer.output
    listed = runner.invoke(main, [*store, "companies", "--json"])
    assert '"effective": "March 1, 2024"' in listed.output


def test_cli_shows_fetch_errors_without_traceback(server: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "store"), "--no-bundled", "ingest", f"{server}/nope"])
    assert result.exit_code == 1
    assert "HTTP 404" in result.output
    assert "Traceback" not in result.output


def test_catalog_keeps_url_and_fetch_date(server: str, settings: Settings) -> None:
    from assistant.service import build_assistant
    from index.ingest import ingest_paths

    assistant = build_assistant(settings)
    ingest_paths(assistant.store, [f"{server}/privacy"], company="Hooli")
    info = assistant.store.catalog()["hooli"]
    assert info.source == f"{server}/privacy"
    assert info.fetched is not None
    assert assistant.store.policy("hooli").fetched == info.fetched
