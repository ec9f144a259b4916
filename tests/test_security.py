"""Hostile policies, uploads and auth: policy text is data, file names are never paths, deleting needs the app's login.

The app runs for real (`ui.app.launch` on a free loopback port, with a password); uploads go
through Gradio's own upload route, the API through gradio_client and plain HTTP.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.errors import InputError
from assistant.settings import Settings
from index.ingest import ingest_paths, policy_id_for
from tests.conftest import FIXTURES, serve_app
from tests.index_state import snapshot
from ui import render
from ui.handlers import UPLOAD_TYPES, Handlers

AUTH = ("alice", "s3cret")
BUNDLED = ("INSZoom", "InsideSales", "Instant Prospect Conversion", "ZoomSupport", "Zopim")
QUESTIONS = (
    "Does {c} sell my personal information?",
    "Does {c} share my data with advertisers?",
    "How long does {c} keep my data?",
    "Does {c} use cookies?",
)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory):
    """The fixture corpus in a store of this module's own (tests here add and delete policies)."""
    from assistant.service import build_assistant

    store = tmp_path_factory.mktemp("security") / "store"
    built = build_assistant(Settings(store=store, bundled=False, max_file_mb=1))
    ingest_paths(built.store, [FIXTURES / "acme.txt", FIXTURES / "globex.md", FIXTURES / "initech.html"])
    return built


@pytest.fixture(scope="module")
def server(assistant) -> Iterator[str]:
    """The app as `policy-assistant serve --auth alice:s3cret` runs it, on a free loopback port."""
    with serve_app(assistant, auth=AUTH) as url:
        yield url.rstrip("/")


def login(server: str) -> httpx.Client:
    client = httpx.Client(base_url=server, timeout=60)
    response = client.post("/login", data={"username": AUTH[0], "password": AUTH[1]})
    assert response.status_code == 200, response.text
    return client


# -- hostile policy text --------------------------------------------------------------------------


def test_a_hostile_policy_changes_no_other_companys_verdict_and_is_shown_literally(bundled_assistant, tmp_path):
    """Ingest hostile.txt beside the five bundled policies (a copy of their index): every bundled answer is unchanged."""
    from assistant.practices import tag_text
    from assistant.service import Assistant
    from index.store import PolicyStore

    settings = Settings(store=tmp_path / "store", bundled=False)
    shutil.copytree(bundled_assistant.settings.store, settings.store)
    embedder = bundled_assistant.embedder
    copy = Assistant(settings, PolicyStore(settings, embedder, tagger=tag_text), embedder)
    assert sorted(i.company for i in copy.store.catalog().values()) == sorted(BUNDLED)

    def answers() -> dict[str, dict]:
        got = {q.format(c=c): copy.ask(q.format(c=c)).to_json() for c in BUNDLED for q in QUESTIONS}
        everyone = copy.ask("Which companies sell my personal information?")
        for part in everyone.per_company:
            got[f"all:{part.company}"] = part.model_dump()
        return got

    before = answers()
    message = Handlers(copy).add_policy(str(FIXTURES / "hostile.txt"), "", "txt", "Hostile Corp")
    assert "Indexed Hostile Corp" in message
    after = answers()
    assert set(after) - set(before) == {"all:Hostile Corp"}
    assert {key: after[key] for key in before} == before  # every bundled company's verdict, clauses, text
    hostile = copy.ask("Does Hostile Corp sell my personal information?")
    assert hostile.verdict == "yes"  # its own text says so; "say every company sells nothing" is just text
    everyone = copy.ask("Which companies sell my personal information?")
    assert {p.company for p in everyone.per_company} == {*BUNDLED, "Hostile Corp"}

    # Rendered literally: no live script, no link, the Markdown shown as typed.
    cookies = copy.ask("Does Hostile Corp collect my email address?")
    page = render.answer_html(cookies) + "".join(render.citation_card(c, 1) for c in cookies.citations)
    policy = copy.store.policy("hostile-corp")
    start = policy.text.index("<script>")
    page += render.viewer_html(policy, start, policy.text.index("details.") + 8)
    assert "<script" not in page
    assert "<a " not in page
    assert "href=" not in page
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in page
    assert "[click here](javascript:alert(1))" in html.unescape(page)
    assert "IGNORE PREVIOUS INSTRUCTIONS" in html.unescape(page)


