"""Structure-aware chunking with exact character offsets.

A policy is read line by line: short title-like lines are section headings (numbered ones
too, "3. Who do we share your information with?", unless they run on as a list), every other
non-empty line is a block (paragraph, list item or table row); a table of contents (a run of
numbered titles that reappear as headings below) is not indexed. Blocks under one heading are
packed into chunks of about `target_chars`; a block longer than that is cut at sentence
boundaries. Every chunk and every sentence records `[start, end)` into the policy text, so
`text[start:end]` is always the chunk's (or sentence's) exact text.
"""

from __future__ import annotations

import re

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
_CONTACT_DETAIL = re.compile(r"\S@\S|\(?\d{3}\)?[\s.\-\u00a0]*\d{3}[\s.\-\u00a0]*\d{4}")
# A section number: "3.", "3.1", "3)", "IV." (letters such as "(a)" number list items).
_NUMBER = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*[.)]?|[IVX]{1,4}[.)])[\s\u00a0]+(?=\S)")


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
    if _CONTACT_DETAIL.search(s):
        return False  # "Call us at: (888) 203-3761", "E-mail us at: privacy@example.com" are content
    return not s.lower().startswith(("http://", "https://", "www.")) and any(c.isalpha() for c in s)


def _numbered_title(line: str) -> str | None:
    """The title of a numbered heading-like line ("3. Who do we share it with?"), else None.

    Numbered titles run longer than bare ones and may end with a full stop when short ("7. Contact Us.").
    """
    number = _NUMBER.match(line)
    if number is None:
        return None
    title = line[number.end() :].strip()
    words = title.split()
    if not title[:1].isupper() or len(title) > 130 or len(words) > 20 or title[-1] in ",;:":
        return None
    if title[-1] == "." and len(words) > 6:
        return None
    return title if is_heading(title.rstrip(".")) or len(words) > 12 else None


def _blocks(text: str) -> list[tuple[int, int, bool]]:
    """`(start, end, is_heading)` for every non-empty line outside a table of contents.

    A numbered title line is a heading when it stands alone; in a run of numbered lines (one
    right under the other) it is a list item, and a run of three or more whose titles mostly
    come back as lines below is a table of contents: its entries are skipped (they would match
    every question and answer none). Three or more title-like lines one right under the other
    are an address block: content, but for a numbered title heading it.
    """
    lines = [m for m in re.finditer(r"[^\n]+", text) if m.group().strip()]
    titles = [_numbered_title(m.group()) for m in lines]
    numbered_line = [_NUMBER.match(m.group()) is not None for m in lines]
    later = [m.group().strip() for m in lines]
    kept: list[tuple[re.Match[str], bool, bool]] = []  # line, title-like, numbered heading
    i = 0
    while i < len(lines):
        j = i  # a run: numbered lines one right under the other
        while j < len(lines) and numbered_line[j] and (j == i or _adjacent(text, lines[j - 1], lines[j])):
            j += 1
        run = range(i, max(j, i + 1))
        toc = (
            j - i >= 3
            and 2 * sum(any(t.endswith(title) for t in later[j:]) for title in titles[i:j] if title is not None)
            >= j - i
        )
        for k in run:
            if toc and titles[k] is not None and any(t.endswith(titles[k]) for t in later[k + 1 :]):
                continue  # a table of contents entry: its heading comes later
            numbered = titles[k] is not None and (j - i == 1 or toc)
            kept.append((lines[k], is_heading(lines[k].group()) or numbered, numbered))
        i = run.stop
    blocks = []
    for n, (line, title_like, _) in enumerate(kept):
        heading = title_like
        if title_like:
            first = n
            while first > 0 and kept[first - 1][1] and _adjacent(text, kept[first - 1][0], kept[first][0]):
                first -= 1
            last = n
            while last + 1 < len(kept) and kept[last + 1][1] and _adjacent(text, kept[last][0], kept[last + 1][0]):
                last += 1
            if last - first >= 2:  # an address block
                heading = n == first and kept[first][2]
        raw = line.group()
        lead = len(raw) - len(raw.lstrip())
        blocks.append((line.start() + lead, line.start() + len(raw.rstrip()), heading))
    return blocks


def _adjacent(text: str, upper: re.Match[str], lower: re.Match[str]) -> bool:
    """Whether two lines are one right under the other (no blank line between)."""
    return text.count("\n", upper.end(), lower.start()) == 1


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
                # A lead-in ("We share it only in the following cases:") opens the next chunk, with its list.
                lead = pieces.pop() if len(pieces) > 1 and text[pieces[-1][0] : pieces[-1][1]].endswith(":") else None
                flush()
                if lead:
                    pieces.append(lead)
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
