"""A privacy profile: one page per policy, every cell backed by a verbatim quote.

One row per practice of the taxonomy (`assistant.practices.PRACTICES`): the verdict, the
clause that decided it and its section, decided exactly as `ask` decides for one company.
Then what the user can act on: privacy contacts (emails, phones, postal addresses, web
forms), opt-out mechanisms and rights requests, each quoted from the policy.

Profiles are cached in memory and as JSON beside the index, under a key made of what shapes
them (the policy's content hash, the index, the retrieval settings and the code of the
deciding modules), so a profile opens instantly and a changed policy or engine recomputes it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from assistant.citations import is_verbatim, make_citation, narrowed
from assistant.practices import POSTCODE, PRACTICES, STREET
from assistant.types import VERDICT_LABELS, Citation, Verdict
from index.chunking import sentence_spans

if TYPE_CHECKING:
    from assistant.service import Assistant

log = logging.getLogger(__name__)

ActionKind = Literal["contact", "opt_out", "rights"]
ACTION_TITLES: dict[ActionKind, str] = {
    "contact": "Privacy contacts",
    "opt_out": "Opt-outs",
    "rights": "Rights requests",
}
# Bump when the stored JSON changes shape.
_FORMAT = 1
# Quotes kept per kind of action: enough to act on, short enough to read.
_MAX_ACTIONS = 8


@dataclass
class ProfileRow:
    """One practice of the taxonomy: its verdict and the clause that decided it (None when silent)."""

    practice: str
    label: str
    verdict: Verdict
    citation: Citation | None


@dataclass
class Profile:
    """A policy's practice-by-practice summary and the actions it offers the user."""

    company: str
    policy_id: str
    rows: list[ProfileRow]
    actions: list[Citation]

    def to_json(self) -> dict:
        return {
            "company": self.company,
            "policy_id": self.policy_id,
            "rows": [
                {
                    "practice": r.practice,
                    "label": r.label,
                    "verdict": r.verdict,
                    "citation": r.citation.model_dump() if r.citation else None,
                }
                for r in self.rows
            ],
            "actions": [{"kind": action_kind(c.quote), **c.model_dump()} for c in self.actions],
        }

    @classmethod
    def from_json(cls, data: dict) -> Profile:
        return cls(
            company=data["company"],
            policy_id=data["policy_id"],
            rows=[
                ProfileRow(
                    r["practice"],
                    r["label"],
                    r["verdict"],
                    Citation.model_validate(r["citation"]) if r["citation"] else None,
                )
                for r in data["rows"]
            ],
            actions=[Citation.model_validate({k: v for k, v in a.items() if k != "kind"}) for a in data["actions"]],
        )

    def to_markdown(self) -> str:
        lines = [
            f"# Privacy profile: {self.company}",
            "",
            "| Practice | Verdict | Deciding clause | Section |",
            "|---|---|---|---|",
        ]
        for r in self.rows:
            clause = f"“{_cell(r.citation.quote)}”" if r.citation else "(the policy does not say)"
            section = _cell(r.citation.section) if r.citation else ""
            lines.append(f"| {r.label} | {VERDICT_LABELS[r.verdict]} | {clause} | {section} |")
        lines += ["", "## What you can do"]
        for kind, title in ACTION_TITLES.items():
            quotes = [c for c in self.actions if action_kind(c.quote) == kind]
            lines += ["", f"### {title}", ""]
            lines += [f"- “{' '.join(c.quote.split())}”" + (f" ({c.section})" if c.section else "") for c in quotes]
            if not quotes:
                lines.append("- (the policy names none)")
        return "\n".join(lines) + "\n"

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["kind", "practice", "label", "verdict", "quote", "section", "start", "end"])
        for r in self.rows:
            c = r.citation
            cited = [c.quote, c.section, c.start, c.end] if c else ["", "", "", ""]
            writer.writerow(["practice", r.practice, r.label, r.verdict, *cited])
        for c in self.actions:
            kind = action_kind(c.quote)
            writer.writerow(["action", kind, ACTION_TITLES[kind], "", c.quote, c.section, c.start, c.end])
        return out.getvalue()


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


# -- building ----------------------------------------------------------------------------------

_MEMORY: dict[str, Profile] = {}


def build_profile(assistant: Assistant, policy_id: str) -> Profile:
    """The profile of one indexed policy: from memory, else from disk, else computed and stored."""
    key = _cache_key(assistant, policy_id)
    if key in _MEMORY:
        return _MEMORY[key]
    path = _cache_dir(assistant) / f"{policy_id}-{key[:20]}.json"
    profile = _read(path)
    if profile is None:
        profile = compute_profile(assistant, policy_id)
        _write(path, profile)
    _MEMORY[key] = profile
    return profile


