"""Structure-aware chunking with exact character offsets.

A policy is read line by line: short title-like lines are section headings, every other
non-empty line is a block (paragraph, list item or table row). Blocks under one heading are
packed into chunks of about `target_chars`; a block longer than that is cut at sentence
boundaries. Every chunk and every sentence records `[start, end)` into the policy text, so
`text[start:end]` is always the chunk's (or sentence's) exact text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.types import Chunk, Sentence

# A sentence ends at . ! ? (and closing quotes/brackets) followed by space and a capital,
# digit, quote or bullet. Abbreviations below never end a sentence.
_SENTENCE_END = re.compile(r"(?P<stop>[.!?][\"'”’)\]]*)\s+(?=[A-Z0-9\"“‘(\[•\-–])")
_ABBREVIATIONS = frozenset(
    """
    e.g i.e etc inc ltd co corp no mr ms mrs dr st u.s u.k vs sec art para fig cf al approx dept p.o
    """.split()
)
_BULLET = re.compile(r"^\s*(?:[-•*–—]|\(?[0-9a-zA-Z]{1,3}[.)])\s+")
_TABLE_WORDS = frozenset({"YES", "NO", "Y", "N", "X", "N/A"})


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """Sentences of `text[start:end]`; lines always end a sentence. Offsets are absolute."""
    end = len(text) if end is None else end
    spans: list[Sentence] = []
    for line in re.finditer(r"[^\n]+", text[start:end]):
        line_start = start + line.start()
        cut = line_start
        for match in _SENTENCE_END.finditer(line.group()):
            stop = line_start + match.end("stop")
            words = text[cut:stop].split()
            word = words[-1].rstrip(".!?\"'”’)]").lower() if words else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            _append_trimmed(text, cut, stop, spans)
            cut = line_start + match.end()
        _append_trimmed(text, cut, line_start + len(line.group()), spans)
    return spans


def _append_trimmed(text: str, start: int, end: int, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end))


def is_heading(line: str) -> bool:
    """A short, title-like line without closing punctuation, not a list item or table row."""
    s = line.strip().lstrip("#").strip()
    if not s or len(s) > 90 or s[-1] in ".,;:" or _BULLET.match(line):
        return False
    words = s.split()
    if len(words) > 12 or sum(w.upper() in _TABLE_WORDS for w in words) >= 2:
        return False
    return not s.lower().startswith(("http://", "https://", "www.")) and any(c.isalpha() for c in s)


def _blocks(text: str) -> Iterator[tuple[int, int, bool]]:
    """Yield `(start, end, is_heading)` for every non-empty line."""
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        if not line.strip():
            continue
        lead = len(line) - len(line.lstrip())
        yield match.start() + lead, match.start() + len(line.rstrip()), is_heading(line)


def _heading_text(text: str, start: int, end: int) -> str:
    return text[start:end].strip().lstrip("#").strip()


def chunk_text(policy_id: str, text: str, target_chars: int = 900) -> list[Chunk]:
    """Cut a policy into chunks under their section headings, with exact offsets.

    A text whose every line looks like a heading ("We never sell data (see below)") would give
    no chunk at all and could not be indexed: it is then chunked as plain text, headings ignored.
    """
    return _chunk(policy_id, text, target_chars, headings=True) or _chunk(policy_id, text, target_chars, headings=False)


def _chunk(policy_id: str, text: str, target_chars: int, headings: bool) -> list[Chunk]:
    chunks: list[Chunk] = []
    section = ""
    pieces: list[tuple[int, int]] = []  # blocks (or parts of long blocks) of the open chunk

    def flush() -> None:
        if pieces:
            start, end = pieces[0][0], pieces[-1][1]
            sentences = tuple(s for a, b in pieces for s in sentence_spans(text, a, b))
            chunks.append(Chunk(policy_id, len(chunks), section, start, end, text[start:end], sentences))
            pieces.clear()

    for start, end, heading in _blocks(text):
        if heading and headings:
            flush()
            section = _heading_text(text, start, end)
            continue
        for part_start, part_end in _split_long(text, start, end, target_chars):
            if pieces and part_end - pieces[0][0] > target_chars:
                flush()
            pieces.append((part_start, part_end))
    flush()
    return chunks


def _split_long(text: str, start: int, end: int, target_chars: int) -> list[tuple[int, int]]:
    """Cut a block longer than `target_chars` at sentence boundaries."""
    if end - start <= target_chars:
        return [(start, end)]
    parts: list[tuple[int, int]] = []
    for sentence in sentence_spans(text, start, end):
        if parts and sentence.end - parts[-1][0] <= target_chars:
            parts[-1] = (parts[-1][0], sentence.end)
        else:
            parts.append((sentence.start, sentence.end))
    return parts
