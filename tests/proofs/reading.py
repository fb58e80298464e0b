"""Reading what the app answers: the forms a page holds, the links it points at, markup a user's
text may have brought into it, its security headers, and the text of a page, spreadsheet or PDF.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

# ---------------------------------------------------------------------------------------------
# HTML forms, read from the pages the app serves
# ---------------------------------------------------------------------------------------------

@dataclass
class Field:
    name: str
    tag: str  # input, select, textarea, button
    type: str = "text"
    value: str = ""
    options: list = field(default_factory=list)  # (value, label) for selects
    selected: list = field(default_factory=list)
    checked: bool = False
    attrs: dict = field(default_factory=dict)

    @property
    def required(self) -> bool:
        return "required" in self.attrs

    @property
    def maxlength(self) -> int | None:
        try:
            return int(self.attrs.get("maxlength") or 0) or None
        except ValueError:
            return None

    @property
    def is_text(self) -> bool:
        """A box a person types free text into (money boxes included: they are text too)."""
        return (self.tag == "textarea"
                or (self.tag == "input" and self.type in ("text", "search", "tel", "email", "url", "")))


@dataclass
class Form:
    action: str
    method: str
    attrs: dict
    fields: list[Field] = field(default_factory=list)

    def get(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(f.name for f in self.fields if f.name))


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: dict | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), (a.get("method") or "get").lower(), a)
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            self._form.fields.append(Field(name, "input", kind, a.get("value", ""), checked="checked" in a,
                                           attrs=a))
        elif tag == "button" and name:
            self._form.fields.append(Field(name, "button", (a.get("type") or "submit").lower(), a.get("value", ""),
                                           attrs=a))
        elif tag == "select" and name:
            self._select = Field(name, "select", "multiple" if "multiple" in a else "select", attrs=a)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "label": ""}
        elif tag == "textarea" and name:
            self._textarea = Field(name, "textarea", "textarea", "", attrs=a)
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._option is not None:
            self._option["label"] += data
        elif self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None and self._select is not None:
            value = self._option["value"] if self._option["value"] is not None else self._option["label"].strip()
            self._select.options.append((value, self._option["label"].strip()))
            if self._option["selected"]:
                self._select.selected.append(value)
            self._option = None
        elif tag == "select":
            if self._option is not None:
                self.handle_endtag("option")
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # The HTML spec drops one newline right after <textarea>.
            value = self._textarea.value
            self._textarea.value = value[2:] if value.startswith("\r\n") else value.removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms_of(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def links_of(html: str) -> list[str]:
    """Every URL a page points at: href, src, action, hx-get/hx-post (htmx values included)."""
    found = []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            for k, v in attrs:
                if k in ("href", "src", "action", "hx-get", "hx-post", "formaction") and v:
                    found.append(v)

    p = P(convert_charrefs=True)
    p.feed(html)
    return found


def query_params(link: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(link).query, keep_blank_values=True)


# ---------------------------------------------------------------------------------------------
# Escaping: does a page carry markup that came from a user?
# ---------------------------------------------------------------------------------------------

MARK = "xss"  # every payload carries it where markup, if interpreted, would put it in a name
URL_ATTRS = {"href", "src", "action", "formaction", "hx-get", "hx-post", "hx-put", "hx-delete", "hx-patch",
             "data", "poster", "background", "xlink:href", "srcdoc"}
_BAD_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.I)
# What the print templates embed themselves (a certificate's QR, a unit's cleaned logo; the print
# fetcher takes these two kinds only): an image in an <img>, base64 and nothing else, which no payload
# can turn into markup or script.
_OWN_IMAGE = re.compile(r"^data:image/(png|svg\+xml);base64,[A-Za-z0-9+/]+=*$")
_CONTROL = re.compile(r"[\x00-\x20]+")


class _Injected(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        if MARK in tag.lower():
            self.found.append(f"element <{tag}>")
        for k, v in attrs:
            k = k.lower()
            if MARK in k:
                self.found.append(f"attribute {k} on <{tag}>")
            if k.startswith("on") or k.startswith("hx-on"):
                self.found.append(f"event handler {k} on <{tag}>")
            if k in URL_ATTRS and v and _BAD_SCHEME.match(_CONTROL.sub("", v)) \
                    and not (tag.lower() == "img" and k == "src" and _OWN_IMAGE.match(v)):
                self.found.append(f"{k}={v[:40]!r} on <{tag}>")
        self._script = tag.lower() in ("script", "style")
        if tag.lower() == "script" and not dict(attrs).get("src", "").startswith("/static/"):
            self.found.append("inline <script>")

    def handle_endtag(self, tag):
        self._script = False

    def handle_data(self, data):
        if self._script and MARK in data:
            self.found.append("payload inside <script>/<style>")


def injected_markup(html: str) -> list[str]:
    """Markup in `html` that can only have come from an unescaped payload."""
    p = _Injected()
    p.feed(html)
    p.close()
    return p.found


_SPECIAL = set("<>\"'&")


def verbatim(html: str, stored: list[str]) -> list[str]:
    """Stored values containing an HTML-special character that appear unescaped in `html`."""
    return [s for s in stored if len(s) >= 4 and _SPECIAL & set(s) and s in html]


# ---------------------------------------------------------------------------------------------
# Security headers
# ---------------------------------------------------------------------------------------------

def header_problems(resp) -> list[str]:
    """What an HTML response lacks of the app's security headers."""
    h = resp.headers
    problems = []
    csp = h.get("Content-Security-Policy", "")
    if "script-src 'self'" not in csp or "unsafe-inline" in csp or "unsafe-eval" in csp \
            or "frame-ancestors 'none'" not in csp or "object-src 'none'" not in csp:
        problems.append(f"CSP {csp!r}")
    if h.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Content-Type-Options")
    if h.get("Referrer-Policy") != "same-origin":
        problems.append("Referrer-Policy")
    if h.get("X-Frame-Options") != "DENY":
        problems.append("X-Frame-Options")
    if "no-store" not in h.get("Cache-Control", ""):
        problems.append("Cache-Control")
    return problems


def is_html(resp) -> bool:
    return (resp.mimetype or "").startswith("text/html")


# ---------------------------------------------------------------------------------------------
# What a response shows, whatever its format
# ---------------------------------------------------------------------------------------------

def xlsx_cells(data: bytes) -> list:
    """Every cell of every sheet: (sheet, coordinate, data_type, value)."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))  # not read-only: data_type "f" marks formulas
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    out.append((ws.title, cell.coordinate, cell.data_type, cell.value))
    return out


def pdf_text(data: bytes) -> str:
    import subprocess

    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, timeout=60)
    return done.stdout.decode("utf-8", "replace")


def text_of(resp) -> str:
    """The text a person would see in the response (HTML source, spreadsheet cells, PDF text)."""
    data = resp.get_data()
    mime = resp.mimetype or ""
    if mime == "application/pdf" or data.startswith(b"%PDF"):
        return pdf_text(data)
    if "spreadsheet" in mime or data.startswith(b"PK\x03\x04"):
        return "\n".join(str(v) for *_, v in xlsx_cells(data))
    return data.decode("utf-8", "replace")
