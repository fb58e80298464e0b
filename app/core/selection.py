"""Acting on many rows of a list at once: "picked", "all on this page", "all N matching the filter".

Issue 14 A. A list that can be acted on in bulk is one <form method="post"> (JavaScript off works):
a checkbox per row (name "ids"), the page's ids (hidden "page_ids"), the list's own query string
carried as hidden "f.<name>" inputs (its filter and page, so "all matching" re-runs the same filter
and the user comes back to the same place), and three submit buttons name="scope" (picked / page /
all), see templates/_bulk.html. The POST answers a confirmation page (how many, how much); its
confirm button posts step=confirm with the same hidden fields plus a fingerprint of the rows shown,
so rows that changed in between (someone approved a few) are shown again instead of being acted on
unseen. The confirm runs once (app.core.idempotency) in one transaction, then goes back_url().

Usage in a view (the service owns the rules; this module only reads and carries the choice):

    sel = selection.read_selection(request.form)
    try:
        ids = sel.resolve(all_ids=lambda: db.session.scalars(filtered.with_only_columns(Model.id)))
        rows = load(ids)
        if sel.confirmed:
            sel.check_unchanged(ids)
            ... idempotency.once(form.idem_key.data, lambda: service(rows), url=lambda _: sel.back_url(...))
    except selection.SelectionError as err: ...

Nothing here writes to the database.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable, Iterable

from flask import url_for
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from app.core import idempotency
from app.core.authz import MAX_ID
from app.core.refusal import Refusal

__all__ = ["MAX_BULK", "SCOPES", "PICKED", "PAGE", "ALL", "Selection", "SelectionError", "read_selection",
           "replayed_url", "carried", "fingerprint"]

PICKED, PAGE, ALL = "picked", "page", "all"
SCOPES = (PICKED, PAGE, ALL)
# One transaction per bulk action: 5,000 rows post in a few seconds on SQLite. A district's round is
# about a thousand; beyond the bound the user narrows the filter (the message says so).
MAX_BULK = 5000
FILTER_PREFIX = "f."


class SelectionError(Refusal):
    """A refused choice, with a Vietnamese message and the field it concerns ("ids" by default)."""

    default_field = "ids"


def _ids(values: Iterable[str]) -> list[int]:
    """Ids as typed in the form, in their order, without repeats; anything not an id is dropped
    (a hand-made POST gains nothing: the view still loads each id through its own scope)."""
    out, seen = [], set()
    for v in values:
        v = (v or "").strip()
        if v.isascii() and v.isdigit() and 0 < int(v) <= MAX_ID and int(v) not in seen:
            seen.add(int(v))
            out.append(int(v))
    return out


def fingerprint(ids: Iterable[int]) -> str:
    """A short digest of the ordered ids shown on a confirm page."""
    return hashlib.sha256(",".join(str(i) for i in ids).encode()).hexdigest()[:20]


@dataclass
class Selection:
    scope: str = ""
    ids: list[int] = field(default_factory=list)  # the rows ticked ("picked")
    page_ids: list[int] = field(default_factory=list)  # the rows shown on the page the user was on
    args: MultiDict = field(default_factory=MultiDict)  # the list's query string (filter, page)
    expect: str = ""  # fingerprint of the rows the confirm page showed
    confirmed: bool = False  # the POST comes from the confirm page's button

    @property
    def page(self) -> int:
        raw = self.args.get("trang", "1")
        return int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else 1

    def resolve(self, all_ids: Callable[[], Iterable[int]] | None = None, *, limit: int = MAX_BULK) -> list[int]:
        """The ids the action is for, in list order, at most `limit`.

        picked: the ticked ids, in the page's order when they are on it; page: the page's ids;
        all: `all_ids()` (the list's filter re-run on the server, from `self.args`).
        """
        if self.scope == PICKED:
            order = {i: n for n, i in enumerate(self.page_ids)}
            ids = sorted(self.ids, key=lambda i: order.get(i, len(order)))
            if not ids:
                raise SelectionError("Chưa chọn dòng nào: hãy đánh dấu các dòng, hoặc chọn cả trang, "
                                     "hoặc tất cả các dòng khớp bộ lọc.")
        elif self.scope == PAGE:
            ids = list(self.page_ids)
            if not ids:
                raise SelectionError("Trang này không có dòng nào.")
        elif self.scope == ALL:
            if all_ids is None:
                raise SelectionError("Danh sách này không hỗ trợ chọn tất cả.")
            ids = []
            for i in all_ids():
                ids.append(int(i))
                if len(ids) > limit:
                    break
            if not ids:
                raise SelectionError("Không có dòng nào khớp bộ lọc.")
        else:
            raise SelectionError("Vui lòng chọn: các dòng đã chọn, cả trang này, hoặc tất cả các dòng khớp bộ lọc.")
        if len(ids) > limit:
            raise SelectionError(f"Mỗi lần chỉ xử lý được tối đa {limit:,} dòng".replace(",", ".")
                                 + "; hãy lọc bớt (ví dụ theo trường hoặc loại) rồi làm từng phần.")
        return ids

    def check_unchanged(self, ids: Iterable[int]) -> None:
        """Refuse the confirm when the rows are not those the confirm page showed."""
        if not self.expect or self.expect != fingerprint(ids):
            raise SelectionError("Danh sách đã thay đổi từ lúc bạn xem (có người vừa cập nhật). "
                                 "Hãy xem lại số dòng và số tiền bên dưới rồi xác nhận lại.")

    def hidden_fields(self, shown_ids: Iterable[int] | None = None) -> Markup:
        """Hidden inputs that carry the choice to the confirm step (and the fingerprint of `shown_ids`)."""
        parts = [("scope", self.scope)]
        if self.scope == PICKED:
            parts += [("ids", i) for i in self.ids]
        parts += [("page_ids", i) for i in self.page_ids]
        parts += [(FILTER_PREFIX + k, v) for k, v in self.args.items(multi=True)]
        if shown_ids is not None:
            parts.append(("expect", fingerprint(shown_ids)))
        return Markup("\n").join(Markup('<input type="hidden" name="{}" value="{}">').format(k, v)
                                 for k, v in parts)

    def back_url(self, endpoint: str, anchor: str | None = "bulk", **view_args) -> str:
        """The list the user came from: same filter, same page, anchored so the browser keeps the place."""
        url = url_for(endpoint, **view_args, **self.args.to_dict(flat=False))
        return f"{url}#{anchor}" if anchor else url

    def describe(self, count: int) -> str:
        """"các dòng đã chọn (3)", "cả trang 2 (50)", "tất cả 183 dòng khớp bộ lọc"."""
        if self.scope == ALL:
            return f"tất cả {count} dòng khớp bộ lọc"
        if self.scope == PAGE:
            return f"cả trang {self.page} ({count} dòng)"
        return f"các dòng đã chọn ({count})"


def read_selection(formdata) -> Selection:
    """The choice posted by a bulk form or by its confirm page (a MultiDict: request.form)."""
    scope = formdata.get("scope", "")
    args = MultiDict()
    for key, value in formdata.items(multi=True):
        if key.startswith(FILTER_PREFIX) and len(key) > len(FILTER_PREFIX):
            args.add(key[len(FILTER_PREFIX):][:40], (value or "")[:200])
    return Selection(scope=scope if scope in SCOPES else "", ids=_ids(formdata.getlist("ids")),
                     page_ids=_ids(formdata.getlist("page_ids")), args=args,
                     expect=(formdata.get("expect") or "")[:40], confirmed=formdata.get("step") == "confirm")


def carried(args) -> Markup:
    """Hidden "f.<name>" inputs repeating a list's query string (request.args) inside its bulk form."""
    return Markup("\n").join(Markup('<input type="hidden" name="{}" value="{}">').format(FILTER_PREFIX + k, v)
                             for k, v in args.items(multi=True))



def replayed_url(idem_key: str | None) -> str | None:
    """Where a confirm already done with this key went, else None.

    Check it first on a confirm POST, before re-reading the rows: after the first submit they have
    changed (the first one acted on them), so "all matching" would now find nothing, or
    check_unchanged() would refuse, and a double tap would show an error instead of the result.
    Another user's key answers 400 (app.core.idempotency never reveals it)."""
    if not idem_key or idempotency.lookup(idem_key) is None:
        return None
    return idempotency.once(idem_key, lambda: None, url=lambda _: "").url
