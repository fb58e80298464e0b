"""Putting payloads into forms and finding every page, fragment, spreadsheet and PDF that shows them."""
from __future__ import annotations

import csv
import io
import re
import unicodedata

from tests.proofs import support as S
from tests.proofs.payloads import PAYLOADS

# URL argument -> (module, model) of the record it names, to visit every record the payloads went into.
MODELS = {
    "fund_id": ("app.funds.models", "Fund"), "entry_id": ("app.funds.models", "LedgerEntry"),
    "campaign_id": ("app.campaigns.models", "Campaign"), "donation_id": ("app.donations.models", "Donation"),
    "donor_id": ("app.donations.donors", "Donor"), "pig_id": ("app.piggybanks.models", "PiggyBank"),
    "opening_id": ("app.piggybanks.models", "PiggyBankOpening"), "pupil_id": ("app.pupils.models", "Pupil"),
    "school_id": ("app.pupils.models", "School"), "round_id": ("app.scholarships.models", "ScholarshipRound"),
    "category_id": ("app.scholarships.models", "AwardCategory"),
    "nomination_id": ("app.scholarships.models", "Nomination"),
    "decision_id": ("app.commendations.models", "Decision"), "honoree_id": ("app.commendations.models", "Honoree"),
    "assessment_id": ("app.commendations.models", "Assessment"),
    "set_id": ("app.commendations.models", "CriteriaSet"), "unit_id": ("app.units.models", "Unit"),
    "user_id": ("app.users.models", "User"), "job_id": ("app.printing.models", "PrintJob"),
    "period_id": ("app.periods.models", "ClosedPeriod"),
    # "<blueprint>.<argument>": a blueprint whose argument names another table than the one above.
    "goods.entry_id": ("app.goods.models", "GoodsEntry"),
}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_MARKER = re.compile(r"xss\d\d")
# What any injected markup would contain: a payload's marker, an inline handler, a script URL, inline
# script; a page with none of these cannot hold injected markup and need not be parsed.
_SUSPECT = re.compile(r"xss|\son[a-z]+\s*=|javascript|<script(?![^>]*\ssrc=)", re.I)


def model_key(arg: str, endpoint: str = "") -> str:
    """The MODELS key of a route's URL argument: its blueprint's own entry, else the argument's."""
    scoped = f"{endpoint.split('.')[0]}.{arg}"
    return scoped if scoped in MODELS else arg


def model(arg: str):
    import importlib

    if arg not in MODELS:
        return None
    module, name = MODELS[arg]
    return getattr(importlib.import_module(module), name, None)


def stored_forms(payload: str, limit: int | None) -> list[str]:
    """How a payload may be stored and shown: cut to the box's length, NFC, whitespace cleaned or kept."""
    from app.vn.text import clean, nfc, strip_controls

    text = payload[:limit] if limit else payload
    return list({clean(text), strip_controls(nfc(text)).strip(), text})


def assign(fields: list[S.Field], round_no: int, offset: int) -> dict[str, str]:
    """Payload for each field this round: field i gets payload (round × fields + i + offset) mod N,
    so over ceil(N / fields) rounds every payload goes into the form, over N rounds into every field."""
    out = {}
    for i, f in enumerate(fields):
        p = PAYLOADS[(round_no * len(fields) + i + offset) % len(PAYLOADS)]
        out[f.name] = p[:f.maxlength] if f.maxlength else p
    return out


def invalid_fields(html: str) -> set[str]:
    """Names of the boxes a 422 page marks as wrong."""
    found = set()
    for form in S.forms_of(html):
        for f in form.fields:
            if f.attrs.get("aria-invalid") == "true":
                found.add(f.name)
    return found


