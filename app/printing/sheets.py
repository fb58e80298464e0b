"""Parse each print stylesheet once per thread instead of once per document.

Why: a single certificate spends about a quarter of its time fetching and parsing its three
stylesheets (fonts, certificate.css, the inline <style>), and every chunk of a long list parses
the same skeleton CSS again. Here the <link rel="stylesheet"> and <style> elements are taken out
of the HTML and handed to WeasyPrint as already parsed CSS objects, in the same order. They all
move together from the author to the user origin, so their rules still cascade among themselves
exactly as before (style="" attributes still win over them, as before). The objects are cached
per thread, because their @font-face rules are registered in that thread's FontConfiguration
(app.printing.engine._font_config). A linked file is parsed again when its mtime changes.
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from pathlib import Path

from weasyprint import CSS

from .engine import BASE_URL

__all__ = ["split_stylesheets"]

_SHEET = re.compile(r"<link\b[^>]*\brel=[\"']?stylesheet[\"']?[^>]*>|<style\b[^>]*>(.*?)</style>", re.S | re.I)
_HREF = re.compile(r"\bhref=[\"']([^\"']+)[\"']", re.I)
_MEDIA = re.compile(r"\bmedia=", re.I)
_local = threading.local()
MAX_SHEETS = 64


def _cache(font_config) -> OrderedDict:
    if getattr(_local, "font_config", None) is not font_config:
        _local.font_config, _local.sheets = font_config, OrderedDict()
    return _local.sheets


def _cached(key, build):
    cache = _local.sheets
    sheet = cache.get(key)
    if sheet is None:
        sheet = cache[key] = build()
        if len(cache) > MAX_SHEETS:
            cache.popitem(last=False)
    else:
        cache.move_to_end(key)
    return sheet


def split_stylesheets(html: str, fetcher, font_config) -> tuple[str, list] | None:
    """(html without its stylesheets, their parsed CSS objects in order), or None to leave it as is."""
    head_end = html.find("</head>")
    if head_end < 0:
        return None
    head = html[:head_end]
    found = list(_SHEET.finditer(head))
    if not found or any(_MEDIA.search(m.group(0)) for m in found):
        return None
    _cache(font_config)
    sheets = []
    for match in found:
        if match.group(0).lower().startswith("<style"):
            text = match.group(1)
            sheets.append(_cached(("style", text), lambda t=text: CSS(
                string=t, base_url=BASE_URL, url_fetcher=fetcher, font_config=font_config)))
            continue
        href = _HREF.search(match.group(0))
        if href is None or "://" in href.group(1) or href.group(1).startswith("/"):
            return None  # only relative links into static/ are ours to cache
        url = BASE_URL + href.group(1)
        try:
            mtime = (Path(fetcher.static_root) / href.group(1)).stat().st_mtime_ns
        except OSError:
            return None
        sheets.append(_cached(("link", url, mtime), lambda u=url: CSS(
            url=u, url_fetcher=fetcher, font_config=font_config, _check_mime_type=True)))
    stripped = _SHEET.sub("", head) + html[head_end:]
    return stripped, sheets