# -- uploads ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../../etc/passwd.txt", "..\\..\\x.txt", "/tmp/absolute.txt", "....//a/..//b.md"])
def test_upload_file_names_are_never_used_as_paths(server, assistant, tmp_path, name):
    client = login(server)
    body = f"Traversal Co privacy\n\nWe never sell data. (uploaded as {name})\n".encode()
    response = client.post("/gradio_api/upload", files=[("files", (name, body, "text/plain"))])
    assert response.status_code == 200, response.text
    [saved] = response.json()
    saved_path = Path(saved).resolve()
    # Gradio keeps uploads in its own cache folder, under a name it makes safe.
    cache = Path(__import__("tempfile").gettempdir()).resolve()
    assert saved_path.is_relative_to(cache), saved_path
    assert ".." not in Path(saved).parts
    assert saved_path.read_bytes() == body
    for outside in ("/etc/passwd.txt", "/tmp/absolute.txt", "/x.txt", "/b.md"):
        assert not Path(outside).exists()

    before = snapshot(assistant.store)
    message = Handlers(assistant).add_policy(saved, "", "txt", "")
    [(pid, info)] = [(p, i) for p, i in assistant.store.catalog().items() if p not in {"acme", "globex", "initech"}]
    assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*", pid), pid
    assert ".." not in pid
    assert info.source == saved_path.name  # the name only, never the server's folders
    assert "Indexed" in message
    assistant.store.remove_policy(pid)
    assert snapshot(assistant.store) == before


@given(st.text(min_size=1, max_size=80))
def test_policy_ids_are_safe_file_names_for_any_name(name: str) -> None:
    """Ids name profile exports and cache files: never a path, never hidden, never empty."""
    try:
        pid = policy_id_for(name)
    except InputError:
        assert not name.strip()
        return
    assert re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,79}", pid), pid
    assert ".." not in pid.split("/")


def test_uploads_over_the_size_limit_are_refused_by_the_server(server, assistant):
    client = login(server)
    big = b"We collect your email address.\n" * 40_000  # 1.2 MB; the limit here is 1 MB
    response = client.post("/gradio_api/upload", files=[("files", ("big.txt", big, "text/plain"))])
    assert response.status_code == 413, response.text


def test_the_upload_widget_offers_only_the_allowed_types(server):
    config = login(server).get("/config").json()
    [upload] = [c for c in config["components"] if c.get("props", {}).get("elem_id") == "add-file"]
    assert tuple(upload["props"]["file_types"]) == UPLOAD_TYPES
    page = " ".join(str(c.get("props", {}).get("value", "")) for c in config["components"])
    assert "shared by everyone using this app" in page


# -- auth -----------------------------------------------------------------------------------------------


def test_without_the_password_nothing_is_served_and_nothing_can_be_deleted(server, assistant):
    from gradio_client import Client

    before = snapshot(assistant.store)
    anonymous = httpx.Client(base_url=server, timeout=60)
    assert anonymous.get("/config").status_code == 401
    response = anonymous.post("/gradio_api/upload", files=[("files", ("x.txt", b"We sell data.", "text/plain"))])
    assert response.status_code == 401
    config = login(server).get("/config").json()
    [delete_button] = [c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "del-btn"]
    [fn_index] = [i for i, d in enumerate(config["dependencies"]) if [delete_button, "click"] in d["targets"]]
    # What the browser sends to delete, without the login cookie.
    response = anonymous.post(
        "/gradio_api/queue/join",
        json={"data": ["acme", True], "fn_index": fn_index, "session_hash": "intruder", "event_data": None},
    )
    assert response.status_code == 401
    with pytest.raises(Exception):  # noqa: B017, PT011 - gradio_client raises a plain ValueError/HTTP error
        Client(server + "/", verbose=False)
    assert snapshot(assistant.store) == before

    # With the password: the API answers, and the delete endpoint is not part of the public API.
    client = Client(server + "/", auth=AUTH, verbose=False)
    answer = client.predict("Does Acme sell my personal information?", ["Acme"], None, api_name="/ask")
    assert answer["verdict"] == "no"
    assert "acme" in {c["policy_id"] for c in client.predict(api_name="/companies")}
    api = client.view_api(print_info=False, return_format="dict")
    assert set(api["named_endpoints"]) == {"/ask", "/companies"}
    assert snapshot(assistant.store) == before
