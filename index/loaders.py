"""Read policy files (.txt, .md, .html, .pdf) into plain text.

The text returned is what gets stored and cited: every citation is a span of it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import InputError

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")

# Elements that are never policy text: scripts, styling, navigation and page chrome.
_HTML_DROP = ("script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form", "iframe")
_HTML_BLOCKS = (
    "p", "div", "section", "article", "main", "li", "ul", "ol", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
    "br", "dd", "dt", "blockquote", "pre",
)  # fmt: skip


@dataclass
class LoadedText:
    """Text read from a file, with notes the user should see (e.g. a decoding fallback)."""

    text: str
    warnings: list[str] = field(default_factory=list)


def decode_bytes(data: bytes, name: str) -> LoadedText:
    """Decode UTF-8 (with or without BOM); fall back to cp1252 and say so."""
    if b"\x00" in data[:4096]:
        raise InputError(f"{name}: looks like a binary file, not text.")
    try:
        loaded = LoadedText(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        loaded = LoadedText(text, [f"{name}: not valid UTF-8; read as Windows-1252, some characters may be wrong."])
    if _looks_binary(loaded.text):
        raise InputError(f"{name}: looks like a binary file, not text.")
    return loaded


def _looks_binary(text: str) -> bool:
    """Control codes or undecodable bytes in more than 5% of the first 8,192 characters.

    Text never has that many; a binary file without NUL bytes (compressed, encrypted) has ~12%.
    """
    sample = text[:8192]
    odd = sum(1 for ch in sample if ch == "\ufffd" or (ch < " " and ch not in "\t\n\r\f\v") or "\x7f" <= ch < "\xa0")
    return odd > 0.05 * len(sample)


def normalize_text(text: str) -> str:
    """Tidy text we extracted ourselves (HTML, PDF): line endings, trailing spaces, runs of blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def html_to_text(markup: str) -> str:
    """Main text of an HTML page: scripts, navigation and chrome dropped, blocks on their own lines."""
    import warnings

    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

    with warnings.catch_warnings():  # a pasted policy is markup by definition, even one that looks like a path
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(_HTML_DROP):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": ["navigation", "banner", "contentinfo"]}):
        tag.decompose()
    for tag in soup.find_all(attrs={"aria-hidden": "true"}):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    for tag in root.find_all(_HTML_BLOCKS):
        tag.insert_before("\n\n" if tag.name not in ("li", "tr", "br") else "\n")
        tag.insert_after("\n")
    text = root.get_text()
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(lines)


def pdf_to_text(path: Path) -> str:
    """Text layer of a PDF, page by page."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as err:
        raise InputError(f"{path.name}: cannot read this PDF ({err}).") from err
    return "\n\n".join(pages)


def load_file(path: Path, max_bytes: int | None = None) -> LoadedText:
    """Read one policy file into normalised text, or raise `InputError` saying what is wrong."""
    if not path.exists():
        raise InputError(f"{path}: no such file or folder.")
    if not path.is_file():
        raise InputError(f"{path}: not a file.")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(
            f"{path.name}: unsupported file type {suffix or '(none)'}; use {', '.join(SUPPORTED_SUFFIXES)}."
        )
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise InputError(f"{path.name}: {size / 1e6:.1f} MB is larger than the {max_bytes / 1e6:g} MB limit.")
    try:
        if suffix == ".pdf":
            loaded = LoadedText(pdf_to_text(path))
        else:
            loaded = decode_bytes(path.read_bytes(), path.name)
            if suffix in (".html", ".htm"):
                loaded.text = html_to_text(loaded.text)
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror}).") from err
    if suffix in (".html", ".htm", ".pdf"):
        loaded.text = normalize_text(loaded.text)
    # .txt and .md are kept exactly as decoded: citations' offsets point into the file itself.
    if not loaded.text.strip():
        what = "has no text layer (scanned?)" if suffix == ".pdf" else "has no text"
        raise InputError(f"{path.name}: {what}; nothing to index.")
    return loaded


def load_string(text: str, name: str = "pasted text", fmt: str = "txt") -> LoadedText:
    """Normalise text pasted into the UI (or fetched), HTML included."""
    if fmt in ("html", "htm"):
        text = html_to_text(text)
    text = normalize_text(text)
    if not text.strip():
        raise InputError(f"{name}: has no text; nothing to index.")
    return LoadedText(text)


def find_policy_files(folder: Path) -> list[Path]:
    """Policy files directly or deeply inside a folder, sorted; hidden files skipped."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUPPORTED_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
