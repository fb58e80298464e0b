"""A bounded crawler for the "no link leads to a 403 page" check (issue 14 B).

From the dashboard it follows every internal GET link of each page it reaches (<a href>, hx-get) and
redirect, the way a user taps through the app, and records the pages that answer 403. Links of the
same shape (the same path with other ids, the same query keys) are fetched a few times only
(PER_SHAPE: a draft, an issued and a reversed decision offer different links), documents once.
"""
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

# Paths never fetched: logging out ends the session the crawl runs in, and static files are no pages.
SKIP_PREFIXES = ("/static/", "/dang-xuat")
NUMBER = re.compile(r"^\d+$")
PER_SHAPE = 3
DOCUMENTS = (".pdf", ".xlsx", ".csv")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if attrs.get("hx-get"):
            self.links.append(attrs["hx-get"])


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def internal(url: str) -> str | None:
    """The path and query of an internal link, or None (another site, mailto:, a fragment only)."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        if parts.netloc in ("localhost", "") and parts.path.startswith("/") and parts.scheme in ("http", "https"):
            return parts.path + (f"?{parts.query}" if parts.query else "")
        return None
    if parts.path.startswith(SKIP_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def shape(url: str) -> tuple:
    """/hoc-bong/12?trang=2 and /hoc-bong/40?trang=3 have one shape: numbers out of the path, values
    out of the query (but a query's `format` stays: the CSV and the xlsx are different pages)."""
    parts = urlsplit(url)
    path = "/".join("<n>" if NUMBER.match(seg) else seg for seg in parts.path.split("/"))
    query = tuple(sorted((k, v if k == "format" else "") for k, v in parse_qsl(parts.query, keep_blank_values=True)))
    return path, query


def _cap(key: tuple) -> int:
    return 1 if key[0].endswith(DOCUMENTS) or any(k == "format" for k, _ in key[1]) else PER_SHAPE


def crawl(client, start: str = "/", limit: int = 400) -> dict:
    """{"seen": number of pages fetched, "forbidden": [(url, the page that linked it)], "errors": [...]}."""
    queue = deque([(start, "(start)")])
    shapes: dict = {}
    seen: set = set()
    forbidden, errors = [], []
    fetched = 0
    while queue and fetched < limit:
        url, parent = queue.popleft()
        key = shape(url)
        if url in seen or shapes.get(key, 0) >= _cap(key):
            continue
        seen.add(url)
        shapes[key] = shapes.get(key, 0) + 1
        resp = client.get(url)
        fetched += 1
        if resp.status_code == 403:
            forbidden.append((url, parent))
            continue
        if resp.status_code >= 500:
            errors.append((url, parent, resp.status_code))
            continue
        if resp.status_code in (301, 302, 303, 307, 308):
            target = internal(resp.headers.get("Location", ""))
            if target:
                queue.append((target, url))
            continue
        if resp.status_code != 200 or not resp.mimetype.startswith("text/html"):
            continue
        for link in links_of(resp.get_data(as_text=True)):
            target = internal(link)
            if target and target not in seen and shapes.get(shape(target), 0) < _cap(shape(target)):
                queue.append((target, url))
    return {"seen": fetched, "forbidden": forbidden, "errors": errors, "left": len(queue)}
