"""The app's event handlers: plain Python over an `Assistant`, testable without a browser.

Handlers return HTML strings (from `ui.render`) and plain values; `ui.app` wires them to
Gradio components. Mistakes a user can make arrive as `PolicyAssistantError` and are shown
as one message, never a traceback.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import InputError, PolicyAssistantError, StoreError
from assistant.practices import PRACTICES
from assistant.types import Answer
from ui import render
from ui.render import GridCell, Turn

if TYPE_CHECKING:
    from assistant.profile import Profile
    from assistant.service import Assistant
    from assistant.types import Policy

Progress = Callable[[float, str], None]
UPLOAD_TYPES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")
PASTE_FORMATS = ("txt", "md", "html")


def _no_progress(fraction: float, desc: str) -> None:
    """Progress sink for callers that show none."""


class Handlers:
    """Everything the UI does, over one assistant shared by every session of the app."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        # Adding and deleting are rare and write to the shared index: one at a time.
        self._write_lock = threading.Lock()
        self._exports: Path | None = None

    def _export_dir(self) -> Path:
        """A private folder for profile exports, made on first use and removed with the handlers (or at exit)."""
        if self._exports is None:
            self._exports = Path(tempfile.mkdtemp(prefix="policy-assistant-export-"))
            weakref.finalize(self, shutil.rmtree, self._exports, ignore_errors=True)
        return self._exports

    # -- companies -----------------------------------------------------------------------------

    def company_choices(self) -> list[tuple[str, str]]:
        """`(company, policy_id)` pairs for pickers, sorted by name."""
        catalog = self.assistant.store.catalog()
        return sorted(((i.company, i.policy_id) for i in catalog.values()), key=lambda c: c[0].lower())

    def policies_rows(self) -> list[list[str]]:
        """The policies list: company, effective date, size, id."""
        catalog = self.assistant.store.catalog()
        return [
            [i.company, i.effective or "unknown", f"{i.chars:,} characters", i.policy_id]
            for i in sorted(catalog.values(), key=lambda i: i.company.lower())
        ]

    # -- chat ----------------------------------------------------------------------------------

    def chat(self, message: str, turns: list[Turn], companies: list[str] | None) -> Iterator[tuple[list[Turn], str]]:
        """Answer a chat message, streaming if the assistant can; earlier questions make follow-ups work.

        Yields `(turns, conversation html)` after each step; the last yield holds the full answer.
        """
        message = (message or "").strip()
        if not message:
            yield turns, render.conversation_html(turns)
            return
        history = [t.question for t in turns if t.error is None]
        turn = Turn(message)
        turns = [*turns, turn]
        yield turns, render.conversation_html(turns)
        try:
            for item in self.assistant.stream(message, companies=companies or None, history=history):
                if isinstance(item, Answer):
                    turn.answer = item
                else:
                    turn.partial += str(item)
                    yield turns, render.conversation_html(turns)
        except PolicyAssistantError as err:
            turn.error = str(err)
        yield turns, render.conversation_html(turns)

    def ask_json(self, question: str, companies: list[str] | None = None, history: list[str] | None = None) -> dict:
        """The API endpoint's work: the answer as the JSON contract of `ask --json`."""
        return self.assistant.ask(question, companies=companies or None, history=history or None).to_json()

    # -- the policy viewer ---------------------------------------------------------------------

    def open_citation(self, key: str) -> str:
        """Viewer HTML for a clicked citation (`policy_id|start|end`), the span highlighted."""
        try:
            policy_id, start, end = _parse_key(key)
            policy = self.assistant.store.policy(policy_id)
        except PolicyAssistantError as err:
            return render.viewer_placeholder(str(err))
        return render.viewer_html(policy, start, end, self._section_at(policy_id, start))

    def _section_at(self, policy_id: str, offset: int) -> str:
        for chunk in self.assistant.store.vectors(policy_id).chunks:
            if chunk.start <= offset < chunk.end:
                return chunk.section
        return ""

    # -- compare, grid, profile ----------------------------------------------------------------

    def compare(self, companies: list[str] | None, practice: str | None, question: str) -> str:
        """The side-by-side table for a typed question, or else for a practice."""
        question = (question or "").strip()
        title = None
        if not question:
            if not practice or practice not in PRACTICES:
                raise InputError("Pick a practice or type a question to compare.")
            # The practice's own phrasing, so the question is tagged with exactly that practice.
            question = f"Does the company {PRACTICES[practice].question.removeprefix('whether it ')}?"
            title = PRACTICES[practice].label
        from assistant.compare import compare

        if not self.assistant.store.catalog():
            raise InputError("No policies are indexed yet: add one in the “Add a policy” tab.")
        answer = compare(self.assistant, question, companies=companies or None)
        return render.compare_table_html(answer, title)

    def profile_of(self, policy_id: str) -> Profile:
        """The policy's profile (`build_profile` caches it by content hash, in memory and on disk)."""
        from assistant.profile import build_profile

        if policy_id not in self.assistant.store.catalog():
            raise StoreError(f"No policy {policy_id!r} in the index (was it deleted?).")
        return build_profile(self.assistant, policy_id)

    def grid(self, companies: list[str] | None, progress: Progress = _no_progress) -> str:
        """Companies × practices, colour-coded by verdict."""
        ids = companies or [pid for _, pid in self.company_choices()]
        if not ids:
            raise InputError("No policies are indexed yet: add one in the “Add a policy” tab.")
        catalog = self.assistant.store.catalog()
        rows = []
        columns: list[tuple[str, str]] = []
        for n, pid in enumerate(ids):
            progress(n / len(ids), f"Reading {catalog[pid].company if pid in catalog else pid}")
            profile = self.profile_of(pid)
            if not columns:
                columns = [(r.practice, r.label) for r in profile.rows]
            cells = {r.practice: GridCell(r.verdict, r.citation) for r in profile.rows}
            rows.append((catalog[pid].company, [cells.get(p, GridCell("not_stated")) for p, _ in columns]))
        progress(1.0, "Done")
        return render.grid_html(columns, rows)

    def profile(self, policy_id: str | None) -> tuple[str, list[str]]:
        """A company's practice-by-practice summary as HTML, and its exports (Markdown, CSV, JSON)."""
        from assistant.profile import ACTION_TITLES, action_kind

        if not policy_id:
            raise InputError("Pick a company.")
        profile = self.profile_of(policy_id)
        rows = [(r.label, r.verdict, r.citation) for r in profile.rows]
        actions = [(ACTION_TITLES[action_kind(c.quote)], c) for c in profile.actions]
        stem = self._export_dir() / f"privacy-profile-{policy_id}"
        exports = {
            ".md": profile.to_markdown(),
            ".csv": profile.to_csv(),
            ".json": json.dumps(profile.to_json(), ensure_ascii=False, indent=2),
        }
        for suffix, content in exports.items():
            stem.with_suffix(suffix).write_text(content, encoding="utf-8")
        return render.profile_html(profile.company, rows, actions), [str(stem.with_suffix(s)) for s in exports]

    # -- adding and deleting policies -------------------------------------------------------------

    def add_policy(
        self, upload: str | None, pasted: str, fmt: str, company: str, progress: Progress = _no_progress
    ) -> str:
        """Read, check and index one uploaded or pasted policy; returns a status message.

        Every check runs before anything is written, and an existing policy is never replaced.
        """
        from index.ingest import add_policies, check_company_free, collect_files, policy_from_file, policy_from_text

        store = self.assistant.store
        max_bytes = int(store.settings.max_file_mb * 1_000_000)
        company = (company or "").strip()
        pasted = pasted or ""
        progress(0.05, "Reading")
        warnings: list[str] = []
        if upload and pasted.strip():
            raise InputError("Upload a file or paste text, not both.")
        if upload:
            path = Path(upload)
            if path.suffix.lower() not in UPLOAD_TYPES:
                raise InputError(f"{path.name}: unsupported file type; upload {', '.join(UPLOAD_TYPES)}.")
            [(path, entry)] = collect_files([path])
            policy, warnings = policy_from_file(path, entry, company or None, max_bytes)
            policy = dataclasses.replace(policy, source=path.name)
        elif pasted.strip():
            size = len(pasted.encode("utf-8"))
            if size > max_bytes:
                raise InputError(
                    f"The pasted text is {size / 1e6:.1f} MB, more than the {max_bytes / 1e6:.0f} MB limit."
                )
            if fmt not in PASTE_FORMATS:
                raise InputError(f"Unknown format {fmt!r}; choose one of {', '.join(PASTE_FORMATS)}.")
            policy = policy_from_text(pasted, company, fmt, source="pasted in the app")
        else:
            raise InputError("Choose a file to upload or paste the policy's text.")
        progress(0.2, "Checking")
        with self._write_lock:
            self._check_new(policy)
            check_company_free(store, policy)
            progress(0.3, f"Indexing {policy.company} ({len(policy.text):,} characters)")
            add_policies(store, [policy])
        progress(1.0, "Done")
        notes = "".join(f" Note: {w}" for w in warnings)  # e.g. the file was not UTF-8: said, not hidden
        return f"Indexed {policy.company} ({len(policy.text):,} characters). You can ask about it now.{notes}"

    def _check_new(self, policy: Policy) -> None:
        existing = self.assistant.store.catalog().get(policy.policy_id)
        if existing is not None:
            raise InputError(
                f"A policy with the id {policy.policy_id!r} ({existing.company}) is already indexed; delete it first "
                "or use another company name."
            )

    def delete_policy(self, policy_id: str | None, confirmed: bool) -> str:
        """Remove a policy from the shared index (after explicit confirmation)."""
        if not policy_id:
            raise InputError("Pick the policy to delete.")
        if not confirmed:
            raise InputError("Tick the confirmation box: deleting removes the policy for everyone using this app.")
        with self._write_lock:
            info = self.assistant.store.catalog().get(policy_id)
            if info is None:
                raise StoreError(f"No policy {policy_id!r} in the index (already deleted?).")
            self.assistant.store.remove_policy(policy_id)
        return f"Deleted {info.company}."


def _parse_key(key: str) -> tuple[str, int, int]:
    policy_id, sep, rest = (key or "").partition("|")
    start, sep2, end = rest.partition("|")
    if not (sep and sep2 and start.isdigit() and end.isdigit()):
        raise InputError("That citation link is not valid.")
    return policy_id, int(start), int(end)