def compute_profile(assistant: Assistant, policy_id: str) -> Profile:
    """Ask every practice of the taxonomy of one policy and collect its actions (no cache)."""
    policy = assistant.store.policy(policy_id)
    queries = {name: _query(name) for name in PRACTICES}
    vectors = assistant.embedder.embed_batch(list(queries.values()))
    rows = []
    for (name, query), vector in zip(queries.items(), vectors, strict=True):
        part = assistant.practice_answer(policy_id, name, query, vector)
        citation = part.citations[0] if part.verdict != "not_stated" and part.citations else None
        if citation is not None:  # the clause the verdict was read from, not the window around it
            citation = narrowed(citation, part.deciding, policy.text)
        if citation is not None and not is_verbatim(citation, policy.text):
            citation = None  # never show a quote the policy does not contain
        rows.append(ProfileRow(name, PRACTICES[name].label, part.verdict if citation else "not_stated", citation))
    sections = [(c.start, c.end, c.section) for c in assistant.store.vectors(policy_id).chunks]
    actions = [
        make_citation(policy.text, policy.company, policy_id, _section_at(sections, start), start, end)
        for start, end in find_actions(policy.text)
    ]
    return Profile(policy.company, policy_id, rows, actions)


def _query(practice: str) -> str:
    """The search text for a practice: its description is written in the words policies use."""
    return PRACTICES[practice].description


def _section_at(sections: list[tuple[int, int, str]], offset: int) -> str:
    return next((section for start, end, section in sections if start <= offset < end), "")


def _cache_key(assistant: Assistant, policy_id: str) -> str:
    info = assistant.store.catalog()[policy_id]
    settings = assistant.settings
    shape = {
        "format": _FORMAT,
        "sha256": info.sha256,
        "company": info.company,
        "index": assistant.store.name,
        "k": settings.k,
        "retrieval": settings.retrieval.model_dump(),
        "code": _code_fingerprint(),
    }
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()


_CODE: str | None = None


def _code_fingerprint() -> str:
    """Hash of the modules that decide a profile: a changed verdict engine recomputes profiles."""
    global _CODE
    if _CODE is None:
        from assistant import practices, retrieval, service, verdicts

        digest = hashlib.sha256()
        for module in (practices, verdicts, retrieval, service):
            digest.update(Path(module.__file__ or "").read_bytes())
        digest.update(Path(__file__).read_bytes())
        _CODE = digest.hexdigest()
    return _CODE


def _cache_dir(assistant: Assistant) -> Path:
    return assistant.settings.store / "profiles"


def _read(path: Path) -> Profile | None:
    try:
        return Profile.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as err:
        log.warning("ignoring a damaged cached profile %s: %s", path, err)
        return None


