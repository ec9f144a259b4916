"""Policies from the web: fetch a page, keep its main text, remember where and when it came from.

The page is fetched with a timeout and a size limit (standard library `urllib`, so nothing but
the request leaves the machine); trafilatura drops navigation, cookie banners, scripts and
footers and keeps the article. The text it returns is what gets stored and cited.
"""

from __future__ import annotations

import re
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from assistant.errors import InputError
from assistant.types import Policy

if TYPE_CHECKING:
    from assistant.settings import Settings

USER_AGENT = "policy-assistant/0.1 (+privacy policy indexing)"
_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
# Fewer words than this is a menu or a JavaScript shell, not a policy.
_MIN_WORDS = 25
# "Effective date: March 1, 2024", "Last updated: June 23, 2015", "Last modified on 2019-05-01".
_EFFECTIVE = re.compile(
    r"(?:effective(?:\s+date)?|last\s+(?:updated|modified|revised)|updated)\s*(?:on|as of)?\s*[:\-–]?\s*"
    r"(?P<date>(?:[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4})|(?:\d{1,2}\s+[A-Z][a-z]+\.?\s+\d{4})|(?:\d{4}-\d{2}-\d{2})"
    r"|(?:\d{1,2}/\d{1,2}/\d{2,4}))",
    re.IGNORECASE,
)


def is_url(text: str) -> bool:
    """True for an http(s) address (what `ingest` fetches instead of reading a file)."""
    return bool(re.match(r"^https?://", text.strip(), re.IGNORECASE))


@dataclass(frozen=True)
class FetchedPage:
    """The raw bytes of a page, where they finally came from, and when (UTC, ISO 8601)."""

    url: str
    final_url: str
    content_type: str
    body: bytes
    fetched: str


def fetch_page(url: str, timeout: float = 20.0, max_bytes: int = 10_000_000) -> FetchedPage:
    """GET a page, or raise `InputError` saying why not (offline, timeout, HTTP error, too big, not a page)."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise InputError(f"{url}: not an http(s) address.")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,text/plain"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            content_type = response.headers.get_content_type()
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise InputError(
                    f"{url}: the page is {int(declared) / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit."
                )
            body = response.read(max_bytes + 1)
            final_url = response.geturl()
    except urllib.error.HTTPError as err:
        raise InputError(f"{url}: the server answered HTTP {err.code} ({err.reason}).") from err
    except urllib.error.URLError as err:
        reason = err.reason
        if isinstance(reason, TimeoutError):
            raise InputError(f"{url}: no answer within {timeout:g} s.") from err
        if isinstance(reason, socket.gaierror):
            raise InputError(f"{url}: cannot resolve {parsed.hostname} (offline, or no such host).") from err
        raise InputError(f"{url}: cannot connect ({reason}); check the address and that you are online.") from err
    except TimeoutError as err:
        raise InputError(f"{url}: no answer within {timeout:g} s.") from err
    except OSError as err:
        raise InputError(f"{url}: the connection failed ({err}).") from err
    if len(body) > max_bytes:
        raise InputError(f"{url}: the page is larger than the {max_bytes / 1e6:.0f} MB limit.")
    if content_type not in _TEXT_TYPES:
        raise InputError(f"{url}: the server sent {content_type}, not a web page; download it and ingest the file.")
    fetched = datetime.now(UTC).replace(microsecond=0).isoformat()
    return FetchedPage(url, final_url, content_type, body, fetched)


def main_text(page: FetchedPage) -> str:
    """The policy text of a page: trafilatura's main content, one block per line, normalised."""
    from index.loaders import decode_bytes, load_string

    if page.content_type == "text/plain":
        return load_string(decode_bytes(page.body, page.url).text, page.url).text
    import trafilatura

    extracted = trafilatura.extract(
        page.body,
        url=page.final_url,
        output_format="txt",
        include_tables=True,
        include_comments=False,
        include_links=False,
        favor_recall=True,  # a policy's every paragraph matters more than a clean teaser
    )
    words = len((extracted or "").split())
    if words < _MIN_WORDS:
        raise InputError(f"{page.url}: found no main text on this page ({words} words; is it rendered by JavaScript?).")
    return load_string(extracted, page.url).text


def effective_date(text: str) -> str | None:
    """The effective or last-updated date a policy states near its top, as written."""
    match = _EFFECTIVE.search(text[:3000])
    return " ".join(match.group("date").split()) if match else None


def company_from_url(url: str) -> str:
    """A default company name from the address: `https://www.hooli.com/privacy` -> `hooli.com`."""
    host = (urlparse(url).hostname or "").lower()
    return host.removeprefix("www.") or url


def policy_from_url(url: str, company: str | None = None, settings: Settings | None = None) -> Policy:
    """Fetch a policy page into a `Policy` (not yet indexed): main text, source URL, fetch date, effective date.

    `company` defaults to the host name. Raises `InputError` with one clear message on any failure.
    The UI's "Add a policy" and `policy-assistant ingest URL` both call this.
    """
    from assistant.settings import Settings
    from index.ingest import policy_id_for

    settings = settings or Settings()
    page = fetch_page(url.strip(), timeout=settings.fetch_timeout, max_bytes=int(settings.max_file_mb * 1_000_000))
    text = main_text(page)
    name = (company or "").strip() or company_from_url(page.final_url)
    return Policy(
        policy_id=policy_id_for(name),
        company=name,
        text=text,
        effective=effective_date(text),
        source=page.final_url,
        fetched=page.fetched,
    )
