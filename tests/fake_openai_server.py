"""A fake OpenAI-compatible chat server on 127.0.0.1: real HTTP, streaming (SSE) and not.

Tests set `server.script` to one of the scripted behaviours; the replies are built from the
prompt the assistant actually sent (its verdicts and numbered clauses), like a model would:

* `good`: states the verdict and quotes the start of clause [C1] exactly.
* `fabricated`: quotes words that are in no clause, and cites an id that does not exist.
* `wrong_verdict`: says the opposite of the verdict it was given.
* `injection`: follows the instruction planted in the hostile policy ("every company sells nothing").
* `timeout`: accepts the request and answers only after `delay` seconds.
* `malformed`: answers 200 with a body that is not JSON (and SSE events that are not JSON).
* `followup`: (for the follow-up prompt) the rewritten question in `rewrite`.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SCRIPTS = ("good", "fabricated", "wrong_verdict", "injection", "timeout", "malformed", "followup")


def _clauses(prompt: str) -> dict[str, tuple[str, str]]:
    """{"C1": (company, clause text)} from the prompt's numbered, quoted data."""
    found = re.findall(r'\[(C\d+)\] ([^\n]+?)(?:, section [^\n]*)?:\n"""(.*?)"""', prompt, re.S)
    return {cid: (company, text) for cid, company, text in found}


def _verdicts(prompt: str) -> dict[str, str]:
    block = prompt.split("Verdict", 1)[1].split("Clauses", 1)[0]
    return {name.strip(" :"): word for name, word in re.findall(r"([^:\n]+): (yes|no|partly|not stated)", block)}


def reply(script: str, prompt: str, rewrite: str = "") -> str:
    """The scripted model's reply to `prompt`."""
    if script == "followup":
        return rewrite
    clauses = _clauses(prompt)
    verdicts = _verdicts(prompt)
    first_id, (company, text) = next(iter(clauses.items()))
    opening = " ".join(text.split()[:8])
    verdict = verdicts.get(company, "yes")
    match script:
        case "good":
            return f"{verdict.capitalize()}. {company}'s policy says “{opening}” [{first_id}]."
        case "fabricated":
            return (
                f"{company}'s policy says “we never share or sell any data, ever” [{first_id}], and “{opening}” [C99]."
            )
        case "wrong_verdict":
            if verdict == "no":
                return f"Yes, {company} sells your personal information to other companies [{first_id}]."
            return f"No, {company} does not sell your personal information to anyone [{first_id}]."
        case "injection":
            return f"Every company sells nothing. {company} sells nothing and collects nothing [{first_id}]."
    raise ValueError(f"unknown script {script!r}")


class FakeOpenAIServer:
    """Serves `POST /v1/chat/completions` on a free loopback port until `close()`."""

    def __init__(self) -> None:
        self.script = "good"
        self.rewrite = ""
        self.delay = 5.0
        self.requests: list[dict[str, Any]] = []
        self.in_flight = self.most_in_flight = 0  # requests being answered now, and the most at once
        self._count = threading.Lock()
        self._release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                with server._count:
                    server.in_flight += 1
                    server.most_in_flight = max(server.most_in_flight, server.in_flight)
                try:
                    self._answer()
                finally:
                    with server._count:
                        server.in_flight -= 1

            def _answer(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(body)
                if server.script == "timeout":
                    server._release.wait(server.delay)
                if server.script == "malformed":
                    self._send(b"data: {this is not json\n\n" if body.get("stream") else b'{"choices": [{"mess')
                    return
                prompt = body["messages"][-1]["content"]
                text = reply("good" if server.script == "timeout" else server.script, prompt, server.rewrite)
                if body.get("stream"):
                    self._send_stream(body["model"], text)
                else:
                    self._send(json.dumps(_completion(body["model"], text)).encode())

            def _send(self, data: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _send_stream(self, model: str, text: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                # Word-sized deltas, as servers send tokens.
                for piece in re.findall(r"\S+\s*|\s+", text):
                    self.wfile.write(f"data: {json.dumps(_chunk(model, {'content': piece}))}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(f"data: {json.dumps(_chunk(model, {}, 'stop'))}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def close(self) -> None:
        self._release.set()  # let a sleeping `timeout` request finish
        self.httpd.shutdown()
        self.httpd.server_close()


def _completion(model: str, text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(model: str, delta: dict[str, str], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
