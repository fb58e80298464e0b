"""A WeasyPrint HTML document with a leaner user-agent stylesheet, for our own print templates.

Why: WeasyPrint matches its HTML5 user-agent stylesheet against every element. Some of its rules
have no element name on the right (``::marker``, ``::footnote-call``, ``[dir=rtl i] ...``,
``[hidden]``, form fields), so they are tried on, and the pseudo-element ones create cascaded
styles for, every table cell of a long list: a measured share of the style step. Our print
templates use no footnotes, bidi ``dir`` attributes, ``hidden`` attributes or form fields, so
those rules are dropped (``::marker`` is kept for ``li`` only); every other rule is unchanged,
read from the installed WeasyPrint (pinned in requirements.txt).
"""
from __future__ import annotations

import re

import cssselect2
from weasyprint import CSS, HTML, _find_base_url
from weasyprint.css.counters import CounterStyle
from weasyprint.html import UA

__all__ = ["LeanHTML", "LEAN_UA"]

_FORMS = "/* Form fields */"
_PAGES = "/* Pages */"


def _lean(text: str) -> str:
    head, _, rest = text.partition(_FORMS)
    _, _, pages = rest.partition(_PAGES)
    kept = []
    for line in head.splitlines():
        if "[dir" in line or "::footnote" in line or "::note" in line or ")[hidden]" in line:
            continue
        line = re.sub(r"^\[hidden\], ", "", line).replace("input[type=hidden i], ", "")
        line = line.replace("menu[type=context i], ", "")
        line = re.sub(r"(?m)^::marker", "li::marker", line)
        line = line.replace(":link", "a:link").replace(":visited", "a:visited")
        kept.append(line)
    return "\n".join(kept) + "\n" + _PAGES + pages


LEAN_UA = _lean(UA)
_LEAN_SHEET = CSS(string=LEAN_UA, counter_style=CounterStyle())


class LeanHTML(HTML):
    """HTML whose user-agent stylesheet is LEAN_UA (forms are never rendered)."""

    def _ua_stylesheets(self, forms=False):
        return [_LEAN_SHEET]

    @classmethod
    def from_tree(cls, tree, base_url, url_fetcher, media_type="print"):
        """A document from an already parsed tree (what HTML.__init__ does after parsing)."""
        document = cls.__new__(cls)
        document.base_url = _find_base_url(tree, base_url)
        document.url_fetcher = url_fetcher
        document.media_type = media_type
        document.wrapper_element = cssselect2.ElementWrapper.from_html_root(tree, content_language=None)
        document.etree_element = document.wrapper_element.etree_element
        return document
