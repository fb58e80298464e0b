"""The main menu of every signed-in page (templates/base.html), built once a request in Python.

A menu link is url_for(endpoint) with no arguments: it depends only on the app's URL map and the
script root it is mounted under, so each link is built once per app and script root instead of
~20 times on every page (url_for walks the map's rules for each).
"""
from flask import current_app, has_request_context, request, url_for
from flask_login import current_user

from app.core.authz import can

# (endpoint, label, shown to): None = everyone, when the endpoint exists (a domain may be left
# out); an action = whoever can() take it; BACKUPS = whoever the backups domain says may.
BACKUPS = "backups"
MENU = (
    ("dashboard.index", "Trang chủ", None),
    ("funds.index", "Quỹ", None),
    ("campaigns.index", "Đợt vận động", None),
    ("donations.index", "Quyên góp", None),
    ("banking.accounts", "Ngân hàng", None),
    ("goods.index", "Hiện vật", None),
    ("piggybanks.index", "Heo đất", None),
    ("members.index", "Hội viên", None),
    ("pupils.index", "Học sinh", None),
    ("scholarships.index", "Học bổng", None),
    ("commendations.index", "Khen thưởng", None),
    ("disclosure.index", "Công khai", None),
    ("periods.index", "Khóa sổ", None),
    ("units.index", "Đơn vị", None),
    ("users.index", "Người dùng", "user.manage"),
    ("audit.index", "Nhật ký", "audit.view"),
    ("backups.index", "Sao lưu", BACKUPS),
)

# Pages whose blueprint has no menu entry of its own, shown under the entry a user reached them from.
_NAV_PARENT = {"reports": "dashboard", "books": "dashboard", "printing": "dashboard"}
_LINKS = "nav.links"


def section() -> str | None:
    """The menu entry of the current page (its blueprint's name), for aria-current in base.html."""
    blueprint = request.blueprint if request else None
    return _NAV_PARENT.get(blueprint, blueprint)


def link(endpoint: str) -> str:
    """url_for(endpoint), built once per app and script root."""
    if not has_request_context():
        return url_for(endpoint)
    links = current_app.extensions.setdefault(_LINKS, {})
    key = (request.script_root, endpoint)
    url = links.get(key)
    if url is None:
        url = links[key] = url_for(endpoint)
    return url


def menu(backups=None) -> tuple[list[tuple[str, str, bool]], str | None]:
    """([(url, label, is the current page's entry)], the current entry's label or None) for the
    signed-in user; `backups` answers whether they may download backups (the backups domain's)."""
    views = current_app.view_functions
    here = f"{section()}.index"
    entries, current = [], None
    for endpoint, label, shown_to in MENU:
        if endpoint not in views:
            continue
        if shown_to == BACKUPS:
            if backups is None or not backups():
                continue
        elif shown_to is not None and not can(current_user, shown_to):
            continue
        entries.append((link(endpoint), label, endpoint == here))
        if endpoint == here:
            current = label
    return entries, current