def _write(path: Path, profile: Profile) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(f"{profile.policy_id}-*.json"):
            stale.unlink(missing_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(profile.to_json(), ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except OSError as err:  # a read-only store still gets its profile, just not cached on disk
        log.warning("cannot cache the profile at %s: %s", path, err)


# -- actions -------------------------------------------------------------------------------------

_I = re.IGNORECASE
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\+\d{1,3}[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}\b")
_WEB_CONTACT = re.compile(
    r"\b(?:web ?form|online form|contact form|request form|privacy (?:request )?portal|contact(?:ing)? us (?:here|through|via|on|using|at|by)|"
    r"(?:through|via) our (?:website|web ?site) here|(?:click|visit) (?:here|this link)\b[^.]{0,40}\b(?:contact|request|privacy))",
    _I,
)
_CONTACT_CUE = re.compile(r"\b(?:contact|write|writing|mail|e-?mail|call|reach|send|address(?:ed)?|officer|dpo)\b", _I)
_OPT_OUT = re.compile(
    r"\bopt(?:s|ing)?[- ]?out\b|\bunsubscrib\w*|\b(?-i:Do Not Sell)\b|\bdo not sell my\b|\bwithdraw\w* (?:your |their )?consent\b|\bdo not call\b"
    r"|\b(?:disable|refuse|reject|block|decline|delete|remove|turn off)\w*\b[^.]{0,40}\bcookies\b|\bbrowser settings?\b"
    r"|\b(?:incognito|private browsing|global privacy control|ad choices|aboutads)\b",
    _I,
)
_RIGHTS = re.compile(
    r"\bright (?:to|of) (?:access|delet|eras|rectif|correct|portab|object|restrict|know|request|opt|obtain)\w*"
    r"|\brequest\w*\b[^.]{0,30}\b(?:access|deletion|delete|remov|correct|updat|copy|erasure)\w*"
    r"|\b(?:access|correct|update|amend|delete|remove|review)\w*\b[^.]{0,30}\b(?:your|their|the) (?:personal )?(?:information|data)\b"
    r"|\bexercise (?:your|these|the|any|such)\b[^.]{0,20}\brights?\b|\bverifiable (?:consumer )?request\b"
    r"|\blodge a complaint\b|\bsupervisory authority\b",
    _I,
)
_AGENT = re.compile(r"\b(?:you|your|individuals?|users?|residents?|consumers?|visitors?|customers?|anyone)\b", _I)
# A list item or heading ("- Right to erasure: ...", "Opt out of communications:") names an action on its own.
_ITEM = re.compile(
    r"^\s*(?:[-•*]|\d{1,2}[.)])?\s*[A-Z][^.:]{0,60}:|^\s*(?:To|Please|Click|Visit|Email|E-mail|Contact|Write|Call|Use)\b"
)
# Something the user can use right away: an address to write to, a link, a setting.
_MEANS = re.compile(
    r"@|\bhere\b|\bclick|\bhttps?://|\bwww\.|\bsettings?\b|\bform\b|\bcall\b|\bwrit(?:e|ing) to\b|\bunsubscribe\b", _I
)


def action_kind(quote: str) -> ActionKind:
    """Which kind of action a quote offers: a way to opt out, a rights request, or a contact."""
    return _classify(quote) or "contact"


def _classify(quote: str) -> ActionKind | None:
    addressed = _AGENT.search(quote) is not None or _ITEM.match(quote) is not None
    if _OPT_OUT.search(quote) and addressed:
        return "opt_out"
    if _RIGHTS.search(quote) and addressed:
        return "rights"
    if _is_contact(quote):
        return "contact"
    return None


def _is_contact(text: str) -> bool:
    return bool(
        _EMAIL.search(text)
        or (_PHONE.search(text) and _CONTACT_CUE.search(text))
        or STREET.search(text)
        or POSTCODE.search(text)
        or _WEB_CONTACT.search(text)
    )


def _is_address_part(text: str) -> bool:
    return len(text) <= 90 and bool(STREET.search(text) or POSTCODE.search(text) or text.rstrip(".").strip().isalpha())


def find_actions(text: str) -> list[tuple[int, int]]:
    """Spans of `text` that name a privacy contact, an opt-out or a rights request, in text order.

    A postal address spread over short lines is one span, joined to the sentence that
    introduces it ("... by writing to: Privacy Team, INSZoom.com Inc." + the street line).
    """
    found: dict[ActionKind, list[tuple[int, int]]] = {"contact": [], "opt_out": [], "rights": []}
    for start, end in _units(text):
        kind = _classify(text[start:end])
        if kind is not None:
            found[kind].append((start, end))
    kept: list[tuple[int, int]] = []
    for spans in found.values():
        # Those naming a means (an address, a link, a setting) first; then in text order.
        ranked = sorted(spans, key=lambda span: (_MEANS.search(text[span[0] : span[1]]) is None, span[0]))
        kept += ranked[:_MAX_ACTIONS]
    return sorted(kept)


def unit_at(text: str, offset: int) -> tuple[int, int] | None:
    """The sentence or postal address block of `text` holding `offset` (an address line's whole address)."""
    return next(((start, end) for start, end in _units(text) if start <= offset < end), None)


def _units(text: str) -> list[tuple[int, int]]:
    """Sentences of the text, with address lines joined into the sentence or block they belong to."""
    units: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n](?:.|\n(?!\s*\n))*", text):
        lines = list(re.finditer(r"[^\n]+", para.group()))
        short_block = len(lines) >= 2 and all(len(m.group().strip()) <= 90 for m in lines)
        if short_block and any(STREET.search(m.group()) or POSTCODE.search(m.group()) for m in lines):
            units.append(_trim(text, para.start(), para.end()))  # an address block: one quote
            continue
        for sentence in sentence_spans(text, para.start(), para.end()):
            start, end = sentence.start, sentence.end
            piece = text[start:end]
            if units and _is_address_part(piece) and _continues(text, units[-1], start):
                units[-1] = (units[-1][0], end)
            else:
                units.append((start, end))
    return [u for u in units if u[1] > u[0]]


def _continues(text: str, previous: tuple[int, int], start: int) -> bool:
    """Whether a short address-like piece continues the previous unit (same paragraph, a contact)."""
    between = text[previous[1] : start]
    return "\n\n" not in between and _is_contact(text[previous[0] : previous[1]] + " " + text[start : start + 90])


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
