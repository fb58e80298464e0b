"""Where to go after login: only a path on this site, never another host.

A `next=` value is attacker-chosen (a link in a phishing mail). Browsers are lenient: they treat
"\\" as "/", drop tabs and newlines, strip leading spaces and controls, and IDNA-map lookalikes
such as the fullwidth solidus, so `/\\evil`, `/\t/evil` or ` //evil` all leave the site although a
naive `startswith("//")` check lets them through. Rather than predict each browser, accept only a
plain path and fall back to the dashboard for everything else.
"""
from __future__ import annotations

import unicodedata
from urllib.parse import quote, unquote, urlsplit

from flask import url_for

MAX_LENGTH = 2048


def _bad_char(ch: str) -> bool:
    # Controls, format characters (zero-width, bidi), separators and any whitespace: browsers drop
    # or rewrite some of them, so a path holding one may not mean what it seems to.
    return ch == "\\" or ch.isspace() or unicodedata.category(ch)[0] in ("C", "Z")


def _is_local(value: str) -> bool:
    if len(value) < 2 or value[0] != "/" or value[1] in "/\\":
        return False
    if any(_bad_char(ch) for ch in value):
        return False
    decoded = unquote(value)  # once: "%5C", "%09", "/%2F%2Fevil" must not sneak past
    folded = unicodedata.normalize("NFKC", value)  # "／" (U+FF0F) is "/" to a URL parser's IDNA step
    for form in (value, decoded, folded, unicodedata.normalize("NFKC", decoded)):
        if any(_bad_char(ch) for ch in form):
            return False
        if form.startswith("//") or not form.startswith("/"):
            return False
        for candidate in (form, form.replace("\\", "/")):
            parts = urlsplit(candidate)
            if parts.scheme or parts.netloc:
                return False
    return True


def safe_next(target: str | None, fallback: str | None = None) -> str:
    """`target` when it is a same-site path, else `fallback` (the dashboard).

    Non-ASCII characters of an accepted path are percent-encoded, so the Location or HX-Redirect
    header we send is plain ASCII and means the same to every browser.
    """
    if isinstance(target, str):
        value = target.strip()
        if len(value) <= MAX_LENGTH and _is_local(value):
            return "".join(ch if ch.isascii() else quote(ch, safe="") for ch in value)
    return fallback or url_for("dashboard.index")