class Checker:
    """Checks every response and every rendered template for payloads that escaped escaping."""

    def __init__(self):
        self.stored: dict[str, set[str]] = {}  # marker "xssNN" -> the stored forms of its payload
        self.html = S.Tally()
        self.sheets = S.Tally()
        self.templates = S.Tally()
        self.headers = S.Tally()
        self.pdfs = 0

    def remember(self, values: dict[str, str], limits: dict[str, int | None]) -> None:
        for name, value in values.items():
            for v in stored_forms(value, limits.get(name)):
                for marker in set(_MARKER.findall(v)):  # a cut payload without its marker is not traced
                    self.stored.setdefault(marker, set()).add(v)

    def response(self, resp, what: str) -> None:
        disposition = resp.headers.get("Content-Disposition")
        if disposition:
            self.headers.check(_clean_disposition(disposition), f"{what}: Content-Disposition {disposition!r}")
        data = resp.get_data()
        mime = resp.mimetype or ""
        if "spreadsheet" in mime or data.startswith(b"PK\x03\x04"):
            self.sheet(data, what)
        elif mime == "text/csv":
            self.csv(data.decode("utf-8-sig", "replace"), what)
        elif mime == "application/pdf":
            self.pdfs += 1
        elif S.is_html(resp):
            self.page(data.decode("utf-8", "replace"), what)

    def page(self, html: str, what: str) -> None:
        """Payloads shown unescaped (the markup itself is checked in every rendered template)."""
        candidates = sorted(v for m in set(_MARKER.findall(html)) for v in self.stored.get(m, ()))
        found = [f"unescaped: {v[:50]!r}" for v in S.verbatim(html, candidates)]
        self.html.check(not found, f"{what}: {found[:3]}")

    def template(self, name: str, html: str) -> None:
        found = S.injected_markup(html) if _SUSPECT.search(html) else []
        self.templates.check(not found, f"template {name}: {found[:3]}")

    def sheet(self, data: bytes, what: str) -> None:
        bad = [(c, v) for _, c, kind, v in S.xlsx_cells(data)
               if kind == "f" or (isinstance(v, str) and v.startswith(_FORMULA))]
        self.sheets.check(not bad, f"{what}: formula cells {bad[:3]}")

    def csv(self, text: str, what: str) -> None:
        # A plain number ("-3280000": a negative balance) is a number to Excel, never a formula;
        # anything else that starts like one must carry the neutralising "'".
        bad = [v for row in csv.reader(io.StringIO(text)) for v in row
               if v.startswith(_FORMULA) and not _PLAIN_NUMBER.fullmatch(v)]
        self.sheets.check(not bad, f"{what}: formula-like CSV values {bad[:3]}")


_DISPOSITION = re.compile(r"""^(attachment|inline); filename="[^"\\\r\n]*"(; filename\*=UTF-8''[^\s;"']*)?$""")


def _clean_disposition(value: str) -> bool:
    """One filename, quoted without quotes inside it, and the UTF-8 one percent-encoded."""
    return bool(_DISPOSITION.match(value))


def nfc_pairs() -> int:
    return sum(1 for p in PAYLOADS if unicodedata.normalize("NFC", p) != p)


def store(catalog, endpoint: str, round_no: int, offset: int, checker: "Checker | None" = None, htmx=False,
          sub=None):
    """One submission of `endpoint` (`sub`, or a fresh one) with payloads in its text boxes, boxes the
    app refuses given valid values back until it is stored. Returns (text boxes, {box: payload stored},
    422 reflections, response, client, submission); the boxes list is empty for a form without text."""
    sub = sub or catalog.submission(endpoint)
    fields = [f for f in sub.text_fields if f.type != "password"]
    if not fields:
        return [], {}, 0, None, None, sub
    client = catalog.client(sub.user)
    carry = assign(fields, round_no, offset)
    if checker is not None:
        checker.remember(carry, {f.name: f.maxlength for f in fields})
    reflected, resp = 0, None
    for _ in range(6):
        resp = sub.post(client, carry, htmx=htmx)
        if checker is not None:
            checker.response(resp, f"{endpoint} POST{' htmx' if htmx else ''} round {round_no}")
        if resp.status_code != 422 or not carry:
            break
        reflected += len(carry)
        wrong = invalid_fields(resp.get_data(as_text=True)) & set(carry)
        # Boxes the page marks wrong get their valid value back; with only a message at the top,
        # half of the boxes do (the longest payloads first).
        drop = wrong or sorted(carry, key=lambda k: -len(carry[k]))[:max(1, len(carry) // 2)]
        for name in drop:
            carry.pop(name)
    ok = S.is_success(resp) or (resp.status_code == 200 and sub.spec.ok is not None)
    return fields, (carry if ok else {}), reflected, resp, client, sub
