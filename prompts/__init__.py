"""Prompt templates are data: one `.txt` file per prompt, `{placeholder}` fields, one loader."""

from __future__ import annotations

import string
from functools import cache
from importlib.resources import files

# Each template and the placeholders it must fill (tests/test_prompts.py checks both ways).
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "answer": frozenset({"question", "verdicts", "clauses"}),
    "compare": frozenset({"question", "verdicts", "clauses"}),
    "followup": frozenset({"question", "history"}),
}


@cache
def load(name: str) -> str:
    """The text of `prompts/<name>.txt`."""
    if name not in PLACEHOLDERS:
        raise KeyError(f"unknown prompt: {name!r}")
    return files(__package__).joinpath(f"{name}.txt").read_text(encoding="utf-8")


def placeholders(template: str) -> set[str]:
    """The `{field}` names a template uses."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def render(name: str, **values: str) -> str:
    """Fill a template; every placeholder must be given, and nothing else."""
    expected = PLACEHOLDERS[name]
    if set(values) != expected:
        raise KeyError(f"prompt {name!r} takes {sorted(expected)}, got {sorted(values)}")
    # Values are inserted once and never re-parsed: braces in policy text stay literal.
    return load(name).format(**values)
