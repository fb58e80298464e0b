"""Helpers for the phone check: walk every page a role can reach by links and measure each one.

Each page is visited once, in a context with JavaScript on whose documents arrive without their
scripts: the DOM is the one a phone with JavaScript off (or an old phone whose scripts fail) shows,
and axe-core (pinned in package.json, injected into every document before anything else) can still
run, since it needs the timers and promises of a page with scripts on. The server's own headers
(its Content Security Policy among them) are kept, so the page is laid out as served.

axe's answer depends on the markup, not on the names and amounts in it: a page whose markup with
text and digits blanked out (`skeleton`) was already checked, by this role or another one in the
same process, is not run through axe again; width and labels are measured on every page.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# Paths never followed: leaving the session, files rather than pages, the app's own static files.
SKIP = re.compile(r"/static/|/dang-xuat|\.(pdf|xlsx|xls|csv|zip|docx|json|txt|png|jpg|svg)$"
                  r"|/(xlsx|pdf|csv|tai-ve|tai-xuong|xuat-excel|download)(/|$)", re.I)
SLOW_MS = 30_000  # a page slower than this on a loaded test machine is reported, not waited for

MEASURE = """() => {
  const doc = document.documentElement;
  const skip = new Set(['hidden', 'submit', 'button', 'reset', 'image']);
  const unlabelled = [...document.querySelectorAll('input, select, textarea')]
    .filter(el => !skip.has((el.getAttribute('type') || '').toLowerCase()))
    .filter(el => !(el.labels && el.labels.length)
                  && !(el.getAttribute('aria-label') || '').trim()
                  && !(el.getAttribute('aria-labelledby') || '').trim())
    .map(el => el.outerHTML.slice(0, 160));
  // The outermost elements that stick out (their parent does not): where to look for the cause.
  const name = el => el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className.trim()
                     ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const scrolls = el => el && el !== document.body && getComputedStyle(el).overflowX !== 'visible';
  const inScroller = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
                               if (scrolls(p)) return true; return false; };
  const out = el => el.getBoundingClientRect().right > doc.clientWidth + 1 && !inScroller(el);
  const widest = doc.scrollWidth > doc.clientWidth
    ? [...document.body.querySelectorAll('*')].filter(el => out(el) && !out(el.parentElement))
        .slice(0, 3).map(el => name(el) + ' ' + Math.round(el.getBoundingClientRect().right) + 'px')
    : null;
  const links = [...document.querySelectorAll('a[href]')].map(a => a.href);
  // The page's main action: the primary button of its heading row, where a list page keeps it.
  const main = document.querySelector('main .page-head .primary');
  const mainAction = main ? [main.textContent.trim(), Math.round(main.getBoundingClientRect().bottom + scrollY)] : null;
  return {scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, unlabelled, widest, links, mainAction};
}"""

AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')), count: v.nodes.length}));
}"""


def pattern(url: str) -> str:
    """Pages that differ only by record ids or query values share one pattern and are checked once."""
    parts = urlsplit(url)
    path = re.sub(r"\d+", "#", parts.path)  # /khoa-so/2/2026/thang-1/khoa is one page for all months
    # The page number ("trang") shows the same template with other rows.
    keys = sorted({k for k, _v in parse_qsl(parts.query, keep_blank_values=True)} - {"trang"})
    return path + ("?" + "&".join(keys) if keys else "")


def internal(url: str, base: str) -> str | None:
    """The link as an absolute URL without fragment when it is an in-app page worth visiting."""
    parts = urlsplit(urljoin(base + "/", url))
    if parts.scheme not in ("http", "https") or parts.netloc != urlsplit(base).netloc:
        return None
    if SKIP.search(parts.path):
        return None
    return urlunsplit(parts._replace(fragment=""))


SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S | re.I)
_TEXT = re.compile(r">[^<]*?\S[^<]*<")
_DIGITS = re.compile(r"\d+")
_TOKENS = re.compile(r'(name="(?:csrf_token|idem_key)"[^>]*value=")[^"]*"')
# axe's findings by page skeleton, for every role this process checks (the demo data is the same).
_AXE_SEEN: dict[str, list[dict]] = {}


def skeleton(html: str) -> str:
    """The markup axe judges: text kept only as "something is there", digits and form keys blanked."""
    html = _TOKENS.sub(r'\1"', html)
    return _DIGITS.sub("0", _TEXT.sub(">x<", html))


def _page_url(url: str) -> bool:
    """Documents go through the route below; stylesheets, fonts and images load as usual."""
    return "/static/" not in url


class PhonePage:
    """A JS-on page at phone size that receives every document without its scripts and runs axe."""

    def __init__(self, context):
        self.stand_in: str | None = None  # markup shown instead of the server's (the positive control)
        context.add_init_script(path=str(AXE))
        context.route(_page_url, self._route)
        self.page = context.new_page()
        self.page.set_default_timeout(SLOW_MS)

    def _route(self, route):
        if self.stand_in is not None:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=self.stand_in)
            return
        response = route.fetch(max_redirects=0, timeout=SLOW_MS)
        if 300 <= response.status < 400:
            route.fulfill(response=response)
        elif "text/html" in (response.headers.get("content-type") or ""):
            headers = {k: v for k, v in response.headers.items()
                       if k.lower() not in ("content-length", "content-encoding")}  # the body changes
            route.fulfill(status=response.status, headers=headers, body=SCRIPT.sub("", response.text()))
        else:  # PDFs served inline, spreadsheets: a plain-text stand-in, not opened in a viewer
            route.fulfill(status=200, content_type="text/plain", body="file, not checked")

    def violations(self) -> list[dict]:
        return self.page.evaluate(AXE_RUN)

    def show(self, url: str, html: str) -> None:
        """Show `html` at `url` (without its scripts), as if the server had sent it."""
        self.stand_in = SCRIPT.sub("", html)
        try:
            self.page.goto(url, wait_until="load")
        finally:
            self.stand_in = None


def crawl(phone: PhonePage, base: str, limit: int) -> tuple[list[str], list[str]]:
    """Visit every in-app page reachable from the dashboard, one per pattern; return (checked, findings)."""
    page = phone.page
    queue, seen, checked, findings = [base + "/"], set(), [], []
    while queue and len(checked) < limit:
        url = queue.pop(0)
        key = pattern(url)
        if key in seen:
            continue
        seen.add(key)
        try:
            response = page.goto(url, wait_until="load")
        except Exception as err:  # a page too slow to wait for
            if "Timeout" in str(err):
                findings.append(f"{url}: no answer within {SLOW_MS // 1000} s")
                continue
            raise
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if response.status >= 400:
            findings.append(f"{url}: HTTP {response.status}")
            continue
        if urlsplit(page.url).path == "/dang-nhap":
            findings.append(f"{url}: sent back to the login page")
            continue
        path = urlsplit(page.url).path + (("?" + urlsplit(page.url).query) if urlsplit(page.url).query else "")
        checked.append(path)
        seen.add(pattern(page.url))
        seen_now = page.evaluate(MEASURE)
        if seen_now["scrollWidth"] > seen_now["clientWidth"]:
            findings.append(f"{path}: width {seen_now['scrollWidth']} > {seen_now['clientWidth']}"
                            f" (widest: {seen_now['widest']})")
        action = seen_now["mainAction"]
        if action and action[1] > page.viewport_size["height"]:
            findings.append(f"{path}: main action “{action[0]}” below the first screen ({action[1]} px)")
        for control in seen_now["unlabelled"]:
            findings.append(f"{path}: unlabelled control {control}")
        shape = skeleton(page.content())
        if shape not in _AXE_SEEN:
            _AXE_SEEN[shape] = phone.violations()
        for v in _AXE_SEEN[shape]:
            findings.append(f"{path}: axe {v['impact']} {v['id']} ×{v['count']} ({v['help']}) {v['nodes']}")
        for link in seen_now["links"]:
            target = internal(link, base)
            if target and pattern(target) not in seen:
                queue.append(target)
    return checked, findings
